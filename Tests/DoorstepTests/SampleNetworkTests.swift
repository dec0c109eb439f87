import DoorstepCRS
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNetwork
import DoorstepSample
import Foundation
import Testing

/// The street network of the embedded sample city (geodata/sample/network.geojson): its shape and
/// tags, that it keeps the river and the expressway as barriers, that it reaches the people, and
/// that generating it leaves the other layers as they were.
@Suite("Sample street network")
struct SampleNetworkTests {
    static let projection = MetricProjection(centralMeridian: 120)

    static func features(_ name: String) throws -> [Feature] {
        try GeoJSONReader.read(file: Paths.sample + "/" + name).features
    }

    static func network() throws -> [Feature] { try features(SampleCity.fileNames.network) }

    static func string(_ feature: Feature, _ key: String) -> String? {
        if case .string(let value)? = feature.properties[key] { return value }
        return nil
    }

    static func parts(_ feature: Feature) -> [[Coordinate]] {
        switch feature.geometry {
        case .lineString(let line)?: [line]
        case .multiLineString(let lines)?: lines
        default: []
        }
    }

    /// The features as the network engine reads them.
    static func lines(_ features: [Feature]) -> [NetworkLine] {
        features.enumerated().map { index, feature in
            NetworkLine(parts: parts(feature), highway: string(feature, "highway"), foot: string(feature, "foot"), feature: index)
        }
    }

    static func walkable(_ features: [Feature]) -> [Feature] {
        zip(features, WalkRules.verdicts(lines(features))).filter { $0.1 == .usable }.map(\.0)
    }

    static func the(_ features: [Feature], _ key: String, _ value: String) throws -> Feature {
        try #require(features.first { string($0, key) == value })
    }

    /// Vertices as the graph identifies them: rounded to 7 decimals.
    static func keys(_ feature: Feature) -> Set<[Int64]> {
        Set(parts(feature).joined().map { [Int64(($0.x * 1e7).rounded()), Int64(($0.y * 1e7).rounded())] })
    }

    @Suite("Shape and tags")
    struct Shape {
        @Test("every feature is a line")
        func lines() throws {
            let network = try SampleNetworkTests.network()
            #expect(network.count > 100)
            #expect(network.allSatisfy { !SampleNetworkTests.parts($0).isEmpty })
            #expect(WalkRules.verdicts(SampleNetworkTests.lines(network)).allSatisfy { $0 != .tooShort })
        }

        @Test("the river, the expressway and the railway are not walkable; the streets are")
        func verdicts() throws {
            let network = try SampleNetworkTests.network()
            let verdicts = WalkRules.verdicts(SampleNetworkTests.lines(network))
            func verdict(_ key: String, _ value: String) -> LineVerdict? {
                network.firstIndex { SampleNetworkTests.string($0, key) == value }.map { verdicts[$0] }
            }
            #expect(verdict("waterway", "river") == .notAStreet)
            #expect(verdict("railway", "rail") == .notAStreet)
            #expect(verdict("highway", "motorway") == .motorway)
            #expect(verdict("foot", "no") == .footNo)
            for highway in ["primary", "secondary", "tertiary", "residential", "footway", "path"] {
                let usable = network.indices.contains { SampleNetworkTests.string(network[$0], "highway") == highway && verdicts[$0] == .usable }
                #expect(usable, "\(highway)")
            }
        }

        @Test("no street shares a vertex with the expressway")
        func motorwayIsolated() throws {
            let network = try SampleNetworkTests.network()
            let motorway = SampleNetworkTests.keys(try SampleNetworkTests.the(network, "highway", "motorway"))
            for street in SampleNetworkTests.walkable(network) {
                #expect(SampleNetworkTests.keys(street).isDisjoint(with: motorway), "\(street.properties)")
            }
        }

