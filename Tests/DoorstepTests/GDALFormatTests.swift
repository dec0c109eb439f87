import DoorstepCoverage
@testable import DoorstepGDAL
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Testing

/// Runs a tool GDAL or osmium installs (tools/setup.sh installs both); fails, never skips, without it.
@discardableResult
func requiredTool(_ program: String, _ arguments: [String]) throws -> CommandResult {
    let result = try #require(try runSystem(program, arguments), "\(program) is not installed: run tools/setup.sh")
    try #require(result.status == 0, "\(program) \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    return result
}

/// `ogr2ogr` from a sample layer into `target`, with extra arguments.
func convert(_ source: String, to target: String, _ extra: [String] = []) throws {
    try requiredTool("ogr2ogr", extra + [target, source])
}

@Suite("Formats through GDAL")
struct GDALFormatTests {
    static let sample = Paths.sample
    static let kindArguments = ["--kind", "canteen", "--format", "csv"]

    /// The coverage CSV of the sample read from GeoJSON: what every format must reproduce.
    static func reference() throws -> String {
        let result = try CLI.run(["coverage"] + kindArguments)
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    static func coverage(units: String, facilities: String = sample + "/facilities.geojson", demand: String = sample + "/demand.geojson", _ extra: [String] = []) throws -> CommandResult {
        try CLI.run(["coverage", "--units", units, "--facilities", facilities, "--demand", demand] + kindArguments + extra)
    }

    @Suite("Reading")
    struct Reading {
        @Test("every format round-trips to the same coverage rows", arguments: [
            ("gpkg", ["-f", "GPKG"]), ("shp", ["-lco", "ENCODING=UTF-8"]), ("fgb", ["-f", "FlatGeobuf"]),
            ("gdb", ["-f", "OpenFileGDB"]), ("gml", ["-f", "GML"]), ("kml", ["-f", "KML"]),
            ("csv", ["-f", "CSV", "-lco", "GEOMETRY=AS_WKT"]),
        ])
        func roundTrip(format: String, options: [String]) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let units = folder.file("units.\(format)"), facilities = folder.file("facilities.\(format)")
            try convert(sample + "/units.geojson", to: units, options)
            try convert(sample + "/facilities.geojson", to: facilities, options)
            let result = try coverage(units: units, facilities: facilities)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == (try reference()))
        }

