/// A binary min-heap of (distance, node), with stale entries skipped on pop rather than decreased
/// in place: simpler, and as fast on street graphs, whose nodes have few neighbours.
struct MinHeap: Sendable {
    private var keys: [Double] = []
    private var values: [Int32] = []

    var isEmpty: Bool { keys.isEmpty }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    mutating func push(_ key: Double, _ value: Int32) {
        keys.append(key)
        values.append(value)
        var child = keys.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard keys[child] < keys[parent] else { break }
            keys.swapAt(child, parent)
            values.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (key: Double, value: Int32)? {
        guard let lastKey = keys.last, let lastValue = values.last else { return nil }
        let top = (keys[0], values[0])
        keys.removeLast()
        values.removeLast()
        guard !keys.isEmpty else { return top }
        keys[0] = lastKey
        values[0] = lastValue
        siftDown()
        return top
    }

    private mutating func siftDown() {
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < keys.count, keys[left] < keys[smallest] { smallest = left }
            if right < keys.count, keys[right] < keys[smallest] { smallest = right }
            guard smallest != parent else { return }
            keys.swapAt(parent, smallest)
            values.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

/// The per-search state of a bounded Dijkstra: node distances, which source reached each node, and
/// the nodes touched, so a search can be undone in time proportional to what it reached.
struct SearchState: Sendable {
    private(set) var distance: [Double]
    private(set) var source: [Int32]
    private(set) var touched: [Int32] = []
    private var heap = MinHeap()

    init(nodeCount: Int) {
        distance = [Double](repeating: .infinity, count: nodeCount)
        source = [Int32](repeating: -1, count: nodeCount)
    }

    /// Back to "nothing reached", in O(touched).
    mutating func reset() {
        for node in touched {
            distance[Int(node)] = .infinity
            source[Int(node)] = -1
        }
        touched.removeAll(keepingCapacity: true)
        heap.removeAll()
    }

    /// Offers `node` at `d` from source `label`; kept when it improves and is within `limit`.
    mutating func offer(_ node: Int32, _ d: Double, label: Int32, limit: Double) {
        let u = Int(node)
        guard d <= limit, d < distance[u] else { return }
        if distance[u] == .infinity { touched.append(node) }
        distance[u] = d
        source[u] = label
        heap.push(d, node)
    }

    /// Seeds both ends of a join's segment: the spot is `fraction·L` from `from` and the rest from `to`.
    mutating func seed(_ join: Join, label: Int32, in network: StreetNetwork, limit: Double) {
        let length = network.segmentLength[join.segment]
        offer(network.segmentFrom[join.segment], join.access + join.fraction * length, label: label, limit: limit)
        offer(network.segmentTo[join.segment], join.access + (1 - join.fraction) * length, label: label, limit: limit)
    }

    /// Settles every node within `limit`. Nothing beyond `limit` is ever queued, so afterwards every
    /// finite distance is final.
    mutating func run(on network: StreetNetwork, limit: Double) {
        let adjacency = network.adjacency
        let lengths = network.segmentLength
        while let (d, node) = heap.pop() {
            let u = Int(node)
            guard d <= distance[u] else { continue }  // a stale entry
            let label = source[u]
            for e in adjacency.range(u) {
                offer(adjacency.neighbour[e], d + lengths[Int(adjacency.via[e])], label: label, limit: limit)
            }
        }
    }

    /// The best way onto `target` through either end of its segment: (distance, source), infinity if neither was reached.
    func arrival(at target: Join, in network: StreetNetwork) -> (distance: Double, source: Int32) {
        let length = network.segmentLength[target.segment]
        let a = Int(network.segmentFrom[target.segment]), b = Int(network.segmentTo[target.segment])
        let viaA = distance[a] + target.fraction * length
        let viaB = distance[b] + (1 - target.fraction) * length
        return viaA <= viaB ? (viaA + target.access, source[a]) : (viaB + target.access, source[b])
    }
}

extension StreetNetwork {
    /// Along the shared segment, without passing a node: the same-segment case of item 4.
    func direct(_ from: Join, _ to: Join) -> Double {
        from.access + abs(from.fraction - to.fraction) * segmentLength[from.segment] + to.access
    }
}
