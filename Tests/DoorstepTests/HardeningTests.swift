import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepReport
import Foundation
import Testing

@Suite("Hardening: no crash, no hang, no silently wrong number")
struct HardeningTests {
    @Suite("Numeric flags: a usage error naming the flag and its range")
    struct Flags {
        static let cases: [(arguments: [String], expected: String)] = [
            (["coverage", "--radius", "canteen=1e308"], "--radius canteen 1e+308: must be between 1 and 100000 metres"),
            (["coverage", "--radius", "canteen=1e200"], "--radius canteen 1e+200: must be between 1 and 100000 metres"),
            (["gaps", "--radius", "canteen=nan"], "--radius canteen nan: must be between 1 and 100000 metres"),
            (["gaps", "--radius", "canteen=0"], "--radius canteen 0: must be between 1 and 100000 metres"),
            (["coverage", "--radius", "canteen"], "--radius canteen: write KIND=METRES"),
            // Found by tools/fuzz (flags): a carriage return in the flag came back raw in the message.
            (["coverage", "--radius", "prov=\r"], #"--radius prov=\r: write KIND=METRES"#),
            (["coverage", "--radius", "食堂\u{1B}[31m=1e9"], #"--radius 食堂\u{1B}[31m 1000000000: must be between 1 and 100000 metres"#),
            (["gaps", "--min-area", "1e400"], "--min-area inf: must be between 0 and 10000000 m²"),
            (["gaps", "--min-facilities=-1"], "--min-facilities -1: must be between 0 and 10000"),
            (["gaps", "--min-ratio", "nan"], "--min-ratio nan: must be between 0 and 1"),
            (["report", "--min-ratio", "1.5"], "--min-ratio 1.5: must be between 0 and 1"),
            (["report", "--min-area=-1"], "--min-area -1: must be between 0 and 10000000 m²"),
            (["sample", "--output", "/tmp/x", "--scale", "1e-300"], "--scale 1e-300: must be between"),
        ]

        @Test("each flag out of range", arguments: cases)
        func outOfRange(_ arguments: [String], _ expected: String) throws {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").first?.contains(expected) == true, "\(result.stderr)")
        }

        @Test("a value ArgumentParser refuses is quoted without its control characters")
        func parserMessage() throws {
            let result = try CLI.run(["names", "suggest", "../../x\n\u{1B}[31m"])
            #expect(result.status == 2)
            #expect(!result.stderr.unicodeScalars.contains("\u{1B}"), "\(result.stderr)")
            #expect(result.stderr.hasPrefix(#"Error: The value '../../x\n\u{1B}[31m' is invalid"#), "\(result.stderr)")
        }

        @Test("the library refuses a radius the CLI would: a caller cannot trap either")
        func libraryRadius() throws {
            let layers = Layers(
                units: [CoverageTests.unitA], facilities: [],
                demand: [DemandPoint(id: "p", elderly: 1, location: .init(120.005, 30.005))])
            for metres in [1e308, 1e200, .nan, 0, -5] {
                #expect(throws: CoverageError.self) {
                    try CoverageModel.assess(layers, settings: CoverageSettings(kinds: ["canteen"], radii: ["canteen": metres]))
                }
            }
        }

        @Test("a unit with no coordinates handed to the library is an error, not a crash")
        func emptyUnitInLibrary() throws {
            for geometry in [GeometryValue.polygon([]), .multiPolygon([]), .multiPolygon([[]])] {
                let layers = Layers(
                    units: [PlanningUnit(code: "330106001", name: "甲", level: .street, geometry: geometry)], facilities: [],
                    demand: [DemandPoint(id: "p", elderly: 1, location: .init(120.005, 30.005))])
                #expect(throws: CoverageError.self) {
                    try CoverageModel.assess(layers, settings: CoverageSettings(kinds: ["canteen"]))
                }
            }
        }
    }

    @Suite("A unit's figures do not depend on the other units in the file")
    struct Independence {
        /// A few units near Hangzhou with demand and facilities of two kinds.
        static func city(_ random: inout SeededGenerator) -> Layers {
            var units: [PlanningUnit] = []
            for u in 0..<Int.random(in: 1...4, using: &random) {
                let x = 120.1 + Double.random(in: -0.05...0.05, using: &random)
                let y = 30.2 + Double.random(in: -0.05...0.05, using: &random)
                let w = Double.random(in: 0.005...0.03, using: &random), h = Double.random(in: 0.005...0.03, using: &random)
                units.append(PlanningUnit(code: "33010600\(u)", name: "街道\(u)", level: .street, geometry: rectangle(x, y, x + w, y + h)))
            }
            return Layers(
                units: units, facilities: facilities(around: (120.1, 30.2), &random), demand: demand(around: (120.1, 30.2), &random))
        }