        @Test("a GeoPackage's layers are picked with FILE:LAYER or --units-layer; without a choice the layers are listed")
        func geoPackageLayers() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let city = folder.file("city.gpkg")
            for layer in ["units", "facilities", "demand"] {
                let update = FileManager.default.fileExists(atPath: city) ? ["-update"] : []
                try convert(sample + "/\(layer).geojson", to: city, ["-f", "GPKG", "-nln", layer] + update)
            }
            let picked = try coverage(units: city, facilities: city + ":facilities", demand: city + ":demand", ["--units-layer", "units"])
            #expect(picked.status == 0, "\(picked.stderr)")
            #expect(picked.stdout == (try reference()))
            let unchosen = try coverage(units: city, facilities: city + ":facilities", demand: city + ":demand")
            #expect(unchosen.status != 0)
            #expect(unchosen.stderr.contains("has 3 layers (units, facilities, demand); name one as FILE:LAYER"))
            let missing = try coverage(units: city + ":towns", facilities: city + ":facilities", demand: city + ":demand")
            #expect(missing.stderr.contains("has no layer towns; its layers are units, facilities, demand"))
            #expect(missing.stderr.split(separator: "\n").count == 1)
        }

        @Test("a Shapefile in CGCS2000 Gauss-Krüger (EPSG:4549) is read from its .prj without a flag")
        func projectedShapefile() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let units = folder.file("units.shp")
            try convert(sample + "/units.geojson", to: units, ["-t_srs", "EPSG:4549", "-lco", "ENCODING=UTF-8"])
            let prj = try String(contentsOfFile: folder.file("units.prj"), encoding: .utf8)
            #expect(prj.contains("CGCS2000") && !prj.contains("AUTHORITY"))  // an ESRI .prj: no code in it
            let result = try coverage(units: units)
            #expect(result.status == 0, "\(result.stderr)")
            let rows = result.stdout.split(separator: "\r\n"), expected = try reference().split(separator: "\r\n")
            #expect(rows.count == expected.count)
            // The elderly inside each unit are the same; areas move by the reprojection's rounding only.
            func counts(_ line: Substring) -> [Substring] { Array(line.split(separator: ",").prefix(9)) }
            #expect(zip(rows, expected).allSatisfy { counts($0) == counts($1) })
        }

        @Test("a .prj GDAL cannot read is an error naming the flag; the flag overrides it")
        func unreadablePrj() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let units = folder.file("units.shp")
            try convert(sample + "/units.geojson", to: units, ["-lco", "ENCODING=UTF-8"])
            try folder.write("units.prj", "GEOGCS[nonsense")
            let refused = try coverage(units: units)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("units.shp: its .prj cannot be read by GDAL; give the layer's coordinate system"))
            let flagged = try coverage(units: units, ["--units-crs", "wgs84"])
            #expect(flagged.status == 0, "\(flagged.stderr)")
            #expect(flagged.stdout == (try reference()))
        }

        @Test(
            "a GBK Shapefile without .cpg (Hangzhou's towns) is read as GB18030 with a warning; --encoding overrides",
            .enabled(if: Paths.hangzhouAvailable, "../shared/geodata/hangzhou is not beside the checkout"))
        func gbkShapefile() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let towns = Paths.hangzhou + "/town-points-gcj02.geojson"
            let shp = folder.file("towns.shp")
            try convert(towns, to: shp, ["-lco", "ENCODING=CP936"])
            try FileManager.default.removeItem(atPath: folder.file("towns.cpg"))
            try zeroLanguageDriver(folder.file("towns.dbf"))
            let original = try GeoJSONReader.read(file: towns).features
            let read = try LayerFormats.withGDAL.read(LayerRequest(path: shp))
            #expect(read.notes.count == 1 && read.notes[0].contains("read as GB18030"))
            let names = { (features: [Feature]) in features.compactMap { $0.properties["name"]?.textValue } }
            #expect(names(read.features) == names(original))
            #expect(names(read.features).contains { $0.unicodeScalars.contains { $0.value >= 0x4E00 } })
            // Told it is Latin-1, the same bytes give what the user asked for, and no warning.
            let latin = try LayerFormats.withGDAL.read(LayerRequest(path: shp, encoding: "ISO-8859-1"))
            #expect(latin.notes.isEmpty && names(latin.features) != names(original))
        }

        /// The sample's facilities as a ledger with Chinese headers, every cell quoted (text) or not.
        static func ledger(_ folder: TemporaryFolder, quoted: Bool) throws -> String {
            var lines = ["编号,名称,类型,容量,经度,纬度"]
            for feature in try GeoJSONReader.read(file: sample + "/facilities.geojson").features {
                guard case .point(let c)? = feature.geometry else { continue }
                let p = feature.properties
                let cells = [p["id"], p["name"], p["kind"], p["capacity"]].map { $0?.textValue ?? "" } + ["\(c.x)", "\(c.y)"]
                lines.append(cells.map { quoted ? "\"\($0)\"" : $0 }.joined(separator: ","))
            }
            return try folder.write("ledger.csv", lines.joined(separator: "\n"))
        }

        @Test("an Excel ledger with Chinese headers (名称, 类型, 经度, 纬度) gives the same coverage as the GeoJSON")
        func excelLedger() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let csv = try Self.ledger(folder, quoted: false), xlsx = folder.file("ledger.xlsx")
            try convert(csv, to: xlsx, ["-f", "XLSX", "-oo", "AUTODETECT_TYPE=YES"])
            let result = try coverage(
                units: sample + "/units.geojson", facilities: xlsx,
                ["--facilities-id-field", "编号", "--facilities-name-field", "名称", "--facilities-kind-field", "类型", "--facilities-capacity-field", "容量"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == (try reference()))
        }

        @Test("an Excel ledger typed as text (coordinates as text cells) still has its header row: 编号, 名称, 类型, 经度, 纬度")
        func textLedger() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let csv = try Self.ledger(folder, quoted: true), xlsx = folder.file("ledger.xlsx")
            // GDAL's CSV driver reads every column as text, so every cell of the sheet is a text cell:
            // GDAL's own guess then takes the header for data (Field1 … Field6).
            try convert(csv, to: xlsx, ["-f", "XLSX"])
            let guessed = try requiredTool("ogrinfo", ["-so", "-al", xlsx]).stdout
            #expect(guessed.contains("Field5: String"), "the sheet is not all text: \(guessed)")
            let result = try coverage(
                units: sample + "/units.geojson", facilities: xlsx,
                ["--facilities-id-field", "编号", "--facilities-name-field", "名称", "--facilities-kind-field", "类型", "--facilities-capacity-field", "容量"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == (try reference()))
            // The reader leaves GDAL's configuration as it found it.
            let read = try LayerFormats.withGDAL.read(LayerRequest(path: xlsx))
            #expect(read.features.count == (try CSVTable.read(file: csv)).rows.count)
            #expect(GDALRuntime.threadConfig("OGR_XLSX_HEADERS") == nil && GDALRuntime.threadConfig("OGR_XLSX_FIELD_TYPES") == nil)
        }

        @Test("spreadsheet configuration is set for the read only, and a value set before is put back")
        func spreadsheetConfiguration() throws {
            #expect(GDALLayerReader.spreadsheetConfig("a/Ledger.XLSX").map(\.key) == ["OGR_XLSX_HEADERS", "OGR_XLSX_FIELD_TYPES"])
            #expect(GDALLayerReader.spreadsheetConfig("a.ods").map(\.key) == ["OGR_ODS_HEADERS", "OGR_ODS_FIELD_TYPES"])
            #expect(GDALLayerReader.spreadsheetConfig("a.xls").map(\.key) == ["OGR_XLS_HEADERS", "OGR_XLS_FIELD_TYPES"])
            #expect(GDALLayerReader.spreadsheetConfig("a.gpkg").isEmpty)
            GDALRuntime.withThreadConfig([("OGR_XLSX_HEADERS", "DISABLE")]) {
                GDALRuntime.withThreadConfig([("OGR_XLSX_HEADERS", "FORCE"), ("OGR_XLSX_FIELD_TYPES", "STRING")]) {
                    #expect(GDALRuntime.threadConfig("OGR_XLSX_HEADERS") == "FORCE")
                }
                #expect(GDALRuntime.threadConfig("OGR_XLSX_HEADERS") == "DISABLE")
                #expect(GDALRuntime.threadConfig("OGR_XLSX_FIELD_TYPES") == nil)
            }
            #expect(GDALRuntime.threadConfig("OGR_XLSX_HEADERS") == nil)
        }

        @Test("facilities from a KMZ (LIBKML) give the same coverage rows as the GeoJSON")
        func kmzFacilities() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let kmz = folder.file("facilities.kmz")
            try convert(sample + "/facilities.geojson", to: kmz, ["-f", "LIBKML"])
            let result = try coverage(units: sample + "/units.geojson", facilities: kmz)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == (try reference()))
        }

        @Test("demand from a GeoPackage and from a Shapefile gives the same coverage rows as the GeoJSON", arguments: [
            ("gpkg", ["-f", "GPKG"]), ("shp", ["-lco", "ENCODING=UTF-8"]),
        ])
        func demandFormats(format: String, options: [String]) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let demand = folder.file("demand.\(format)")
            try convert(sample + "/demand.geojson", to: demand, options)
            let result = try coverage(units: sample + "/units.geojson", demand: demand)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == (try reference()))
        }

        @Test("a file that declares one coordinate system and a flag that says another: a warning, and the flag wins")
        func crsDisagreement() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let units = folder.file("units.gpkg")
            try convert(sample + "/units.geojson", to: units, ["-f", "GPKG"])  // declares EPSG:4326
            let result = try coverage(units: units, ["--units-crs", "cgcs2000"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("units.gpkg: the file declares wgs84 but the flag says cgcs2000; using cgcs2000"), "\(result.stderr)")
            // CGCS2000 and WGS84 agree to centimetres: the same rows.
            #expect(result.stdout == (try reference()))
            let agreeing = try coverage(units: units, ["--units-crs", "wgs84"])
            #expect(agreeing.status == 0 && !agreeing.stderr.contains("the file declares"), "\(agreeing.stderr)")
        }

        @Test("an OpenStreetMap .osm.pbf made from the sample network measures the same walking coverage")
        func osmNetwork() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let osm = folder.file("network.osm"), pbf = folder.file("network.osm.pbf")
            try osmXML(from: sample + "/network.geojson").write(toFile: osm, atomically: true, encoding: .utf8)
            try requiredTool("osmium", ["cat", osm, "-o", pbf, "--overwrite"])
            let fromGeoJSON = try coverage(units: sample + "/units.geojson", ["--network", sample + "/network.geojson"])
            let fromPBF = try coverage(units: sample + "/units.geojson", ["--network", pbf])
            #expect(fromPBF.status == 0, "\(fromPBF.stderr)")
            #expect(fromPBF.stdout == fromGeoJSON.stdout)
            // The same features used and left out (by reason), nodes, edges, length and pieces; only the
            // first line, naming the file, differs.
            let check = try CLI.run(["network", "check", pbf]).stdout.split(separator: "\n").dropFirst()
            let reference = try CLI.run(["network", "check", sample + "/network.geojson"]).stdout.split(separator: "\n").dropFirst()
            #expect(check.count >= 3 && check == reference)
        }
    }

    @Suite("Writing")
    struct Writing {
        @Test("gaps in every format open in ogrinfo (one named geometry type where the format has one) and read back the same", arguments: [
            ("gpkg", "Multi Polygon"), ("fgb", "Multi Polygon"), ("shp", "Polygon"), ("kml", "Unknown (any)"), ("csv", "Unknown (any)"),
        ])
        func gapsLayer(format: String, geometry: String) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let output = folder.file("gaps.\(format)")
            let result = try CLI.run(["gaps", "--kind", "canteen", "--output", output])
            #expect(result.status == 0, "\(result.stderr)")
            let info = try requiredTool("ogrinfo", ["-so", "-al", output]).stdout
            // KML and CSV have no layer geometry type: GDAL reports every one as "Unknown (any)".
            #expect(info.contains("Geometry: \(geometry)\n"))
            let reference = try GeoJSONReader.read(file: try gapsGeoJSON(in: folder)).features
            let read = try LayerFormats.withGDAL.read(LayerRequest(path: output)).features
            #expect(read.count == reference.count)
            // FlatGeobuf's spatial index orders features along a Hilbert curve: compare them as a set.
            func codes(_ features: [Feature]) -> [String] { features.compactMap { $0.properties["code"]?.textValue }.sorted() }
            #expect(codes(read) == codes(reference))
            #expect(read.allSatisfy { $0.geometry?.isPolygonal == true })
            if format == "shp" {
                #expect(info.contains("eld_uncov: Real") && info.contains("dist_model: String"))
                #expect(try String(contentsOfFile: folder.file("gaps.cpg"), encoding: .utf8).contains("UTF-8"))
            } else if format == "kml" || format == "csv" {
                // Their fields are text on disk; GDAL guesses types when it reads them.
                #expect(info.contains("elderly_uncovered: ") && info.contains("distance_model: String"))
                #expect(read.compactMap { ($0.properties["name"] ?? $0.properties["Name"])?.textValue }.sorted() == reference.compactMap { $0.properties["name"]?.textValue }.sorted())
            } else {
                #expect(info.contains("elderly_uncovered: Real") && info.contains("distance_model: String"))
            }
        }

        /// The ogrinfo type of a declared field.
        static func ogrType(_ type: OutputSchema.FieldType) -> String {
            switch type {
            case .real: "Real"
            case .boolean: "Integer"
            case .string: "String"
            }
        }

        /// The parts of the Shapefile set `stem` in `folder` (any extension, temporaries included).
        static func parts(_ stem: String, in folder: TemporaryFolder) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(stem + ".") || $0.hasPrefix("." + stem + ".") }.sorted()
        }

        @Test("a layer without features keeps its declared geometry type, every field with its type, and EPSG:4326", arguments: [
            ("gpkg", "Multi Polygon"), ("shp", "Polygon"), ("fgb", "Multi Polygon"),
        ])
        func emptyLayer(format: String, geometry: String) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let output = folder.file("gaps.\(format)")
            try VectorOutput.write([], to: output, schema: .gaps)
            let names = OutputSchema.gaps.fields.map(\.name)
            let stored = format == "shp" ? ShapefileFieldNames.short(names) : names
            var types: [String: String] = [:]
            for (name, field) in zip(stored, OutputSchema.gaps.fields) { types[name] = Self.ogrType(field.type) }
            let layer = try OGRLayer.expectOneLayer(output, geometry: geometry, count: 0, types: types)
            #expect(layer.fields.count == names.count, "\(layer.fields)")
            #expect(try LayerFormats.withGDAL.read(LayerRequest(path: output)).declaredEPSG == 4326)
            if format == "shp" { #expect(try Self.parts("gaps", in: folder) == ["gaps.cpg", "gaps.dbf", "gaps.prj", "gaps.shp", "gaps.shx"]) }
            // Without a schema there is nothing to tell the type from, yet it is a geometry layer in EPSG:4326.
            let undeclared = folder.file("undeclared.\(format)")
            try VectorOutput.write([Feature](), to: undeclared)
            #expect(try LayerFormats.withGDAL.read(LayerRequest(path: undeclared)).declaredEPSG == 4326)
            if format == "shp" {
                #expect(try Self.parts("undeclared", in: folder) == ["undeclared.cpg", "undeclared.dbf", "undeclared.prj", "undeclared.shp", "undeclared.shx"])
            } else {
                try OGRLayer.expectOneLayer(undeclared, geometry: "Unknown (any)", count: 0)
            }
        }

        @Test("every layer Doorstep declares, empty, in every GDAL format: the declared geometry type and fields")
        func emptyCatalogue() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            for (index, (name, schema)) in OutputSchema.catalogue.enumerated() {
                for format in ["gpkg", "shp", "fgb"] where !(schema.geometry == .none && format == "shp") {
                    let output = folder.file("layer\(index).\(format)")
                    try VectorOutput.write([], to: output, schema: schema)
                    let expected: String =
                        switch (schema.geometry, format) {
                        case (.none, "fgb"): "Unknown (any)"  // FlatGeobuf has no table without geometry
                        case (.none, _): "None"
                        case (.point, _): "Point"
                        case (.multiPolygon, "shp"): "Polygon"
                        case (.multiPolygon, _): "Multi Polygon"
                        case (.multiLineString, "shp"): "Line String"
                        case (.multiLineString, _): "Multi Line String"
                        default: "?"
                        }
                    let layer = try OGRLayer.expectOneLayer(output, geometry: expected, count: 0)
                    #expect(layer.fields.count == schema.fields.count, "\(name) as .\(format): \(layer.fields)")
                }
            }
        }

        @Test("a features' geometry that is not the declared type is refused, naming both")
        func wrongGeometry() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let point = Feature(geometry: .point(Coordinate(120.1, 30.2)), properties: ["code": "A"])
            #expect(throws: InputError.self) { try VectorOutput.write([point], to: folder.file("x.gpkg"), schema: .gaps) }
            do {
                try VectorOutput.write([point], to: folder.file("x.gpkg"), schema: .gaps)
            } catch {
                #expect("\(error)".contains("the features are Point; the layer is declared multiPolygon"), "\(error)")
            }
            #expect(!FileManager.default.fileExists(atPath: folder.file("x.gpkg")))
            // A point in a declared MultiPoint layer is promoted.
            try VectorOutput.write([point], to: folder.file("y.gpkg"), schema: OutputSchema(geometry: .multiPoint, fields: []))
            try OGRLayer.expectOneLayer(folder.file("y.gpkg"), geometry: "Multi Point", count: 1, types: ["code": "String"])
        }

        @Test("writing a Shapefile over an older set replaces every part of it, a stale spatial index included")
        func shapefileOverwrite() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let output = folder.file("g.shp")
            let full = try CLI.run(["gaps", "--kind", "canteen", "--output", output])
            #expect(full.status == 0, "\(full.stderr)")
            try OGRLayer.expectOneLayer(output, geometry: "Polygon")
            try folder.write("g.qix", "an index of the old shapes")
            try folder.write("g.SBN", "another")
            try VectorOutput.write([], to: output, schema: .gaps)
            #expect(try Self.parts("g", in: folder) == ["g.cpg", "g.dbf", "g.prj", "g.shp", "g.shx"])
            try OGRLayer.expectOneLayer(output, geometry: "Polygon", count: 0, types: ["eld_uncov": "Real", "dist_model": "String"])
            // And back: the full set replaces the empty one whole.
            #expect(try CLI.run(["gaps", "--kind", "canteen", "--output", output]).status == 0)
            #expect(try Self.parts("g", in: folder) == ["g.cpg", "g.dbf", "g.prj", "g.shp", "g.shx"])
            let refilled = try OGRLayer.expectOneLayer(output, geometry: "Polygon")
            #expect(refilled.featureCount > 0)
        }

        @Test("gaps with nothing to write (every unit within 20 km of a canteen): each output still opens as a whole layer in EPSG:4326")
        func emptyGapsCommand() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            for format in ["gpkg", "shp", "fgb"] {
                let output = folder.file("g-\(format).\(format)")
                // An older, full set first: the empty one must replace it whole.
                #expect(try CLI.run(["gaps", "--kind", "canteen", "--output", output]).status == 0)
                let result = try CLI.run(["gaps", "--kind", "canteen", "--radius", "canteen=20000", "--output", output])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stderr.contains("0 unit gaps and 0 uncovered areas"), "\(result.stderr)")
                let layer = try #require(try OGRLayer.read(output).first)
                #expect(layer.featureCount == 0)
                #expect(try LayerFormats.withGDAL.read(LayerRequest(path: output)).declaredEPSG == 4326)
                if format == "shp" { #expect(try Self.parts("g-shp", in: folder) == ["g-shp.cpg", "g-shp.dbf", "g-shp.prj", "g-shp.shp", "g-shp.shx"]) }
                // The command declares its layer: an empty gap list still has its type and fields.
                #expect(layer.geometry == (format == "shp" ? "Polygon" : "Multi Polygon"))
                #expect(layer.fields[format == "shp" ? "eld_uncov" : "elderly_uncovered"] == "Real")
            }
        }

        @Test("a number field null in every feature stays Real: declared, or by Doorstep's own field name; coverage with no elderly anywhere")
        func allNullNumbers() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let square: GeometryValue = .polygon([[Coordinate(120, 30), Coordinate(120.01, 30), Coordinate(120.01, 30.01), Coordinate(120, 30)]])
            let features = (0..<2).map { i in
                Feature(geometry: square, properties: ["code": .string("U\(i)"), "coverage_ratio": .null, "elderly_total": .number(0), "mystery": .null])
            }
            for format in ["gpkg", "shp", "fgb"] {
                let declared = folder.file("declared.\(format)"), undeclared = folder.file("undeclared.\(format)")
                try VectorOutput.write(features, to: declared, schema: .coverage)
                try VectorOutput.write(features, to: undeclared)
                let ratio = format == "shp" ? "cov_ratio" : "coverage_ratio"
                try OGRLayer.expectOneLayer(declared, geometry: format == "shp" ? "Polygon" : "Multi Polygon", count: 2, types: [ratio: "Real", "mystery": "String"])
                try OGRLayer.expectOneLayer(undeclared, geometry: format == "shp" ? "Polygon" : "Multi Polygon", count: 2, types: [ratio: "Real", "mystery": "String"])
            }
            // The command: a demand layer where nobody is elderly.
            var demand = try GeoJSONReader.read(file: sample + "/demand.geojson").features
            for index in demand.indices { demand[index].properties["elderly"] = .number(0) }
            let zero = try folder.write("demand.geojson", bytes: GeoJSONWriter().featureCollection(demand))
            for format in ["gpkg", "shp"] {
                let output = folder.file("z.\(format)")
                let result = try CLI.run([
                    "coverage", "--units", sample + "/units.geojson", "--facilities", sample + "/facilities.geojson", "--demand", zero,
                    "--kind", "canteen", "--output", output,
                ])
                #expect(result.status == 0, "\(result.stderr)")
                try OGRLayer.expectOneLayer(output, geometry: format == "shp" ? "Polygon" : "Multi Polygon", types: [format == "shp" ? "cov_ratio" : "coverage_ratio": "Real"])
            }
        }

        @Test("every field of every layer Doorstep writes has a whole Shapefile name: none cut, none numbered")
        func shapefileNames() throws {
            let known = Dictionary(ShapefileFieldNames.known.map { ($0.long, $0.short) }, uniquingKeysWith: { a, _ in a })
            #expect(known.count == ShapefileFieldNames.known.count)
            #expect(Set(ShapefileFieldNames.known.map { $0.short.lowercased() }).count == known.count)
            #expect(ShapefileFieldNames.known.allSatisfy { $0.short.utf8.count <= 10 && $0.long.utf8.count > 10 })
            let schemas = OutputSchema.catalogue + [("names lines", OutputSchema.namesExport(geometry: .multiLineString))]
            for (name, schema) in schemas {
                let long = schema.fields.map(\.name)
                let short = ShapefileFieldNames.short(long)
                for (l, s) in zip(long, short) {
                    #expect(s == (l.utf8.count <= 10 ? l : known[l]), "\(name): \(l) → \(s)")
                }
                #expect(Set(short.map { $0.lowercased() }).count == short.count, "\(name): \(short)")
            }
            #expect(ShapefileFieldNames.short(["former_names", "former_names_from", "former_names_to"]) == ["former", "former_frm", "former_to"])
            // A long name of the user's own is cut, and a repeat numbered.
            #expect(ShapefileFieldNames.short(["population_2020", "population_2021"]) == ["population", "populati_2"])
        }

        @Test("README lists the Shapefile field-name mapping exactly as ShapefileFieldNames.known has it")
        func readmeMapping() throws {
            let readme = try String(contentsOfFile: Paths.package + "/README.md", encoding: .utf8)
            let start = try #require(readme.range(of: "Shapefile field names hold 10 bytes"))
            let end = try #require(readme.range(of: "A name of 10 bytes or fewer stays", range: start.upperBound..<readme.endIndex))
            let section = readme[start.upperBound..<end.lowerBound]
            let listed = section.matches(of: /`([a-z0-9_]+)` \| `([a-z0-9_]+)`/).map { (String($0.output.1), String($0.output.2)) }
            #expect(listed.map(\.0) == ShapefileFieldNames.known.map(\.long))
            #expect(listed.map(\.1) == ShapefileFieldNames.known.map(\.short))
        }

        @Test("coverage writes unit polygons to a GeoPackage by the output's extension; CSV with WKT reads back")
        func coverageLayer() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let gpkg = folder.file("coverage.gpkg")
            #expect(try CLI.run(["coverage", "--kind", "canteen", "--output", gpkg]).status == 0)
            let info = try requiredTool("ogrinfo", ["-so", "-al", gpkg]).stdout
            #expect(info.contains("Geometry: Multi Polygon") && info.contains("coverage_ratio: Real") && info.contains("code: String"))
            let gaps = folder.file("gaps.csv")
            #expect(try CLI.run(["gaps", "--kind", "canteen", "--output", gaps]).status == 0)
            let back = try LayerFormats.withGDAL.read(LayerRequest(path: gaps))
            #expect(back.features.allSatisfy { $0.geometry?.isPolygonal == true })
        }

        @Test("the report's tables as one GeoPackage, a layer per table")
        func reportTables() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let result = try CLI.run(["report", "--kind", "canteen", "--output", folder.file("r.html"), "--tables", folder.file("t"), "--tables-format", "gpkg"])
            #expect(result.status == 0, "\(result.stderr)")
            let info = try requiredTool("ogrinfo", ["-so", folder.file("t/tables.gpkg")]).stdout
            #expect(info.contains("coverage (None)") && info.contains("gaps (Multi Polygon)"))
        }
    }

    @Suite("Every command")
    struct EveryCommand {
        @Test(
            "names import reads Hangzhou's towns from a GBK Shapefile (warned, names intact); names export writes a GeoPackage",
            .enabled(if: Paths.hangzhouAvailable, "../shared/geodata/hangzhou is not beside the checkout"))
        func names() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let shp = folder.file("towns.shp"), db = folder.file("names.sqlite"), gpkg = folder.file("names.gpkg")
            try convert(Paths.hangzhou + "/town-points-gcj02.geojson", to: shp, ["-lco", "ENCODING=CP936"])
            try FileManager.default.removeItem(atPath: folder.file("towns.cpg"))
            try zeroLanguageDriver(folder.file("towns.dbf"))
            let imported = try CLI.run(["names", "import", shp, "--db", db, "--fallback-type", "town"])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stdout.contains("imported 185 names") && imported.stderr.contains("read as GB18030"))
            #expect(try CLI.run(["names", "search", "西湖", "--db", db]).stdout.contains("西湖街道  Xihu Jiedao"))
            #expect(try CLI.run(["names", "export", "--db", db, "--output", gpkg]).status == 0)
            let info = try requiredTool("ogrinfo", ["-so", "-al", gpkg]).stdout
            #expect(info.contains("Geometry: Point") && info.contains("Feature Count: 185"))
        }

        @Test("site reads candidates from a GeoPackage and writes the chosen sites as a Shapefile")
        func site() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let candidates = folder.file("candidates.gpkg"), geojson = folder.file("sites.geojson"), shp = folder.file("sites.shp")
            let points = (0..<12).map { pointFeature(120.09 + Double($0) * 0.012, 30.24 + Double($0 % 4) * 0.018, #""id":"C\#($0)""#) }
            try convert(try folder.write("candidates.geojson", collection(points)), to: candidates, ["-f", "GPKG"])
            for output in [geojson, shp] {
                let result = try CLI.run(["site", "--kind", "canteen", "--add", "3", "--candidates", candidates, "--output", output])
                #expect(result.status == 0, "\(result.stderr)")
            }
            let fromGeoJSON = try GeoJSONReader.read(file: geojson).features, fromShapefile = try LayerFormats.withGDAL.read(LayerRequest(path: shp)).features
            #expect(fromGeoJSON.count == 3)
            #expect(fromShapefile.map { $0.properties["cand_id"]?.textValue } == fromGeoJSON.map { $0.properties["candidate_id"]?.textValue })
        }
    }

    @Suite("Bad input")
    struct BadInput {
        @Test("one line and no output for each")
        func oneLine() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let garbage = try folder.write("units.gpkg", "not a geopackage at all")
            let shp = folder.file("noshx.shp")
            try convert(sample + "/units.geojson", to: shp)
            try FileManager.default.removeItem(atPath: folder.file("noshx.shx"))
            let nodbf = folder.file("nodbf.shp")
            try convert(sample + "/units.geojson", to: nodbf)
            try FileManager.default.removeItem(atPath: folder.file("nodbf.dbf"))
            let noColumns = folder.file("nocolumns.xlsx")
            try folder.write("nocolumns.csv", "名称,类型\n甲,canteen\n")
            try convert(folder.file("nocolumns.csv"), to: noColumns, ["-f", "XLSX"])
            let cases: [([String], String)] = [
                (["--units", garbage], "GDAL cannot open it as vector data"),
                (["--units", shp], "the Shapefile has no .shx beside it"),
                (["--units", nodbf], "the Shapefile has no .dbf beside it"),
                // The header row is read as the header (not Field1, Field2): the reason names its columns.
                (["--units", sample + "/units.geojson", "--facilities", noColumns], "no WKT column; header is 名称,类型"),
            ]
            for (layers, message) in cases {
                var arguments = ["coverage"] + layers
                if !arguments.contains("--facilities") { arguments += ["--facilities", sample + "/facilities.geojson"] }
                arguments += ["--demand", sample + "/demand.geojson", "--output", folder.file("out.csv")]
                let result = try CLI.run(arguments)
                #expect(result.status != 0)
                #expect(result.stderr.contains(message), "\(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: folder.file("out.csv")))
            }
            let unknown = try CLI.run(["gaps", "--output", folder.file("gaps.xyz")])
            #expect(unknown.status != 0 && unknown.stderr.contains("gaps.xyz: no format for this extension"))
            try FileManager.default.createDirectory(atPath: folder.file("taken.gpkg"), withIntermediateDirectories: false)
            let directory = try CLI.run(["gaps", "--output", folder.file("taken.gpkg")])
            #expect(directory.status != 0 && directory.stderr.split(separator: "\n").count == 1)
        }

        @Test("a GeoPackage output killed mid-run leaves no half file")
        func killed() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let output = folder.file("gaps.gpkg")
            for delay in [0.2, 0.6, 1.0] {
                let process = try CLI.start(["gaps", "--output", output])
                Thread.sleep(forTimeInterval: delay)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if FileManager.default.fileExists(atPath: output) {
                    #expect(try requiredTool("ogrinfo", ["-so", "-al", output]).stdout.contains("Geometry: Multi Polygon"))
                }
            }
        }
    }
}

