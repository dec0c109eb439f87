import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepSample
import Foundation
import Testing

/// The rural county of `doorstep sample --profile county`, at scale 0.1 (one county, 3,000
/// demand points): its units tile, are valid and have the holes and parts the property tests need,
/// the elderly live in the seats and villages, the facilities are mostly in the seats, and most of
/// the area is uncovered.
@Suite("Sample county")
struct SampleCountyTests {
    static let scale = 0.1
    /// Generated once: every test reads the same county.
    static let county: SampleCity = try! SampleCity.generate(profile: .county, seed: 2024, scale: scale)

    static func string(_ feature: Feature, _ key: String) -> String {
        if case .string(let value)? = feature.properties[key] { return value }
        return ""
    }

    static func number(_ feature: Feature, _ key: String) -> Double {
        if case .number(let value)? = feature.properties[key] { return value }
        return 0
    }

    static func units(_ level: String) -> [Feature] { county.units.filter { string($0, "level") == level } }

    /// The geometry in metres (transverse Mercator at 119° E), in a GEOS context.
    static func metric(_ feature: Feature, _ context: GEOSContext) throws -> Geometry {
        let projector = try MetricProjection(centralMeridian: 119).makeProjector()
        let value = try #require(feature.geometry)
        let flat = try projector.project(value.coordinates)
        var position = 0
        return try Geometry(
            value.mapCoordinates { _ in
                defer { position += 1 }
                return flat[position]
            }, in: context)
    }

    static func point(_ feature: Feature) -> Coordinate? {
        if case .point(let c)? = feature.geometry { return c }
        return nil
    }

    @Suite("Units")
    struct Units {
        @Test("one county of 9–12 towns (镇 from 101, 乡 from 201), each with a seat 社区 001 and villages from 201")
        func structure() throws {
            let districts = SampleCountyTests.units("district"), towns = SampleCountyTests.units("street")
            let communities = SampleCountyTests.units("community")
            #expect(districts.count == 1)
            #expect((9...12).contains(towns.count))
            #expect(communities.count > 8 * towns.count)
            let county = try #require(districts.first)
            #expect(SampleCountyTests.string(county, "code").count == 6)
            #expect(SampleCountyTests.string(county, "name").hasSuffix("县"))
            for town in towns {
                let code = SampleCountyTests.string(town, "code"), name = SampleCountyTests.string(town, "name")
                #expect(code.count == 9 && code.hasPrefix(SampleCountyTests.string(county, "code")))
                #expect(SampleCountyTests.string(town, "parent") == SampleCountyTests.string(county, "code"))
                let number = Int(code.suffix(3))!
                #expect(name.hasSuffix("镇") ? (101...199).contains(number) : name.hasSuffix("乡") && (201...399).contains(number), "\(code) \(name)")
                let own = communities.filter { SampleCountyTests.string($0, "parent") == code }
                let seats = own.filter { SampleCountyTests.string($0, "code").hasSuffix("001") }
                #expect(seats.count == 1 && SampleCountyTests.string(seats[0], "name").hasSuffix("社区"))
                for village in own where !seats.contains(village) {
                    #expect(Int(SampleCountyTests.string(village, "code").suffix(3))! >= 201)
                    #expect(SampleCountyTests.string(village, "name").hasSuffix("村"))
                }
            }
            #expect(Set(SampleCountyTests.county.units.map { SampleCountyTests.string($0, "code") }).count == SampleCountyTests.county.units.count)
            #expect(Set(SampleCountyTests.county.units.map { SampleCountyTests.string($0, "name") }).count == SampleCountyTests.county.units.count)
        }

        @Test("every town is 10–40 km²; the county is about 250 km²")
        func areas() throws {
            let context = GEOSContext()
            let areas = try SampleCountyTests.units("street").map { try SampleCountyTests.metric($0, context).area / 1e6 }
            #expect(areas.allSatisfy { (10...40).contains($0) }, "\(areas)")
            let county = try SampleCountyTests.metric(SampleCountyTests.units("district")[0], context).area / 1e6
            #expect((240...270).contains(county), "\(county)")
            #expect(abs(areas.reduce(0, +) - county) < 1e-6 * county)
        }

        @Test("communities tile their town and towns tile the county: equal areas, equal unions")
        func tiling() throws {
            let context = GEOSContext()
            let all = SampleCountyTests.county.units
            for parent in SampleCountyTests.units("district") + SampleCountyTests.units("street") {
                let whole = try SampleCountyTests.metric(parent, context)
                let children = try all.filter { SampleCountyTests.string($0, "parent") == SampleCountyTests.string(parent, "code") }
                    .map { try SampleCountyTests.metric($0, context) }
                #expect(!children.isEmpty)
                let sum = children.map(\.area).reduce(0, +)
                #expect(abs(sum - whole.area) <= 1e-6 * whole.area, "\(SampleCountyTests.string(parent, "code")): \(sum) vs \(whole.area)")
                let union = try Geometry.unionOf(children, in: context)
                #expect(try union.difference(whole).area < 1e-6 * whole.area)
                #expect(try whole.difference(union).area < 1e-6 * whole.area)
            }
        }

