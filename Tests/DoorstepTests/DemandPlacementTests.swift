import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepSample
import Foundation
import Testing

/// Shapes drawn in the metres of Hangzhou's 3° zone (central meridian 120°E), handed over in WGS84.
enum DemandShapes {
    static let projection = MetricProjection(zoneOf: 120.15)

    /// The south-west corner of the hand-made squares: near 西湖 (120.15°E, 30.25°N), on a multiple of
    /// 50 m, so that the 50 m grid's points lie 25 m inside the edges.
    static let origin: Coordinate = {
        let projector = try! projection.makeProjector()
        let c = try! projector.project([Coordinate(120.15, 30.25)])[0]
        return Coordinate((c.x / 50).rounded(.down) * 50, (c.y / 50).rounded(.down) * 50)
    }()

    /// A ring of the rectangle [x0, x1] × [y0, y1] metres east/north of ``origin``, in WGS84.
    static func ring(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, clockwise: Bool = false) throws -> [Coordinate] {
        let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)].map { Coordinate(origin.x + $0.0, origin.y + $0.1) }
        let lonLat = try projection.makeProjector().unproject(corners)
        return clockwise ? lonLat.reversed() : lonLat
    }

    static func rectangle(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) throws -> GeometryValue {
        .polygon([try ring(x0, y0, x1, y1)])
    }

    /// A point in metres from ``origin``.
    static func metres(_ c: Coordinate) throws -> Coordinate {
        let xy = try projection.makeProjector().project([c])[0]
        return Coordinate(xy.x - origin.x, xy.y - origin.y)
    }

    static func total(_ points: [DemandPoint]) -> Double { points.reduce(0) { $0 + $1.elderly } }
}

@Suite("Demand placement from counts")
struct DemandPlacementTests {
    /// The error's message, or nil when the placement succeeds.
    static func message(_ areas: [DemandArea], buildings: [DemandBuilding]? = nil, spacing: Double = 50) -> String? {
        do throws(DemandPlacementError) {
            _ = try DemandPlacement(spacing: spacing).place(areas, buildings: buildings)
            return nil
        } catch {
            return error.message
        }
    }

    @Suite("Largest-remainder split")
    struct Split {
        @Test("whole parts first, the units left over to the largest remainders")
        func largestRemainders() {
            #expect(DemandPlacement.largestRemainder(10, weights: [3, 2]) == [6, 4])
            // Quotas 3.5, 2.1, 1.4: floors 3 + 2 + 1 = 6, the one left goes to the .5.
            #expect(DemandPlacement.largestRemainder(7, weights: [0.5, 0.3, 0.2]) == [4, 2, 1])
            // Quotas 5.5, 3.3, 1.2: floors 9, one left to the .5.
            #expect(DemandPlacement.largestRemainder(10, weights: [5.5, 3.3, 1.2]) == [6, 3, 1])
            // Quotas 0.4, 0.4, 0.2 (× 1): 0.4 ties 0.4, the earlier wins.
            #expect(DemandPlacement.largestRemainder(1, weights: [2, 2, 1]) == [1, 0, 0])
            // 5 over weights 1, 1, 1, 7 (sum 10): quotas 0.5, 0.5, 0.5, 3.5 → floors 3, two left, ties to the earlier.
            #expect(DemandPlacement.largestRemainder(5, weights: [1, 1, 1, 7]) == [1, 1, 0, 3])
            #expect(DemandPlacement.largestRemainder(100, weights: [1, 2, 3, 4]) == [10, 20, 30, 40])
        }

        @Test("equal weights spread the leftover evenly: 7 over 16 points")
        func evenSpread() {
            let shares = DemandPlacement.largestRemainder(7, weights: [Double](repeating: 1, count: 16))
            // The i-th gets one when ⌊(i+1)·7/16⌋ > ⌊i·7/16⌋.
            #expect(shares.indices.filter { shares[$0] == 1 } == [2, 4, 6, 9, 11, 13, 15])
            #expect(shares.reduce(0, +) == 7)
            #expect(DemandPlacement.largestRemainder(10, weights: [1, 1, 1]) == [3, 3, 4])
            #expect(DemandPlacement.largestRemainder(3, weights: [0, 0, 0]) == [1, 1, 1])
        }

