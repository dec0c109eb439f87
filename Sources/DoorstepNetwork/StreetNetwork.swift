import DoorstepCRS
import DoorstepGeometry

/// The walkable street network as a graph in metres: nodes are the distinct vertices of the usable
/// lines (rounded to 7 decimals), segments join consecutive vertices. Lines connect only where they
/// share a vertex; crossings without one (bridges, tunnels) do not connect.
///
/// Everything is flat arrays, so a city of a million segments is a few tens of megabytes and the
/// value crosses tasks freely.
///
/// ```swift
/// let network = try StreetNetwork(lines: lines, projection: MetricProjection(centralMeridian: 120))
/// let home = network.join(homeXY, snapMax: 300)          // nil: off the network
/// let canteens = canteenXY.compactMap { network.join($0, snapMax: 300) }
/// network.nearestDistances(from: canteens, to: [home], within: 500)  // [412.5] or [nil]
/// ```
public struct StreetNetwork: Sendable {
    /// The projection the metres are in; project demand and facilities with the same one.
    public let projection: MetricProjection
    /// Per input line, whether it was used and why not.
    public let verdicts: [LineVerdict]
    /// Node positions in metres, and as read (longitude/latitude).
    public let nodes: [Coordinate]
    public let nodeLonLat: [Coordinate]
    /// Segment s runs from node `segmentFrom[s]` to node `segmentTo[s]`; fractions of a ``Join`` count from `segmentFrom`.
    public let segmentFrom: [Int32]
    public let segmentTo: [Int32]
    /// Lengths in metres.
    public let segmentLength: [Double]
    /// The ``NetworkLine/feature`` each segment comes from.
    public let segmentFeature: [Int]
    let adjacency: Adjacency
    let grid: SegmentGrid

    /// Builds the graph from the usable lines (``WalkRules``), projecting their vertices (only the
    /// vertices, not densified, so that they stay the graph's vertices) with `projection`.
    ///
    /// Throws when no line is usable, when a usable line has a coordinate that is not a
    /// longitude/latitude, or when PROJ fails.
    public init(lines: [NetworkLine], projection: MetricProjection) throws(NetworkError) {
        let verdicts = WalkRules.verdicts(lines)
        let builder = try GraphBuilder(lines: lines, verdicts: verdicts)
        guard !builder.segmentFrom.isEmpty else {
            throw NetworkError("the network has no usable line (\(WalkRules.summary(verdicts)))")
        }
        let nodes: [Coordinate]
        do {
            nodes = try projection.makeProjector().project(builder.nodeLonLat)
        } catch {
            throw NetworkError("cannot project the network: \(error)")
        }
        // Far outside its 3° zone transverse Mercator gives infinities, which would poison every length.
        if let bad = nodes.indices.first(where: { !nodes[$0].x.isFinite || !nodes[$0].y.isFinite }) {
            let c = builder.nodeLonLat[bad]
            throw NetworkError("network vertex (\(c.x), \(c.y)) cannot be projected in the zone of \(projection.centralMeridian)°E")
        }
        self.projection = projection
        self.verdicts = verdicts
        self.nodes = nodes
        nodeLonLat = builder.nodeLonLat
        segmentFrom = builder.segmentFrom
        segmentTo = builder.segmentTo
        segmentFeature = builder.segmentFeature
        segmentLength = zip(builder.segmentFrom, builder.segmentTo).map { a, b in
            metres(nodes[Int(a)], nodes[Int(b)])
        }
        adjacency = Adjacency(nodeCount: nodes.count, from: segmentFrom, to: segmentTo)
        grid = SegmentGrid(nodes: nodes, from: segmentFrom, to: segmentTo, lengths: segmentLength)
    }

    public var nodeCount: Int { nodes.count }
    public var segmentCount: Int { segmentFrom.count }
    /// Metres of usable street.
    public var totalLength: Double { segmentLength.reduce(0, +) }

    /// The extent of the network in longitude/latitude (to name it when it misses the units).
    public var envelope: Envelope {
        Envelope(of: nodeLonLat) ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
    }

    /// A segment's two ends in metres.
    public func segmentCoordinates(_ segment: Int) -> [Coordinate] {
        [nodes[Int(segmentFrom[segment])], nodes[Int(segmentTo[segment])]]
    }

    /// A segment's two ends as read (longitude/latitude), for writing GeoJSON.
    public func segmentLonLat(_ segment: Int) -> [Coordinate] {
        [nodeLonLat[Int(segmentFrom[segment])], nodeLonLat[Int(segmentTo[segment])]]
    }

    /// The point at `offset` metres from a segment's `from` node; at either end exactly that node, so
    /// that parts meeting there share the coordinate and can be chained into one line.
    func point(on segment: Int, at offset: Double) -> Coordinate {
        let a = nodes[Int(segmentFrom[segment])], b = nodes[Int(segmentTo[segment])]
        if offset <= 0 { return a }
        if offset >= segmentLength[segment] { return b }
        let t = segmentLength[segment] > 0 ? offset / segmentLength[segment] : 0
        return Coordinate(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
    }
}

func metres(_ a: Coordinate, _ b: Coordinate) -> Double {
    ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
}