        @Test("only bridges cross the river, and only overpasses cross the expressway")
        func onlyBridgesCross() throws {
            let network = try SampleNetworkTests.network()
            let context = GEOSContext()
            for (key, value) in [("waterway", "river"), ("highway", "motorway")] {
                let barrier = try Geometry(try #require(try SampleNetworkTests.the(network, key, value).geometry), in: context)
                let crossing = try SampleNetworkTests.walkable(network).filter { street in
                    try Geometry(try #require(street.geometry), in: context).intersects(barrier)
                }
                #expect(crossing.count >= 3, "\(value)")
                #expect(crossing.allSatisfy { SampleNetworkTests.string($0, "bridge") == "yes" }, "\(value)")
                if value == "river" {
                    #expect(crossing.allSatisfy { SampleNetworkTests.string($0, "highway") == "secondary" })
                }
            }
        }

        @Test("bridges and overpasses are raised a layer (the island's footbridge is not a street)")
        func bridgeTags() throws {
            let bridges = try SampleNetworkTests.network().filter { SampleNetworkTests.string($0, "bridge") == "yes" }
            #expect(bridges.count >= 8)
            #expect(bridges.filter { SampleNetworkTests.string($0, "highway") != "footway" }.allSatisfy { SampleNetworkTests.string($0, "layer") == "1" })
        }

        @Test("a few footpaths, one of them private")
        func footpaths() throws {
            let network = try SampleNetworkTests.network()
            let footways = network.filter { SampleNetworkTests.string($0, "highway") == "footway" }
            #expect(footways.count >= 3)
            #expect(network.contains { SampleNetworkTests.string($0, "highway") == "path" })
            #expect(footways.count { SampleNetworkTests.string($0, "foot") == "no" } == 1)
        }
    }

    @Suite("Reach")
    struct Reach {
        /// Distances in metres from each point to the nearest walkable segment, by brute force over a grid of buckets.
        static func distancesToStreets(_ layer: String) throws -> [Double] {
            let projector = try SampleNetworkTests.projection.makeProjector()
            let network = SampleNetworkTests.walkable(try SampleNetworkTests.network())
            let segments = try network.flatMap(SampleNetworkTests.parts).flatMap { part in
                let xy = try projector.project(part)
                return zip(xy, xy.dropFirst()).map { ($0, $1) }
            }
            let points = try SampleNetworkTests.features(layer).compactMap { feature -> Coordinate? in
                if case .point(let c)? = feature.geometry { return c }
                return nil
            }
            let index = SampleSegmentBuckets(segments)
            return try projector.project(points).map(index.nearest)
        }

        @Test("at least 95 % of the demand points are within 300 m of a walkable street")
        func demand() throws {
            let distances = try Self.distancesToStreets(SampleCity.fileNames.demand)
            #expect(distances.count > 20_000)
            #expect(Double(distances.count { $0 <= 300 }) >= 0.95 * Double(distances.count))
        }

        @Test("at least 95 % of the facilities are within 300 m of a walkable street")
        func facilities() throws {
            let distances = try Self.distancesToStreets(SampleCity.fileNames.facilities)
            #expect(Double(distances.count { $0 <= 300 }) >= 0.95 * Double(distances.count))
        }

        @Test("the largest connected piece holds over 90 % of the walkable length")
        func connected() throws {
            let network = try StreetNetwork(lines: SampleNetworkTests.lines(try SampleNetworkTests.network()), projection: SampleNetworkTests.projection)
            let pieces = network.components()
            let largest = try #require(pieces.first)
            #expect(largest.length > 0.9 * network.totalLength)
        }

        /// Two points a stone's throw apart on either bank, halfway between two bridges: the walk
        /// goes round by a bridge.
        @Test("across the river, the walk is many times the straight line")
        func detour() throws {
            let features = try SampleNetworkTests.network()
            let network = try StreetNetwork(lines: SampleNetworkTests.lines(features), projection: SampleNetworkTests.projection)
            let river = try #require(SampleNetworkTests.parts(try SampleNetworkTests.the(features, "waterway", "river")).first)
            let bridges = features.filter { SampleNetworkTests.string($0, "bridge") == "yes" && SampleNetworkTests.string($0, "highway") == "secondary" }
                .compactMap { SampleNetworkTests.parts($0).first?.first?.x }.sorted()
            try #require(bridges.count >= 5)
            // Between the two middle bridges, where the city is dense.
            let middle = bridges.count / 2
            let x = (bridges[middle - 1] + bridges[middle]) / 2
            let y = try #require(Self.latitude(of: river, at: x))
            let ends = try network.join(lonLat: [Coordinate(x, y - 0.0007), Coordinate(x, y + 0.0007)], snapMax: 300)
            let south = try #require(ends[0]), north = try #require(ends[1])
            let walk = try #require(network.distance(from: south, to: north))
            #expect(walk > 1000, "walk \(walk) m across a river about 160 m wide (with the banks' streets)")
        }

        static func latitude(of line: [Coordinate], at x: Double) -> Double? {
            zip(line, line.dropFirst()).first { min($0.x, $1.x) <= x && x <= max($0.x, $1.x) && $0.x != $1.x }
                .map { a, b in a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x) }
        }
    }