        @Test("no count, no weights, bad weights")
        func edges() {
            #expect(DemandPlacement.largestRemainder(0, weights: [1, 2]) == [0, 0])
            #expect(DemandPlacement.largestRemainder(5, weights: []) == [])
            #expect(DemandPlacement.largestRemainder(5, weights: [.nan, 1, -3]) == [0, 5, 0])
        }

        @Test("totals are exact for awkward counts and weights", arguments: [1, 7, 99, 1_000_003, 987_654_321])
        func exactTotals(total: Int) {
            var random = SeededGenerator(seed: UInt64(total))
            for n in [1, 2, 3, 16, 97, 1_000] {
                let weights = (0..<n).map { _ in Double.random(in: 0.001...1e6, using: &random) * (Bool.random(using: &random) ? 1 : 1e-9) }
                let shares = DemandPlacement.largestRemainder(total, weights: weights)
                #expect(shares.reduce(0, +) == total, "n \(n)")
                #expect(shares.allSatisfy { $0 >= 0 })
                // Never more than one unit away from the quota (the quota rule).
                let sum = weights.reduce(0, +)
                for (share, weight) in zip(shares, weights) {
                    #expect(abs(Double(share) - Double(total) * weight / sum) < 1 + 1e-6)
                }
            }
        }
    }

    @Suite("On a grid")
    struct Grid {
        @Test("a 200 m × 200 m square at 50 m spacing holds 4 × 4 grid points, 25 m inside its edges")
        func square() throws {
            let area = DemandArea(id: "330106001001", geometry: try DemandShapes.rectangle(0, 0, 200, 200), count: 160)
            let placed = try DemandPlacement().place([area])
            #expect(placed.points.count == 16)
            #expect(placed.points.allSatisfy { $0.elderly == 10 })
            #expect(placed.points.map(\.id) == (1...16).map { "330106001001#\($0)" })
            // South to north, west to east: (25, 25), (75, 25) … (175, 175).
            for (n, point) in placed.points.enumerated() {
                let xy = try DemandShapes.metres(point.location)
                #expect(abs(xy.x - Double(25 + 50 * (n % 4))) < 1e-6 && abs(xy.y - Double(25 + 50 * (n / 4))) < 1e-6, "\(xy)")
            }
            #expect(placed.summary.points == 16 && placed.summary.areas == 1 && placed.summary.elderly == 160)
            #expect(placed.summary.onePointAreas.isEmpty && placed.summary.gridFallbackAreas.isEmpty)
        }

        @Test("7 over the 16 points: 7 points of 1; awkward counts stay exact")
        func awkwardCounts() throws {
            let square = try DemandShapes.rectangle(0, 0, 200, 200)
            let seven = try DemandPlacement().place([DemandArea(id: "A", geometry: square, count: 7)])
            #expect(seven.points.count == 7)
            #expect(seven.points.allSatisfy { $0.elderly == 1 })
            #expect(seven.points.map(\.id) == (1...7).map { "A#\($0)" })
            for count in [1, 15, 17, 1_000_003] {
                let placed = try DemandPlacement().place([DemandArea(id: "A", geometry: square, count: count)])
                #expect(DemandShapes.total(placed.points) == Double(count))
                #expect(placed.points.count == min(count, 16))
                #expect(placed.points.allSatisfy { $0.elderly == Double(count / 16) || $0.elderly == Double(count / 16 + 1) })
            }
        }

        @Test("a count of 0 gives no point")
        func zero() throws {
            let placed = try DemandPlacement().place([DemandArea(id: "A", geometry: try DemandShapes.rectangle(0, 0, 200, 200), count: 0)])
            #expect(placed.points.isEmpty)
            #expect(placed.summary.points == 0 && placed.summary.onePointAreas.isEmpty)
        }

