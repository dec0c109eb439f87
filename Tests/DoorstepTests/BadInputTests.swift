import DoorstepCoverage
import DoorstepGeoJSON
import Foundation
import Testing

/// One bad input: which layer gets which text, and what the error must say.
struct BadInput: CustomTestStringConvertible, Sendable {
    enum Layer: Sendable { case units, facilities, demand }
    var label: String
    var layer: Layer
    var text: String
    var extra: [String] = []
    var expected: String

    var testDescription: String { label }
}

@Suite("Bad input: a one-line error, a non-zero exit, no output file")
struct BadInputTests {
    static let square = [(120.00, 30.00), (120.01, 30.00), (120.01, 30.01), (120.00, 30.01), (120.00, 30.00)]

    static let cases: [BadInput] = [
        BadInput(label: "not JSON", layer: .units, text: "hello", expected: "units.geojson: is not JSON"),
        BadInput(label: "not a FeatureCollection", layer: .units, text: #"{"type":"Feature","properties":{},"geometry":null}"#, expected: "is not a GeoJSON FeatureCollection (its \"type\" is \"Feature\")"),
        BadInput(label: "unit without geometry", layer: .units, text: collection([#"{"type":"Feature","properties":{"code":"330106001"},"geometry":null}"#]), expected: "units.geojson: feature 0: unit 330106001 has no geometry"),
        BadInput(label: "unit that is a point", layer: .units, text: collection([pointFeature(120, 30, #""code":"330106001""#)]), expected: "unit 330106001 is a Point; a unit must be a Polygon or MultiPolygon"),
        BadInput(label: "facility that is a polygon", layer: .facilities, text: collection([polygonFeature(square, #""kind":"canteen""#)]), expected: "facilities.geojson: feature 0: is a Polygon; a facility must be a Point"),
        BadInput(label: "unit without code", layer: .units, text: collection([polygonFeature(square, #""name":"甲""#)]), expected: "feature 0: unit has no \"code\""),
        BadInput(label: "duplicate unit codes", layer: .units, text: collection([polygonFeature(square, #""code":"330106001""#), polygonFeature(square, #""code":"330106001""#)]), expected: "feature 1: unit code 330106001 is already used by feature 0"),
        BadInput(label: "non-numeric elderly", layer: .demand, text: collection([pointFeature(120.002, 30.005, #""elderly":"many""#)]), expected: "demand.geojson: feature 0: \"elderly\" is \"many\", not a number"),
        BadInput(label: "negative capacity", layer: .facilities, text: collection([pointFeature(120.002, 30.005, #""kind":"canteen","capacity":-3"#)]), expected: "\"capacity\" is -3.0; it must be 0 or more"),
        BadInput(label: "NaN coordinate", layer: .demand, text: #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[NaN,30]}}]}"#, expected: "feature 0: coordinate or number is NaN"),
        BadInput(label: "Infinity coordinate", layer: .demand, text: #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[120,Infinity]}}]}"#, expected: "coordinate or number is Infinity"),
        BadInput(label: "out-of-range coordinate", layer: .demand, text: collection([pointFeature(200, 30, #""elderly":1"#)]), expected: "coordinate (200.0, 30.0) is out of range for wgs84 longitude/latitude"),
        BadInput(label: "swapped latitude and longitude", layer: .demand, text: collection([pointFeature(30.005, 120.002, #""elderly":1"#)]), expected: "latitude 120.002 is out of range; latitude and longitude look swapped"),
        BadInput(label: "swapped in GCJ-02", layer: .facilities, text: collection([pointFeature(30.005, 80.002, #""kind":"canteen""#)]), extra: ["--facilities-crs", "gcj02"], expected: "latitude and longitude look swapped"),
        BadInput(label: "empty units layer", layer: .units, text: collection([]), expected: "units.geojson: the units layer has no features"),
        BadInput(label: "empty demand layer", layer: .demand, text: collection([]), expected: "demand.geojson: the demand layer has no features"),
        BadInput(label: "unknown CRS name", layer: .units, text: TinyCity.unitsText, extra: ["--units-crs", "mars"], expected: "--units-crs: unknown coordinate system \"mars\""),
        BadInput(label: "file not UTF-8", layer: .units, text: "", expected: "units.geojson: feature 0: text is not UTF-8"),
        BadInput(label: "elderly beyond any building", layer: .demand, text: collection([pointFeature(120.002, 30.005, #""elderly":1e308"#)]), expected: "demand.geojson: feature 0: \"elderly\" is 1e+308; it must be at most 10000000"),
        BadInput(label: "Polygon with no rings", layer: .units, text: collection([#"{"type":"Feature","properties":{"code":"330106001"},"geometry":{"type":"Polygon","coordinates":[]}}"#]), expected: "feature 0: unit 330106001 has an empty Polygon (no coordinates)"),
        BadInput(label: "MultiPolygon with no parts", layer: .units, text: collection([#"{"type":"Feature","properties":{"code":"330106001"},"geometry":{"type":"MultiPolygon","coordinates":[]}}"#]), expected: "feature 0: unit 330106001 has an empty MultiPolygon (no coordinates)"),
        BadInput(label: "zero-area polygon", layer: .units, text: collection([polygonFeature([(120.00, 30.00), (120.01, 30.00), (120.02, 30.00), (120.00, 30.00)], #""code":"330106001""#)]), expected: "feature 0: unit 330106001 "),
        BadInput(label: "polygon of one repeated point", layer: .units, text: collection([polygonFeature([(120.00, 30.00), (120.00, 30.00), (120.00, 30.00), (120.00, 30.00)], #""code":"330106001""#)]), expected: "feature 0: unit 330106001 "),
        BadInput(label: "polygon around the world", layer: .units, text: collection([polygonFeature([(-180, -90), (180, -90), (180, 90), (-180, 90), (-180, -90)], #""code":"330106001""#)]), expected: "feature 0: unit 330106001 spans 360.0° of longitude and 180.0° of latitude; no planning unit spans more than 20°"),
        BadInput(label: "polygon crossing the antimeridian", layer: .units, text: collection([polygonFeature([(179.9, 50), (-179.9, 50), (-179.9, 50.1), (179.9, 50.1), (179.9, 50)], #""code":"330106001""#)]), expected: "spans 359.8° of longitude"),
        BadInput(label: "unknown kind without radius", layer: .facilities, text: collection([pointFeature(120.002, 30.005, #""kind":"clinic""#)]), expected: "facility kind \"clinic\" has no default radius"),
    ]

    @Test("each bad input", arguments: cases)
    func badInput(_ bad: BadInput) throws {
        let city = try TinyCity()
        defer { city.folder.cleanup() }
        let path: String = switch bad.layer {
        case .units: city.units
        case .facilities: city.facilities
        case .demand: city.demand
        }
        if bad.label == "file not UTF-8" {
            let gbk: [UInt8] = Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"330106001","name":""#.utf8)
                + [0xBC, 0xD7] + Array(#""},"geometry":null}]}"#.utf8)
            try Data(gbk).write(to: URL(fileURLWithPath: path))
        } else {
            try Data(bad.text.utf8).write(to: URL(fileURLWithPath: path))
        }
        for command in ["coverage", "gaps"] {
            let out = city.folder.file("\(command)-out.json")
            let result = try CLI.run([command] + city.inputs + bad.extra + ["--output", out])
            #expect(result.status != 0)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(bad.expected), "\(result.stderr)")
            #expect(!result.stderr.contains("Fatal") && !result.stderr.contains("Stack"))
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test("a missing file")
    func missingFile() throws {
        let city = try TinyCity()
        defer { city.folder.cleanup() }
        let result = try CLI.run(["coverage", "--units", city.folder.file("nope.geojson"), "--facilities", city.facilities, "--demand", city.demand])
        #expect(result.status != 0)
        #expect(result.stderr == "Error: \(city.folder.file("nope.geojson")): no such file\n")
    }

    @Test("an unwritable output path fails before any work and writes nothing")
    func unwritableOutput() throws {
        let city = try TinyCity()
        defer { city.folder.cleanup() }
        let result = try CLI.run(["gaps"] + city.inputs + ["--output", city.folder.file("no/such/dir/gaps.geojson")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot write: folder"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("an empty facilities layer is valid: nothing is covered")
    func emptyFacilities() throws {
        let city = try TinyCity()
        defer { city.folder.cleanup() }
        try Data(collection([]).utf8).write(to: URL(fileURLWithPath: city.facilities))
        let result = try CLI.run(["coverage"] + city.inputs + ["--kind", "canteen", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""elderly_covered":0"#))
        #expect(!result.stdout.contains(#""elderly_covered":1"#))
        let noKind = try CLI.run(["coverage"] + city.inputs)
        #expect(noKind.status != 0)
        #expect(noKind.stderr.contains("the facilities layer is empty: name the kind to assess with --kind"))
    }

    /// Units are checked field by field in order, their polygons on all cores: the error and the
    /// warnings are still those of one pass in order.
    @Test("the first wrong unit is the one named, and repair warnings come in order, whichever check finds it")
    func unitErrorsInOrder() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let square = [(120.00, 30.00), (120.01, 30.00), (120.01, 30.01), (120.00, 30.01), (120.00, 30.00)]
        let bowTie = [(120.00, 30.00), (120.01, 30.01), (120.01, 30.00), (120.00, 30.01), (120.00, 30.00)]
        let flat = [(120.00, 30.00), (120.01, 30.00), (120.02, 30.00), (120.00, 30.00)]
        func unit(_ ring: [(Double, Double)], _ n: Int, level: String = "street") -> String {
            polygonFeature(ring, #""code":"33010600\#(n)","level":"\#(level)""#)
        }
        try folder.write("facilities.geojson", collection([]))
        try folder.write("demand.geojson", collection([#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[120.005,30.005]}}"#]))
        func load(_ units: [String]) -> (Layers?, InputError?) {
            do {
                try folder.write("units.geojson", collection(units))
                let layers = try LayerLoader().load(
                    units: LayerSource(path: folder.file("units.geojson")), facilities: [LayerSource(path: folder.file("facilities.geojson"))],
                    demand: LayerSource(path: folder.file("demand.geojson")))
                return (layers, nil)
            } catch let error as InputError {
                return (nil, error)
            } catch {
                return (nil, nil)
            }
        }
        #expect(load([unit(bowTie, 0), unit(flat, 1), unit(square, 2, level: "planet")]).1?.location == "feature 1")
        #expect(load([unit(bowTie, 0), unit(square, 1, level: "planet"), unit(flat, 2)]).1?.location == "feature 1")
        let (layers, error) = load([unit(bowTie, 0), unit(square, 1), unit(bowTie, 2)])
        #expect(error == nil)
        let repairs = layers?.warnings.filter { $0.contains("repaired with MakeValid") } ?? []
        #expect(repairs.count == 2 && repairs[0].contains("feature 0:") && repairs[1].contains("feature 2:"))
    }

    @Test("a self-intersecting unit is repaired with MakeValid and a warning")
    func selfIntersecting() throws {
        let city = try TinyCity()
        defer { city.folder.cleanup() }
        let bowTie = [(120.00, 30.00), (120.01, 30.01), (120.01, 30.00), (120.00, 30.01), (120.00, 30.00)]
        try Data(collection([polygonFeature(bowTie, #""code":"330106001","level":"street""#)]).utf8).write(to: URL(fileURLWithPath: city.units))
        let result = try CLI.run(["coverage"] + city.inputs + ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: \(city.units): feature 0: unit 330106001 is invalid (Self-intersection"))
        #expect(result.stderr.contains("repaired with MakeValid"))
        // Both triangles of the bow-tie are kept: half the square.
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
    }
}
