import DoorstepGeometry

/// Turns usable lines into nodes (distinct rounded vertices) and segments (consecutive vertices).
struct GraphBuilder {
    var nodeLonLat: [Coordinate] = []
    var segmentFrom: [Int32] = []
    var segmentTo: [Int32] = []
    var segmentFeature: [Int] = []
    private var nodeOf: [VertexKey: Int32] = [:]

    init(lines: [NetworkLine], verdicts: [LineVerdict]) throws(NetworkError) {
        for (line, verdict) in zip(lines, verdicts) where verdict == .usable {
            for part in line.parts {
                try add(part, feature: line.feature)
            }
        }
    }

    private mutating func add(_ part: [Coordinate], feature: Int) throws(NetworkError) {
        var previous: Int32?
        for c in part {
            guard c.x.isFinite, c.y.isFinite, abs(c.x) <= 180, abs(c.y) <= 90 else {
                throw NetworkError("network feature \(feature): coordinate (\(c.x), \(c.y)) is not a longitude/latitude")
            }
            let node = try node(at: c)
            // A repeated vertex (equal after rounding) adds no segment: it would have no length.
            if let previous, previous != node {
                segmentFrom.append(previous)
                segmentTo.append(node)
                segmentFeature.append(feature)
            }
            previous = node
        }
        guard segmentFrom.count < Int(Int32.max) else {
            throw NetworkError("the network has more than \(Int32.max) segments")
        }
    }

    private mutating func node(at c: Coordinate) throws(NetworkError) -> Int32 {
        let key = VertexKey(c)
        if let existing = nodeOf[key] { return existing }
        guard nodeLonLat.count < Int(Int32.max) else {
            throw NetworkError("the network has more than \(Int32.max) vertices")
        }
        let node = Int32(nodeLonLat.count)
        nodeOf[key] = node
        nodeLonLat.append(c)
        return node
    }
}

/// Node-to-segment adjacency in compressed-row form: the neighbours of node u are
/// `neighbour[start[u]..<start[u + 1]]`, reached along `via` (a segment index) each.
struct Adjacency: Sendable {
    let start: [Int32]
    let neighbour: [Int32]
    let via: [Int32]

    init(nodeCount: Int, from: [Int32], to: [Int32]) {
        var start = [Int32](repeating: 0, count: nodeCount + 1)
        for s in from.indices {
            start[Int(from[s]) + 1] += 1
            start[Int(to[s]) + 1] += 1
        }
        for u in 0..<nodeCount { start[u + 1] += start[u] }
        var fill = start
        var neighbour = [Int32](repeating: 0, count: 2 * from.count)
        var via = [Int32](repeating: 0, count: 2 * from.count)
        for s in from.indices {
            let a = Int(from[s]), b = Int(to[s])
            neighbour[Int(fill[a])] = to[s]
            via[Int(fill[a])] = Int32(s)
            fill[a] += 1
            neighbour[Int(fill[b])] = from[s]
            via[Int(fill[b])] = Int32(s)
            fill[b] += 1
        }
        self.start = start
        self.neighbour = neighbour
        self.via = via
    }

    func degree(_ node: Int) -> Int { Int(start[node + 1] - start[node]) }

    func range(_ node: Int) -> Range<Int> { Int(start[node])..<Int(start[node + 1]) }
}
