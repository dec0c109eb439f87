/// One connected piece of the network.
public struct NetworkComponent: Sendable, Equatable {
    /// Its segments, ascending (write them with ``StreetNetwork/segmentLonLat(_:)``).
    public var segments: [Int]
    public var nodeCount: Int
    /// Metres.
    public var length: Double

    public init(segments: [Int], nodeCount: Int, length: Double) {
        self.segments = segments
        self.nodeCount = nodeCount
        self.length = length
    }
}

extension StreetNetwork {
    /// The connected components, longest first (ties: the one with the lowest segment first).
    /// A network whose first component holds under 90 % of ``totalLength`` deserves a warning.
    ///
    /// ```swift
    /// let islands = network.components()
    /// islands[0].length / network.totalLength   // 0.97
    /// ```
    public func components() -> [NetworkComponent] {
        let label = componentLabels()
        let count = (label.max() ?? -1) + 1
        var segments = [[Int]](repeating: [], count: Int(count))
        var lengths = [Double](repeating: 0, count: Int(count))
        for s in 0..<segmentCount {
            let c = Int(label[Int(segmentFrom[s])])
            segments[c].append(s)
            lengths[c] += segmentLength[s]
        }
        var nodeCounts = [Int](repeating: 0, count: Int(count))
        for c in label { nodeCounts[Int(c)] += 1 }
        return (0..<Int(count)).map { NetworkComponent(segments: segments[$0], nodeCount: nodeCounts[$0], length: lengths[$0]) }
            .sorted { $0.length > $1.length || ($0.length == $1.length && $0.segments[0] < $1.segments[0]) }
    }

    /// The share of ``totalLength`` in the longest component (1 for a connected network).
    ///
    /// ```swift
    /// if network.largestComponentShare() < 0.9 { warn("the network falls apart into islands") }
    /// ```
    public func largestComponentShare() -> Double {
        let total = totalLength
        return total > 0 ? (components().first?.length ?? 0) / total : 0
    }

    /// A component number per node, by breadth-first search over the adjacency.
    private func componentLabels() -> [Int32] {
        var label = [Int32](repeating: -1, count: nodeCount)
        var queue: [Int32] = []
        var next: Int32 = 0
        for seed in 0..<nodeCount where label[seed] < 0 {
            label[seed] = next
            queue.removeAll(keepingCapacity: true)
            queue.append(Int32(seed))
            var head = 0
            while head < queue.count {
                let u = Int(queue[head])
                head += 1
                for e in adjacency.range(u) where label[Int(adjacency.neighbour[e])] < 0 {
                    label[Int(adjacency.neighbour[e])] = next
                    queue.append(adjacency.neighbour[e])
                }
            }
            next += 1
        }
        return label
    }

    /// Edges in the planner's sense: chains of segments between nodes that are not simple
    /// pass-throughs (degree ≠ 2), plus closed loops made only of pass-throughs.
    ///
    /// ```swift
    /// network.edgeCount()   // a straight street drawn with 5 vertices and no junction: 1
    /// ```
    public func edgeCount() -> Int {
        var used = [Bool](repeating: false, count: segmentCount)
        var edges = 0
        for start in 0..<nodeCount where adjacency.degree(start) != 2 {
            for e in adjacency.range(start) where !used[Int(adjacency.via[e])] {
                walkChain(from: start, entry: e, used: &used)
                edges += 1
            }
        }
        for s in 0..<segmentCount where !used[s] {
            walkChain(from: Int(segmentFrom[s]), entry: firstEntry(of: s, at: Int(segmentFrom[s])), used: &used)
            edges += 1
        }
        return edges
    }

    /// Marks the segments of a chain, leaving `node` through adjacency entry `entry`, until a node
    /// of degree ≠ 2 or a segment already marked.
    private func walkChain(from node: Int, entry: Int, used: inout [Bool]) {
        var e = entry
        while !used[Int(adjacency.via[e])] {
            let segment = Int(adjacency.via[e])
            used[segment] = true
            let next = Int(adjacency.neighbour[e])
            guard adjacency.degree(next) == 2 else { return }
            guard let onward = adjacency.range(next).first(where: { Int(adjacency.via[$0]) != segment }) else { return }
            e = onward
        }
    }

    private func firstEntry(of segment: Int, at node: Int) -> Int {
        adjacency.range(node).first { Int(adjacency.via[$0]) == segment } ?? adjacency.range(node).lowerBound
    }
}
