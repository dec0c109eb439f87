import DoorstepGeoJSON
import Foundation
import Testing

/// Small valid layers near Hangzhou, written to a temporary folder.
struct TinyCity {
    let folder: TemporaryFolder
    let units: String
    let facilities: String
    let demand: String

    static let unitsText = collection([
        polygonFeature([(120.00, 30.00), (120.01, 30.00), (120.01, 30.01), (120.00, 30.01), (120.00, 30.00)], #""code":"330106001","name":"甲街道","level":"street""#),
        polygonFeature([(120.01, 30.00), (120.02, 30.00), (120.02, 30.01), (120.01, 30.01), (120.01, 30.00)], #""code":"330106002","name":"乙街道","level":"street""#),
    ])
    static let facilitiesText = collection([pointFeature(120.001, 30.005, #""id":"C1","name":"=食堂","kind":"老年食堂","capacity":80"#)])
    static let demandText = collection([
        pointFeature(120.002, 30.005, #""id":"near","elderly":10"#),
        pointFeature(120.008, 30.005, #""id":"far","elderly":5"#),
        pointFeature(120.015, 30.005, #""id":"b","elderly":4"#),
    ])

    init() throws {
        folder = try TemporaryFolder()
        units = try folder.write("units.geojson", Self.unitsText)
        facilities = try folder.write("facilities.geojson", Self.facilitiesText)
        demand = try folder.write("demand.geojson", Self.demandText)
    }

    var inputs: [String] { ["--units", units, "--facilities", facilities, "--demand", demand] }
}

@Suite("doorstep CLI")
struct CLITests {
    @Suite("Commands")
    struct Commands {
        @Test("coverage --format json on hand-made layers")
        func coverageJSON() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let result = try CLI.run(["coverage"] + city.inputs + ["--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == 2)
            #expect(Set(rows[0].keys) == Set(["code", "name", "level", "kind", "radius_m", "elderly_total", "elderly_covered", "coverage_ratio", "facilities", "capacity", "uncovered_area_m2", "elderly_off_network"]))
            #expect(rows[0]["code"] as? String == "330106001")
            #expect(rows[0]["kind"] as? String == "canteen")
            #expect(rows[0]["elderly_total"] as? Int == 15)
            #expect(rows[0]["elderly_covered"] as? Int == 10)
            #expect(rows[0]["coverage_ratio"] as? Double == 0.6667)
            #expect(rows[1]["elderly_covered"] as? Int == 0)
            #expect(rows[1]["facilities"] as? Int == 0)
        }

        @Test("coverage --format csv has a BOM, the columns and escaped formulas")
        func coverageCSV() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let renamed = try city.folder.write(
                "units2.geojson", TinyCity.unitsText.replacingOccurrences(of: "甲街道", with: "=HYPERLINK(\\\"x\\\")"))
            let out = city.folder.file("coverage.csv")
            let result = try CLI.run(["coverage", "--units", renamed, "--facilities", city.facilities, "--demand", city.demand, "--format", "csv", "--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let lines = text.components(separatedBy: "\r\n")
            #expect(lines[0] == "code,name,level,kind,radius_m,elderly_total,elderly_covered,coverage_ratio,facilities,capacity,uncovered_area_m2,elderly_off_network")
            #expect(lines[1].hasPrefix(#"330106001,"'=HYPERLINK(""x"")",street,canteen,500,15,10,0.6667,1,80,"#))
            #expect(lines[2].hasPrefix("330106002,乙街道,street,canteen,500,4,0,0,0,0,"))
        }

        @Test("gaps writes a FeatureCollection with unit and area gaps")
        func gaps() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let out = city.folder.file("gaps.geojson")
            let result = try CLI.run(["gaps"] + city.inputs + ["--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            let fc = try GeoJSONReader.read(file: out)
            // One geometry type per layer: polygons always MultiPolygon, as QGIS and GDAL want a layer.
            #expect(fc.features.allSatisfy { $0.geometry?.typeName == "MultiPolygon" })
            let units = fc.features.filter { $0.properties["gap"] == "unit" }
            let areas = fc.features.filter { $0.properties["gap"] == "area" }
            #expect(units.map { $0.properties["code"] } == ["330106001", "330106002"])
            #expect(units[0].properties["elderly_uncovered"] == 5)
            #expect(units[0].properties["reasons"] == .array(["coverage"]))
            #expect(units[1].properties["reasons"] == .array(["coverage", "facilities"]))
            #expect(units.map { $0.properties["rank"] } == [1, 2])
            // Unit A's uncovered part holds the far point (5), unit B is uncovered whole (4).
            #expect(areas.map { $0.properties["code"] } == ["330106001", "330106002"])
            #expect(areas.map { $0.properties["elderly_uncovered"] } == [5, 4])
            #expect(Set(areas.first?.properties.keys ?? []) == ["gap", "code", "name", "level", "kind", "radius_m", "area_m2", "elderly_uncovered", "rank", "distance_model"])
        }

        @Test("gaps --coverage-output writes, from one run, the bytes coverage and gaps write apart", arguments: ["csv", "geojson", "gpkg"])
        func gapsWithCoverage(_ ext: String) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            // The same file names in two folders: a layer is named after its file.
            try FileManager.default.createDirectory(atPath: folder.file("one"), withIntermediateDirectories: false)
            let (together, table) = (folder.file("together.geojson"), folder.file("one/coverage.\(ext)"))
            let one = try CLI.run(["gaps", "--kind", "canteen", "--output", together, "--coverage-output", table, "--coverage-level", "all"])
            #expect(one.status == 0, "\(one.stderr)")
            let (alone, coverage) = (folder.file("alone.geojson"), folder.file("coverage.\(ext)"))
            #expect(try CLI.run(["gaps", "--kind", "canteen", "--output", alone]).status == 0)
            #expect(try CLI.run(["coverage", "--kind", "canteen", "--level", "all", "--output", coverage]).status == 0)
            #expect(try Data(contentsOf: URL(fileURLWithPath: together)) == Data(contentsOf: URL(fileURLWithPath: alone)))
            if ext == "gpkg" {  // a GeoPackage records when it was written: compare what ogrinfo reads
                let read = { (path: String) throws -> String in
                    try runProcess("/usr/bin/ogrinfo", ["-al", "-q", "-nomd", path]).stdout.replacingOccurrences(of: path, with: "")
                }
                #expect(try read(table) == read(coverage))
            } else {
                #expect(try Data(contentsOf: URL(fileURLWithPath: table)) == Data(contentsOf: URL(fileURLWithPath: coverage)))
            }
            let unpaired = try CLI.run(["gaps", "--coverage-level", "all"])
            #expect(unpaired.status == 2 && unpaired.stderr.hasPrefix("Error: --coverage-level needs --coverage-output"), "\(unpaired.stderr)")
            for clash in [["--coverage-output", "-"], ["--coverage-output", "/dev/stdout"], ["--coverage-output", "x.csv", "--output", "./x.csv"]] {
                let result = try CLI.run(["gaps"] + clash)
                #expect(result.status == 2 && result.stderr.contains("would go to the same place"), "\(clash): \(result.stderr)")
            }
        }

        @Test("a projected layer: an old-style crs member naming EPSG:4549 is honoured, and so is the flag")
        func projectedUnits() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            // A 1 km square in CGCS2000 3° Gauss-Krüger (CM 120°E) whose south-west corner is 120°E 30°N.
            let square = [(500_000.0, 3_320_113.4), (501_000.0, 3_320_113.4), (501_000.0, 3_321_113.4), (500_000.0, 3_321_113.4), (500_000.0, 3_320_113.4)]
            let feature = polygonFeature(square, #""code":"330106001","name":"甲街道","level":"street""#)
            let declared = try city.folder.write(
                "gk.geojson", #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},"features":[\#(feature)]}"#)
            let bare = try city.folder.write("gk-bare.geojson", collection([feature]))
            for arguments in [["--units", declared], ["--units", bare, "--units-crs", "EPSG:4549"]] {
                let result = try CLI.run(["coverage"] + arguments + ["--facilities", city.facilities, "--demand", city.demand, "--format", "json"])
                #expect(result.status == 0, "\(result.stderr)")
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
                // Only the point at 120.008°E lies in the square; the canteen at 120.001°E does too.
                #expect(rows.first?["elderly_total"] as? Int == 10 + 5)
                let uncovered = try #require(rows.first?["uncovered_area_m2"] as? Double)
                let disc = 0.5 * 64 * 500 * 500 * sin(2 * Double.pi / 64)
                #expect(uncovered > 1_000_000 - disc - 2000 && uncovered < 1_000_000)
            }
        }

        @Test("coverage --format geojson writes unit polygons with the row properties")
        func coverageGeoJSON() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let out = city.folder.file("coverage.geojson")
            let result = try CLI.run(["coverage"] + city.inputs + ["--format", "geojson", "--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            let fc = try GeoJSONReader.read(file: out)
            #expect(fc.features.count == 2)
            #expect(fc.features[0].geometry?.typeName == "MultiPolygon")
            #expect(fc.features[0].properties.keys == ["code", "name", "level", "kind", "radius_m", "elderly_total", "elderly_covered", "coverage_ratio", "facilities", "capacity", "uncovered_area_m2", "elderly_off_network"])
        }

        @Test("the default table on the sample")
        func table() throws {
            let result = try CLI.run(["coverage", "--kind", "canteen"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("code") == true)
            #expect(lines.count == 1 + 24)  // header and the 24 streets of the sample
        }

        @Test("with no input flags both commands run on the embedded sample")
        func sampleDefaults() throws {
            let result = try CLI.run(["coverage", "--format", "json", "--level", "all", "--kind", "canteen"])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            let levels = Set(rows.compactMap { $0["level"] as? String })
            #expect(levels == ["district", "street", "community"])
            // Every level accounts for the same people: the units tile the city.
            func total(_ level: String) -> Int { rows.filter { $0["level"] as? String == level }.compactMap { $0["elderly_total"] as? Int }.reduce(0, +) }
            #expect(total("district") > 0)
            #expect(total("district") == total("street"))
        }

        @Test("sample is deterministic and --scale grows it")
        func sampleCommand() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            for name in ["a", "b"] {
                let result = try CLI.run(["sample", "--output", folder.file(name), "--seed", "7", "--scale", "0.5"])
                #expect(result.status == 0, "\(result.stderr)")
            }
            for file in ["units.geojson", "facilities.geojson", "demand.geojson"] {
                #expect(FileManager.default.contentsEqual(atPath: folder.file("a/" + file), andPath: folder.file("b/" + file)))
            }
            let demand = try GeoJSONReader.read(file: folder.file("a/demand.geojson"))
            #expect((14_000...16_000).contains(demand.features.count))
            let units = try GeoJSONReader.read(file: folder.file("a/units.geojson"))
            let geometries = units.features.compactMap(\.geometry)
            #expect(geometries.contains { $0.polygons.count > 1 })  // the island
            #expect(geometries.contains { $0.polygons.contains { $0.count > 1 } })  // the lake hole
        }

        @Test("the committed sample is what `doorstep sample` generates")
        func committedSample() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            _ = try CLI.run(["sample", "--output", folder.path])
            for file in ["units.geojson", "facilities.geojson", "demand.geojson", "roads.geojson"] {
                #expect(FileManager.default.contentsEqual(atPath: folder.file(file), andPath: Paths.sample + "/" + file), "\(file) differs")
            }
        }

        @Test("the gap list opens in GDAL's ogrinfo as WGS84 polygons without warnings")
        func ogrinfo() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let out = folder.file("gaps.geojson")
            let result = try CLI.run(["gaps", "--level", "community", "--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            let info = try #require(try runSystem("ogrinfo", ["-ro", "-al", "-so", out]), "ogrinfo (gdal-bin) is not installed")
            #expect(info.status == 0)
            #expect(!info.stderr.contains("Warning") && !info.stderr.contains("ERROR"), "\(info.stderr)")
            #expect(info.stdout.contains("ID[\"EPSG\",4326]"))
            #expect(info.stdout.contains("elderly_uncovered: Integer") || info.stdout.contains("elderly_uncovered: Real"))
            #expect(info.stdout.contains("reasons: StringList"))
            let count = info.stdout.components(separatedBy: "\n").first { $0.hasPrefix("Feature Count:") }
            #expect(count != nil && count != "Feature Count: 0")
            // Every geometry valid according to GEOS inside GDAL.
            let sql = try #require(try runSystem("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql", "SELECT COUNT(*) AS bad FROM gaps WHERE NOT ST_IsValid(geometry)", out]))
            #expect(sql.stdout.contains("bad (Integer) = 0"), "\(sql.stdout)\(sql.stderr)")
        }
    }
}