        static func facilities(around centre: (Double, Double), _ random: inout SeededGenerator) -> [Facility] {
            (0..<Int.random(in: 0...12, using: &random)).map { f in
                Facility(
                    id: "F\(f)-\(centre.0)", name: "设施", kind: Bool.random(using: &random) ? "canteen" : "day-care",
                    capacity: Double(Int.random(in: 0...100, using: &random)),
                    location: .init(centre.0 + .random(in: -0.08...0.08, using: &random), centre.1 + .random(in: -0.08...0.08, using: &random)))
            }
        }

        static func demand(around centre: (Double, Double), _ random: inout SeededGenerator) -> [DemandPoint] {
            (0..<Int.random(in: 20...150, using: &random)).map { d in
                DemandPoint(
                    id: "D\(d)", elderly: Double(Int.random(in: 1...40, using: &random)),
                    location: .init(centre.0 + .random(in: -0.08...0.08, using: &random), centre.1 + .random(in: -0.08...0.08, using: &random)))
            }
        }

        /// The same city with far-away units (another zone, or the same zone far north) and their people.
        static func withFarUnits(_ layers: Layers, _ random: inout SeededGenerator) -> Layers {
            var layers = layers
            for f in 0..<Int.random(in: 1...3, using: &random) {
                let centre =
                    Bool.random(using: &random)
                    ? (120.1 + Double.random(in: 3...18, using: &random) * (Bool.random(using: &random) ? 1 : -1), 30.2)
                    : (120.1, 30.2 + Double.random(in: 5...18, using: &random))
                layers.units.append(
                    PlanningUnit(
                        code: "99000000\(f)", name: "远\(f)", level: .street,
                        geometry: rectangle(centre.0 - 0.02, centre.1 - 0.02, centre.0 + 0.02, centre.1 + 0.02)))
                layers.facilities += facilities(around: centre, &random)
                layers.demand += demand(around: centre, &random)
            }
            return layers
        }

        @Test("300 seeded cities, with and without far-away units: identical rows for the city's units")
        func farUnitsChangeNothing() throws {
            var random = SeededGenerator(seed: 8)
            let settings = CoverageSettings(kinds: ["canteen", "day-care"])
            for _ in 0..<300 {
                let city = Self.city(&random)
                let alone = try CoverageModel.assess(city, settings: settings).rows
                let shared = try CoverageModel.assess(Self.withFarUnits(city, &random), settings: settings).rows
                let codes = Set(city.units.map(\.code))
                #expect(shared.filter { codes.contains($0.code) } == alone)
            }
        }

        @Test("a unit far from all others is named in a warning")
        func farUnitWarned() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let typo = polygonFeature(
                [(138.00, 30.00), (138.01, 30.00), (138.01, 30.01), (138.00, 30.01), (138.00, 30.00)],
                #""code":"330106003","name":"丙街道","level":"street""#)
            try city.folder.write("units.geojson", String(TinyCity.unitsText.dropLast(2)) + "," + typo + "]}")
            let result = try CLI.run(["coverage"] + city.inputs + ["--format", "csv"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("unit 330106003 (丙街道) at 138.0, 30.0 lies more than 1° (about 100 km) from every other unit"))
            #expect(!result.stderr.contains("330106001 ("))
        }
    }

    @Suite("Edges are straight in longitude/latitude, as QGIS reads them")
    struct StraightEdges {
        /// The area of a longitude/latitude rectangle on the WGS84 ellipsoid, in closed form.
        static func ellipsoidArea(_ lon0: Double, _ lat0: Double, _ lon1: Double, _ lat1: Double) -> Double {
            let a = 6_378_137.0, f = 1 / 298.257223563
            let e2 = f * (2 - f), e = e2.squareRoot(), b2 = a * a * (1 - e2)
            func q(_ latitude: Double) -> Double {
                let s = sin(latitude * .pi / 180)
                return s / (1 - e2 * s * s) + log((1 + e * s) / (1 - e * s)) / (2 * e)
            }
            return (lon1 - lon0) * .pi / 180 * b2 / 2 * (q(lat1) - q(lat0))
        }

