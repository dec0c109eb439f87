/// A position in a plane: longitude/latitude degrees or projected metres, depending on the layer.
public struct Coordinate: Hashable, Sendable {
    public var x: Double
    public var y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A geometry as plain coordinates: a value that can cross tasks, unlike a GEOS ``Geometry``,
/// which belongs to the ``GEOSContext`` of one task.
///
/// Rings are closed (first coordinate equals last), as in GeoJSON and WKB.
///
/// ```swift
/// let square = GeometryValue.polygon([[.init(0, 0), .init(1, 0), .init(1, 1), .init(0, 0)]])
/// let geometry = try Geometry(square, in: context)
/// ```
public indirect enum GeometryValue: Hashable, Sendable {
    case point(Coordinate)
    case multiPoint([Coordinate])
    case lineString([Coordinate])
    case multiLineString([[Coordinate]])
    case polygon([[Coordinate]])
    case multiPolygon([[[Coordinate]]])
    case geometryCollection([GeometryValue])

    /// The GeoJSON type name: `Point`, `MultiPolygon` …
    public var typeName: String {
        switch self {
        case .point: "Point"
        case .multiPoint: "MultiPoint"
        case .lineString: "LineString"
        case .multiLineString: "MultiLineString"
        case .polygon: "Polygon"
        case .multiPolygon: "MultiPolygon"
        case .geometryCollection: "GeometryCollection"
        }
    }

    /// Every coordinate, in order.
    public var coordinates: [Coordinate] {
        switch self {
        case .point(let c): [c]
        case .multiPoint(let cs), .lineString(let cs): cs
        case .multiLineString(let lines): lines.flatMap { $0 }
        case .polygon(let rings): rings.flatMap { $0 }
        case .multiPolygon(let polygons): polygons.flatMap { $0.flatMap { $0 } }
        case .geometryCollection(let parts): parts.flatMap(\.coordinates)
        }
    }

    /// The smallest envelope around every coordinate (as `Envelope(of: coordinates)`), found without
    /// gathering them into one array; `nil` when there are none.
    ///
    /// ```swift
    /// GeometryValue.lineString([Coordinate(0, 0), Coordinate(2, 1)]).envelope   // 0…2 × 0…1
    /// ```
    public var envelope: Envelope? {
        switch self {
        case .point(let c): Envelope(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y)
        case .multiPoint(let cs), .lineString(let cs): Envelope(of: cs)
        case .multiLineString(let runs), .polygon(let runs): Envelope.around(runs.lazy.map { Envelope(of: $0) })
        case .multiPolygon(let polygons): Envelope.around(polygons.lazy.map { Envelope.around($0.lazy.map { Envelope(of: $0) }) })
        case .geometryCollection(let parts): Envelope.around(parts.lazy.map(\.envelope))
        }
    }

    /// How many coordinates ``coordinates`` holds, counted without gathering them.
    public var coordinateCount: Int {
        switch self {
        case .point: 1
        case .multiPoint(let cs), .lineString(let cs): cs.count
        case .multiLineString(let runs), .polygon(let runs): runs.reduce(0) { $0 + $1.count }
        case .multiPolygon(let polygons): polygons.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        case .geometryCollection(let parts): parts.reduce(0) { $0 + $1.coordinateCount }
        }
    }

    /// The same geometry with every coordinate transformed.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) rethrows -> GeometryValue {
        switch self {
        case .point(let c): .point(try transform(c))
        case .multiPoint(let cs): .multiPoint(try cs.map(transform))
        case .lineString(let cs): .lineString(try cs.map(transform))
        case .multiLineString(let lines): .multiLineString(try lines.map { try $0.map(transform) })
        case .polygon(let rings): .polygon(try rings.map { try $0.map(transform) })
        case .multiPolygon(let polygons):
            .multiPolygon(try polygons.map { try $0.map { try $0.map(transform) } })
        case .geometryCollection(let parts):
            .geometryCollection(try parts.map { try $0.mapCoordinates(transform) })
        }
    }

