import DoorstepCRS
import DoorstepGeometry
import DoorstepNetwork
import Foundation
import Testing

/// Hand-made networks near (120°E, 30°N). Lines are written in metres from an origin and turned into
/// longitude/latitude by the inverse of the projection the network uses, so every expected distance
/// is exact arithmetic (1,400 m is 1,400 m), not a reading of degrees.
@Suite("Street network")
struct NetworkTests {
    /// Metres ↔ longitude/latitude around (120, 30), and lines built in metres.
    struct Plan {
        static let projection = MetricProjection(centralMeridian: 120)
        let projector: Projector
        let origin: Coordinate

        init() throws {
            projector = try Self.projection.makeProjector()
            origin = try projector.project([Coordinate(120, 30)])[0]
        }

        /// A position `x` metres east and `y` metres north of the origin, in the network's metres.
        func at(_ x: Double, _ y: Double) -> Coordinate { Coordinate(origin.x + x, origin.y + y) }

        func lonLat(_ points: [(Double, Double)]) throws -> [Coordinate] {
            try projector.unproject(points.map { at($0.0, $0.1) })
        }

        func line(_ points: [(Double, Double)], highway: String? = "residential", foot: String? = nil, feature: Int = 0) throws -> NetworkLine {
            NetworkLine(parts: [try lonLat(points)], highway: highway, foot: foot, feature: feature)
        }

        func network(_ lines: [NetworkLine]) throws -> StreetNetwork {
            try StreetNetwork(lines: lines, projection: Self.projection)
        }

        /// Joins a point given in metres from the origin; fails the test when it is off the network.
        func join(_ network: StreetNetwork, _ x: Double, _ y: Double, snapMax: Double = 300) throws -> Join {
            try #require(network.join(at(x, y), snapMax: snapMax))
        }
    }

    /// Lengths in metres of two-point parts, sorted, for comparing catchments.
    static func lengths(_ parts: [[Coordinate]]) -> [Double] {
        parts.map(length).sorted()
    }

    static func length(_ part: [Coordinate]) -> Double {
        var total = 0.0
        for (a, b) in zip(part, part.dropFirst()) { total += hypot(a.x - b.x, a.y - b.y) }
        return total
    }