        @Test("a polygon too small for a grid point gets one point at its interior point")
        func tiny() throws {
            // 20 m × 10 m between grid positions (they are at 25 m and 75 m).
            let geometry = try DemandShapes.rectangle(30, 30, 50, 40)
            let placed = try DemandPlacement().place([DemandArea(id: "tiny", geometry: geometry, count: 42)])
            #expect(placed.points.count == 1)
            #expect(placed.points.first?.elderly == 42)
            #expect(placed.points.first?.id == "tiny#1")
            let context = GEOSContext()
            let expected = try Geometry(geometry, in: context).pointOnSurface().value()
            #expect(placed.points.first.map { GeometryValue.point($0.location) } == expected)
            #expect(placed.summary.onePointAreas == ["tiny"])
            #expect(placed.summary.description == "1 area, 42 elderly on 1 point; 1 too small for a grid point got one point at their interior point (tiny)")
        }

        @Test("a square with a hole: the 4 grid points in the hole are left out")
        func hole() throws {
            // Hole [50, 150]²: the grid points at 75 and 125 in both directions lie in it.
            let geometry = GeometryValue.polygon([try DemandShapes.ring(0, 0, 200, 200), try DemandShapes.ring(50, 50, 150, 150, clockwise: true)])
            let placed = try DemandPlacement().place([DemandArea(id: "ring", geometry: geometry, count: 25)])
            #expect(placed.points.count == 12)
            #expect(DemandShapes.total(placed.points) == 25)
            for point in placed.points {
                let xy = try DemandShapes.metres(point.location)
                #expect(!(50...150).contains(xy.x) || !(50...150).contains(xy.y), "\(xy)")
            }
        }

        @Test("a multipolygon: a 200 m square and a 100 m square 1 km away share one count")
        func multiPolygon() throws {
            let geometry = GeometryValue.multiPolygon([[try DemandShapes.ring(0, 0, 200, 200)], [try DemandShapes.ring(1000, 0, 1100, 100)]])
            let placed = try DemandPlacement().place([DemandArea(id: "M", geometry: geometry, count: 41)])
            // 16 + 2 × 2 points; 41 = 2 × 20 + 1.
            #expect(placed.points.count == 20)
            #expect(DemandShapes.total(placed.points) == 41)
            #expect(try placed.points.filter { try DemandShapes.metres($0.location).x > 900 }.count == 4)
        }

        @Test("neighbouring areas share one lattice and the output does not depend on their order")
        func neighbours() throws {
            let west = DemandArea(id: "W", geometry: try DemandShapes.rectangle(0, 0, 210, 200), count: 33)
            let east = DemandArea(id: "E", geometry: try DemandShapes.rectangle(210, 0, 400, 200), count: 12)
            let placed = try DemandPlacement(areaNoun: "community").place([west, east])
            let reversed = try DemandPlacement(areaNoun: "community").place([east, west])
            #expect(placed.points.filter { $0.id.hasPrefix("W#") } == reversed.points.filter { $0.id.hasPrefix("W#") })
            #expect(placed.points.filter { $0.id.hasPrefix("E#") } == reversed.points.filter { $0.id.hasPrefix("E#") })
            #expect(try placed.points.count == DemandPlacement().place([west, east]).points.count)
            // West: columns at 25 … 175 (and 225 lies beyond 210); east: 225 … 375.
            #expect(placed.points.filter { $0.id.hasPrefix("W#") }.count == 16)
            #expect(placed.points.filter { $0.id.hasPrefix("E#") }.count == 12)
            #expect(placed.summary.method == "demand from 2 community counts on a 50 m grid")
            #expect(placed.summary.description == "2 areas, 45 elderly on 28 points")
        }

        @Test("the spacing changes the grid: 200 m square at 100 m spacing has 2 × 2 points")
        func spacing() throws {
            let placed = try DemandPlacement(spacing: 100).place([DemandArea(id: "A", geometry: try DemandShapes.rectangle(0, 0, 200, 200), count: 9)])
            #expect(placed.points.count == 4)
            #expect(placed.summary.method == "demand from 1 area counts on a 100 m grid")
        }
    }

    @Suite("On buildings")
    struct Buildings {
        static let area = DemandArea(id: "B", geometry: try! DemandShapes.rectangle(0, 0, 200, 200), count: 10)

