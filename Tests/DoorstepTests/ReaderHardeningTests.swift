@_spi(Testing) import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Testing

/// The error `body` throws, or `nil` (and a recorded failure) when it throws none.
private func inputError(_ body: () throws(InputError) -> Void) -> InputError? {
    do {
        try body()
        Issue.record("no error")
        return nil
    } catch {
        return error
    }
}

/// Checks that an error is one clean line: the file first, no control characters, short.
private func expectOneLine(_ error: InputError?, file: String, _ expected: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error else {
        Issue.record("expected an error containing \(expected)", sourceLocation: sourceLocation)
        return
    }
    let text = error.description
    #expect(text.hasPrefix(file + ": "), "\(text)", sourceLocation: sourceLocation)
    for part in expected { #expect(text.contains(part), "\(text.debugDescription) lacks \(part.debugDescription)", sourceLocation: sourceLocation) }
    #expect(!text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(text.debugDescription)", sourceLocation: sourceLocation)
    #expect(text.utf8.count < 400, "\(text.utf8.count) bytes", sourceLocation: sourceLocation)
}

private func parse(_ text: String, parallel: Bool = false) throws(InputError) -> FeatureCollection {
    parallel
        ? try GeoJSONReader.parse(Array(text.utf8), file: "h.geojson", parallelAbove: 0, workers: 4)
        : try GeoJSONReader.parse(Array(text.utf8), file: "h.geojson")
}

/// A feature with `members` spliced in after its type.
private func feature(_ members: String, geometry: String = "null") -> String {
    #"{"type":"Feature",\#(members)"geometry":\#(geometry)}"#
}

private func point(_ coordinates: String) -> String {
    #"{"type":"Point","coordinates":\#(coordinates)}"#
}

@Suite("Reader hardening")
struct ReaderHardeningTests {
    @Suite("GeoJSON nesting is bounded")
    struct Nesting {
        static let levels = 100_000

        static func arrays(_ n: Int) -> String { String(repeating: "[", count: n) + String(repeating: "]", count: n) }
        static func objects(_ n: Int) -> String { String(repeating: #"{"a":"#, count: n) + "1" + String(repeating: "}", count: n) }

        /// Where hostile nesting can hide, and where the error must point.
        static let places: [(String, @Sendable (String) -> String, String)] = [
            ("properties", { collection([feature(#""properties":{"deep":\#($0)},"#)]) }, "feature 0"),
            ("id", { collection([feature(#""id":\#($0),"properties":{},"#)]) }, "feature 0"),
            ("an unknown feature member", { collection([feature(#""extra":\#($0),"properties":{},"#)]) }, "feature 0"),
            ("an unknown top-level member", { #"{"type":"FeatureCollection","meta":\#($0),"features":[]}"# }, "line 1"),
            ("crs", { #"{"type":"FeatureCollection","crs":\#($0),"features":[]}"# }, "line 1"),
            ("geometry members", { collection([feature(#""properties":{},"#, geometry: #"{"type":"Point","coordinates":[1,2],"bbox":\#($0)}"#)]) }, "feature 0"),
            ("a later feature", { collection([feature(#""properties":{},"#), feature(#""properties":{"x":\#($0)},"#)]) }, "feature 1"),
        ]

        @Test("arrays and objects nested 100,000 deep anywhere: one line naming the file and feature", arguments: [false, true])
        func deepAnywhere(parallel: Bool) {
            for (place, make, location) in Self.places {
                for deep in [Self.arrays(Self.levels), Self.objects(Self.levels)] {
                    let error = inputError { () throws(InputError) in _ = try parse(make(deep), parallel: parallel) }
                    expectOneLine(error, file: "h.geojson", location, "nested too deeply")
                    _ = place
                }
            }
        }

        @Test("coordinates nested 20,000 and 100,000 deep")
        func deepCoordinates() {
            for n in [5, 20_000, 100_000] {
                let text = collection([feature(#""properties":{},"#, geometry: point(Self.arrays(n)))])
                let error = inputError { () throws(InputError) in _ = try parse(text) }
                expectOneLine(error, file: "h.geojson", "feature 0: coordinates are nested too deeply")
            }
        }

        @Test("GeometryCollections nested 100,000 deep")
        func deepGeometryCollections() {
            let n = Self.levels
            let open = String(repeating: #"{"type":"GeometryCollection","geometries":["#, count: n)
            let text = collection([feature(#""properties":{},"#, geometry: open + String(repeating: "]}", count: n))])
            let error = inputError { () throws(InputError) in _ = try parse(text) }
            expectOneLine(error, file: "h.geojson", "feature 0: nested too deeply")
        }

        @Test("nesting up to the limit reads")
        func atTheLimit() throws {
            // The properties object is level 1, so 62 more levels of arrays fit in 64 with one object.
            let text = collection([feature(#""properties":{"deep":\#(Self.arrays(62))},"#)])
            let fc = try parse(text)
            var value = fc.features[0].properties["deep"]
            var levels = 0
            while case .array(let items)? = value { levels += 1; value = items.first }
            #expect(levels == 62)
            let tooDeep = collection([feature(#""properties":{"deep":\#(Self.arrays(64))},"#)])
            #expect(throws: InputError.self) { try parse(tooDeep) }
        }

        @Test("a deep feature in a file over 4 MB (the parallel reader) names the right feature")
        func parallelLargeFile() {
            let filler = (0..<40_000).map { pointFeature(120 + Double($0) * 1e-6, 30.25, #""id":\#($0),"note":"\u4e1c,{x}""#) }
            var features = filler
            features[35_000] = feature(#""properties":{"deep":\#(Self.arrays(Self.levels))},"#)
            let text = collection(features)
            #expect(text.utf8.count > 4 << 20)
            let error = inputError { () throws(InputError) in _ = try GeoJSONReader.parse(Array(text.utf8), file: "h.geojson") }
            expectOneLine(error, file: "h.geojson", "feature 35000: nested too deeply")
        }
    }

    @Suite("GeoJSON strings")
    struct Strings {
        @Test(
            "lone surrogates and bad escapes are errors naming the feature",
            arguments: [
                (#"\ud800"#, "lone surrogate escape \\uD800"),
                (#"\ud800x"#, "lone surrogate"),
                (#"\ud800\u0041"#, "lone surrogate"),
                (#"\udc00"#, "lone surrogate escape \\uDC00"),
                (#"a\ud83d"#, "lone surrogate"),
                (#"\x41"#, "unknown escape \\x"),
                (#"\u12G4"#, "four hex digits"),
                (#"\u+041"#, "four hex digits"),
                (#"\u-041"#, "four hex digits"),
                (#"\u00"#, "four hex digits"),
            ])
        func badEscapes(escape: String, expected: String) {
            let text = collection([feature(#""properties":{"name":"\#(escape)"},"#)])
            let error = inputError { () throws(InputError) in _ = try parse(text) }
            expectOneLine(error, file: "h.geojson", "feature 0: ", expected)
        }

        @Test("valid escapes read as the characters they stand for")
        func goodEscapes() throws {
            let text = collection([feature(#""properties":{"s":"\ud83d\ude00\u897f\/\\\"\b\f\n\r\t\u0041"},"#)])
            #expect(try parse(text).features[0].properties["s"] == .string("😀西/\\\"\u{08}\u{0C}\n\r\tA"))
        }

        @Test("a raw control character inside a string is refused")
        func rawControl() {
            let text = collection([feature("\"properties\":{\"s\":\"a\u{01}b\"},")])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(text) }, file: "h.geojson", "feature 0: ", "control character (0x01)")
            let newline = collection([feature("\"properties\":{\"s\":\"a\nb\"},")])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(newline) }, file: "h.geojson", "control character (0x0A)")
        }

        @Test("invalid UTF-8 inside a string, escaped or not")
        func invalidUTF8() {
            for prefix in ["", #"\n"#] {
                let bytes = Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"s":"\#(prefix)"#.utf8)
                    + [0xC3, 0x28, 0xFF] + Array(#""},"geometry":null}]}"#.utf8)
                let error = inputError { () throws(InputError) in _ = try GeoJSONReader.parse(bytes, file: "h.geojson") }
                expectOneLine(error, file: "h.geojson", "feature 0: text is not UTF-8")
            }
        }

        @Test("a key given twice is refused, in few keys and in many")
        func duplicateKeys() {
            let few = collection([feature(#""properties":{"name":"a","name":"b"},"#)])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(few) }, file: "h.geojson", "feature 0: ", "key \"name\" twice")
            let keys = (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
            let many = collection([feature(#""properties":{\#(keys),"k3":0},"#)])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(many) }, file: "h.geojson", "key \"k3\" twice")
            let nested = collection([feature(#""properties":{"a":{"x":1,"x":2}},"#)])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(nested) }, file: "h.geojson", "key \"x\" twice")
            let geometry = collection([#"{"type":"Feature","properties":{},"geometry":null,"geometry":{"type":"Point","coordinates":[1,2]}}"#])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(geometry) }, file: "h.geojson", "feature 0: the feature has the member \"geometry\" twice")
            let coordinates = collection([feature(#""properties":{},"#, geometry: #"{"type":"Point","coordinates":[1,2],"coordinates":[3,4]}"#)])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(coordinates) }, file: "h.geojson", "member \"coordinates\" twice")
            let features = #"{"type":"FeatureCollection","features":[],"features":[]}"#
            expectOneLine(inputError { () throws(InputError) in _ = try parse(features) }, file: "h.geojson", "member \"features\" twice")
        }

        @Test("a key made of 10,000 distinct keys reads in linear time")
        func manyKeys() throws {
            let keys = (0..<10_000).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
            let fc = try parse(collection([feature(#""properties":{\#(keys)},"#)]))
            #expect(fc.features[0].properties.keys.count == 10_000)
            #expect(fc.features[0].properties["k9999"] == .number(9999))
        }

        @Test("control characters and long values from the input are escaped and cut in messages")
        func messagesEscaped() {
            let escapeType = collection([feature(#""properties":{},"#, geometry: #"{"type":"\u001b[31mred\u0000","coordinates":[1,2]}"#)])
            let error = inputError { () throws(InputError) in _ = try parse(escapeType) }
            expectOneLine(error, file: "h.geojson", "unknown geometry type \"\\u{1B}[31mred\\u{0}\"")
            let long = collection([feature(#""properties":{},"#, geometry: #"{"type":"\#(String(repeating: "x", count: 5000))","coordinates":[1,2]}"#)])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(long) }, file: "h.geojson", "unknown geometry type")
            let featureType = collection([#"{"type":"Feat\nure","properties":{},"geometry":null}"#.replacingOccurrences(of: "\n", with: "\\n")])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(featureType) }, file: "h.geojson", "is not a Feature (its \"type\" is \"Feat\\nure\")")
            // A file name with a line break stays on one line too.
            let named = InputError(file: "a\nb.csv", location: "line 2", message: "x\u{0}y")
            #expect(named.description == "a\\nb.csv: line 2: x\\u{0}y")
        }
    }

    @Suite("GeoJSON numbers")
    struct Numbers {
        static func value(_ number: String) throws(InputError) -> JSONValue? {
            try parse(collection([feature(#""properties":{"v":\#(number)},"#)])).features[0].properties["v"]
        }

        @Test("numbers beyond Double, and words that are not numbers", arguments: [
            ("1e999", "number 1e999 is out of range"), ("-1e999", "number -1e999 is out of range"),
            ("1.", "a digit after the decimal point"), (".5", "not valid JSON"), ("1e", "a digit in the exponent"),
            ("1e+", "a digit in the exponent"), ("-", "expected a number"), ("--1", "expected a number"), ("+1", "not valid JSON"),
            ("NaN", "is NaN"), ("nan", "is nan"), ("Infinity", "is Infinity"), ("-Infinity", "is Infinity"), ("0x10", "not valid JSON"),
        ])
        func badNumbers(number: String, expected: String) {
            let error = inputError { () throws(InputError) in _ = try Self.value(number) }
            expectOneLine(error, file: "h.geojson", "feature 0: ", expected)
        }

        @Test("a 100,000-digit number gets a short message")
        func hugeNumber() {
            let digits = "9" + String(repeating: "9", count: 100_000) + "e99999"
            let error = inputError { () throws(InputError) in _ = try Self.value(digits) }
            expectOneLine(error, file: "h.geojson", "out of range")
        }

        @Test("-0, tiny, long and exponent numbers read as Swift reads them")
        func edgeNumbers() throws {
            for text in ["-0", "0", "-0.0", "1e-400", "123456789012345678901234567890", "0.1e1", "1E+2", "4.9e-324", "1.7976931348623157e308"] {
                let value = try Self.value(text)
                guard case .number(let n)? = value else { Issue.record("\(text) is \(String(describing: value))"); continue }
                let expected = Double(text)!
                #expect(n == expected && n.sign == expected.sign, "\(text)")
            }
        }

        @Test("coordinates out of Double's range")
        func coordinatesOutOfRange() {
            let text = collection([feature(#""properties":{},"#, geometry: point("[1e400,30]"))])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(text) }, file: "h.geojson", "feature 0: number 1e400 is out of range")
        }
    }

    @Suite("GeoJSON crs and number text")
    struct CRSAndNumbers {
        @Test("a crs member that names no EPSG code is an error, not longitude/latitude", arguments: [
            #"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549x"}}"#,
            #"{"type":"name","properties":{"name":"EPSG:99999999999999999999"}}"#,
            #"{"type":"name","properties":{"name":"EPSG:４５４９"}}"#,
            #"{"type":"link","properties":{"href":"http://example.com/crs"}}"#,
            #""EPSG:4549""#,
        ])
        func badCRS(crs: String) {
            let text = #"{"type":"FeatureCollection","crs":\#(crs),"features":[]}"#
            let error = inputError { () throws(InputError) in _ = try parse(text) }
            expectOneLine(error, file: "h.geojson", "line 1: the \"crs\" member")
        }

        @Test("crs members that name a code, or null")
        func goodCRS() throws {
            for (crs, code) in [
                (#"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}}"#, 4490),
                (#"{"type":"name","properties":{"name":"EPSG:4549"}}"#, 4549),
                (#"{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}"#, 4326),
            ] {
                #expect(try parse(#"{"type":"FeatureCollection","crs":\#(crs),"features":[]}"#).declaredEPSG == code)
            }
            #expect(try parse(#"{"type":"FeatureCollection","crs":null,"features":[]}"#).declaredEPSG == nil)
        }

        @Test("an object from 100,000 columns is built in linear time; a repeated key keeps its first place and last value")
        func objectFromColumns() {
            let keys = (0..<100_000).map { "c\($0)" } + ["c1"]
            let values = (0..<100_001).map { JSONValue.number(Double($0)) }
            let object = JSONObject(keys: keys, values: values)
            #expect(object.entries.count == 100_000)
            #expect(object["c1"] == .number(100_000))
            #expect(object.keys[1] == "c1")
            #expect(JSONObject(keys: ["a", "b"], values: ["x"]) == ["a": "x"])
        }

        @Test("text that spells nan, inf or a number beyond Double is not a number")
        func numberText() {
            for text in ["nan", "NaN", "inf", "-infinity", "1e999", "abc", ""] {
                #expect(JSONValue.string(text).numberValue == nil, "\(text)")
            }
            #expect(JSONValue.string(" 80 ").numberValue == 80)
            #expect(JSONValue.string("-0").numberValue == 0)
        }
    }

    @Suite("GeoJSON geometry shapes")
    struct Shapes {
        static func geometry(_ text: String) throws(InputError) -> GeometryValue? {
            try parse(collection([feature(#""properties":{},"#, geometry: text)])).features[0].geometry
        }

        @Test("malformed shapes are refused with what is wrong", arguments: [
            (point("[]"), "Point has an empty position"),
            (point("[120]"), "a position has 1 number"),
            (point("[1,2,3,4,5]"), "more than 4 numbers"),
            (point("null"), "\"coordinates\" is null"),
            (point(#""120,30""#), "\"coordinates\" is not an array"),
            (point("[[1,2]]"), "Point coordinates are nested too deeply"),
            (point(#"[1,"2"]"#), "expected a number"),
            (#"{"type":"LineString","coordinates":[[1,2]]}"#, "a line of 1 position"),
            (#"{"type":"MultiLineString","coordinates":[[]]}"#, "a line of 0 positions"),
            (#"{"type":"Polygon","coordinates":[[]]}"#, "ring has 0 positions"),
            (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#, "ring has 3 positions"),
            (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#, "ring is not closed"),
            (#"{"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]}"#, "not nested deeply enough"),
            (#"{"type":"MultiPolygon","coordinates":[[]]}"#, "MultiPolygon part 1 has no rings"),
            (#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[]]}"#, "MultiPolygon part 2 has no rings"),
            (#"{"type":"Circle","coordinates":[1,2]}"#, "unknown geometry type \"Circle\""),
            (#"{"coordinates":[1,2]}"#, "geometry has no \"type\""),
            (#"{"type":"Point"}"#, "Point has no \"coordinates\""),
            (#"{"type":"GeometryCollection"}"#, "has no \"geometries\""),
            (#"{"type":"GeometryCollection","geometries":[null]}"#, "holds a null geometry"),
            ("5", "\"geometry\" is neither an object nor null"),
            ("[]", "\"geometry\" is neither an object nor null"),
        ])
        func malformed(geometry: String, expected: String) {
            let error = inputError { () throws(InputError) in _ = try Self.geometry(geometry) }
            expectOneLine(error, file: "h.geojson", "feature 0: ", expected)
        }

        @Test("empty geometries, altitude and M values read as RFC 7946 allows")
        func allowed() throws {
            #expect(try Self.geometry(#"{"type":"Polygon","coordinates":[]}"#) == .polygon([]))
            #expect(try Self.geometry(#"{"type":"MultiPolygon","coordinates":[]}"#) == .multiPolygon([]))
            #expect(try Self.geometry(#"{"type":"LineString","coordinates":[]}"#) == .lineString([]))
            #expect(try Self.geometry(point("[1,2,3,4]")) == .point(Coordinate(1, 2)))
            #expect(try Self.geometry(point("[-0,2]")) == .point(Coordinate(0, 2)))
        }

        @Test("properties that are not an object")
        func propertiesNotObject() {
            for value in ["5", "[]", #""x""#, "true"] {
                let text = collection([feature(#""properties":\#(value),"#)])
                expectOneLine(inputError { () throws(InputError) in _ = try parse(text) }, file: "h.geojson", "feature 0: \"properties\" is not an object")
            }
        }
    }

    @Suite("GeoJSON files")
    struct Files {
        static let sample = collection([
            feature(#""id":"a","properties":{"name":"文三路","n":[1,{"b":null}]},"#, geometry: #"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#),
            feature(#""properties":{"s":"\ud83d\ude00"},"#, geometry: point("[120.1,30.2]")),
        ])

        @Test("every truncation of a valid file is a one-line error, sequential and parallel")
        func truncated() {
            let bytes = Array(Self.sample.utf8)
            for end in 0..<bytes.count {
                for parallel in [false, true] {
                    let prefix = Array(bytes[..<end])
                    let error = inputError { () throws(InputError) in
                        _ = parallel
                            ? try GeoJSONReader.parse(prefix, file: "h.geojson", parallelAbove: 0, workers: 3)
                            : try GeoJSONReader.parse(prefix, file: "h.geojson")
                    }
                    expectOneLine(error, file: "h.geojson")
                }
            }
        }

        @Test("the parallel path gives the sequential result on small files split many ways")
        func parallelEqualsSequential() throws {
            let text = collection((0..<50).map { i in
                feature(#""properties":{"i":\#(i),"t":",{\"x\":[1]},{","a":[{"b":[1]},{"c":2}]},"#, geometry: point("[\(i),\(i)]"))
            })
            let sequential = try parse(text)
            for workers in 2...9 {
                let parallel = try GeoJSONReader.parse(Array(text.utf8), file: "h.geojson", parallelAbove: 0, workers: workers)
                #expect(parallel == sequential)
            }
        }

        @Test("UTF-8 BOM is skipped; UTF-16 and UTF-32 are named, with no NUL in the message")
        func encodings() throws {
            let text = collection([feature(#""properties":{"a":1},"#)])
            #expect(try GeoJSONReader.parse([0xEF, 0xBB, 0xBF] + Array(text.utf8), file: "h.geojson").features.count == 1)
            let utf16LE: [UInt8] = Array(text.utf16).flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            let utf16BE: [UInt8] = Array(text.utf16).flatMap { unit -> [UInt8] in [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            let utf32LE: [UInt8] = Array(text.unicodeScalars).flatMap { scalar -> [UInt8] in [UInt8(scalar.value & 0xFF), 0, 0, 0] }
            for (bytes, expected) in [
                (utf16LE, "UTF-16"), ([0xFF, 0xFE] + utf16LE, "UTF-16"), (utf16BE, "UTF-16"), ([0xFE, 0xFF] + utf16BE, "UTF-16"),
                (utf32LE, "UTF-32"), ([0xFF, 0xFE, 0, 0] + utf32LE, "UTF-32"),
            ] {
                let error = inputError { () throws(InputError) in _ = try GeoJSONReader.parse(bytes, file: "h.geojson") }
                expectOneLine(error, file: "h.geojson", expected, "save the file as UTF-8")
            }
        }

        /// A GeoJSON file over the mapping threshold: `count` plain points with ids and weights.
        static func largeFile(count: Int) throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("doorstep-mapped-\(UUID().uuidString).geojson").path
            let features = (0..<count).map { i in
                #"{"type":"Feature","properties":{"id":"D\#(i)","elderly":\#(i % 7)},"geometry":{"type":"Point","coordinates":[120.\#(i % 9_999_999),30.5]}}"#
            }
            try collection(features).write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        @Test("a large file is mapped and read as its bytes parse; a small one is read")
        func mappedFiles() throws {
            let path = try Self.largeFile(count: 80_000)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let bytes = try FileInput.readRegularFile(path)
            #expect(bytes.count >= FileInput.mappingThreshold)
            #expect(try FileInput.withRegularFile(path) { Array($0) } == bytes)
            #expect(try GeoJSONReader.read(file: path, pointColumns: ["id", "elderly"]) == GeoJSONReader.parse(bytes, file: path, pointColumns: ["id", "elderly"]))
            let small = try Self.largeFile(count: 3)
            defer { try? FileManager.default.removeItem(atPath: small) }
            #expect(try FileInput.withRegularFile(small) { Array($0) } == FileInput.readRegularFile(small))
        }

        @Test("a mapped file shortened while it is read ends the process with one line naming it, not a crash")
        func shortenedWhileMapped() async throws {
            await #expect(processExitsWith: .exitCode(1), observing: [\.standardErrorContent]) {
                let path = try ReaderHardeningTests.Files.largeFile(count: 80_000)
                defer { try? FileManager.default.removeItem(atPath: path) }
                _ = try FileInput.withRegularFile(path) { bytes in
                    truncate(path, 0)
                    return bytes[bytes.count - 1]
                }
            }.map { result in
                let message = String(decoding: result.standardErrorContent, as: UTF8.self)
                #expect(message.hasPrefix("Error: /") && message.contains(".geojson: was shortened while it was being read"), "\(message)")
                #expect(message.filter { $0 == "\n" }.count == 1, "\(message)")
            }
        }

        @Test("a NUL or a byte over 0x7F where JSON is expected is shown as its code")
        func strayBytes() {
            for (byte, shown) in [(UInt8(0), "a NUL byte"), (0xFF, "byte 0xFF"), (0x07, "byte 0x07")] {
                let bytes = Array(#"{"type":"FeatureCollection","features":["#.utf8) + [byte] + Array("]}".utf8)
                let error = inputError { () throws(InputError) in _ = try GeoJSONReader.parse(bytes, file: "h.geojson") }
                expectOneLine(error, file: "h.geojson", "found \(shown)")
            }
        }
    }

    /// Plain Point features are read in one pass; anything it does not take goes the general way.
    /// Both must give the same features, or the same error, whatever the feature looks like.
    @Suite("GeoJSON one-pass Point features")
    struct OnePass {
        /// Pieces of a feature, each plain or one of the ways it can be unusual or wrong.
        static let types = [#""type":"Feature""#, #""type" : "Feature""#, #""type":"Featur""#, #""typ\u0065":"Feature""#, #""type":1"#]
        static let values = [
            "1", "-0", "30.1413188", "1e5", "0.12345678901234567", "012", "1.", "-", "true", "false", "null", "nullx", "nan",
            #""D000001""#, #""文三路""#, #""a\"b""#, "\"a\u{01}b\"", "[1]", #"{"x":1}"#, #""""#,
        ]
        static let properties = [
            #""properties":{}"#, #""properties":null"#, #""properties":5"#, #""properties":{"id":"D1","elderly":16}"#,
            #""properties":{"a":1,"a":2}"#, #""properties":{ "a" : 1 , "b" : true }"#,
        ]
        static let coordinates = [
            "[119.9013027,30.1413188]", "[ 120 , 30 ]", "[120,30,5]", "[120]", "[2e9,30]", "[120,30.]", #"["120",30]"#, "[120,30,1,2,3]", "[]",
        ]
        static let geometries =
            coordinates.map { #""geometry":{"type":"Point","coordinates":\#($0)}"# } + [
                #""geometry":{"coordinates":[1,2],"type":"Point"}"#, #""geometry":{"type":"Point"}"#, #""geometry":null"#,
                #""geometry":{"type":"MultiPoint","coordinates":[[1,2]]}"#, #""geometry":{"type":"Point","type":"Point","coordinates":[1,2]}"#,
                #""geometry":{"type":"Point","coordinates":[1,2],"coordinates":[1,2]}"#, #""geometry":{"type":"Point","coordinates":[1,2],"bbox":[1,2,1,2]}"#,
            ]

        static func same(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let bytes = Array(text.utf8)
            let onePass = Result { () throws(InputError) in try GeoJSONReader.parse(bytes, file: "h.geojson") }
            let general = Result { () throws(InputError) in try GeoJSONReader.parse(bytes, file: "h.geojson", parallelAbove: .max, onePass: false) }
            #expect(onePass == general, "\(text)", sourceLocation: sourceLocation)
            sameColumns(bytes, general: general, sourceLocation: sourceLocation)
        }

        /// Properties asked for as columns: present, absent, differing in case, in another script.
        static let columnFields = ["id", "elderly", "V", "名称", "x"]

        /// Read as point columns, `bytes` give the general path's features (when not every feature is a
        /// plain Point), or the general path's positions and the values `value(forField:)` finds in its
        /// properties; or the same error. Sequentially and in chunks of a few bytes.
        static func sameColumns(_ bytes: [UInt8], general: Result<FeatureCollection, InputError>, sourceLocation: SourceLocation = #_sourceLocation) {
            for threshold in [Int.max, 0] {
                let columns = Result { () throws(InputError) in
                    try GeoJSONReader.parse(bytes, file: "h.geojson", parallelAbove: threshold, workers: 3, pointColumns: columnFields)
                }
                switch (columns, general) {
                case (.success(let read), .success(let expected)) where read.points != nil:
                    let points = expected.features.compactMap { feature -> Coordinate? in
                        guard case .point(let c)? = feature.geometry, feature.id == nil else { return nil }
                        return c
                    }
                    let values = columnFields.map { field in expected.features.map { $0.properties.value(forField: field) } }
                    #expect(points.count == expected.features.count && !points.isEmpty, sourceLocation: sourceLocation)
                    #expect(read.points == PointColumns(fields: columnFields, locations: points, values: values), sourceLocation: sourceLocation)
                    #expect(read.features.isEmpty && read.declaredEPSG == expected.declaredEPSG, sourceLocation: sourceLocation)
                default:
                    #expect(columns == general, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
                }
            }
        }

        @Test("point columns of many features, in chunks, as the general path reads them; a feature the one pass does not take anywhere gives features")
        func chunkedColumns() throws {
            let plain = (0..<40).map { i in
                #"{"type":"Feature","properties":{"id":"D\#(i)","ELDERLY":\#(i % 5),"名称":"楼\#(i)"},"geometry":{"type":"Point","coordinates":[120.\#(i),30]}}"#
            }
            let odd = [
                #"{"type":"Feature","id":3,"properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
                #"{"type":"Feature","properties":{"id":"a\"b"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
                #"{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}}"#,
                #"{"type":"Feature","properties":{"elderly":-3},"geometry":null}"#,
                #"{"type":"Feature","properties":{"id":1},"geometry":{"type":"Point","coordinates":[1,2]}} x"#,
                // Where the chunks are guessed to start, inside a text: a wrong guess.
                #"{"type":"Feature","properties":{"名称":"a,{b,{c,{d,{e,{f,{g,{h,{i,{j,{k,{l,{m"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
            ]
            Self.same(collection(plain))
            let read = try GeoJSONReader.parse(Array(collection(plain).utf8), file: "h.geojson", parallelAbove: 0, workers: 3, pointColumns: Self.columnFields)
            let points = try #require(read.points)
            #expect(points.locations.count == 40 && points.locations[39] == Coordinate(120.39, 30))
            #expect(points.values[0][39] == "D39" && points.values[1][39] == 4 && points.values[2][39] == nil && points.values[3][39] == "楼39")
            Self.same(#"{"features":["# + plain.joined(separator: " ,\n ") + #"],"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4490"}}}"#)
            for feature in odd {
                for at in [0, 17, 39] {
                    var features = plain
                    features.insert(feature, at: at)
                    Self.same(collection(features))
                }
            }
            Self.same(#"{"type":"FeatureCollection","features":[]}"#)
        }

        @Test("numbers read 8 bytes at a time give what the general path and Swift's own reading give: up to 7 and past 7 digits, signs, exponents, near the end of the text")
        func shortNumbers() throws {
            var generator = SeededGenerator(seed: 17)
            var texts = ["0", "-0", "0.5", "9999999.9999999", "10000000.5", "1.12345678", "-120.1234567", "7e2", "7.5E-1", "1.", "-", "12.34e"]
            for _ in 0..<1_000 {
                let whole = String(UInt64.random(in: 0..<100_000_000_000, using: &generator) >> UInt64.random(in: 0...40, using: &generator))
                let fraction = String(UInt64.random(in: 0..<1_000_000_000, using: &generator)).prefix(Int.random(in: 1...9, using: &generator))
                texts.append((Bool.random(using: &generator) ? "-" : "") + whole + (Bool.random(using: &generator) ? "." + fraction : ""))
            }
            for text in texts {
                // Near the end of the text, and with more than 20 bytes after the number.
                for padding in ["", String(repeating: " ", count: 24)] {
                    let json = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"v":\#(text)},"geometry":{"type":"Point","coordinates":[\#(text),1]}}]\#(padding)}"#
                    Self.same(json)
                    guard let expected = Double(text), abs(expected) <= 1e9, !text.hasSuffix(".") else { continue }
                    let read = try GeoJSONReader.parse(Array(json.utf8), file: "h.geojson", pointColumns: ["v"])
                    let x = read.points?.locations.first?.x ?? read.features.first?.geometry?.coordinates.first?.x
                    #expect(x == expected, "\(text)")
                }
            }
        }

        @Test("features read by the template of the one before give what the general path gives, whatever changes from one to the next")
        func templates() {
            let base = #"{"type":"Feature","properties":{"id":"D1","elderly":5},"geometry":{"type":"Point","coordinates":[120.1,30.2]}}"#
            let variants = [
                #"{"type":"Feature","properties":{"id":"D2","elderly":"7"},"geometry":{"type":"Point","coordinates":[120.2,30.3]}}"#,
                #"{"type":"Feature","properties":{"id":null,"elderly":true},"geometry":{"type":"Point","coordinates":[-1,0]}}"#,
                #"{"type":"Feature","properties":{"elderly":5,"id":"D3"},"geometry":{"type":"Point","coordinates":[120.1,30.2]}}"#,
                #"{"type":"Feature","properties":{"ID":"D4","Elderly":5,"x":1},"geometry":{"type":"Point","coordinates":[120.1,30.2]}}"#,
                #"{"type":"Feature","properties":{"id":"D5","ID":"d5","elderly":5},"geometry":{"type":"Point","coordinates":[120.1,30.2]}}"#,
                #"{ "type": "Feature", "properties": { "id": "D6", "elderly": 5 }, "geometry": { "type": "Point", "coordinates": [ 120.1, 30.2 ] } }"#,
                #"{"type":"Feature","properties":{"id": "D7","elderly":  5},"geometry":{"type":"Point","coordinates":[ 120.1,30.2]}}"#,
                #"{"type":"Feature","properties":{"id":"D8","elderly":5e1},"geometry":{"type":"Point","coordinates":[120.1,30.2]}}"#,
                #"{"type":"Feature","properties":{"id":"D9","elderly":5},"geometry":{"type":"Point","coordinates":[2e9,30.2]}}"#,
                #"{"type":"Feature","properties":{"id":"D10","elderly":5},"geometry":{"type":"Point","coordinates":[1234567890.5,30.2]}}"#,
                #"{"type":"Feature","properties":{"id":"名","elderly":5},"geometry":{"type":"Point","coordinates":[120.1,30.2]}}"#,
                #"{"type":"Feature","properties":{"名称":"a","elderly":5},"geometry":{"type":"Point","coordinates":[120.1,30.2]}}"#,
                #"{"type":"Feature","properties":{"id":"D11","elderly":5},"geometry":{"coordinates":[120.1,30.2],"type":"Point"}}"#,
                #"{"type":"Feature","properties":{"id":"D12","elderly":5},"geometry":{"type":"Point","coordinates":[120.1,30.2,9]}}"#,
                #"{"type":"Feature","properties":{"id":"a\"b","elderly":5},"geometry":{"type":"Point","coordinates":[120.1,30.2]}}"#,
                #"{"type":"Feature","properties":{"id":"D13","elderly":5},"geometry":{"type":"Point","coordinates":[120.1,30.2]},"id":1}"#,
                #"{"properties":{"id":"D14","elderly":5},"type":"Feature","geometry":{"type":"Point","coordinates":[120.1,30.2]}}"#,
            ]
            for variant in variants {
                // Between features the template was learned from, and then a few times in a row.
                Self.same(collection([base, base, variant, base, base]))
                Self.same(collection([base, base, variant, variant, variant, base]))
            }
        }

        @Test("every combination of member forms and orders gives what the general path gives")
        func combinations() {
            var count = 0
            for type in Self.types {
                for properties in Self.properties {
                    for geometry in Self.geometries {
                        for members in [[type, properties, geometry], [geometry, type, properties], [properties, geometry, type, #""id":7"#]] {
                            Self.same(collection(["{" + members.joined(separator: ",") + "}"]))
                            count += 1
                        }
                    }
                }
            }
            for value in Self.values {
                Self.same(collection([#"{"type":"Feature","properties":{"v":\#(value),"w":1},"geometry":{"type":"Point","coordinates":[1,2]}}"#]))
            }
            #expect(count == Self.types.count * Self.properties.count * Self.geometries.count * 3)
        }

        @Test("names and texts in other scripts, and bytes that are not UTF-8, as the general path reads them")
        func otherScripts() {
            let head = Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"#.utf8)
            let tail = Array(#"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#.utf8)
            let members: [[UInt8]] = [
                Array(#""名称":"文三路老年食堂","座位":40"#.utf8), Array(#""name":""#.utf8) + [0xFF, 0x22],
                Array(#""n":""#.utf8) + [0xE6, 0x96, 0x87, 0xE4, 0xB8, 0x22], Array(#""长长长长长长长长长长":"半\u534a""#.utf8),
            ]
            for member in members {
                let bytes = head + member + tail
                let onePass = Result { () throws(InputError) in try GeoJSONReader.parse(bytes, file: "h.geojson") }
                let general = Result { () throws(InputError) in try GeoJSONReader.parse(bytes, file: "h.geojson", parallelAbove: .max, onePass: false) }
                #expect(onePass == general, "\(String(decoding: member, as: UTF8.self))")
                Self.sameColumns(bytes, general: general)
            }
            let named = try? GeoJSONReader.parse(head + members[0] + tail, file: "h.geojson")
            #expect(named?.features.first?.properties == ["名称": "文三路老年食堂", "座位": 40])
        }

        @Test("the plain form itself reads to the expected feature")
        func plain() throws {
            let text = collection([#"{"type":"Feature","properties":{"id":"D1","elderly":16,"ok":true,"x":null},"geometry":{"type":"Point","coordinates":[119.9013027,30.1413188]}}"#])
            let feature = try #require(try parse(text).features.first)
            #expect(feature.geometry == .point(Coordinate(119.9013027, 30.1413188)))
            #expect(feature.properties == ["id": "D1", "elderly": 16, "ok": true, "x": nil])
            #expect(feature.id == nil)
        }
    }

    @Suite("Input paths that are not files")
    struct NotFiles {
        @Test("a device, a folder, a pipe and a missing file say what they are, without reading", arguments: ["geojson", "csv"])
        func notFiles(format: String) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let fifo = folder.file("pipe.\(format)")
            #expect(mkfifo(fifo, 0o600) == 0)
            func read(_ path: String) throws(InputError) {
                if format == "csv" { _ = try CSVTable.read(file: path) } else { _ = try GeoJSONReader.read(file: path) }
            }
            for (path, expected) in [
                ("/dev/zero", "/dev/zero: is a character device, not a file"),
                ("/dev/null", "/dev/null: is a character device, not a file"),
                (folder.path, "\(folder.path): is a folder, not a file"),
                (fifo, "\(fifo): is a pipe (FIFO), not a file"),
                (folder.file("missing.\(format)"), "\(folder.file("missing.\(format)")): no such file"),
                (folder.file("missing/x.\(format)"), "no such file"),
            ] {
                let error = inputError { () throws(InputError) in try read(path) }
                #expect(error?.description.hasSuffix(expected) == true, "\(error?.description ?? "")")
            }
        }

        @Test("a file whose size says 0 (as /proc files do), one larger than one read, and one read in parts are read whole")
        func sizes() throws {
            let status = try GeoJSONReader.readBytes(of: "/proc/self/status")
            #expect(String(decoding: status, as: UTF8.self).contains("Name:"))
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            #expect(try GeoJSONReader.readBytes(of: try folder.write("big.bin", bytes: big)) == big)
            #expect(try GeoJSONReader.readBytes(of: try folder.write("empty.bin", bytes: [])) == [])
            // Read in parts on all cores, joined in order.
            let large = (0..<9_000_001).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            #expect(try GeoJSONReader.readBytes(of: try folder.write("large.bin", bytes: large)) == large)
        }

        @Test("doorstep coverage with /dev/zero as the units layer")
        func cliDevZero() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let result = try CLI.run(["coverage", "--units", "/dev/zero", "--facilities", city.facilities, "--demand", city.demand])
            #expect(result.status != 0)
            #expect(result.stderr.contains("/dev/zero: is a character device, not a file"), "\(result.stderr)")
            #expect(!result.stderr.contains("permission denied"))
        }
    }

    @Suite("CSV is strict and names the line")
    struct CSV {
        static func table(_ text: String) throws(InputError) -> CSVTable { try CSVTable.parse(text, file: "t.csv") }

        @Test("broken quoting and long rows are refused with the line the row starts on", arguments: [
            // An unclosed quote in the last column that would swallow the rows after it.
            ("name,kind\n文三路食堂,canteen\n\"古荡食堂,canteen\n翠苑食堂,canteen\n", "line 3: a quoted cell opened on line 3 is never closed"),
            ("id,name,lon,lat\n1,\"甲,120.1,30.2\n2,乙\",120.2,30.3\n", "line 2: a quoted cell runs from line 2 to line 3 and holds commas after a line break"),
            ("name,kind\na,\"canteen\n", "line 2: a quoted cell opened on line 2 is never closed"),
            ("name,kind\nab\"c,canteen\n", "line 2: a \" inside a cell that does not start with one"),
            ("name,kind\n\"ab\"c,canteen\n", "line 2: text after the closing quote"),
            ("name,kind\na,b,c\n", "line 2: the row has 3 cells but the header has 2 columns"),
            ("name,kind\n\n\nx,\"multi\nline\"\na,b,c\n", "line 6: the row has 3 cells"),
            ("name,kind\r\na,b\r\n\"x\r\ny\",z\r\nq,r,s\r\n", "line 5: the row has 3 cells"),
            ("name,kind\ra,b\rc,d,e\r", "line 3: the row has 3 cells"),
            ("name,name\n", "line 1: the column name \"name\" appears twice (columns 1 and 2)"),
            ("", "t.csv: is empty"),
            ("\n\n", "t.csv: is empty"),
            ("name\na\u{0}b\n", "line 2: a NUL byte"),
        ])
        func refused(text: String, expected: String) {
            let error = inputError { () throws(InputError) in _ = try Self.table(text) }
            expectOneLine(error, file: "t.csv", expected)
        }

        @Test("quoted cells, multi-line cells, blank lines and short rows read, each row with its line")
        func accepted() throws {
            let table = try Self.table("\u{FEFF}id, name ,note\n1,\"a, b\",\"say \"\"hi\"\"\"\n\n2 , \"x\" ,\"two\nlines\"\n3\n4,z,,\n,,\n")
            #expect(table.header == ["id", "name", "note"])
            #expect(table.rows == [["1", "a, b", "say \"hi\""], ["2 ", "x", "two\nlines"], ["3"], ["4", "z", ""]])
            #expect(table.rowLines == [2, 4, 6, 7])
            #expect(table.line(ofRow: 3) == 7)
        }

        @Test("a bad coordinate after a multi-line cell names its physical line")
        func pointLines() {
            let text = "name,lon,lat\n\"two\nlines\",120.1,30.2\n\nx,abc,30.3\n"
            let error = inputError { () throws(InputError) in _ = try CSVPointReader.parse(text, file: "t.csv") }
            #expect(error?.description == "t.csv: line 5: lon \"abc\" is not a number")
        }

        @Test("coordinates must be decimal numbers", arguments: ["0x1p4", "nan", "inf", "-infinity", "1e999", "120,1", "１２０.１", ""])
        func decimalCoordinates(cell: String) {
            let text = "lon,lat\n\(CSVCell.escape(cell)),30\n"
            let error = inputError { () throws(InputError) in _ = try CSVPointReader.parse(text, file: "t.csv") }
            expectOneLine(error, file: "t.csv", "line 2: lon ")
        }

        @Test("CSVCell.escape quotes every cell a reader would split, CRLF included, and it reads back", arguments: [
            "a\r\nb", "a\nb", "a\rb", "a,b", "say \"hi\"", "文三路\r\n2号", "plain",
        ])
        func escapeRoundTrip(cell: String) throws {
            let line = "name,other\n\(CSVCell.escape(cell)),x\n"
            let table = try Self.table(line)
            #expect(table.rows == [[cell, "x"]])
        }

        @Test("a cell with control characters is quoted escaped in messages")
        func escapedCell() {
            let error = inputError { () throws(InputError) in _ = try CSVPointReader.parse("lon,lat\n\u{1B}[2J,30\n", file: "t.csv") }
            expectOneLine(error, file: "t.csv", "line 2: lon \"\\u{1B}[2J\" is not a number")
        }

        @Test("the names import of a file with an unclosed quote imports nothing and names the line")
        func namesImport() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let csv = try folder.write("names.csv", "name,type,district\n云栖路,road,330106\n\"梅灵路,road,330106\n龙井路,road,330106\n九溪路,road,330106\n")
            let db = folder.file("names.sqlite")
            let result = try CLI.run(["names", "import", csv, "--db", db])
            #expect(result.status != 0)
            #expect(result.stderr.contains("names.csv: line 3: a quoted cell opened on line 3 is never closed"), "\(result.stderr)")
            #expect(!result.stdout.contains("imported"))
        }
    }

    @Suite("CSV encodings")
    struct Encodings {
        static func gbk(_ text: String) throws -> [UInt8] {
            try #require(try TextDecoding.convert(Array(text.utf8), from: "UTF-8", to: "GB18030"))
        }

        @Test("UTF-8 lines mixed with GBK lines are refused, naming the first line that is not UTF-8")
        func mixed() throws {
            let bytes = Array("name,kind,经度,纬度\n文三路食堂,老年食堂,120.1,30.2\n".utf8) + (try Self.gbk("古荡食堂,老年食堂,120.2,30.3\n"))
                + Array("翠苑食堂,老年食堂,120.3,30.4\n".utf8)
            let error = inputError { () throws(InputError) in _ = try TextDecoding.decode(bytes, file: "m.csv") }
            expectOneLine(error, file: "m.csv", "m.csv: line 3: mixed encodings")
            // GBK first, a UTF-8 line later.
            let reversed = (try Self.gbk("name,kind\n古荡食堂,老年食堂\n")) + Array("翠苑食堂,老年食堂\n".utf8)
            let second = inputError { () throws(InputError) in _ = try TextDecoding.decode(reversed, file: "m.csv") }
            expectOneLine(second, file: "m.csv", "m.csv: line 2: mixed encodings", "line 3 is UTF-8")
        }

        @Test("a long all-GBK file of Chinese names is not mistaken for mixed")
        func pureGBK() throws {
            // Many two- to six-character names from the common ideographs, seeded.
            var generator = SeededGenerator(seed: 8)
            var lines = ["名称,类型,备注"]
            let common = Array("一二三四五六七八九十东西南北中山水路街道社区花园老年食堂服务站文三古荡翠苑西湖拱墅上城滨江萧山余杭钱塘临平富阳桐庐淳安建德临安莫干龙井云栖梅灵九溪")
            for _ in 0..<20_000 {
                let n = Int.random(in: 2...6, using: &generator)
                let name = String((0..<n).map { _ in common.randomElement(using: &generator)! })
                lines.append("\(name),\(common.randomElement(using: &generator)!)路,\(name)（备注）")
            }
            let text = lines.joined(separator: "\n") + "\n"
            let decoded = try TextDecoding.decode(try Self.gbk(text), file: "g.csv")
            #expect(decoded == text)
        }

        @Test("UTF-16 and NUL bytes are refused without NULs in the message")
        func wide() {
            let text = "name,kind\n文三路,road\n"
            let utf16: [UInt8] = [0xFF, 0xFE] + Array(text.utf16).flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            expectOneLine(inputError { () throws(InputError) in _ = try TextDecoding.decode(utf16, file: "w.csv") }, file: "w.csv", "text is UTF-16")
            let nul = Array("name\nab\n".utf8) + [0] + Array("\n".utf8)
            expectOneLine(inputError { () throws(InputError) in _ = try TextDecoding.decode(nul, file: "w.csv") }, file: "w.csv", "line 3: a NUL byte")
        }
    }

    @Suite("Fuzzing regressions")
    struct FuzzRegressions {
        /// Inputs that libFuzzer found (tools/fuzz) and what they must give now: an error containing
        /// the text, or (for `nil`) a clean read.
        static let geojson: [(input: String, expected: String?)] = [
            // A coordinate of 5.6e126 read fine and then trapped GeoJSONWriter (Double → UInt64).
            (
                #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"s":"a\"b\\c|/\n\t"},"geometry":{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[0,0],[1,1]]},{"type":"MultiLineString","coordinatpe":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555]]]}]}}]}"#,
                "feature 0: position [0.0, 5.555555555555555e+125] is out of range for any coordinate system"
            ),
        ]
        static let csv: [(input: [UInt8], expected: String?)] = [
            // A header cell with CRLF line breaks (and no comma) read fine, but CSVCell.escape left it
            // unquoted: "\r\n" is one Character, equal to neither "\r" nor "\n".
            (
                Array(#"lo),"444444soin1atus\#r\#nU0atus\#r\#nUnsafeM\#r\#n0s\#r\#nU0in1atus\#r\#nU0atus\#r\#nUnsafeM\#r\#n0s\#r\#nU0s\#r\#nUnsatus\#r\#nloste","#.utf8) + [0x0A, 0x0A],
                nil
            ),
            // A header cell starting with U+FEFF, written unquoted at the start of a file, read back as
            // a byte-order mark and lost its first character.
            ([0x22, 0xEF, 0xBB, 0xBF, 0x54, 0x69, 0x5F, 0x6A, 0x22], nil),
        ]

        @Test("GeoJSON inputs found by the fuzzer")
        func geojsonInputs() {
            for (input, expected) in Self.geojson {
                let bytes = Array(input.utf8)
                do {
                    let sequential = try GeoJSONReader.parse(bytes, file: "f.geojson")
                    #expect(expected == nil, "read, but expected \(expected ?? "")")
                    #expect(try GeoJSONReader.parse(bytes, file: "f.geojson", parallelAbove: 0, workers: 3) == sequential)
                    let written = GeoJSONWriter().featureCollection(sequential.features)
                    #expect(try GeoJSONReader.parse(written, file: "w.geojson").features.count == sequential.features.count)
                } catch {
                    expectOneLine(error, file: "f.geojson", expected ?? "(no error expected)")
                }
            }
        }

        @Test("coordinates beyond any coordinate system are refused; national-grid metres are not")
        func coordinateRange() throws {
            let far = collection([feature(#""properties":{},"#, geometry: point("[1e10,0]"))])
            expectOneLine(inputError { () throws(InputError) in _ = try parse(far) }, file: "h.geojson", "feature 0: position [10000000000.0, 0.0] is out of range")
            let grid = collection([feature(#""properties":{},"#, geometry: point("[40500000.5,3350000.25]"))])
            #expect(try parse(grid).features[0].geometry == .point(Coordinate(40_500_000.5, 3_350_000.25)))
        }

        @Test("CSV inputs found by the fuzzer")
        func csvInputs() {
            for (bytes, expected) in Self.csv {
                do {
                    let table = try CSVTable.parse(try TextDecoding.decode(bytes, file: "f.csv"), file: "f.csv")
                    #expect(expected == nil, "read, but expected \(expected ?? "")")
                    #expect(table.rows.allSatisfy { $0.count <= table.header.count })
                    if CSVPointReader.hasCoordinates(table) { _ = try CSVPointReader.points(table, file: "f.csv") }
                    let cells = table.header.filter { !$0.isEmpty }
                    let back = try CSVTable.parse(cells.map(CSVCell.escape).joined(separator: ",") + "\n", file: "b.csv")
                    #expect(back.header == cells)
                } catch {
                    expectOneLine(error, file: "f.csv", expected ?? "(no error expected)")
                }
            }
        }
    }
}