    @Suite("Generation")
    struct Generation {
        @Test("the default seed and scale give the committed files, all five of them, byte for byte")
        func committed() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            try SampleCity.generate().write(to: folder.path)
            let names = SampleCity.fileNames
            for name in [names.units, names.facilities, names.demand, names.roads, names.network] {
                let made = try Data(contentsOf: URL(fileURLWithPath: folder.file(name)))
                let committed = try Data(contentsOf: URL(fileURLWithPath: Paths.sample + "/" + name))
                #expect(made == committed, "\(name)")
            }
        }

        @Test("the same seed gives the same network; another seed another one")
        func seeded() throws {
            let writer = GeoJSONWriter()
            let first = writer.featureCollection(try SampleCity.generate(seed: 7, scale: 0.3).network)
            let again = writer.featureCollection(try SampleCity.generate(seed: 7, scale: 0.3).network)
            let other = writer.featureCollection(try SampleCity.generate(seed: 8, scale: 0.3).network)
            #expect(first == again)
            #expect(first != other)
        }

        @Test("the network grows with the city", arguments: [0.001, 0.3, 2.0])
        func scaled(scale: Double) throws {
            let city = try SampleCity.generate(seed: 11, scale: scale)
            let network = try StreetNetwork(lines: SampleNetworkTests.lines(city.network), projection: SampleNetworkTests.projection)
            let largest = try #require(network.components().first)
            #expect(largest.length > 0.9 * network.totalLength)
            #expect(network.totalLength > 100_000 * max(1, scale))
        }
    }
}

/// Segments in metres, bucketed by 500 m squares, for nearest-segment distances without GEOS.
struct SampleSegmentBuckets {
    static let size = 500.0
    let segments: [(Coordinate, Coordinate)]
    let buckets: [[Int]: [Int]]

    init(_ segments: [(Coordinate, Coordinate)]) {
        self.segments = segments
        var buckets: [[Int]: [Int]] = [:]
        for (s, segment) in segments.enumerated() {
            let (x0, y0) = Self.cell(Coordinate(min(segment.0.x, segment.1.x), min(segment.0.y, segment.1.y)))
            let (x1, y1) = Self.cell(Coordinate(max(segment.0.x, segment.1.x), max(segment.0.y, segment.1.y)))
            for x in x0...x1 {
                for y in y0...y1 { buckets[[x, y], default: []].append(s) }
            }
        }
        self.buckets = buckets
    }

    static func cell(_ c: Coordinate) -> (Int, Int) { (Int((c.x / size).rounded(.down)), Int((c.y / size).rounded(.down))) }

    /// The distance to the nearest segment within the surrounding buckets (so exact up to 500 m),
    /// or infinity.
    func nearest(_ p: Coordinate) -> Double {
        let (cx, cy) = Self.cell(p)
        var best = Double.infinity
        for x in (cx - 1)...(cx + 1) {
            for y in (cy - 1)...(cy + 1) {
                for s in buckets[[x, y]] ?? [] { best = min(best, Self.distance(p, segments[s].0, segments[s].1)) }
            }
        }
        return best
    }

    static func distance(_ p: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let lengthSquared = dx * dx + dy * dy
        let t = lengthSquared > 0 ? min(1, max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared)) : 0
        return hypot(a.x + t * dx - p.x, a.y + t * dy - p.y)
    }
}