        @Test("buildings of area A and 2A with 3 and 1 floors split 10 as 6 and 4; a building outside is ignored")
        func weighting() throws {
            let small = try DemandShapes.rectangle(20, 20, 40, 40)  // 400 m² × 3 floors
            let large = try DemandShapes.rectangle(100, 100, 140, 120)  // 800 m² × 1 floor
            let outside = try DemandShapes.rectangle(300, 20, 340, 60)
            let placed = try DemandPlacement().place(
                [Self.area], buildings: [DemandBuilding(geometry: small, floors: 3), DemandBuilding(geometry: outside, floors: 9), DemandBuilding(geometry: large, floors: 1)])
            #expect(placed.points.map(\.elderly) == [6, 4])
            #expect(placed.points.map(\.id) == ["B#1", "B#2"])
            let context = GEOSContext()
            let interiors = try [small, large].map { try Geometry($0, in: context).pointOnSurface().value() }
            #expect(placed.points.map { GeometryValue.point($0.location) } == interiors)
            #expect(placed.summary.buildings == 3 && placed.summary.buildingsUsed == 2)
            #expect(placed.summary.method == "demand from 1 area counts spread over 2 of 3 buildings by footprint area × floors")
        }

        @Test("without floors the footprint alone weighs: 400 m² and 800 m² split 10 as 3 and 7")
        func footprintOnly() throws {
            // Quotas 3.33 and 6.67: floors 3 + 6, the one left to the .67.
            let placed = try DemandPlacement().place(
                [Self.area],
                buildings: [DemandBuilding(geometry: try DemandShapes.rectangle(20, 20, 40, 40)), DemandBuilding(geometry: try DemandShapes.rectangle(100, 100, 140, 120))])
            #expect(placed.points.map(\.elderly) == [3, 7])
        }

        @Test("an area with no building falls back to the grid and is named")
        func fallback() throws {
            let building = DemandBuilding(geometry: try DemandShapes.rectangle(1020, 20, 1040, 40), floors: 5)
            let other = DemandArea(id: "C", geometry: try DemandShapes.rectangle(1000, 0, 1100, 100), count: 3)
            let placed = try DemandPlacement(areaNoun: "community").place([Self.area, other], buildings: [building])
            #expect(placed.points.filter { $0.id.hasPrefix("B#") }.count == 10)  // 10 over the 16 grid points
            #expect(placed.points.filter { $0.id.hasPrefix("C#") }.map(\.elderly) == [3])
            #expect(DemandShapes.total(placed.points) == 13)
            #expect(placed.summary.gridFallbackAreas == ["B"])
            #expect(placed.summary.method.hasSuffix("(a 50 m grid in the 1 without a building)"))
            #expect(placed.summary.description.contains("1 without a building were placed on the grid (B)"))
        }