        @Test("every unit is valid, exteriors counter-clockwise, holes clockwise")
        func validity() throws {
            let context = GEOSContext()
            for unit in SampleCountyTests.county.units {
                let geometry = try #require(unit.geometry)
                #expect(try Geometry(geometry, in: context).isValid, "\(SampleCountyTests.string(unit, "code"))")
                for polygon in geometry.polygons {
                    #expect(GeometryValue.signedArea(polygon[0]) > 0)
                    #expect(polygon.dropFirst().allSatisfy { GeometryValue.signedArea($0) < 0 })
                }
            }
        }

        @Test("a reservoir is a hole at every level; an enclave makes a village and its town MultiPolygons")
        func holesAndParts() throws {
            for level in ["district", "street", "community"] {
                let withHoles = SampleCountyTests.units(level).filter { $0.geometry?.polygons.contains { $0.count > 1 } == true }
                #expect(!withHoles.isEmpty, "\(level)")
            }
            for level in ["street", "community"] {
                let multi = SampleCountyTests.units(level).filter { ($0.geometry?.polygons.count ?? 0) > 1 }
                #expect(multi.count == 1, "\(level)")
            }
            // The enclave's village lies inside another town's village, which has a hole there.
            let context = GEOSContext()
            let enclave = try #require(SampleCountyTests.units("community").first { ($0.geometry?.polygons.count ?? 0) > 1 })
            let parts = enclave.geometry!.polygons
            let detached = try Geometry(.polygon(parts[1]), in: context)
            let enclaveRing: Set<Coordinate> = Set(parts[1][0])
            func hasHole(_ candidate: Feature) -> Bool {
                guard let rings: [[Coordinate]] = candidate.geometry?.polygons.first else { return false }
                return rings.dropFirst().contains { (hole: [Coordinate]) -> Bool in Set(hole) == enclaveRing }
            }
            let host = try #require(SampleCountyTests.units("community").first(where: hasHole))
            #expect(SampleCountyTests.string(host, "parent") != SampleCountyTests.string(enclave, "parent"))
            #expect(detached.area > 0)
        }
    }

    @Suite("Demand and facilities")
    struct People {
        @Test("2,960 demand points for seed 2024 at scale 0.1, the elderly mostly in seats and village clusters")
        func demand() throws {
            let demand = SampleCountyTests.county.demand
            #expect(demand.count == 2960)
            #expect(demand.allSatisfy { SampleCountyTests.number($0, "elderly") >= 2 && SampleCountyTests.number($0, "elderly") <= 60 })
            // Seats are about 8 % of the area but hold over a third of the points.
            let context = GEOSContext()
            let seats = try SampleCountyTests.units("community").filter { SampleCountyTests.string($0, "code").hasSuffix("001") }
                .map { try Geometry($0.geometry!, in: context).prepared() }
            let inSeats = demand.filter { p in seats.contains { $0.covers(SampleCountyTests.point(p)!) } }.count
            let share = Double(inSeats) / Double(demand.count)
            #expect((0.35...0.5).contains(share), "\(share)")
        }

        @Test("facilities are mostly in the seats: 45 of 59 (76 %)")
        func facilitiesInSeats() throws {
            let facilities = SampleCountyTests.county.facilities
            let kinds = Set(facilities.map { SampleCountyTests.string($0, "kind") })
            #expect(kinds == ["canteen", "day-care", "embedded-care", "care-home", "home-care-center"])
            let context = GEOSContext()
            let seats = try SampleCountyTests.units("community").filter { SampleCountyTests.string($0, "code").hasSuffix("001") }
                .map { try Geometry($0.geometry!, in: context).prepared() }
            let inSeats = facilities.filter { f in seats.contains { $0.covers(SampleCountyTests.point(f)!) } }.count
            #expect(facilities.count == 59 && inSeats == 45, "\(inSeats) of \(facilities.count)")
            #expect(facilities.allSatisfy { SampleCountyTests.number($0, "capacity") > 0 && !SampleCountyTests.string($0, "name").isEmpty })
        }