        @Test("an L of 10 km edges at 40°N has the ellipsoid's area; its corners joined straight in metres would not")
        func areaOfLongEdges() throws {
            // Bounded by meridians and parallels, so its area has a closed form. (A rectangle would not
            // do: the bows of its two parallels cancel.)
            let ell = GeometryValue.polygon([[
                .init(117.0, 40.0), .init(117.12, 40.0), .init(117.12, 40.045), .init(117.06, 40.045), .init(117.06, 40.09),
                .init(117.0, 40.09), .init(117.0, 40.0),
            ]])
            let layers = Layers(
                units: [PlanningUnit(code: "110101", name: "区", level: .district, geometry: ell)],
                facilities: [Facility(id: "far", name: "食堂", kind: "canteen", location: .init(117.5, 40.5))],
                demand: [DemandPoint(id: "p", elderly: 1, location: .init(117.05, 40.05))])
            let row = try #require(try CoverageModel.assess(layers, settings: CoverageSettings(levels: [.district])).rows.first)
            let exact = Self.ellipsoidArea(117.0, 40.0, 117.12, 40.045) + Self.ellipsoidArea(117.0, 40.045, 117.06, 40.09)
            #expect(abs(row.uncoveredAreaM2 - exact) / exact < 1e-5, "\(row.uncoveredAreaM2) vs \(exact)")
            // The test can tell: the four corners joined straight in metres miss by far more.
            let corners = try MetricProjection(centralMeridian: 117).makeProjector().project(ell.coordinates)
            let chord = abs(GeometryValue.signedArea(corners))
            #expect(abs(chord - exact) / exact > 5e-5, "\(chord) vs \(exact)")
        }

        @Test("points within a metre of a 10 km diagonal edge are counted as GEOS counts them in lon/lat")
        func membershipNearLongEdges() throws {
            let triangle = GeometryValue.polygon([[.init(116.0, 40.0), .init(116.12, 40.0), .init(116.0, 40.09), .init(116.0, 40.0)]])
            var random = SeededGenerator(seed: 10)
            var demand: [DemandPoint] = []
            for d in 0..<2000 {
                let t = Double.random(in: 0.05...0.95, using: &random)
                let offset = Double.random(in: -1e-5...1e-5, using: &random)
                demand.append(DemandPoint(id: "\(d)", elderly: 1, location: .init(116.12 - 0.12 * t + offset, 40.0 + 0.09 * t + offset)))
            }
            let context = GEOSContext()
            let prepared = try Geometry(triangle, in: context).prepared()
            let expected = Double(demand.filter { prepared.covers($0.location) }.count)
            #expect(expected > 500 && expected < 1500)
            let layers = Layers(
                units: [PlanningUnit(code: "110101", name: "区", level: .district, geometry: triangle)],
                facilities: [Facility(id: "far", name: "食堂", kind: "canteen", location: .init(116.5, 40.5))], demand: demand)
            let row = try #require(try CoverageModel.assess(layers, settings: CoverageSettings(levels: [.district])).rows.first)
            #expect(row.elderlyTotal == expected)
        }
    }

    @Suite("Outputs never replace what they should not")
    struct Outputs {
        @Test("an output that is one of the inputs is refused and the input is untouched")
        func outputIsInput() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            try FileManager.default.createSymbolicLink(atPath: city.folder.file("link.geojson"), withDestinationPath: city.units)
            for (command, output) in [
                ("gaps", city.units), ("coverage", city.demand), ("gaps", city.folder.file("link.geojson")), ("site", city.facilities),
            ] {
                let result = try CLI.run([command] + city.inputs + ["--output", output] + (command == "site" ? ["--kind", "canteen", "--add", "1"] : []))
                #expect(result.status == 1)
                #expect(result.stderr.contains("cannot write: it is the input"), "\(result.stderr)")
            }
            #expect(try String(contentsOfFile: city.units, encoding: .utf8) == TinyCity.unitsText)
            #expect(try String(contentsOfFile: city.demand, encoding: .utf8) == TinyCity.demandText)
        }

        @Test("a Shapefile's sidecars are part of the input: writing over units.dbf or units.prj is refused")
        func shapefileSidecars() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let shp = city.folder.file("units.shp")
            let convert = try runProcess("/usr/bin/ogr2ogr", ["-f", "ESRI Shapefile", shp, city.units])
            #expect(convert.status == 0, "\(convert.stderr)")
            let dbf = try Data(contentsOf: URL(fileURLWithPath: city.folder.file("units.dbf")))
            for sidecar in ["units.dbf", "units.shx", "units.prj"] {
                let result = try CLI.run(
                    ["coverage", "--units", shp, "--facilities", city.facilities, "--demand", city.demand, "--format", "csv", "--output", city.folder.file(sidecar)])
                #expect(result.status == 1, "\(sidecar): \(result.stderr)")
                #expect(result.stderr.contains("cannot write: it is \(city.folder.file(sidecar)), part of the input \(shp)"), "\(result.stderr)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: city.folder.file("units.dbf"))) == dbf)
        }