        @Test("floors that are not a positive number are an error naming the building")
        func badFloors() throws {
            let building = DemandBuilding(geometry: try DemandShapes.rectangle(20, 20, 40, 40), floors: 0)
            #expect(
                DemandPlacementTests.message([Self.area], buildings: [DemandBuilding(geometry: building.geometry), building])
                    == "building 2 (by position) has 0.0 floors; floors must be a positive number")
            let point = DemandBuilding(geometry: .point(.init(120.15, 30.25)))
            #expect(DemandPlacementTests.message([Self.area], buildings: [point]) == "building 1 (by position) is a Point, not a Polygon or MultiPolygon")
        }
    }

    @Suite("Bad input")
    struct BadInput {
        func message(_ areas: [DemandArea], spacing: Double = 50) -> String? {
            DemandPlacementTests.message(areas, spacing: spacing)
        }

        @Test("each problem is one line naming the area")
        func messages() throws {
            let square = try DemandShapes.rectangle(0, 0, 200, 200)
            #expect(message([DemandArea(id: "X1", geometry: square, count: -3)]) == "area X1 has a count of -3; a count must be a whole number from 0 to 9007199254740992")
            #expect(message([DemandArea(id: "X2", geometry: .lineString([.init(120, 30), .init(120.1, 30)]), count: 3)]) == "area X2 is a LineString, not a Polygon or MultiPolygon")
            #expect(message([DemandArea(id: "X3", geometry: .polygon([]), count: 3)]) == "area X3 has an empty polygon")
            #expect(message([DemandArea(id: "X4", geometry: .multiPolygon([]), count: 3)]) == "area X4 has an empty polygon")
            let flat = GeometryValue.polygon([[.init(120, 30), .init(120.01, 30), .init(120.02, 30), .init(120, 30)]])
            #expect(message([DemandArea(id: "X5", geometry: flat, count: 3)]) == "area X5 has an empty polygon (no area inside its rings)")
            #expect(message([DemandArea(id: "X6", geometry: square, count: 1), DemandArea(id: "X6", geometry: square, count: 2)]) == "area X6 appears more than once; area ids must be unique")
            #expect(message([DemandArea(id: "", geometry: square, count: 1)]) == "area 1 (by position) has no id")
            let metres = GeometryValue.polygon([[.init(500_000, 3_000_000), .init(500_100, 3_000_000), .init(500_100, 3_000_100), .init(500_000, 3_000_000)]])
            #expect(message([DemandArea(id: "X7", geometry: metres, count: 1)]) == "area X7 has the coordinate (500000.0, 3000000.0), which is no WGS84 longitude/latitude")
            #expect(message([DemandArea(id: "A", geometry: square, count: 1)], spacing: 0) == "--demand-spacing 0: must be between 1 and 10000 metres")
            #expect(message([DemandArea(id: "A", geometry: square, count: 1)], spacing: .nan) != nil)
            let county = GeometryValue.polygon([[.init(100, 20), .init(110, 20), .init(110, 30), .init(100, 20)]])
            #expect(message([DemandArea(id: "X8", geometry: county, count: 1)], spacing: 1)?.hasPrefix("area X8 spans ") == true)
        }

        @Test("the first bad area in input order is reported, whichever worker meets it")
        func firstInOrder() throws {
            let flat = GeometryValue.polygon([[.init(120, 30), .init(120.01, 30), .init(120.02, 30), .init(120, 30)]])
            var areas = (0..<200).map { DemandArea(id: "A\($0)", geometry: try! DemandShapes.rectangle(0, 0, 200, 200), count: 5) }
            areas[150].geometry = flat
            areas[20].geometry = flat
            #expect(message(areas) == "area A20 has an empty polygon (no area inside its rings)")
        }

        @Test("a self-intersecting ring is repaired, and the count stays exact")
        func bowtie() throws {
            let ring = try DemandShapes.ring(0, 0, 200, 200)
            // Corners 0, 1, 3, 2: a bow-tie of two triangles meeting at the centre.
            let bowtie = GeometryValue.polygon([[ring[0], ring[1], ring[3], ring[2], ring[0]]])
            let placed = try DemandPlacement().place([DemandArea(id: "bow", geometry: bowtie, count: 11)])
            #expect(DemandShapes.total(placed.points) == 11)
            #expect(!placed.points.isEmpty)
        }
    }

    @Suite("Real Hangzhou districts", .enabled(if: Paths.hangzhouAvailable, "../shared/geodata/hangzhou is not beside the checkout"))
    struct Hangzhou {
        /// The 13 districts of the 2020 division (GCJ-02, converted to WGS84) with their census 60+
        /// population as the count. No town or community polygons are public (SOURCES.md).
        static func districts() throws -> [DemandArea] {
            let collection = try GeoJSONReader.read(file: Paths.hangzhou + "/districts-2020-census-gcj02.geojson")
            let converter = try ToWGS84(from: .gcj02)
            return try collection.features.map { feature in
                let code = try #require(feature.properties["adcode"]?.textValue)
                let count = try #require(feature.properties["pop_60p_est"]?.numberValue)
                return DemandArea(id: code, geometry: try converter.convert(try #require(feature.geometry)), count: Int(count))
            }
        }

        @Test("13 districts with their census 60+ counts at 1 km: totals exact, every point inside its district")
        func wholeCity() throws {
            let areas = try Self.districts()
            #expect(areas.count == 13)
            let placed = try DemandPlacement(spacing: 1000, areaNoun: "district").place(areas)
            let context = GEOSContext()
            var byArea: [String: [DemandPoint]] = [:]
            for point in placed.points { byArea[String(point.id.split(separator: "#")[0]), default: []].append(point) }
            for area in areas {
                let points = byArea[area.id] ?? []
                #expect(DemandShapes.total(points) == Double(area.count), "\(area.id)")
                let prepared = try Geometry(area.geometry, in: context).makeValid().prepared()
                #expect(points.allSatisfy { prepared.covers($0.location) }, "\(area.id)")
            }
            // The city is about 16,850 km²: one point per km², give or take the shared edges.
            #expect((15_000...18_500).contains(placed.points.count), "\(placed.points.count)")
            #expect(placed.summary.elderly == areas.reduce(0) { $0 + $1.count })
        }

        @Test("coverage counts each district's own points: its total equals its count (50 m grid on the four urban districts)")
        func coverageAgrees() throws {
            // 上城 330102, 拱墅 330105, 下城 330103, 江干 330104 of the 2020 division: about 350 km².
            let areas = try Self.districts().filter { ["330102", "330103", "330104", "330105"].contains($0.id) }
            #expect(areas.map(\.id) == ["330102", "330105", "330103", "330104"])
            let counts = [1_000_003, 7, 250_001, 0]
            let withCounts = zip(areas, counts).map { DemandArea(id: $0.id, geometry: $0.geometry, count: $1) }
            let placed = try DemandPlacement().place(withCounts)
            let units = withCounts.map { PlanningUnit(code: $0.id, name: $0.id, level: .district, geometry: $0.geometry) }
            let assessment = try CoverageModel.assess(
                Layers(units: units, facilities: [], demand: placed.points), settings: CoverageSettings(kinds: ["canteen"], levels: [.district]))
            for area in withCounts {
                #expect(assessment.rows.first { $0.code == area.id }?.elderlyTotal == Double(area.count), "\(area.id)")
            }
            // With counts above the number of grid points every grid point is used: one per 2,500 m² of
            // the district's area, measured in metres, to within the points along the boundary.
            let projector = try MetricProjection(zoneOf: 120.15).makeProjector()
            let context = GEOSContext()
            for area in withCounts where area.count > 100_000 {
                let squareMetres = try Geometry(projector.project(area.geometry), in: context).area
                let points = placed.points.filter { $0.id.hasPrefix(area.id + "#") }.count
                #expect(abs(Double(points) * 2_500 / squareMetres - 1) < 0.01, "\(area.id): \(points) points over \(squareMetres) m²")
            }
            #expect(placed.points.filter { $0.id.hasPrefix("330105#") }.count == 7)
            #expect(!placed.points.contains { $0.id.hasPrefix("330104#") })
        }
    }

    /// `DOORSTEP_BENCH_DEMAND=1`, in a release build: tools/bench/demand.sh.
    @Suite("Benchmark", .enabled(if: ProcessInfo.processInfo.environment["DOORSTEP_BENCH_DEMAND"] != nil))
    struct Benchmark {
        @Test("5,000 community polygons with counts at 50 m spacing")
        func fiveThousand() throws {
            // Scale 24 has 96 districts × 54 communities of ~0.64 km²; the first 5,000 are taken.
            let city = try SampleCity.generate(seed: 2024, scale: 24)
            let communities = city.units.filter { $0.properties["level"]?.textValue == "community" }.prefix(5_000)
            #expect(communities.count == 5_000)
            var random = SeededGenerator(seed: 10)
            let areas = try communities.map { feature in
                DemandArea(
                    id: try #require(feature.properties["code"]?.textValue), geometry: try #require(feature.geometry),
                    count: Int.random(in: 0...1_500, using: &random))
            }
            var times: [Double] = []
            var placed: PlacedDemand?
            for _ in 0..<3 {
                let start = ContinuousClock.now
                placed = try DemandPlacement(areaNoun: "community").place(areas)
                let elapsed = ContinuousClock.now - start
                times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            let result = try #require(placed)
            #expect(DemandShapes.total(result.points) == Double(areas.reduce(0) { $0 + $1.count }))
            let best = times.min() ?? 0
            print("demand placement: \(result.summary); \(result.summary.method); best of 3 \(String(format: "%.3f", best)) s (runs: \(times.map { String(format: "%.3f", $0) }.joined(separator: ", ")))")
            #expect(best < 2, "target: under 2 s")
        }
    }
}