        @Test("most of the county is uncovered (the coverage model, district level)")
        func uncovered() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            try SampleCountyTests.county.write(to: folder.path)
            let layers = try LayerLoader().load(
                units: LayerSource(path: folder.file("units.geojson")), facilities: [LayerSource(path: folder.file("facilities.geojson"))],
                demand: LayerSource(path: folder.file("demand.geojson")))
            let assessment = try CoverageModel.assess(layers, settings: CoverageSettings(kinds: ["canteen", "care-home"], levels: [.district]))
            let context = GEOSContext()
            let area = try SampleCountyTests.metric(SampleCountyTests.units("district")[0], context).area
            for row in assessment.rows {
                #expect(row.uncoveredAreaM2 / area > 0.85, "\(row.kind): \(row.uncoveredAreaM2 / area)")
                #expect(row.elderlyCovered > 0)
            }
        }
    }

    @Suite("Network and roads")
    struct Network {
        @Test("every line is a named road or a walkable highway, and they join into one network")
        func connected() throws {
            let network = SampleCountyTests.county.network
            #expect(network.allSatisfy { !SampleCountyTests.string($0, "highway").isEmpty })
            let kinds = Set(network.map { SampleCountyTests.string($0, "highway") })
            #expect(kinds.isSuperset(of: ["secondary", "tertiary", "residential", "unclassified", "track"]))
            // Union–find over the vertices (as the graph rounds them).
            var parent: [[Int64]: [Int64]] = [:]
            func find(_ k: [Int64]) -> [Int64] {
                var k = k
                while let p = parent[k], p != k { k = p }
                return k
            }
            for feature in network {
                guard case .lineString(let line)? = feature.geometry else { Issue.record("not a line"); continue }
                let keys = line.map { [Int64(($0.x * 1e7).rounded()), Int64(($0.y * 1e7).rounded())] }
                for k in keys where parent[k] == nil { parent[k] = k }
                for (a, b) in zip(keys, keys.dropFirst()) {
                    let (ra, rb) = (find(a), find(b))
                    if ra != rb { parent[ra] = rb }
                }
            }
            #expect(Set(parent.keys.map(find)).count == 1)
            #expect(SampleCountyTests.county.roads.allSatisfy { !SampleCountyTests.string($0, "name").isEmpty })
        }
    }

    @Suite("Determinism and scale")
    struct Determinism {
        @Test("the same seed gives the same bytes; another seed another county")
        func sameBytes() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            try SampleCountyTests.county.write(to: folder.file("a"))
            try SampleCity.generate(profile: .county, seed: 2024, scale: SampleCountyTests.scale).write(to: folder.file("b"))
            try SampleCity.generate(profile: .county, seed: 7, scale: SampleCountyTests.scale).write(to: folder.file("c"))
            for file in ["units.geojson", "facilities.geojson", "demand.geojson", "roads.geojson", "network.geojson"] {
                #expect(FileManager.default.contentsEqual(atPath: folder.file("a/" + file), andPath: folder.file("b/" + file)), "\(file)")
                #expect(!FileManager.default.contentsEqual(atPath: folder.file("a/" + file), andPath: folder.file("c/" + file)), "\(file)")
            }
        }

        @Test("scale 1 is 3 counties and about 30,000 demand points; scale 2 is 6 counties, side by side")
        func scale() throws {
            let one = try SampleCity.generate(profile: .county, seed: 2024, scale: 1)
            #expect(one.units.filter { SampleCountyTests.string($0, "level") == "district" }.count == 3)
            #expect((28_500...31_500).contains(one.demand.count), "\(one.demand.count)")
            let two = try SampleCity.generate(profile: .county, seed: 2024, scale: 2)
            let districts = two.units.filter { SampleCountyTests.string($0, "level") == "district" }
            #expect(districts.count == 6)
            #expect(Set(districts.map { SampleCountyTests.string($0, "code") }).count == 6)
            #expect((57_000...63_000).contains(two.demand.count), "\(two.demand.count)")
        }
    }

    @Suite("CLI")
    struct CommandLine {
        @Test("`doorstep sample --profile county` writes the county; --profile city is the default")
        func cli() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let county = try CLI.run(["sample", "--profile", "county", "--scale", "0.1", "--output", folder.file("county")])
            #expect(county.status == 0, "\(county.stderr)")
            #expect(county.stderr.contains("2960 demand points"), "\(county.stderr)")
            try SampleCountyTests.county.write(to: folder.file("library"))
            let city = try CLI.run(["sample", "--profile", "city", "--scale", "0.1", "--output", folder.file("city")])
            let plain = try CLI.run(["sample", "--scale", "0.1", "--output", folder.file("plain")])
            #expect(city.status == 0 && plain.status == 0)
            for file in ["units.geojson", "facilities.geojson", "demand.geojson", "roads.geojson", "network.geojson"] {
                #expect(FileManager.default.contentsEqual(atPath: folder.file("county/" + file), andPath: folder.file("library/" + file)))
                #expect(FileManager.default.contentsEqual(atPath: folder.file("city/" + file), andPath: folder.file("plain/" + file)))
            }
            let bad = try CLI.run(["sample", "--profile", "village", "--output", folder.file("x")])
            #expect(bad.status != 0 && bad.stderr.contains("county"), "\(bad.stderr)")
        }
    }
}