@Suite("Well-known binary")
struct WKBTests {
    static let shapes: [GeometryValue] = [
        .point(Coordinate(120.1, 30.2)), .lineString([Coordinate(0, 0), Coordinate(1, 1)]),
        .multiPolygon([[[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)]], [[Coordinate(5, 5), Coordinate(6, 5), Coordinate(6, 6), Coordinate(5, 5)]]]),
        .multiLineString([[Coordinate(0, 0), Coordinate(2, 0)], [Coordinate(3, 3), Coordinate(4, 4)]]),
        .geometryCollection([.point(Coordinate(1, 2)), .polygon([[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)]])]),
    ]

    @Test("every shape round-trips")
    func roundTrip() throws {
        for shape in Self.shapes { #expect(try WKB.decode(WKB.encode(shape)) == shape) }
    }

    @Test("big-endian and Z coordinates are read, Z dropped")
    func byteOrderAndZ() throws {
        // POINT Z (1 2 3), big-endian: type 1001.
        var bytes: [UInt8] = [0]
        withUnsafeBytes(of: UInt32(1001).bigEndian) { bytes += $0 }
        for value in [1.0, 2.0, 3.0] { withUnsafeBytes(of: value.bitPattern.bigEndian) { bytes += $0 } }
        #expect(try WKB.decode(bytes) == .point(Coordinate(1, 2)))
    }

    @Test("hostile bytes are errors, never a crash or a huge allocation: truncations, counts, nesting, and 20,000 random mutations")
    func hostile() throws {
        var header: [UInt8] = [1]
        withUnsafeBytes(of: UInt32(2).littleEndian) { header += $0 }
        withUnsafeBytes(of: UInt32.max.littleEndian) { header += $0 }  // a line claiming 4 billion points
        #expect(throws: WKB.Malformed.self) { try WKB.decode(header) }
        var nested: [UInt8] = []
        for _ in 0..<1000 {
            nested.append(1)
            withUnsafeBytes(of: UInt32(7).littleEndian) { nested += $0 }
            withUnsafeBytes(of: UInt32(1).littleEndian) { nested += $0 }
        }
        #expect(throws: WKB.Malformed.self) { try WKB.decode(nested) }
        var random = SeededGenerator(seed: 7)
        for shape in Self.shapes {
            let bytes = WKB.encode(shape)
            for cut in 0..<bytes.count { _ = try? WKB.decode(Array(bytes[..<cut])) }
            for _ in 0..<4000 {
                var mutated = bytes
                for _ in 0..<Int.random(in: 1...4, using: &random) { mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
                _ = try? WKB.decode(mutated)
            }
        }
    }
}

/// Sets a DBF's language driver byte to 0 ("not given"), as a DBF from older tools has it.
func zeroLanguageDriver(_ dbf: String) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: dbf))
    defer { try? handle.close() }
    try handle.seek(toOffset: 29)
    handle.write(Data([0]))
}