    /// The same geometry with points added along every edge longer than `maxStep` (in its own units),
    /// evenly, so that no piece is longer than that. Points are returned as they are.
    ///
    /// ```swift
    /// GeometryValue.lineString([.init(0, 0), .init(1, 0)]).densified(maxStep: 0.5)  // (0 0, 0.5 0, 1 0)
    /// ```
    public func densified(maxStep: Double) -> GeometryValue {
        func densify(_ line: [Coordinate]) -> [Coordinate] {
            guard line.count > 1 else { return line }
            var result: [Coordinate] = []
            result.reserveCapacity(line.count)
            for (a, b) in zip(line, line.dropFirst()) {
                result.append(a)
                let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                guard length > maxStep, length.isFinite else { continue }
                // Capped so that a hostile edge cannot ask for billions of points.
                let pieces = Int(min((length / maxStep).rounded(.up), 100_000))
                for step in 1..<pieces {
                    let t = Double(step) / Double(pieces)
                    result.append(Coordinate(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
                }
            }
            if let last = line.last { result.append(last) }
            return result
        }
        switch self {
        case .point, .multiPoint: return self
        case .lineString(let line): return .lineString(densify(line))
        case .multiLineString(let lines): return .multiLineString(lines.map(densify))
        case .polygon(let rings): return .polygon(rings.map(densify))
        case .multiPolygon(let polygons): return .multiPolygon(polygons.map { $0.map(densify) })
        case .geometryCollection(let parts): return .geometryCollection(parts.map { $0.densified(maxStep: maxStep) })
        }
    }

    /// The polygons of a `Polygon` or `MultiPolygon` (or of the polygonal parts of a collection).
    public var polygons: [[[Coordinate]]] {
        switch self {
        case .polygon(let rings): [rings]
        case .multiPolygon(let polygons): polygons
        case .geometryCollection(let parts): parts.flatMap(\.polygons)
        default: []
        }
    }

    /// Whether this is a `Polygon` or a `MultiPolygon`.
    public var isPolygonal: Bool {
        switch self {
        case .polygon, .multiPolygon: true
        default: false
        }
    }

    /// A multi-geometry of one part as that part (GEOS may answer a Polygon with a MultiPolygon).
    public var singlePartSimplified: GeometryValue {
        switch self {
        case .multiPolygon(let polygons) where polygons.count == 1: .polygon(polygons[0])
        case .multiLineString(let lines) where lines.count == 1: .lineString(lines[0])
        case .multiPoint(let points) where points.count == 1: .point(points[0])
        default: self
        }
    }

    /// Exterior rings counter-clockwise, holes clockwise, as RFC 7946 asks.
    public func orientedForGeoJSON() -> GeometryValue {
        func orient(_ rings: [[Coordinate]]) -> [[Coordinate]] {
            rings.enumerated().map { index, ring in
                let counterClockwise = Self.signedArea(ring) > 0
                return (index == 0) == counterClockwise ? ring : ring.reversed()
            }
        }
        switch self {
        case .polygon(let rings): return .polygon(orient(rings))
        case .multiPolygon(let polygons): return .multiPolygon(polygons.map(orient))
        case .geometryCollection(let parts): return .geometryCollection(parts.map { $0.orientedForGeoJSON() })
        default: return self
        }
    }

    /// Whether `p` lies inside the polygonal parts, by the crossing number on plain coordinates (no
    /// GEOS): a point in a hole is outside; points exactly on an edge may fall either way.
    ///
    /// ```swift
    /// GeometryValue.polygon([[.init(0, 0), .init(2, 0), .init(2, 2), .init(0, 2), .init(0, 0)]]).encloses(.init(1, 1))   // true
    /// ```
    public func encloses(_ p: Coordinate) -> Bool {
        switch self {
        case .polygon(let rings): Self.ringsEnclose(rings, p)
        case .multiPolygon(let polygons): polygons.contains { Self.ringsEnclose($0, p) }
        case .geometryCollection(let parts): parts.contains { $0.encloses(p) }
        default: false
        }
    }

    /// Whether `p` is inside an odd number of `rings` (an exterior and its holes); a ring may repeat
    /// its first point at the end or not.
    public static func ringsEnclose(_ rings: [[Coordinate]], _ p: Coordinate) -> Bool {
        var inside = false
        for ring in rings where ring.count >= 3 {
            var j = ring.count - 1
            for i in 0..<ring.count {
                let a = ring[i], b = ring[j]
                if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                j = i
            }
        }
        return inside
    }

    /// The shoelace area of a closed ring, positive when counter-clockwise.
    public static func signedArea(_ ring: [Coordinate]) -> Double {
        guard ring.count > 2 else { return 0 }
        var sum = 0.0
        let origin = ring[0]
        for i in 0..<(ring.count - 1) {
            let a = ring[i], b = ring[i + 1]
            sum += (a.x - origin.x) * (b.y - origin.y) - (b.x - origin.x) * (a.y - origin.y)
        }
        return sum / 2
    }
}

/// An axis-aligned rectangle.
public struct Envelope: Hashable, Sendable {
    public var minX, minY, maxX, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The smallest envelope around `coordinates`, or `nil` when there are none. Inlinable, so that
    /// other modules get it specialised: generic, it cost a witness call per coordinate.
    @inlinable
    public init?<S: Sequence>(of coordinates: S) where S.Element == Coordinate {
        var iterator = coordinates.makeIterator()
        guard let first = iterator.next() else { return nil }
        self.init(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)
        while let c = iterator.next() {
            minX = Swift.min(minX, c.x)
            minY = Swift.min(minY, c.y)
            maxX = Swift.max(maxX, c.x)
            maxY = Swift.max(maxY, c.y)
        }
    }

    /// The square of half-side `reach` around `centre`: what a search within `reach` of it must look at.
    ///
    /// ```swift
    /// Envelope(around: Coordinate(500, 500), reach: 100)   // 400…600 × 400…600
    /// ```
    public init(around centre: Coordinate, reach: Double) {
        self.init(minX: centre.x - reach, minY: centre.y - reach, maxX: centre.x + reach, maxY: centre.y + reach)
    }

    public var center: Coordinate { Coordinate((minX + maxX) / 2, (minY + maxY) / 2) }

    public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }

    /// Whether `other` lies wholly inside this rectangle (edges included).
    public func contains(_ other: Envelope) -> Bool {
        other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    /// Whether the two rectangles share a point (touching edges count).
    public func intersects(_ other: Envelope) -> Bool {
        minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }

    public func expanded(by distance: Double) -> Envelope {
        Envelope(minX: minX - distance, minY: minY - distance, maxX: maxX + distance, maxY: maxY + distance)
    }

    /// The smallest envelope around those given; `nil` when none is given.
    @inlinable
    public static func around(_ envelopes: some Sequence<Envelope?>) -> Envelope? {
        envelopes.reduce(nil) { sum, next in
            guard let sum else { return next }
            return next.map(sum.union) ?? sum
        }
    }

    public func union(_ other: Envelope) -> Envelope {
        Envelope(
            minX: Swift.min(minX, other.minX), minY: Swift.min(minY, other.minY),
            maxX: Swift.max(maxX, other.maxX), maxY: Swift.max(maxY, other.maxY))
    }
}
