import DoorstepGDAL
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
import Foundation
import Testing

/// One layer as `ogrinfo -so -al` describes it: what QGIS's *Add Vector Layer* will make of it.
struct OGRLayer {
    var name: String
    /// "Point", "Multi Polygon" …; "Unknown (any)" when the features mix types (QGIS then asks).
    var geometry: String
    var featureCount: Int
    /// Field name → type as ogrinfo prints it: "String", "Integer", "Real", "Integer(Boolean)", "StringList" …
    var fields: [String: String]

    /// The types GDAL gives a number field: Integer when every value in the file is whole, else Real.
    static let numberTypes: Set<String> = ["Integer", "Integer64", "Real"]

    /// The layers of `path`. Fails (never skips) when ogrinfo is missing: these tests are the check
    /// that GIS reads the outputs as documented.
    static func read(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [OGRLayer] {
        let info = try #require(
            try runSystem("ogrinfo", ["-ro", "-so", "-al", path]), "ogrinfo (Debian gdal-bin) is required", sourceLocation: sourceLocation)
        #expect(info.status == 0 && !info.stderr.contains("ERROR"), "\(info.stderr)", sourceLocation: sourceLocation)
        var layers: [OGRLayer] = []
        for line in info.stdout.split(separator: "\n").map(String.init) {
            if line.hasPrefix("Layer name: ") {
                layers.append(OGRLayer(name: String(line.dropFirst(12)), geometry: "", featureCount: -1, fields: [:]))
            } else if line.hasPrefix("Geometry: "), !layers.isEmpty {
                layers[layers.count - 1].geometry = String(line.dropFirst(10))
            } else if line.hasPrefix("Feature Count: "), !layers.isEmpty {
                layers[layers.count - 1].featureCount = Int(line.dropFirst(15)) ?? -1
            } else if !layers.isEmpty, let field = Self.field(line) {
                layers[layers.count - 1].fields[field.name] = field.type
            }
        }
        return layers
    }

    /// A field line, "name: Type (width.precision)".
    static func field(_ line: String) -> (name: String, type: String)? {
        guard let colon = line.range(of: ": "), line.hasSuffix(")"), let open = line.range(of: " (", options: .backwards),
            open.lowerBound > colon.upperBound
        else { return nil }
        let name = String(line[..<colon.lowerBound])
        guard !name.contains(" "), !name.isEmpty, name != "Extent" else { return nil }
        return (name, String(line[colon.upperBound..<open.lowerBound]))
    }

