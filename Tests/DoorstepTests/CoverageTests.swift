import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Testing

/// A rectangle of lon/lat degrees as a unit polygon.
func rectangle(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> GeometryValue {
    .polygon([[.init(minX, minY), .init(maxX, minY), .init(maxX, maxY), .init(minX, maxY), .init(minX, minY)]])
}

@Suite("Coverage model")
struct CoverageTests {
    static let unitA = PlanningUnit(code: "330106001", name: "甲街道", level: .street, parent: "330106", geometry: rectangle(120.00, 30.00, 120.01, 30.01))
    static let unitB = PlanningUnit(code: "330106002", name: "乙街道", level: .street, parent: "330106", geometry: rectangle(120.01, 30.00, 120.02, 30.01))

    @Suite("Hand-computed cases")
    struct HandComputed {
        @Test("a unit with two demand points, one in reach")
        func twoPoints() throws {
            // 0.001° of longitude at 30°N is 96.5 m: the first point is 96 m from the canteen, the second 675 m.
            let layers = Layers(
                units: [CoverageTests.unitA],
                facilities: [Facility(id: "C1", name: "食堂", kind: "canteen", capacity: 80, location: .init(120.001, 30.005))],
                demand: [
                    DemandPoint(id: "near", elderly: 10, location: .init(120.002, 30.005)),
                    DemandPoint(id: "far", elderly: 5, location: .init(120.008, 30.005)),
                ])
            let assessment = try CoverageModel.assess(layers, settings: CoverageSettings())
            let row = try #require(assessment.rows.first)
            #expect(assessment.rows.count == 1)
            #expect(row.kind == "canteen" && row.radius == 500)
            #expect(row.elderlyTotal == 15)
            #expect(row.elderlyCovered == 10)
            #expect(row.coverageRatio == 10.0 / 15.0)
            #expect(row.facilities == 1 && row.capacity == 80)
        }

        @Test("facilities outside the unit count; points on a shared boundary count in both units")
        func facilitiesAnywhere() throws {
            let layers = Layers(
                units: [CoverageTests.unitA, CoverageTests.unitB],
                facilities: [Facility(id: "C1", name: "食堂", kind: "canteen", capacity: 50, location: .init(120.013, 29.9995))],
                demand: [
                    DemandPoint(id: "edge", elderly: 7, location: .init(120.01, 30.002)),
                    DemandPoint(id: "b", elderly: 3, location: .init(120.016, 30.001)),
                ])
            let rows = try CoverageModel.assess(layers, settings: CoverageSettings()).rows
            let a = try #require(rows.first { $0.code == CoverageTests.unitA.code })
            let b = try #require(rows.first { $0.code == CoverageTests.unitB.code })
            #expect(a.elderlyTotal == 7 && b.elderlyTotal == 10)
            #expect(a.elderlyCovered == 7)  // 400 m from the canteen just south of unit B
            #expect(b.elderlyCovered == 10)
            #expect(a.facilities == 0 && b.facilities == 0)
        }

        @Test("a radius override changes who is reached; an empty unit has no ratio")
        func radiusAndEmptyUnit() throws {
            let layers = Layers(
                units: [CoverageTests.unitA, CoverageTests.unitB],
                facilities: [Facility(id: "D1", name: "照料中心", kind: "day-care", location: .init(120.001, 30.005))],
                demand: [DemandPoint(id: "p", elderly: 4, location: .init(120.005, 30.005))])
            let defaults = try CoverageModel.assess(layers, settings: CoverageSettings()).rows
            #expect(defaults[0].elderlyCovered == 0)  // 386 m > 300 m
            let wider = try CoverageModel.assess(layers, settings: CoverageSettings(radii: ["day-care": 400])).rows
            #expect(wider[0].elderlyCovered == 4)
            #expect(wider[1].coverageRatio == nil)
        }

        @Test("uncovered area: unit minus the disc, in metres, within 0.1 % of the geodesic figures")
        func uncoveredArea() throws {
            let layers = Layers(
                units: [CoverageTests.unitA],
                facilities: [Facility(id: "C1", name: "食堂", kind: "canteen", location: .init(120.005, 30.005))],
                demand: [DemandPoint(id: "p", elderly: 1, location: .init(120.001, 30.001))])
            let row = try #require(try CoverageModel.assess(layers, settings: CoverageSettings(radii: ["canteen": 300])).rows.first)
            let unitArea = Geodesic.area(ofRing: CoverageTests.unitA.geometry.polygons[0][0])
            let disc = 0.5 * 64 * 300 * 300 * sin(2 * Double.pi / 64)  // the 64-gon GEOS draws
            #expect(abs(row.uncoveredAreaM2 - (unitArea - disc)) / unitArea < 0.001)
        }

        @Test("a kind with no default radius needs --radius")
        func unknownKind() {
            let layers = Layers(
                units: [CoverageTests.unitA],
                facilities: [Facility(id: "X", name: "x", kind: "clinic", location: .init(120.005, 30.005))],
                demand: [DemandPoint(id: "p", elderly: 1, location: .init(120.001, 30.001))])
            let error = #expect(throws: CoverageError.self) { try CoverageModel.assess(layers, settings: CoverageSettings()) }
            #expect(error?.message.hasPrefix("facility kind \"clinic\" has no default radius; give one with --radius clinic=METRES") == true)
        }

        @Test("no facilities at all: nothing is covered, the whole unit is uncovered")
        func emptyFacilities() throws {
            let layers = Layers(
                units: [CoverageTests.unitA], facilities: [],
                demand: [DemandPoint(id: "p", elderly: 9, location: .init(120.001, 30.001))])
            let row = try #require(try CoverageModel.assess(layers, settings: CoverageSettings(kinds: ["canteen"]), withParts: true).rows.first)
            #expect(row.elderlyCovered == 0 && row.elderlyTotal == 9)
            #expect(abs(row.uncoveredAreaM2 - Geodesic.area(ofRing: CoverageTests.unitA.geometry.polygons[0][0])) < 1000)
            #expect(row.uncoveredParts.count == 1 && row.uncoveredParts[0].elderlyUncovered == 9)
        }
    }

    @Suite("Gap list")
    struct Gaps {
        /// A 1 km × 300 m unit cut in two by one canteen's 200 m disc.
        static func cutUnit() -> Layers {
            Layers(
                units: [
                    PlanningUnit(code: "330106001001", name: "长条社区", level: .community, geometry: rectangle(119.9948, 29.99865, 120.0052, 30.00135)),
                    PlanningUnit(code: "330106001002", name: "远方社区", level: .community, geometry: rectangle(120.05, 30.05, 120.06, 30.06)),
                ],
                facilities: [Facility(id: "C1", name: "食堂", kind: "canteen", location: .init(120.0, 30.0))],
                demand: [
                    DemandPoint(id: "west", elderly: 6, location: .init(119.996, 30.0)),
                    DemandPoint(id: "east1", elderly: 2, location: .init(120.004, 30.0)),
                    DemandPoint(id: "east2", elderly: 3, location: .init(120.0045, 30.001)),
                    DemandPoint(id: "mid", elderly: 50, location: .init(120.0005, 30.0)),
                    DemandPoint(id: "far", elderly: 1, location: .init(120.055, 30.055)),
                ])
        }

        @Test("uncovered parts are split, counted and ranked; units that miss targets carry their reasons")
        func parts() throws {
            let assessment = try CoverageModel.assess(
                Self.cutUnit(), settings: CoverageSettings(radii: ["canteen": 200], levels: [.community]), withParts: true)
            let gaps = GapList(assessment, targets: GapTargets())
            #expect(gaps.areaGaps.map(\.part.elderlyUncovered) == [6, 5, 1])
            #expect(gaps.areaGaps.map(\.rank) == [1, 2, 3])
            #expect(gaps.areaGaps[0].row.code == "330106001001")
            #expect(gaps.areaGaps.allSatisfy { $0.part.geometry.typeName == "Polygon" })
            // 50 of 61 covered = 82 % < 90 %; the far unit has no canteen and nobody covered.
            #expect(gaps.unitGaps.map(\.row.code) == ["330106001001", "330106001002"])
            #expect(gaps.unitGaps[0].reasons == ["coverage"])
            #expect(gaps.unitGaps[0].row.elderlyUncovered == 11)
            #expect(gaps.unitGaps[1].reasons == ["coverage", "facilities"])
            let features = gaps.features
            #expect(features.count == 5)
            #expect(features[0].properties["gap"] == "unit" && features[2].properties["gap"] == "area")
        }

        @Test("targets and the minimum area filter what is listed")
        func targets() throws {
            let assessment = try CoverageModel.assess(
                Self.cutUnit(), settings: CoverageSettings(radii: ["canteen": 200], levels: [.community]), withParts: true)
            let lenient = GapList(assessment, targets: GapTargets(minRatio: 0.8, minFacilities: 0, minAreaM2: 200_000))
            #expect(lenient.unitGaps.map(\.row.code) == ["330106001002"])
            #expect(lenient.unitGaps[0].reasons == ["coverage"])
            // The halves are about 95,000 m² each, the far unit about 1.07 km².
            #expect(lenient.areaGaps.map(\.row.code) == ["330106001002"])
        }
    }

    @Suite("A large demand layer")
    struct LargeDemand {
        /// 80,000 points (10 MB: read as columns of id and weight on all cores, without a feature per
        /// point) load as the same points with the same weights, in file order, first to last.
        @Test("80,000 points load in order with their ids, weights and exact positions")
        func largeLayer() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let count = 80_000
            func location(_ i: Int) -> (Double, Double) { (120 + Double(i % 400) * 0.0001, 30 + Double(i / 400) * 0.0001) }
            var lines: [String] = []
            for i in 0..<count {
                let (x, y) = location(i)
                lines.append(#"{"type":"Feature","properties":{"id":"P\#(i)","elderly":\#(i % 7),"名称":"楼\#(i)"},"geometry":{"type":"Point","coordinates":[\#(x),\#(y)]}}"#)
            }
            try folder.write("demand.geojson", #"{"type":"FeatureCollection","features":[\#n"# + lines.joined(separator: ",\n") + "]}")
            try folder.write("units.geojson", collection([#"{"type":"Feature","properties":{"code":"330106","name":"西湖区","level":"district"},"geometry":{"type":"Polygon","coordinates":[[[119.9,29.9],[120.1,29.9],[120.1,30.3],[119.9,30.3],[119.9,29.9]]]}}"#]))
            try folder.write("facilities.geojson", collection([#"{"type":"Feature","properties":{"name":"食堂","kind":"canteen"},"geometry":{"type":"Point","coordinates":[120.01,30.01]}}"#]))
            let layers = try LayerLoader().load(
                units: LayerSource(path: folder.file("units.geojson")), facilities: [LayerSource(path: folder.file("facilities.geojson"))],
                demand: LayerSource(path: folder.file("demand.geojson")))
            #expect(layers.demand.count == count)
            #expect(layers.demand.reduce(0) { $0 + $1.elderly } == Double((0..<count).reduce(0) { $0 + $1 % 7 }))
            for i in [0, 1, 39_999, 40_000, count - 1] {
                let (x, y) = location(i)
                #expect(layers.demand[i] == DemandPoint(id: "P\(i)", elderly: Double(i % 7), location: Coordinate(x, y)))
            }
            // Without ids (an analysis that names no point): the same points, ids left empty.
            var withoutIDs = LayerLoader()
            withoutIDs.keepsDemandIDs = false
            let anonymous = try withoutIDs.load(
                units: LayerSource(path: folder.file("units.geojson")), facilities: [LayerSource(path: folder.file("facilities.geojson"))],
                demand: LayerSource(path: folder.file("demand.geojson")))
            #expect(anonymous.demand == layers.demand.map { DemandPoint(id: "", elderly: $0.elderly, location: $0.location) })
            // A bad weight is found as before, the first in the file.
            var bad = lines
            bad[50_001] = bad[50_001].replacingOccurrences(of: #""elderly":\#(50_001 % 7)"#, with: #""elderly":-3"#)
            bad[70_000] = bad[70_000].replacingOccurrences(of: #""elderly":\#(70_000 % 7)"#, with: #""elderly":"many""#)
            try folder.write("bad.geojson", #"{"type":"FeatureCollection","features":[\#n"# + bad.joined(separator: ",\n") + "]}")
            for loader in [LayerLoader(), withoutIDs] {
                let error = #expect(throws: InputError.self) {
                    try loader.load(
                        units: LayerSource(path: folder.file("units.geojson")), facilities: [LayerSource(path: folder.file("facilities.geojson"))],
                        demand: LayerSource(path: folder.file("bad.geojson")))
                }
                #expect(error?.feature == 50_001, "\(String(describing: error))")
            }
        }
    }
}
