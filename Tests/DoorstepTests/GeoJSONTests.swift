import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Testing

@Suite("GeoJSON and CSV I/O")
struct GeoJSONTests {
    @Suite("Reading")
    struct Reading {
        @Test("features, properties, escapes and an old-style crs member")
        func readsCollection() throws {
            let text = #"""
                {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},
                 "features":[
                  {"type":"Feature","id":7,"properties":{"code":"330106","name":"西湖\"区\"\n","n":1.5e3,"ok":true,"x":null},
                   "geometry":{"type":"Point","coordinates":[120.1, 30.2, 5]}},
                  {"type":"Feature","properties":null,"geometry":null},
                  {"type":"Feature","properties":{"s":"\u897f\ud83d\ude00"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}
                 ]}
                """#
            let fc = try GeoJSONReader.parse(Array(text.utf8), file: "t.geojson")
            #expect(fc.declaredEPSG == 4549)
            #expect(fc.features.count == 3)
            #expect(fc.features[0].id == .number(7))
            #expect(fc.features[0].properties["name"] == .string("西湖\"区\"\n"))
            #expect(fc.features[0].properties["n"] == .number(1500))
            #expect(fc.features[0].geometry == .point(Coordinate(120.1, 30.2)))
            #expect(fc.features[1].geometry == nil)
            #expect(fc.features[2].properties["s"] == .string("西😀"))
            #expect(fc.features[2].geometry?.polygons.count == 1)
        }

        @Test("numbers parse exactly like Swift's own parser")
        func numbers() throws {
            let values = ["120.1234567", "-0.1", "30.27", "1e-7", "123456789012345678", "0.30000000000000004", "5"]
            let text = collection(values.map { pointFeature(0, 0, #""v":\#($0)"#) })
            let fc = try GeoJSONReader.parse(Array(text.utf8), file: "n.geojson")
            for (feature, value) in zip(fc.features, values) {
                #expect(feature.properties["v"] == .number(Double(value)!))
            }
        }

        @Test(
            "bad input names the file, the feature and the problem",
            arguments: [
                ("hello", "is not JSON"),
                (#"{"type":"Feature","geometry":null,"properties":{}}"#, "is not a GeoJSON FeatureCollection"),
                (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{}}]}"#, "feature 0: has no \"geometry\""),
                (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[NaN,1]}}]}"#, "feature 0: coordinate or number is NaN"),
                (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}]}"#, "ring has 3 positions"),
                (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}]}"#, "ring is not closed"),
                (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":null},"#, "not valid JSON"),
                ("", "is empty"),
            ])
        func badInput(text: String, expected: String) throws {
            let error = #expect(throws: InputError.self) { try GeoJSONReader.parse(Array(text.utf8), file: "bad.geojson") }
            #expect(error?.description.hasPrefix("bad.geojson: ") == true)
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains("\n") == false)
        }

        @Test("text that is not UTF-8 is refused with a hint")
        func notUTF8() throws {
            var bytes = Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":""#.utf8)
            bytes += [0xCE, 0xF7, 0xBA, 0xFE]  // 西湖 in GBK
            bytes += Array(#""},"geometry":null}]}"#.utf8)
            let error = #expect(throws: InputError.self) { try GeoJSONReader.parse(bytes, file: "gbk.geojson") }
            #expect(error?.description == "gbk.geojson: feature 0: text is not UTF-8; save the file as UTF-8 (GeoJSON requires it)")
        }

        /// Over 4 MB, so the reader splits the work between cores.
        static func largeCollection(count: Int, nested: Bool) -> (text: String, ids: [Int]) {
            let extra = nested ? #","history":[{"year":2016},{"year":2020}]"# : ""
            let features = (0..<count).map { i in
                pointFeature(120 + Double(i) * 1e-6, 30.25, #""id":\#(i),"elderly":\#(i % 50)\#(extra),"note":"\u4e1c,{x}""#)
            }
            return (collection(features), Array(0..<count))
        }

        @Test("large files parse in parallel to the same result, even when a split lands inside properties", arguments: [false, true])
        func parallelParse(nested: Bool) throws {
            let (text, ids) = Self.largeCollection(count: 40_000, nested: nested)
            #expect(text.utf8.count > 4 << 20)
            let fc = try GeoJSONReader.parse(Array(text.utf8), file: "big.geojson")
            #expect(fc.features.map { $0.properties["id"] } == ids.map { .number(Double($0)) })
            #expect(fc.features.last?.geometry == .point(Coordinate(120 + 39_999e-6, 30.25)))
            #expect(fc.features[7].properties["note"] == .string("东,{x}"))
        }

        @Test("an error late in a large file names the right feature")
        func parallelError() throws {
            var (text, _) = Self.largeCollection(count: 40_000, nested: false)
            text = text.replacingOccurrences(of: #"[120.0312,30.25]"#, with: #"[120.0312,NaN]"#)
            let error = #expect(throws: InputError.self) { try GeoJSONReader.parse(Array(text.utf8), file: "big.geojson") }
            #expect(error?.description == "big.geojson: feature 31200: coordinate or number is NaN; only finite numbers are allowed")
        }

        @Test("a field is found by its name, else by the first name that differs only in case, in any script")
        func fieldLookup() {
            let object: JSONObject = ["NAME": "a", "name": "b", "Code": 1, "@x": 2, "\u{212A}m": 3, "ÉLAN": 4]
            #expect(object.value(forField: "name") == "b")
            #expect(object.value(forField: "Name") == "a")
            #expect(object.value(forField: "code") == 1)
            // Only letters fold: '@' is not '`'.
            #expect(object.value(forField: "`x") == nil)
            // Other scripts fold as Foundation folds them: the Kelvin sign is a K, É an é.
            #expect(object.value(forField: "km") == 3)
            #expect(object.value(forField: "élan") == 4)
            #expect(object.value(forField: "elan") == nil)
        }

        @Test("a missing file")
        func missingFile() {
            let error = #expect(throws: InputError.self) { try GeoJSONReader.read(file: "/nonexistent/units.geojson") }
            #expect(error?.description == "/nonexistent/units.geojson: no such file")
        }
    }

    @Suite("Writing")
    struct Writing {
        @Test("a coordinate beyond what 7 fixed decimals hold is written, not trapped on")
        func hugeCoordinate() {
            let text = String(decoding: GeoJSONWriter().featureCollection([Feature(geometry: .point(.init(1e300, -2e19)))]), as: UTF8.self)
            #expect(text.contains("[1e+300,-2e+19]"), "\(text)")
        }

        @Test("round trip: what is written reads back the same (a Polygon as a MultiPolygon of one part)")
        func roundTrip() throws {
            let features = [
                Feature(
                    geometry: .multiPolygon([[[.init(120, 30), .init(120.1, 30), .init(120.1, 30.1), .init(120, 30.1), .init(120, 30)]]]),
                    properties: ["code": "330106001", "ratio": 0.25, "n": 3, "tags": .array(["coverage"]), "none": nil]),
                Feature(geometry: .point(.init(-0.0000001, 51.4778)), properties: ["name": "格林尼治 \"G\""]),
            ]
            let bytes = GeoJSONWriter().featureCollection(features)
            let back = try GeoJSONReader.parse(bytes, file: "rt.geojson")
            #expect(back.features == features)
            var polygon = features
            polygon[0].geometry = polygon[0].geometry?.singlePartSimplified
            #expect(try GeoJSONReader.parse(GeoJSONWriter().featureCollection(polygon), file: "rt.geojson").features == features)
            #expect(back.declaredEPSG == nil)
            #expect(!String(decoding: bytes, as: UTF8.self).contains("\"crs\""))
        }

        @Test("many features are formatted on all cores and joined in their order, one per line")
        func manyFeatures() throws {
            let features = (0..<1_000).map { i in
                Feature(geometry: .point(.init(120 + Double(i) * 1e-4, 30)), properties: ["id": .string("P\(i)"), "n": .number(Double(i))])
            }
            let bytes = GeoJSONWriter().featureCollection(features)
            #expect(try GeoJSONReader.parse(bytes, file: "many.geojson").features == features)
            var one: [UInt8] = []
            GeoJSONWriter().write(features[999], to: &one)
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 1_002 && lines[1000] == Substring(String(decoding: one, as: UTF8.self)))
        }

        @Test("exterior rings counter-clockwise, holes clockwise")
        func orientation() throws {
            let clockwiseShell: [Coordinate] = [.init(0, 0), .init(0, 10), .init(10, 10), .init(10, 0), .init(0, 0)]
            let counterClockwiseHole: [Coordinate] = [.init(2, 2), .init(4, 2), .init(4, 4), .init(2, 4), .init(2, 2)]
            let bytes = GeoJSONWriter().featureCollection([Feature(geometry: .polygon([clockwiseShell, counterClockwiseHole]))])
            let back = try GeoJSONReader.parse(bytes, file: "o.geojson")
            let rings = try #require(back.features[0].geometry?.polygons.first)
            #expect(GeometryValue.signedArea(rings[0]) > 0)
            #expect(GeometryValue.signedArea(rings[1]) < 0)
        }

        @Test("coordinates carry at most 7 decimals, without trailing zeros or -0")
        func precision() {
            var out: [UInt8] = []
            GeoJSONWriter().write(.lineString([.init(120.123456789, 30.5), .init(-0.00000001, -12.0000004)]), to: &out)
            #expect(String(decoding: out, as: UTF8.self) == #"{"type":"LineString","coordinates":[[120.1234568,30.5],[0,-12.0000004]]}"#)
        }

        @Test("whole numbers without a fraction or -0, others in Swift's shortest form; strings escaped only where needed")
        func values() {
            let value: JSONValue = .array([-5, 0, .number(-0.0), 1_234_567_890_123, 0.25, "plain 老年食堂", "a\"b\\c\nd\u{1}"])
            #expect(GeoJSONWriter.json(value) == #"[-5,0,0,1234567890123,0.25,"plain 老年食堂","a\"b\\c\nd\u0001"]"#)
        }

        @Test("an output that cannot be written leaves nothing behind")
        func atomicWrite() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let target = folder.file("out.geojson")
            try OutputFile.write(Array("first".utf8), to: target)
            try OutputFile.write(Array("second".utf8), to: target)
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "second")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.geojson"])
            #expect(throws: InputError.self) { try OutputFile.write([1], to: folder.file("missing/out.geojson")) }
        }
    }

    @Suite("CSV points")
    struct CSVPoints {
        let table = "id,name,kind,capacity,经度,纬度\nC1,文三路老年食堂,canteen,80,120.1301,30.2802\nC2,\"古荡, 社区食堂\",canteen,,120.1200,30.2750\n"

        @Test("UTF-8 with BOM, Chinese column names and quoted cells")
        func utf8WithBOM() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let path = try folder.write("f.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(table.utf8))
            let fc = try CSVPointReader.read(file: path)
            #expect(fc.features.count == 2)
            #expect(fc.features[0].geometry == .point(.init(120.1301, 30.2802)))
            #expect(fc.features[1].properties["name"] == .string("古荡, 社区食堂"))
            #expect(fc.features[0].properties["id"] == .string("C1"))
        }

        @Test("GB18030, as Excel on Chinese Windows saves it")
        func gb18030() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            // "经度,纬度,name\n120.1,30.2,西湖\n" in GB18030.
            let bytes: [UInt8] = [0xBE, 0xAD, 0xB6, 0xC8, 0x2C, 0xCE, 0xB3, 0xB6, 0xC8] + Array(",name\n120.1,30.2,".utf8)
                + [0xCE, 0xF7, 0xBA, 0xFE, 0x0A]
            let path = try folder.write("gbk.csv", bytes: bytes)
            let fc = try CSVPointReader.read(file: path)
            #expect(fc.features.first?.properties["name"] == .string("西湖"))
            #expect(fc.features.first?.geometry == .point(.init(120.1, 30.2)))
        }

        @Test("a bad coordinate names its line")
        func badLine() throws {
            let error = #expect(throws: InputError.self) {
                try CSVPointReader.parse("lon,lat\n120.1,30.2\nabc,30.3\n", file: "f.csv")
            }
            #expect(error?.description == "f.csv: line 3: lon \"abc\" is not a number")
        }

        @Test("a table without coordinate columns")
        func noCoordinates() throws {
            let error = #expect(throws: InputError.self) { try CSVPointReader.parse("id,name\n1,a\n", file: "f.csv") }
            #expect(error?.description.contains("no longitude/latitude columns") == true)
        }
    }
}