    static func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-6) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    @Suite("Which lines are walkable")
    struct Rules {
        func line(_ highway: String?, foot: String? = nil) -> NetworkLine {
            NetworkLine(parts: [[Coordinate(120, 30), Coordinate(120.001, 30)]], highway: highway, foot: foot)
        }

        @Test("foot=no is left out, whatever the highway")
        func footNo() {
            #expect(WalkRules.verdicts([line("footway", foot: "no"), line("residential")]) == [.footNo, .usable])
            #expect(WalkRules.verdicts([line("motorway", foot: "no")]) == [.footNo])
        }

        @Test("motorways and trunks are left out unless foot is yes or designated")
        func motorways() {
            let lines = [
                line("motorway"), line("motorway_link"), line("trunk"), line("trunk_link"),
                line("motorway", foot: "yes"), line("trunk_link", foot: "designated"), line("trunk", foot: "permissive"),
                line("primary"),
            ]
            #expect(WalkRules.verdicts(lines) == [.motorway, .motorway, .motorway, .motorway, .usable, .usable, .motorway, .usable])
        }

        @Test("in a layer with highways, a line without one is no street; construction and proposed are not built")
        func layerWithHighways() {
            let lines = [line("residential"), line(nil), line(""), line("construction"), line("proposed"), line(" Footway ")]
            #expect(WalkRules.verdicts(lines) == [.usable, .notAStreet, .notAStreet, .construction, .construction, .usable])
        }

        @Test("a layer without any highway is all usable")
        func layerWithoutHighways() {
            #expect(WalkRules.verdicts([line(nil), line(nil), line(nil, foot: "no")]) == [.usable, .usable, .footNo])
        }

        @Test("a line needs two distinct points after rounding to 7 decimals, in some part")
        func tooShort() {
            let a = Coordinate(120, 30)
            let shapes: [[[Coordinate]]] = [
                [[a]], [[a, a, a]], [[a, Coordinate(120.00000001, 30.00000002)]], [], [[]],
                [[a], [a, Coordinate(120.001, 30)]],
            ]
            let verdicts = WalkRules.verdicts(shapes.map { NetworkLine(parts: $0, highway: "path") })
            #expect(verdicts == [.tooShort, .tooShort, .tooShort, .tooShort, .tooShort, .usable])
        }

        @Test("foot is read from GDAL's other_tags")
        func otherTags() {
            #expect(WalkRules.tag("foot", inOtherTags: #""bicycle"=>"no","foot"=>"yes""#) == "yes")
            #expect(WalkRules.tag("foot", inOtherTags: #""foot" => "designated" , "lit"=>"yes""#) == "designated")
            #expect(WalkRules.tag("foot", inOtherTags: #""bicycle"=>"no""#) == nil)
            #expect(WalkRules.tag("foot", inOtherTags: "") == nil)
            #expect(WalkRules.tag("name", inOtherTags: #""name"=>"西湖\"大道\"","foot"=>"no""#) == #"西湖"大道""#)
            #expect(WalkRules.tag("foot", inOtherTags: #""name"=>"西湖\"大道\"","foot"=>"no""#) == "no")
            // Malformed text yields what parsed before the fault, never a crash.
            #expect(WalkRules.tag("foot", inOtherTags: #""foot"=>"no"#) == nil)
            #expect(WalkRules.otherTags(#""a"=>"1","b"=>2"#).map(\.key) == ["a"])
        }

        @Test("a foot=no path and a motorway are not in the graph; a motorway with foot=yes is")
        func excludedFromGraph() throws {
            let plan = try Plan()
            let network = try plan.network([
                try plan.line([(0, 0), (1000, 0)], highway: "residential", feature: 0),
                try plan.line([(0, 50), (1000, 50)], highway: "footway", foot: "no", feature: 1),
                try plan.line([(0, 100), (1000, 100)], highway: "motorway", feature: 2),
                try plan.line([(0, 150), (1000, 150)], highway: "motorway", foot: "yes", feature: 3),
            ])
            #expect(network.verdicts == [.usable, .footNo, .motorway, .usable])
            #expect(network.segmentCount == 2)
            // A point on the foot=no path joins the street 50 m away, not the path.
            let onPath = try plan.join(network, 500, 50)
            #expect(NetworkTests.close(onPath.access, 50, tolerance: 1e-6))
            #expect(network.segmentFeature[onPath.segment] == 0)
            let onMotorway = try plan.join(network, 500, 100)
            #expect(NetworkTests.close(onMotorway.access, 50, tolerance: 1e-6))
            #expect(network.segmentFeature[onMotorway.segment] == 3)
        }
    }

    @Suite("The graph")
    struct Graph {
        @Test("streets that cross without a shared vertex do not connect; with one they do")
        func crossing() throws {
            let plan = try Plan()
            let bridge = try plan.network([
                try plan.line([(-500, 0), (500, 0)]),
                try plan.line([(0, -500), (0, 500)]),
            ])
            #expect(bridge.nodeCount == 4)
            #expect(bridge.components().count == 2)
            let west = try plan.join(bridge, -500, 0), north = try plan.join(bridge, 0, 500)
            #expect(bridge.distance(from: west, to: north) == nil)

            let junction = try plan.network([
                try plan.line([(-500, 0), (0, 0), (500, 0)]),
                try plan.line([(0, -500), (0, 0), (0, 500)]),
            ])
            #expect(junction.nodeCount == 5)
            #expect(junction.components().count == 1)
            #expect(junction.edgeCount() == 4)
            let from = try plan.join(junction, -500, 0), to = try plan.join(junction, 0, 500)
            #expect(NetworkTests.close(junction.distance(from: from, to: to), 1000))
        }

        @Test("vertices equal after rounding to 7 decimals connect; 1e-6° apart they do not")
        func rounding() throws {
            func network(_ meetingX: Double) throws -> StreetNetwork {
                try StreetNetwork(lines: [
                    NetworkLine(parts: [[Coordinate(119.999, 30), Coordinate(120.00000001, 30.00000003)]], highway: "path"),
                    NetworkLine(parts: [[Coordinate(meetingX, 29.99999996), Coordinate(120.001, 30)]], highway: "path"),
                ], projection: Plan.projection)
            }
            let near = try network(120.00000004)
            #expect(near.nodeCount == 3)
            #expect(near.components().count == 1)
            let apart = try network(120.00000101)
            #expect(apart.nodeCount == 4)
            #expect(apart.components().count == 2)
        }

        @Test("counts and lengths; repeated vertices add no segment; multi-part lines")
        func counts() throws {
            let plan = try Plan()
            let multi = NetworkLine(
                parts: [try plan.lonLat([(0, 0), (300, 0), (300, 0), (300, 400)]), try plan.lonLat([(1000, 0), (1000, 100)])],
                highway: "footway", feature: 7)
            let network = try plan.network([multi])
            #expect(network.nodeCount == 5)
            #expect(network.segmentCount == 3)
            #expect(NetworkTests.close(network.totalLength, 800))
            #expect(network.segmentFeature == [7, 7, 7])
            #expect(network.edgeCount() == 2)
            #expect(network.projection == Plan.projection)
        }

        @Test("a ring of pass-through vertices is one edge")
        func ringEdge() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)])])
            #expect(network.segmentCount == 4)
            #expect(network.edgeCount() == 1)
        }

        @Test("no usable line, or a coordinate that is no longitude/latitude, is a one-line error")
        func errors() throws {
            let plan = try Plan()
            let railway = try plan.line([(0, 0), (100, 0)], highway: nil)
            let motorway = try plan.line([(0, 0), (100, 0)], highway: "motorway")
            #expect(throws: NetworkError("the network has no usable line (2 features: 1 motorway or trunk, 1 no highway tag)")) {
                try plan.network([railway, motorway])
            }
            #expect(throws: NetworkError("the network has no usable line (0 features)")) { try plan.network([]) }
            let wild = NetworkLine(parts: [[Coordinate(120, 30), Coordinate(200, 30)]], highway: "path", feature: 3)
            #expect(throws: NetworkError("network feature 3: coordinate (200.0, 30.0) is not a longitude/latitude")) {
                try plan.network([wild])
            }
            let nan = NetworkLine(parts: [[Coordinate(120, 30), Coordinate(.nan, 30)]], highway: "path", feature: 4)
            #expect(throws: NetworkError.self) { try plan.network([nan]) }
        }

        @Test("the summary of verdicts names the reasons")
        func summary() {
            #expect(WalkRules.summary([.usable, .footNo, .footNo, .tooShort]) == "4 features: 2 foot=no, 1 fewer than 2 distinct points")
            #expect(WalkRules.summary([.usable]) == "1 feature")
        }

        @Test("components of two islands, longest first")
        func islands() throws {
            let plan = try Plan()
            let network = try plan.network([
                try plan.line([(5000, 0), (5050, 0)], feature: 0),
                try plan.line([(0, 0), (100, 0), (100, 100)], feature: 1),
                try plan.line([(100, 100), (0, 100)], feature: 2),
            ])
            let components = network.components()
            #expect(components.count == 2)
            #expect(components.map(\.segments) == [[1, 2, 3], [0]])
            #expect(components.map(\.nodeCount) == [4, 2])
            #expect(NetworkTests.close(components[0].length, 300))
            #expect(NetworkTests.close(components[1].length, 50))
            #expect(NetworkTests.close(network.largestComponentShare(), 300.0 / 350))
            let written = network.segmentLonLat(0)
            #expect(abs(written[0].x - (try plan.lonLat([(5000, 0)])[0].x)) < 1e-12)
        }
    }

    @Suite("Joining and distance")
    struct Distance {
        @Test("a river with one bridge: 200 m across, 1,400 m by the bridge")
        func river() throws {
            let plan = try Plan()
            let network = try plan.network([
                try plan.line([(-1000, 0), (1000, 0)], highway: nil),  // the river: a waterway, no street
                try plan.line([(-1000, -100), (0, -100), (600, -100)], highway: "residential"),
                try plan.line([(600, -100), (600, 100)], highway: "footway"),  // the bridge
                try plan.line([(600, 100), (0, 100), (-1000, 100)], highway: "residential"),
            ])
            #expect(network.verdicts == [.notAStreet, .usable, .usable, .usable])
            let home = try plan.join(network, 0, -100), canteen = try plan.join(network, 0, 100)
            #expect(network.nearestDistances(from: [canteen], to: [home], within: 500) == [nil])
            let walked = network.nearestDistances(from: [canteen], to: [home], within: 1500)
            #expect(NetworkTests.close(walked[0], 1400))
            // A home off the street counts its access leg: 30 m + 1,400 m.
            let back = try plan.join(network, -300, -130)
            #expect(NetworkTests.close(network.distance(from: canteen, to: back), 30 + 300 + 1400))
        }

        @Test("joining in the middle of a segment: the perpendicular foot and its access leg")
        func middle() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (1000, 0)]), try plan.line([(1000, 0), (1000, 800)])])
            let home = try plan.join(network, 250, 40)
            #expect(home.segment == 0)
            #expect(abs(home.fraction - 0.25) < 1e-9)
            #expect(abs(home.access - 40) < 1e-6)
            #expect(abs(home.spot.x - plan.at(250, 0).x) < 1e-6 && abs(home.spot.y - plan.at(250, 0).y) < 1e-6)
            let canteen = try plan.join(network, 1030, 500)
            #expect(canteen.segment == 1)
            #expect(NetworkTests.close(network.distance(from: home, to: canteen), 40 + 750 + 500 + 30))
            #expect(NetworkTests.close(network.distance(from: canteen, to: home), 40 + 750 + 500 + 30))
            #expect(network.distance(from: home, to: canteen, within: 1319) == nil)
        }

        @Test("beyond a segment's end the join is the end, the access leg the straight line to it")
        func pastTheEnd() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (1000, 0)])])
            let join = try plan.join(network, 1060, 80)
            #expect(join.fraction == 1)
            #expect(abs(join.access - 100) < 1e-6)
        }

        @Test("both joins on the same segment: directly along it, in either direction")
        func sameSegment() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (1000, 0), (1000, 1000), (0, 1000), (0, 0)])])
            let a = try plan.join(network, 200, 10), b = try plan.join(network, 700, -20)
            #expect(a.segment == b.segment)
            #expect(NetworkTests.close(network.distance(from: a, to: b), 10 + 500 + 20))
            #expect(NetworkTests.close(network.distance(from: b, to: a), 10 + 500 + 20))
            #expect(network.distance(from: a, to: b, within: 529) == nil)
            #expect(NetworkTests.close(network.distance(from: a, to: a), 20))
        }

        @Test("a point beyond snapMax is off the network; at snapMax it joins")
        func offNetwork() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (1000, 0)])])
            #expect(network.join(plan.at(500, 400), snapMax: 300) == nil)
            #expect(network.join(plan.at(5000, 5000), snapMax: 300) == nil)
            #expect(network.join(plan.at(500, 299.9), snapMax: 300) != nil)
            #expect(network.join(Coordinate(.nan, 0), snapMax: 300) == nil)
            #expect(abs((network.join(plan.at(500, 400), snapMax: 500)?.access ?? 0) - 400) < 1e-6)
            // Far away with a boundless snapMax: still the nearest end, and no overflow on the way.
            #expect(network.join(plan.at(1e12, 0), snapMax: .infinity)?.fraction == 1)
            #expect(network.join(plan.at(-3e5, -4e5), snapMax: 6e5).map { abs($0.access - 5e5) < 1e-3 } == true)
            let lonLat = try network.join(lonLat: try plan.lonLat([(500, 10), (500, 400)]), snapMax: 300)
            #expect(lonLat[1] == nil && abs((lonLat[0]?.access ?? 0) - 10) < 1e-6)
            let joins = network.join([plan.at(500, 400), plan.at(500, 10)], snapMax: 300)
            #expect(joins[0] == nil && joins[1] != nil)
            let canteen = try plan.join(network, 0, 0)
            #expect(network.nearestDistances(from: [canteen], to: joins, within: 10_000)[0] == nil)
            #expect(NetworkTests.close(network.nearestDistances(from: [canteen], to: joins, within: 10_000)[1], 510))
        }

        @Test("the nearest of several segments is joined, wherever the grid cells fall")
        func nearestSegment() throws {
            let plan = try Plan()
            // Short segments near the origin make small cells; a long diagonal road crosses many.
            var lines = (0..<20).map { i in try? plan.line([(Double(i) * 10, 0), (Double(i) * 10 + 10, 0)]) }.compactMap { $0 }
            lines.append(try plan.line([(0, 200), (3000, 3200)]))
            let network = try plan.network(lines)
            let onDiagonal = try plan.join(network, 1500, 1700 + 50, snapMax: 300)
            #expect(onDiagonal.segment == 20)
            #expect(abs(onDiagonal.access - 50 / 2.0.squareRoot()) < 1e-6)
            #expect(network.join(plan.at(2500, 2000), snapMax: 300) == nil)
            let mid = try plan.join(network, 95, 5)
            #expect(abs(mid.access - 5) < 1e-6)
        }

        @Test("no sources, or a negative limit, reach nothing")
        func nothing() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (1000, 0)])])
            let home = try plan.join(network, 10, 0)
            #expect(network.nearestDistances(from: [], to: [home], within: 1000) == [nil])
            #expect(network.nearestDistances(from: [home], to: [home], within: -1) == [nil])
            #expect(network.reachedParts(from: [home], within: -1).isEmpty)
        }
    }

    @Suite("Reached parts of segments")
    struct Catchments {
        @Test("a 1,000 m segment with a source at one end and limit 300 gives a 300 m piece")
        func oneEnd() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (1000, 0)])])
            let parts = network.reachedParts(from: [try plan.join(network, 0, 0)], within: 300)
            #expect(parts.count == 1)
            #expect(NetworkTests.close(NetworkTests.lengths(parts).first, 300))
            #expect(abs(parts[0][1].x - plan.at(300, 0).x) < 1e-6)
        }

        @Test("sources at both ends of a 1,000 m segment, limit 400: two pieces of 400")
        func bothEnds() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (1000, 0)])])
            let sources = [try plan.join(network, 0, 0), try plan.join(network, 1000, 0)]
            let parts = network.reachedParts(from: sources, within: 400)
            #expect(parts.count == 2)
            #expect(NetworkTests.lengths(parts).allSatisfy { abs($0 - 400) < 1e-6 })
            // At 500 and more they meet: the whole segment, one piece.
            #expect(NetworkTests.lengths(network.reachedParts(from: sources, within: 600)).count == 1)
        }

        @Test("a source inside a segment reaches both ways, less its access leg, and on through the ends")
        func throughTheEnds() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (1000, 0), (1000, 1000)])])
            let inside = try plan.join(network, 500, 100)
            #expect(NetworkTests.close(NetworkTests.lengths(network.reachedParts(from: [inside], within: 300)).first, 400))
            let nearCorner = try plan.join(network, 900, 0)
            let lengths = NetworkTests.lengths(network.reachedParts(from: [nearCorner], within: 300))
            #expect(lengths.count == 2)
            #expect(NetworkTests.close(lengths[0], 200) && NetworkTests.close(lengths[1], 400))
            #expect(network.reachedParts(from: [inside], within: 99).isEmpty)
        }

        @Test("reached parts stop at a river the streets do not bridge")
        func river() throws {
            let plan = try Plan()
            let network = try plan.network([
                try plan.line([(0, -100), (600, -100)]), try plan.line([(600, -100), (600, 100)]), try plan.line([(600, 100), (0, 100)]),
            ])
            let parts = network.reachedParts(from: [try plan.join(network, 0, 100)], within: 700)
            // 600 m of the north street and 100 m of the bridge; nothing of the south street.
            #expect(NetworkTests.close(NetworkTests.lengths(parts).reduce(0, +), 700))
            #expect(parts.allSatisfy { $0.allSatisfy { $0.y >= plan.at(0, -1e-6).y } })
        }
    }

    @Suite("Many sources and many searches")
    struct Searches {
        /// A 12 × 12 grid of 100 m blocks with a quarter of its streets missing and jittered corners.
        static func grid(_ plan: Plan, _ random: inout SeededGenerator) throws -> StreetNetwork {
            let side = 12
            var corner: [[(Double, Double)]] = []
            for i in 0..<side {
                corner.append((0..<side).map { j in (Double(i) * 100 + Double.random(in: -20...20, using: &random), Double(j) * 100 + Double.random(in: -20...20, using: &random)) })
            }
            var lines: [NetworkLine] = []
            for i in 0..<side {
                for j in 0..<side {
                    if i + 1 < side, Double.random(in: 0..<1, using: &random) > 0.25 { lines.append(try plan.line([corner[i][j], corner[i + 1][j]], feature: lines.count)) }
                    if j + 1 < side, Double.random(in: 0..<1, using: &random) > 0.25 { lines.append(try plan.line([corner[i][j], corner[i][j + 1]], feature: lines.count)) }
                }
            }
            return try plan.network(lines)
        }

        static func randomPoints(_ count: Int, _ plan: Plan, _ random: inout SeededGenerator) -> [Coordinate] {
            (0..<count).map { _ in plan.at(Double.random(in: -50...1150, using: &random), Double.random(in: -50...1150, using: &random)) }
        }

        /// All-pairs node distances by Floyd–Warshall: an independent reference for the searches.
        struct AllPairs {
            let n: Int
            var d: [Double]
            subscript(_ u: Int, _ v: Int) -> Double { d[u * n + v] }
        }

        static func allPairs(_ network: StreetNetwork) -> AllPairs {
            let n = network.nodeCount
            var d = [Double](repeating: .infinity, count: n * n)
            for u in 0..<n { d[u * n + u] = 0 }
            for s in 0..<network.segmentCount {
                let a = Int(network.segmentFrom[s]), b = Int(network.segmentTo[s])
                d[a * n + b] = min(d[a * n + b], network.segmentLength[s])
                d[b * n + a] = d[a * n + b]
            }
            for k in 0..<n {
                for i in 0..<n where d[i * n + k] < .infinity {
                    let ik = d[i * n + k]
                    for j in 0..<n where ik + d[k * n + j] < d[i * n + j] { d[i * n + j] = ik + d[k * n + j] }
                }
            }
            return AllPairs(n: n, d: d)
        }

        /// Item 4 by hand: access + best of the four end-to-end paths (or directly along one segment) + access.
        static func reference(_ network: StreetNetwork, _ d: AllPairs, _ s: Join, _ t: Join) -> Double {
            let ls = network.segmentLength[s.segment], lt = network.segmentLength[t.segment]
            let sEnds = [(Int(network.segmentFrom[s.segment]), s.fraction * ls), (Int(network.segmentTo[s.segment]), (1 - s.fraction) * ls)]
            let tEnds = [(Int(network.segmentFrom[t.segment]), t.fraction * lt), (Int(network.segmentTo[t.segment]), (1 - t.fraction) * lt)]
            var best = Double.infinity
            for (u, du) in sEnds { for (v, dv) in tEnds { best = min(best, du + d[u, v] + dv) } }
            if s.segment == t.segment { best = min(best, abs(s.fraction - t.fraction) * ls) }
            return s.access + best + t.access
        }

        @Test("multi-source nearest equals the minimum of single-source searches and of an all-pairs reference", arguments: [1, 2, 3])
        func multiSource(seed: UInt64) throws {
            let plan = try Plan()
            var random = SeededGenerator(seed: seed)
            let network = try Self.grid(plan, &random)
            let d = Self.allPairs(network)
            let sources = network.join(Self.randomPoints(12, plan, &random), snapMax: 300).compactMap { $0 }
            let targets = network.join(Self.randomPoints(300, plan, &random), snapMax: 300)
            #expect(sources.count == 12)
            for limit in [250.0, 600, 5000] {
                let nearest = network.nearestSources(from: sources, to: targets, within: limit)
                let single = sources.map { network.nearestDistances(from: [$0], to: targets, within: limit) }
                for (t, target) in targets.enumerated() {
                    let minimum = single.compactMap { $0[t] }.min()
                    #expect(nearest[t]?.distance == nil && minimum == nil || NetworkTests.close(nearest[t]?.distance, minimum ?? -1, tolerance: 1e-9), "target \(t), limit \(limit)")
                    guard let target else { continue }
                    let expected = sources.map { Self.reference(network, d, $0, target) }.min() ?? .infinity
                    if expected <= limit {
                        #expect(NetworkTests.close(nearest[t]?.distance, expected, tolerance: 1e-6), "target \(t), limit \(limit)")
                        if let found = nearest[t] {
                            #expect(abs(Self.reference(network, d, sources[found.source], target) - found.distance) < 1e-6)
                        }
                    } else {
                        #expect(nearest[t] == nil || abs(expected - limit) < 1e-6, "target \(t), limit \(limit)")
                    }
                }
            }
        }

        @Test("joins equal a brute-force nearest segment")
        func joinsBruteForce() throws {
            let plan = try Plan()
            var random = SeededGenerator(seed: 7)
            let network = try Self.grid(plan, &random)
            for point in Self.randomPoints(400, plan, &random) {
                let brute = (0..<network.segmentCount).map { s -> Double in
                    let ends = network.segmentCoordinates(s)
                    let dx = ends[1].x - ends[0].x, dy = ends[1].y - ends[0].y
                    let t = min(max(((point.x - ends[0].x) * dx + (point.y - ends[0].y) * dy) / (dx * dx + dy * dy), 0), 1)
                    return hypot(point.x - ends[0].x - t * dx, point.y - ends[0].y - t * dy)
                }.min() ?? .infinity
                let join = network.join(point, snapMax: 60)
                if brute <= 60 {
                    #expect(abs((join?.access ?? -1) - brute) < 1e-9)
                } else {
                    #expect(join == nil)
                }
            }
        }

        @Test("a reused reach search gives what a fresh search gives, in ascending target order")
        func reachSearch() throws {
            let plan = try Plan()
            var random = SeededGenerator(seed: 42)
            let network = try Self.grid(plan, &random)
            let sources = network.join(Self.randomPoints(40, plan, &random), snapMax: 300).compactMap { $0 }
            let targets = network.join(Self.randomPoints(300, plan, &random), snapMax: 300)
            let index = TargetIndex(targets, segmentCount: network.segmentCount)
            var reused = ReachSearch(network: network)
            for (n, source) in sources.enumerated() {
                let limit = [150.0, 400, 900][n % 3]
                let reached = reused.reach(from: source, targets: index, within: limit)
                var fresh = ReachSearch(network: network)
                #expect(fresh.reach(from: source, targets: index, within: limit) == reached)
                let expected = network.nearestDistances(from: [source], to: targets, within: limit)
                    .enumerated().compactMap { t, d in d.map { Reach(target: t, distance: $0) } }
                #expect(reached.map(\.target) == expected.map(\.target), "source \(n)")
                #expect(zip(reached, expected).allSatisfy { abs($0.distance - $1.distance) < 1e-9 })
            }
        }

        @Test("a reach search finds targets on the source's own segment, and none across a gap")
        func reachSameSegment() throws {
            let plan = try Plan()
            let network = try plan.network([try plan.line([(0, 0), (1000, 0)]), try plan.line([(0, 100), (1000, 100)])])
            let targets = [try plan.join(network, 300, -10), try plan.join(network, 300, 110), nil]
            var search = ReachSearch(network: network)
            let reached = search.reach(from: try plan.join(network, 100, 0), targets: TargetIndex(targets, segmentCount: network.segmentCount), within: 500)
            #expect(reached.count == 1)
            #expect(reached.first?.target == 0)
            #expect(NetworkTests.close(reached.first?.distance, 210))
        }
    }
}