/// The gaps of the sample as GeoJSON, written by the CLI into `folder`.
func gapsGeoJSON(in folder: TemporaryFolder) throws -> String {
    let path = folder.file("ref.geojson")
    let result = try CLI.run(["gaps", "--kind", "canteen", "--output", path])
    try #require(result.status == 0, "\(result.stderr)")
    return path
}

/// OpenStreetMap XML for a GeoJSON of lines: a node per distinct vertex (7 decimals, as OSM stores
/// them), a way per line with its `highway` and `foot` tags.
func osmXML(from geojson: String) throws -> String {
    var nodes: [String: Int] = [:]
    var nodeLines: [String] = [], wayLines: [String] = []
    func node(_ c: Coordinate) -> Int {
        let key = String(format: "%.7f,%.7f", c.x, c.y)
        if let id = nodes[key] { return id }
        let id = nodes.count + 1
        nodes[key] = id
        nodeLines.append(String(format: "<node id=\"%d\" version=\"1\" lat=\"%.7f\" lon=\"%.7f\"/>", id, c.y, c.x))
        return id
    }
    for (index, feature) in try GeoJSONReader.read(file: geojson).features.enumerated() {
        let parts: [[Coordinate]]
        switch feature.geometry {
        case .lineString(let line)?: parts = [line]
        case .multiLineString(let lines)?: parts = lines
        default: continue
        }
        for (p, part) in parts.enumerated() {
            let refs = part.map { "<nd ref=\"\(node($0))\"/>" }.joined()
            let tags = ["highway", "foot", "railway", "waterway", "name"].compactMap { key in
                feature.properties[key]?.textValue.map { "<tag k=\"\(key)\" v=\"\($0.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;"))\"/>" }
            }.joined()
            wayLines.append("<way id=\"\(index * 10 + p + 1)\" version=\"1\">\(refs)\(tags)</way>")
        }
    }
    return "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\" generator=\"doorstep-tests\">\n"
        + (nodeLines + wayLines).joined(separator: "\n") + "\n</osm>\n"
}