    /// Checks that the file is one layer of `geometry` with `count` features (when given), the field
    /// types given, and number types (Integer or Real) for the `numeric` fields.
    @discardableResult
    static func expectOneLayer(
        _ path: String, geometry: String, count: Int? = nil, types: [String: String] = [:], numeric: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> OGRLayer {
        let layers = try read(path, sourceLocation: sourceLocation)
        try #require(layers.count == 1, "\(layers.map(\.name))", sourceLocation: sourceLocation)
        let layer = layers[0]
        #expect(layer.geometry == geometry, sourceLocation: sourceLocation)
        if let count { #expect(layer.featureCount == count, sourceLocation: sourceLocation) }
        for (name, type) in types.sorted(by: { $0.key < $1.key }) {
            #expect(layer.fields[name] == type, "\(name)", sourceLocation: sourceLocation)
        }
        for name in numeric {
            #expect(layer.fields[name].map(numberTypes.contains) == true, "\(name): \(layer.fields[name] ?? "missing")", sourceLocation: sourceLocation)
        }
        return layer
    }
}

/// Checks that a GeoJSON output's features are what `schema` declares: the same field names (the union
/// over the features), each non-null value of the declared kind, each geometry of the declared type.
func expectDeclared(_ path: String, _ schema: OutputSchema, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let features = try GeoJSONReader.read(file: path).features
    try #require(!features.isEmpty, "\(path) has no features to compare", sourceLocation: sourceLocation)
    var seen: [String] = []
    for feature in features {
        for (key, value) in feature.properties.entries {
            if !seen.contains(key) { seen.append(key) }
            guard let field = schema.fields.first(where: { $0.name == key }) else { continue }
            let fits: Bool =
                switch (value, field.type) {
                case (.null, _), (.number, .real), (.bool, .boolean), (.string, .string), (.array, .string): true
                default: false
                }
            #expect(fits, "\(key): \(value) is not \(field.type)", sourceLocation: sourceLocation)
        }
        let allowed: Set<String> =
            switch schema.geometry {
            case .none: []
            case .point: ["Point"]
            case .multiPoint: ["Point", "MultiPoint"]
            case .lineString: ["LineString"]
            case .multiLineString: ["LineString", "MultiLineString"]
            case .multiPolygon: ["Polygon", "MultiPolygon"]
            }
        if let geometry = feature.geometry { #expect(allowed.contains(geometry.typeName), "\(geometry.typeName)", sourceLocation: sourceLocation) }
    }
    #expect(Set(seen) == Set(schema.fields.map(\.name)), "declared \(schema.fields.map(\.name)), written \(seen)", sourceLocation: sourceLocation)
}

@Suite("Every output opens in GIS as one layer")
struct OutputLayerTests {
    @Suite("Coverage and gaps")
    struct CoverageAndGaps {
        @Test("coverage --format geojson: one MultiPolygon layer; counts Integer, ratio and area Real")
        func coverage() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let out = folder.file("coverage.geojson")
            let result = try CLI.run(["coverage", "--level", "all", "--format", "geojson", "--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            try OGRLayer.expectOneLayer(
                out, geometry: "Multi Polygon",
                types: [
                    "code": "String", "name": "String", "level": "String", "kind": "String", "radius_m": "Integer",
                    "elderly_total": "Integer", "elderly_covered": "Integer", "coverage_ratio": "Real", "facilities": "Integer",
                    "capacity": "Integer", "uncovered_area_m2": "Real", "elderly_off_network": "Integer",
                ])
        }

        @Test("gaps and report --tables: one MultiPolygon layer; reasons a string list, never JSON")
        func gaps() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let out = folder.file("gaps.geojson")
            let result = try CLI.run(["gaps", "--kind", "canteen", "--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            let report = try CLI.run(["report", "--kind", "canteen", "--output", folder.file("r.html"), "--tables", folder.file("tables")])
            #expect(report.status == 0, "\(report.stderr)")
            let types = [
                "gap": "String", "code": "String", "name": "String", "level": "String", "kind": "String", "radius_m": "Integer",
                "area_m2": "Real", "elderly_total": "Integer", "elderly_covered": "Integer", "elderly_uncovered": "Integer",
                "coverage_ratio": "Real", "facilities": "Integer", "reasons": "StringList", "rank": "Integer",
                "elderly_off_network": "Integer", "distance_model": "String",
            ]
            try OGRLayer.expectOneLayer(out, geometry: "Multi Polygon", types: types)
            try OGRLayer.expectOneLayer(folder.file("tables/gaps.geojson"), geometry: "Multi Polygon", types: types)
        }
    }

    @Suite("Site")
    struct Site {
        @Test("site --output: one Point layer; capacity, cost and road distance numbers in every feature, not null text")
        func site() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            // A registry of units only: no road to label with, the case that wrote null in every feature.
            let db = folder.file("units.sqlite")
            #expect(try CLI.run(["names", "import", Paths.sample + "/units.geojson", "--db", db]).status == 0)
            let out = folder.file("sites.geojson")
            // Generated candidates carry neither capacity nor cost.
            let result = try CLI.run(["site", "--kind", "canteen", "--add", "3", "--site-capacity", "120", "--names", db, "--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            try OGRLayer.expectOneLayer(
                out, geometry: "Point", count: 3,
                types: [
                    "rank": "Integer", "candidate_id": "String", "kind": "String", "coverage_ratio_after": "Real", "code": "String",
                    "name": "String", "candidate_name": "String", "capacity": "Integer", "cost": "Integer",
                    "for_min_facilities": "Integer(Boolean)", "place_label": "String", "road": "String", "road_distance_m": "Integer",
                    "community": "String",
                ],
                numeric: ["gain_elderly", "cumulative_covered"])
            for feature in try GeoJSONReader.read(file: out).features {
                #expect(feature.properties["capacity"] == .number(120))
                #expect(feature.properties["cost"] == .number(0))
                #expect(feature.properties["road_distance_m"] == .number(-1))
            }
        }

        @Test("a candidates file's capacity and cost are written as they are; missing ones as --site-capacity and 0")
        func candidateNumbers() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            // Two candidates where sites add coverage (the two a generated run picks), one with numbers
            // and one without.
            let generated = folder.file("generated.geojson")
            #expect(try CLI.run(["site", "--kind", "day-care", "--add", "2", "--output", generated]).status == 0)
            let sites = try GeoJSONReader.read(file: generated).features.compactMap { feature -> Coordinate? in
                if case .point(let c)? = feature.geometry { return c }
                return nil
            }
            try #require(sites.count == 2)
            let csv = "id,name,capacity,cost,longitude,latitude\nA,甲,80.5,250000,\(sites[0].x),\(sites[0].y)\nB,乙,,,\(sites[1].x),\(sites[1].y)\n"
            let candidates = try folder.write("candidates.csv", csv)
            let out = folder.file("sites.geojson")
            let result = try CLI.run(["site", "--kind", "day-care", "--candidates", candidates, "--add", "2", "--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            try OGRLayer.expectOneLayer(out, geometry: "Point", count: 2, types: ["capacity": "Real", "cost": "Integer"])
            let byID = Dictionary(
                try GeoJSONReader.read(file: out).features.map { ($0.properties["candidate_id"]?.textValue ?? "", $0.properties) },
                uniquingKeysWith: { a, _ in a })
            #expect(byID["A"]?["capacity"] == .number(80.5) && byID["A"]?["cost"] == .number(250_000))
            #expect(byID["B"]?["capacity"] == .number(100) && byID["B"]?["cost"] == .number(0))
        }
    }

    @Suite("Names export")
    struct NamesExport {
        /// The tiny registry with a point record and one with former names and aliases.
        func registry() throws -> TinyRegistry {
            let tiny = try TinyRegistry()
            try tiny.registry.create(
                PlaceDraft(name: "西溪桥", type: "bridge", district: "330106", geometry: .point(Coordinate(120.13, 30.27)), status: .inUse),
                action: "add", actor: "test")
            try tiny.registry.create(
                PlaceDraft(
                    name: "学院路", type: "road", district: "330106",
                    geometry: .multiLineString([[.init(120.13, 30.27), .init(120.13, 30.29)], [.init(120.13, 30.29), .init(120.14, 30.30)]]),
                    status: .inUse, formerNames: [NameEntry(name: "学院北路", from: "1998-01-01", to: "2010-06-30"), NameEntry(name: "学院大道")],
                    aliases: [NameEntry(name: "大学路"), NameEntry(name: "学府路")]),
                action: "add", actor: "test")
            return tiny
        }

        static let types = [
            "id": "Integer", "name": "String", "pinyin": "String", "type": "String", "status": "String", "district": "String",
            "town": "String", "protected": "Integer(Boolean)", "former_names": "String", "former_names_from": "String",
            "former_names_to": "String", "aliases": "String", "approval_body": "String", "approval_date": "String",
            "approval_document": "String", "notice_date": "String", "sources": "String", "remarks": "String", "shape": "String",
        ]

        @Test("--geometry point (the default): every record as one Point layer, those without a location included")
        func points() throws {
            let tiny = try registry()
            defer { tiny.folder.cleanup() }
            let out = tiny.folder.file("points.geojson")
            let result = try CLI.run(["names", "export", "--db", tiny.path, "--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            try OGRLayer.expectOneLayer(out, geometry: "Point", count: 7, types: Self.types)
            let features = try GeoJSONReader.read(file: out).features
            #expect(features.filter { $0.geometry == nil }.count == 3)
            let shapes = Dictionary(features.map { ($0.properties["name"]?.textValue ?? "", $0.properties["shape"]?.textValue ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(shapes == ["西湖区": "polygon", "上城区": "none", "文三路": "line", "古荡社区": "none", "清河坊": "none", "西溪桥": "point", "学院路": "line"])
            // A line's point lies on it.
            let road = try #require(features.first { $0.properties["name"] == "文三路" })
            guard case .point(let onRoad)? = road.geometry else {
                Issue.record("文三路 has no point: \(String(describing: road.geometry))")
                return
            }
            #expect(abs(onRoad.y - 30.28) < 1e-7 && (120.12...120.15).contains(onRoad.x))
        }

        @Test("--geometry line and polygon: only those records, as MultiLineString and MultiPolygon")
        func shapes() throws {
            let tiny = try registry()
            defer { tiny.folder.cleanup() }
            for (shape, geometry, names) in [("line", "Multi Line String", ["文三路", "学院路"]), ("polygon", "Multi Polygon", ["西湖区"])] {
                let out = tiny.folder.file("\(shape).geojson")
                let result = try CLI.run(["names", "export", "--db", tiny.path, "--geometry", shape, "--output", out])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stderr.contains("\(names.count) record(s) with a \(shape) shape written"))
                try OGRLayer.expectOneLayer(out, geometry: geometry, count: names.count, types: Self.types)
                let features = try GeoJSONReader.read(file: out).features
                #expect(Set(features.compactMap { $0.properties["name"]?.textValue }) == Set(names))
                #expect(features.allSatisfy { $0.geometry?.typeName == (shape == "line" ? "MultiLineString" : "MultiPolygon") })
            }
        }

        @Test("lists are text joined with ';', dates aligned with the former names; CSV refuses --geometry")
        func lists() throws {
            let tiny = try registry()
            defer { tiny.folder.cleanup() }
            let features = try tiny.registry.exportFeatures(geometry: .line)
            let road = try #require(features.first { $0.properties["name"] == "学院路" })
            #expect(road.properties["former_names"] == "学院北路;学院大道")
            #expect(road.properties["former_names_from"] == "1998-01-01;")
            #expect(road.properties["former_names_to"] == "2010-06-30;")
            #expect(road.properties["aliases"] == "大学路;学府路")
            let plain = try #require(features.first { $0.properties["name"] == "文三路" })
            #expect(plain.properties["former_names"] == "" && plain.properties["aliases"] == "")
            let csv = try CLI.run(["names", "export", "--db", tiny.path, "--format", "csv", "--geometry", "line"])
            #expect(csv.status == 2)
            #expect(csv.stderr.contains("--geometry applies to --format geojson"))
        }
    }

    @Suite("Declared layers")
    struct Declared {
        @Test("each command's features are what its OutputSchema declares (so an empty layer has the same fields)")
        func schemasMatchOutputs() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let db = folder.file("units.sqlite")
            #expect(try CLI.run(["names", "import", Paths.sample + "/units.geojson", "--db", db]).status == 0)
            let runs: [([String], String, OutputSchema)] = [
                (["coverage", "--level", "all", "--format", "geojson"], "coverage.geojson", .coverage),
                (["gaps", "--kind", "canteen", "--names", db], "gaps.geojson", .gaps.withPlaceLabels),
                (["access", "--kind", "care-home", "--format", "geojson", "--points-output", folder.file("points.geojson")], "access.geojson", .access),
                (["site", "--kind", "canteen", "--add", "3", "--names", db], "sites.geojson", .sites.withPlaceLabels),
                (["network", "check", Paths.sample + "/network.geojson"], "network.geojson", .networkComponents),
                (["names", "export", "--db", db], "names.geojson", .namesExport(geometry: .point)),
                (["names", "export", "--db", db, "--geometry", "polygon"], "names-polygons.geojson", .namesExport(geometry: .multiPolygon)),
            ]
            for (arguments, file, schema) in runs {
                let result = try CLI.run(arguments + ["--output", folder.file(file)])
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
                try expectDeclared(folder.file(file), schema)
            }
            try expectDeclared(folder.file("points.geojson"), .accessPoints)
        }
    }

    @Suite("Site and names export in every GDAL format")
    struct Formats {
        @Test("site --output as GeoPackage, Shapefile, FlatGeobuf and KML: one Point layer of the chosen sites", arguments: [
            ("gpkg", "Point"), ("shp", "Point"), ("fgb", "Point"), ("kml", "Unknown (any)"),
        ])
        func site(format: String, geometry: String) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let out = folder.file("sites.\(format)")
            let result = try CLI.run(["site", "--kind", "canteen", "--add", "3", "--site-capacity", "120", "--output", out])
            #expect(result.status == 0, "\(result.stderr)")
            let types: [String: String] =
                switch format {
                case "shp":
                    [
                        "rank": "Real", "cand_id": "String", "kind": "String", "gain_eld": "Real", "cum_cov": "Real", "ratio_aft": "Real",
                        "code": "String", "name": "String", "cand_name": "String", "capacity": "Real", "cost": "Real", "for_minfac": "Integer",
                    ]
                case "kml": ["candidate_id": "String", "kind": "String"]
                default:
                    [
                        "rank": "Real", "candidate_id": "String", "kind": "String", "gain_elderly": "Real", "cumulative_covered": "Real",
                        "coverage_ratio_after": "Real", "code": "String", "name": "String", "candidate_name": "String", "capacity": "Real",
                        "cost": "Real", "for_min_facilities": "Integer",
                    ]
                }
            let layer = try OGRLayer.expectOneLayer(out, geometry: geometry, count: 3, types: types)
            if format != "kml" { #expect(layer.fields.count == OutputSchema.sites.fields.count, "\(layer.fields)") }
            let read = try LayerFormats.withGDAL.read(LayerRequest(path: out))
            #expect(read.features.count == 3 && read.features.allSatisfy { $0.geometry?.typeName == "Point" })
            #expect(read.declaredEPSG == 4326)
        }

        @Test("names export as GeoPackage, Shapefile, FlatGeobuf and KML: points, lines and areas, every field", arguments: [
            "gpkg", "shp", "fgb", "kml",
        ])
        func namesExport(format: String) throws {
            let tiny = try NamesExport().registry()
            defer { tiny.folder.cleanup() }
            let runs: [(shape: String, count: Int, geometry: String, shp: String)] = [
                ("point", 7, "Point", "Point"), ("line", 2, "Multi Line String", "Line String"), ("polygon", 1, "Multi Polygon", "Polygon"),
            ]
            for run in runs {
                let out = tiny.folder.file("\(run.shape).\(format)")
                let result = try CLI.run(["names", "export", "--db", tiny.path, "--geometry", run.shape, "--output", out])
                if format == "fgb", run.shape == "point" {
                    // Three records have no location: FlatGeobuf (GDAL 3.6) would drop them unsaid.
                    #expect(result.status != 0 && result.stderr.contains("FlatGeobuf cannot hold a feature without geometry (3 of 7"), "\(result.stderr)")
                    #expect(!FileManager.default.fileExists(atPath: out))
                    continue
                }
                #expect(result.status == 0, "\(result.stderr)")
                let geometry = format == "shp" ? run.shp : format == "kml" ? "Unknown (any)" : run.geometry
                let layer = try OGRLayer.expectOneLayer(out, geometry: geometry, count: run.count)
                switch format {
                case "shp":
                    for name in ["id", "name", "pinyin", "former", "former_frm", "former_to", "aliases", "appr_body", "appr_date", "appr_doc", "notice_dt", "shape"] {
                        #expect(layer.fields[name] != nil, "\(name) missing: \(layer.fields)")
                    }
                    #expect(!layer.fields.keys.contains { $0.range(of: #"_\d+$"#, options: .regularExpression) != nil }, "\(layer.fields)")
                    #expect(layer.fields["id"] == "Real" && layer.fields["protected"] == "Integer" && layer.fields["former_to"] == "String")
                case "kml":
                    #expect(layer.fields["former_names_to"] != nil && layer.fields["pinyin"] == "String", "\(layer.fields)")
                default:
                    #expect(layer.fields.count == OutputSchema.namesExport(geometry: .point).fields.count, "\(layer.fields)")
                    #expect(layer.fields["id"] == "Real" && layer.fields["protected"] == "Integer" && layer.fields["former_names_to"] == "String")
                }
            }
        }
    }
}
