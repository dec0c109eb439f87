import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Testing

/// Real Hangzhou data from ../shared/geodata/hangzhou (GCJ-02 from Amap), read as a planner would.
@Suite("Real Hangzhou data", .enabled(if: Paths.hangzhouAvailable, "../shared/geodata/hangzhou is not beside the checkout"))
struct HangzhouTests {
    static let districts = Paths.hangzhou + "/districts-2021-gcj02.geojson"
    static let districtsWGS84 = Paths.hangzhou + "/districts-2021-wgs84.geojson"
    static let towns = Paths.hangzhou + "/town-points-gcj02.geojson"

    func load(facilities: String) throws -> Layers {
        var fields = FieldNames()
        fields.code = "adcode"
        return try LayerLoader(fields: fields).load(
            units: LayerSource(path: Self.districts, crs: .gcj02),
            facilities: [LayerSource(path: facilities, crs: .gcj02)],
            demand: LayerSource(path: Self.towns, crs: .gcj02))
    }

    @Test("town centres fall in their own districts once both are converted from GCJ-02")
    func townsInDistricts() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        // The civil-affairs bureau's address, as Amap gives it (GCJ-02), as a single canteen.
        let canteen = try folder.write("canteen.csv", "name,kind,经度,纬度\n市民中心食堂,canteen,120.2118,30.2449\n")
        let layers = try load(facilities: canteen)
        #expect(layers.units.count == 13)
        #expect(layers.units.allSatisfy { $0.level == .district })
        let assessment = try CoverageModel.assess(layers, settings: CoverageSettings(levels: [.district]))
        let towns = try GeoJSONReader.read(file: Self.towns).features
        var expected: [String: Double] = [:]
        for town in towns { expected[town.properties["district_adcode_2022"]!.textValue!, default: 0] += 1 }
        var matched = 0
        for row in assessment.rows where row.elderlyTotal == expected[row.code] { matched += 1 }
        #expect(matched == 13, "\(assessment.rows.map { "\($0.code): \($0.elderlyTotal) vs \(expected[$0.code] ?? 0)" })")
        #expect(assessment.rows.map(\.elderlyTotal).reduce(0, +) == Double(towns.count))
        // Every district lies in the 3° zone of 120°E (the zone of EPSG:4549): one projection for the city.
        #expect(try CoverageModel.zones(of: layers.units).map(\.0.centralMeridian) == [120])
    }

    @Test("converted districts match the published WGS84 version to within 0.05 % of their area")
    func areasMatchWGS84() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let none = try folder.write("none.geojson", collection([]))
        let converted = try CoverageModel.assess(try load(facilities: none), settings: CoverageSettings(kinds: ["canteen"], levels: [.district]))
        var fields = FieldNames()
        fields.code = "adcode"
        let published = try LayerLoader(fields: fields).load(
            units: LayerSource(path: Self.districtsWGS84), facilities: [LayerSource(path: none)],
            demand: LayerSource(path: Self.towns, crs: .gcj02))
        let reference = try CoverageModel.assess(published, settings: CoverageSettings(kinds: ["canteen"], levels: [.district]))
        for (a, b) in zip(converted.rows, reference.rows) {
            #expect(a.code == b.code)
            // The published file used the one-step inverse (1–2 m off) and 6 decimals: a 0.2 m band along
            // a 100 km boundary is 0.02 % of 100 km².
            #expect(abs(a.uncoveredAreaM2 - b.uncoveredAreaM2) / b.uncoveredAreaM2 < 0.0005, "\(a.code)")
        }
        // 西湖区 (330106) is about 310 km² including the West Lake scenic area.
        let xihu = try #require(converted.rows.first { $0.code == "330106" })
        #expect((290e6...330e6).contains(xihu.uncoveredAreaM2), "\(xihu.uncoveredAreaM2)")
    }

    @Test("the CLI reads the real districts with --units-crs gcj02 and writes a gap list GDAL accepts")
    func cli() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let canteens = try folder.write("canteens.csv", "name,kind,经度,纬度\n文三路老年食堂,canteen,120.1301,30.2802\n")
        let out = folder.file("gaps.geojson")
        let result = try CLI.run([
            "gaps", "--units", Self.districts, "--units-crs", "gcj02", "--code-field", "adcode", "--level", "district",
            "--facilities", canteens, "--facilities-crs", "gcj02", "--demand", Self.towns, "--demand-crs", "gcj02",
            "--output", out,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let gaps = try GeoJSONReader.read(file: out)
        #expect(gaps.features.filter { $0.properties["gap"] == "unit" }.count == 13)
        if let info = try runSystem("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql", "SELECT COUNT(*) AS bad FROM gaps WHERE NOT ST_IsValid(geometry)", out]) {
            #expect(info.stdout.contains("bad (Integer) = 0"), "\(info.stdout)\(info.stderr)")
        }
    }
}