        @Test("/dev/stdout is the shell's standard output: appended to a log, never renamed over it")
        func devStdout() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let log = try city.folder.write("log.txt", "earlier line\n")
            let command = ([CLI.executable, "coverage"] + city.inputs + ["--format", "csv", "--output", "/dev/stdout"]).map { "'\($0)'" }
            let result = try runProcess("/bin/sh", ["-c", command.joined(separator: " ") + " >> '\(log)'"])
            #expect(result.status == 0, "\(result.stderr)")
            let text = try String(contentsOfFile: log, encoding: .utf8)
            #expect(text.hasPrefix("earlier line\n") && text.contains("330106001"), "\(text)")
            let gaps = try runProcess("/bin/sh", ["-c", ([CLI.executable, "gaps"] + city.inputs + ["--output", "/dev/stdout"]).map { "'\($0)'" }.joined(separator: " ")])
            #expect(gaps.status == 0 && gaps.stdout.hasPrefix("{\"type\":\"FeatureCollection\""), "\(gaps.stderr)")
        }

        @Test("a temporary file left by a killed run is removed by the next write to the same output")
        func staleTemporary() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let dead = Process()
            dead.executableURL = URL(fileURLWithPath: "/bin/true")
            try dead.run()
            dead.waitUntilExit()
            let target = folder.file("gaps.gpkg")
            let stale = folder.file(".gaps.gpkg.\(dead.processIdentifier).tmp")
            // A running writer's temporary file (this process's parent, say) is left alone.
            let running = folder.file(".gaps.gpkg.\(getppid()).tmp")
            #expect(FileManager.default.createFile(atPath: stale, contents: Data(count: 1 << 20)))
            #expect(FileManager.default.createFile(atPath: running, contents: Data()))
            try OutputFile.write(Array("x".utf8), to: target)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [running, target].map { URL(fileURLWithPath: $0).lastPathComponent }.sorted())
        }

        @Test("devices are written to, not replaced; - is standard output; a full disk is an error")
        func devices() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let null = try CLI.run(["gaps"] + city.inputs + ["--output", "/dev/null"])
            #expect(null.status == 0, "\(null.stderr)")
            let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/null")
            #expect(attributes[.type] as? FileAttributeType == .typeCharacterSpecial)
            let dash = try CLI.run(["coverage"] + city.inputs + ["--format", "csv", "--output", "-"])
            #expect(dash.status == 0 && dash.stdout.contains("330106001"))
            #expect(!FileManager.default.fileExists(atPath: Paths.package + "/-"))
            let full = try CLI.run(["gaps"] + city.inputs + ["--output", "/dev/full"])
            #expect(full.status == 1)
            #expect(full.stderr == "Error: /dev/full: cannot write: No space left on device\n")
        }

        @Test("a FIFO is written into")
        func fifo() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let fifo = city.folder.file("pipe")
            #expect(mkfifo(fifo, 0o600) == 0)
            let reader = Process()
            reader.executableURL = URL(fileURLWithPath: "/bin/cat")
            reader.arguments = [fifo]
            let out = Pipe()
            reader.standardOutput = out
            try reader.run()
            let result = try CLI.run(["coverage"] + city.inputs + ["--format", "csv", "--output", fifo])
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            reader.waitUntilExit()
            #expect(result.status == 0, "\(result.stderr)")
            #expect(text.contains("330106002"))
        }

        @Test("a set of files appears whole or not at all")
        func wholeSet() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let first = try folder.write("coverage.csv", "old")
            #expect(throws: InputError.self) {
                try OutputFile.writeAll([(first, Array("new".utf8)), (folder.file("gone/gaps.csv"), Array("x".utf8))])
            }
            #expect(try String(contentsOfFile: first, encoding: .utf8) == "old")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["coverage.csv"])
            try OutputFile.writeAll([(first, Array("new".utf8)), (folder.file("gaps.csv"), Array("x".utf8))])
            #expect(try String(contentsOfFile: first, encoding: .utf8) == "new")
        }

        @Test("report --tables on a full device leaves no table behind")
        func reportTablesFail() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let tables = city.folder.file("tables")
            let result = try CLI.run(["report"] + city.inputs + ["--output", "/dev/full", "--tables", tables])
            #expect(result.status == 1)
            #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: tables))
        }
    }

    @Suite("Facilities left out are counted")
    struct Kinds {
        @Test("garbled kinds: a warning counts them and lists the kinds found", arguments: [
            ["coverage", "--format", "csv"], ["site", "--add", "1", "--format", "json"], ["access", "--supply", "count", "--format", "csv"],
        ])
        func unknownKinds(_ command: [String]) throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            try city.folder.write(
                "facilities.geojson",
                collection([
                    pointFeature(120.001, 30.005, #""kind":"鑰佸勾椋熷爞""#), pointFeature(120.002, 30.005, #""kind":"鑰佸勾椋熷爞""#),
                    pointFeature(120.003, 30.005, #""kind":"day-care""#),
                ]))
            let result = try CLI.run([command[0]] + city.inputs + ["--kind", "canteen"] + command.dropFirst())
            #expect(result.status == 0, "\(command[0]): \(result.stderr)")
            #expect(result.stderr.contains("warning: no facility of kind canteen in the facilities layers; the kinds found are: day-care (1), 鑰佸勾椋熷爞 (2)"), "\(result.stderr)")
            #expect(result.stderr.contains("warning: 2 facilities left out: their kind is not one Doorstep knows (\"鑰佸勾椋熷爞\")"), "\(result.stderr)")
        }
    }

    @Suite("A registry path that is not a file")
    struct RegistryPath {
        @Test("a device or a folder as --db says what it is")
        func device() throws {
            let zero = try CLI.run(["names", "search", "x", "--db", "/dev/zero"])
            #expect(zero.status == 1 && zero.stderr == "Error: /dev/zero: is a character device, not a file\n", "\(zero.stderr)")
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let dir = try CLI.run(["names", "search", "x", "--db", folder.path])
            #expect(dir.status == 1 && dir.stderr.contains("is a folder, not a file"), "\(dir.stderr)")
        }
    }

    @Suite("CSV errors name the line")
    struct CSVLines {
        @Test("a bad facility in a ledger is named by its line, past a blank line and a two-line name")
        func facilityLine() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            // Line 1 header, 2 a canteen, 3 blank, 4–5 one row with a two-line name, 6 the bad one.
            let ledger = try city.folder.write(
                "canteens.csv", "name,kind,capacity,longitude,latitude\n甲,canteen,10,120.001,30.005\n\n\"乙\n分店\",canteen,5,120.002,30.005\n丙,canteen,-3,120.003,30.005\n")
            let result = try CLI.run(["coverage", "--units", city.units, "--facilities", ledger, "--demand", city.demand])
            #expect(result.status == 1)
            #expect(result.stderr == "Error: \(ledger): line 6: \"capacity\" is -3.0; it must be 0 or more\n", "\(result.stderr)")
        }
    }

    @Suite("Each layer has its own field names")
    struct LayerFields {
        @Test("a Chinese-header canteen ledger beside units with name: unit names stay names")
        func chineseLedger() throws {
            let city = try TinyCity()
            defer { city.folder.cleanup() }
            let ledger = try city.folder.write("canteens.csv", "名称,类型,经度,纬度\n甲食堂,老年食堂,120.001,30.005\n")
            let result = try CLI.run([
                "coverage", "--units", city.units, "--facilities", ledger, "--demand", city.demand, "--format", "json",
                "--facilities-name-field", "名称", "--facilities-kind-field", "类型",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            #expect(rows.map { $0["name"] as? String } == ["甲街道", "乙街道"])
            #expect(rows.map { $0["elderly_covered"] as? Double } == [10, 0])
        }
    }

    @Suite("Report")
    struct ReportAreas {
        @Test("the top uncovered areas leave out parts where nobody lives")
        func noEmptyAreas() throws {
            // A canteen in the west of unit A reaches its one resident; the east of A and all of B are
            // uncovered, and only B has people there.
            let layers = Layers(
                units: [CoverageTests.unitA, CoverageTests.unitB],
                facilities: [Facility(id: "C1", name: "食堂", kind: "canteen", location: .init(120.001, 30.005))],
                demand: [
                    DemandPoint(id: "a", elderly: 3, location: .init(120.002, 30.005)),
                    DemandPoint(id: "b", elderly: 4, location: .init(120.018, 30.005)),
                ])
            let data = try ReportData.build(
                layers: layers, settings: CoverageSettings(kinds: ["canteen"]), level: .street, targets: GapTargets(), compare: nil,
                labeler: nil, sources: [], progress: { _ in })
            #expect(data.gaps.areaGaps.count == 2)
            #expect(data.topAreas.map(\.row.code) == [CoverageTests.unitB.code])
        }
    }
}
