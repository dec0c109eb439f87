import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNetwork
import DoorstepSiting
import Foundation
import Testing

/// A river town laid out in metres around (120°E, 30°N), the central meridian of its zone, so that
/// distances can be written by hand:
///
/// ```
///  y=200  N ──────────────┬───────────────  north bank street      · A (0, 210)
///  y=100  ~~~~~~~~~~~~~~~~│~~~~~~~~~~~~~~~  river (not walkable)
///  y=0    S ──────────────┴───────────────  south bank street      · C (300, 10)
///         x=0            x=700 (bridge)   x=2000                   ▲ canteen (0, -10)
/// ```
/// A is 220 m from the canteen as the crow flies and 10 + 700 + 200 + 700 + 10 = 1,620 m on foot.
struct RiverTown {
    /// The point x metres east and y metres north of (120°E, 30°N), in the zone's transverse Mercator.
    static func lonLat(_ x: Double, _ y: Double) -> Coordinate {
        guard let projector = try? MetricProjection(centralMeridian: 120).makeProjector(),
            let origin = try? projector.project([Coordinate(120, 30)]).first,
            let point = try? projector.unproject([Coordinate(origin.x + x, origin.y + y)]).first
        else { return Coordinate(.nan, .nan) }
        return point
    }

    static func line(_ points: [(Double, Double)], _ properties: String) -> String {
        let coordinates = points.map { lonLat($0.0, $0.1) }.map { "[\($0.x),\($0.y)]" }.joined(separator: ",")
        return #"{"type":"Feature","properties":{\#(properties)},"geometry":{"type":"LineString","coordinates":[\#(coordinates)]}}"#
    }

    static func point(_ x: Double, _ y: Double, _ properties: String) -> String {
        let c = lonLat(x, y)
        return pointFeature(c.x, c.y, properties)
    }

    static let networkText = collection([
        line([(0, 0), (300, 0), (700, 0), (2000, 0)], #""highway":"residential","name":"南岸路""#),
        line([(0, 200), (700, 200), (2000, 200)], #""highway":"residential","name":"北岸路""#),
        line([(700, 0), (700, 200)], #""highway":"secondary","bridge":"yes""#),
        line([(0, 100), (2000, 100)], #""waterway":"river""#),
        // A private footbridge at x = 0 that nobody may use.
        line([(0, 0), (0, 200)], #""highway":"footway","foot":"no""#),
    ])

    static var unitsText: String {
        let ring = [(-100.0, -400.0), (2100, -400), (2100, 1100), (-100, 1100), (-100, -400)].map { lonLat($0.0, $0.1) }
        return collection([polygonFeature(ring.map { ($0.x, $0.y) }, #""code":"330106001","name":"河镇","level":"street""#)])
    }

    static let facilitiesText = collection([point(0, -10, #""id":"C1","name":"南岸食堂","kind":"canteen""#)])
    static let demandText = collection([
        point(0, 210, #""id":"A","elderly":7"#),
        point(300, 10, #""id":"C","elderly":5"#),
        point(1000, 1000, #""id":"D","elderly":3"#),  // 800 m from every street: off the network
    ])

    let folder: TemporaryFolder
    let units: String, facilities: String, demand: String, network: String

    init() throws {
        folder = try TemporaryFolder()
        units = try folder.write("units.geojson", Self.unitsText)
        facilities = try folder.write("facilities.geojson", Self.facilitiesText)
        demand = try folder.write("demand.geojson", Self.demandText)
        network = try folder.write("network.geojson", Self.networkText)
    }

    var inputs: [String] { ["--units", units, "--facilities", facilities, "--demand", demand] }

    func layers() throws -> (Layers, WalkingNetwork) {
        let loader = LayerLoader()
        let layers = try loader.load(
            units: LayerSource(path: units), facilities: [LayerSource(path: facilities)], demand: LayerSource(path: demand))
        let lines = try loader.loadNetwork(LayerSource(path: network)).lines
        return (layers, try WalkingNetwork(lines: lines, source: network))
    }
}

@Suite("Walking distance through the coverage model")
struct WalkingCoverageTests {
    @Suite("Hand-computed river town")
    struct River {
        @Test("across the river by the bridge is 1,620 m: covered as the crow flies, not on foot")
        func bridge() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            let (layers, walking) = try town.layers()
            let straight = try #require(try CoverageModel.assess(layers, settings: CoverageSettings(kinds: ["canteen"])).rows.first)
            #expect(straight.elderlyTotal == 15 && straight.elderlyCovered == 12 && straight.elderlyOffNetwork == 0)
            let settings = CoverageSettings(kinds: ["canteen"], distanceModel: .network(walking))
            let walked = try #require(try CoverageModel.assess(layers, settings: settings).rows.first)
            #expect(walked.elderlyTotal == 15)
            #expect(walked.elderlyCovered == 5)  // only C, 320 m along the south bank
            #expect(walked.elderlyOffNetwork == 3)
            var far = settings
            far.radii = ["canteen": 1620]
            #expect(try CoverageModel.assess(layers, settings: far).rows.first?.elderlyCovered == 12)
            far.radii = ["canteen": 1619]
            #expect(try CoverageModel.assess(layers, settings: far).rows.first?.elderlyCovered == 5)
        }

        @Test("the walking catchment is the reached streets buffered by the trim: far smaller than the disc")
        func catchment() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            let (layers, walking) = try town.layers()
            let straight = try #require(try CoverageModel.assess(layers, settings: CoverageSettings(kinds: ["canteen"])).rows.first)
            let walked = try #require(
                try CoverageModel.assess(layers, settings: CoverageSettings(kinds: ["canteen"], distanceModel: .network(walking))).rows.first)
            let unitArea = 2200.0 * 1500
            // Reached: 490 m of the south bank street (500 − the 10 m access leg), buffered by 100 m with
            // round caps: a 490 × 200 band and two half 32-gons (8 segments per quarter circle).
            let covered = unitArea - walked.uncoveredAreaM2
            let caps = 100.0 * 100 * 16 * sin(2 * .pi / 32)
            #expect(abs(covered - (490 * 200 + caps)) < 1, "\(covered)")
            #expect(walked.uncoveredAreaM2 > straight.uncoveredAreaM2)
        }

        @Test("coverage, gaps and radii in minutes on the command line")
        func commandLine() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            let result = try CLI.run(["coverage"] + town.inputs + ["--network", town.network, "--kind", "canteen", "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            #expect(rows.first?["elderly_covered"] as? Double == 5)
            #expect(rows.first?["elderly_off_network"] as? Double == 3)
            let minutes = try CLI.run(
                ["coverage"] + town.inputs + ["--network", town.network, "--radius", "canteen=27min", "--walk-speed", "1", "--format", "json"])
            let minuteRows = try #require(try JSONSerialization.jsonObject(with: Data(minutes.stdout.utf8)) as? [[String: Any]])
            #expect(minuteRows.first?["radius_m"] as? Double == 1620)
            #expect(minuteRows.first?["elderly_covered"] as? Double == 12)
            let gaps = try CLI.run(["gaps"] + town.inputs + ["--network", town.network, "--kind", "canteen"])
            #expect(gaps.status == 0, "\(gaps.stderr)")
            let features = try GeoJSONReader.parse(Array(gaps.stdout.utf8), file: "gaps").features
            #expect(!features.isEmpty && features.allSatisfy { $0.properties["distance_model"] == "network" })
            let straight = try CLI.run(["gaps"] + town.inputs + ["--kind", "canteen"])
            #expect(try GeoJSONReader.parse(Array(straight.stdout.utf8), file: "gaps").features.allSatisfy {
                $0.properties["distance_model"] == "straight"
            })
        }
    }

    @Suite("Siting measures as coverage does")
    struct Siting {
        @Test("site chooses the bank where the walking demand is; as the crow flies it chooses the other")
        func bank() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            var (layers, walking) = try town.layers()
            // 10 elderly on the north bank, 6 south of the south bank, 300 m from its street.
            layers.demand += [
                DemandPoint(id: "N", elderly: 10, location: RiverTown.lonLat(1500, 250)),
                DemandPoint(id: "S", elderly: 6, location: RiverTown.lonLat(1500, -300)),
            ]
            let candidates = [
                SiteCandidate(id: "north", name: "北岸", location: RiverTown.lonLat(1500, 210)),
                SiteCandidate(id: "south", name: "南岸", location: RiverTown.lonLat(1500, -10)),
            ]
            func pick(_ model: DistanceModel) throws -> (String?, Double) {
                let request = SitingRequest(kind: "canteen", radius: 500, objective: .add(1), solver: .exact, distanceModel: model)
                let plan = try SitePlanner(layers: layers, candidates: candidates, request: request).plan()
                return (plan.sites.first?.candidate.id, plan.sites.first?.gain ?? 0)
            }
            // Straight: south reaches both (260 m and 290 m); north only its bank (the south point is 510 m away).
            #expect(try pick(.straightLine) == ("south", 16))
            // Walking: from the south bank the north point is 1,620 m away by the bridge.
            #expect(try pick(.network(walking)) == ("north", 10))
        }

        @Test("site's coverage_ratio_after is what coverage reports for the same facilities, straight and walking", arguments: [false, true])
        func sameNumbers(_ walking: Bool) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let sites = folder.file("sites.geojson")
            let network = walking ? ["--network", Paths.sample + "/network.geojson"] : []
            let site = try CLI.run(["site", "--kind", "canteen", "--add", "5", "--output", sites, "--format", "json"] + network)
            #expect(site.status == 0, "\(site.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(site.stdout.utf8)) as? [String: Any])
            let coverage = try CLI.run(
                ["coverage", "--kind", "canteen", "--level", "street", "--units", Paths.sample + "/units.geojson", "--facilities",
                 Paths.sample + "/facilities.geojson", "--facilities", sites, "--demand", Paths.sample + "/demand.geojson", "--format", "json"]
                    + network)
            #expect(coverage.status == 0, "\(coverage.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(coverage.stdout.utf8)) as? [[String: Any]])
            let covered = rows.reduce(0.0) { $0 + ($1["elderly_covered"] as? Double ?? 0) }
            let total = rows.reduce(0.0) { $0 + ($1["elderly_total"] as? Double ?? 0) }
            #expect(summary["covered_after"] as? Double == covered)
            #expect(summary["elderly_total"] as? Double == total)
            #expect(summary["coverage_ratio_after"] as? Double == CoverageTable.rounded(covered / total, 4))
            let perUnit = try #require(summary["units"] as? [[String: Any]])
            for row in rows {
                let unit = perUnit.first { $0["code"] as? String == row["code"] as? String }
                #expect(unit?["covered_after"] as? Double == row["elderly_covered"] as? Double, "\(row["code"] ?? "")")
            }
        }
    }

    @Suite("Report")
    struct Report {
        @Test("the report states the distance model, draws the streets and the walking service area")
        func report() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            let walked = town.folder.file("walked.html"), straight = town.folder.file("straight.html")
            let a = try CLI.run(["report"] + town.inputs + ["--network", town.network, "--lang", "en", "--output", walked, "--quiet"])
            #expect(a.status == 0, "\(a.stderr)")
            let html = try String(contentsOfFile: walked, encoding: .utf8)
            #expect(html.contains("walking distance on the street network (\(town.network)"))
            #expect(html.contains("stroke=\"#888\" stroke-opacity=\"0.35\""))
            #expect(html.contains("light areas: walking service areas"))
            let b = try CLI.run(["report"] + town.inputs + ["--lang", "en", "--output", straight, "--quiet"])
            #expect(b.status == 0, "\(b.stderr)")
            let plain = try String(contentsOfFile: straight, encoding: .utf8)
            #expect(plain.contains("straight-line distance") && !plain.contains("stroke-opacity=\"0.35\""))
        }
    }

    @Suite("Bad network input: one line, no output")
    struct BadNetwork {
        static let cases: [(label: String, text: String, extra: [String], expected: String)] = [
            ("a point in the network", collection([RiverTown.point(0, 0, #""highway":"residential""#)]), [],
             "network.geojson: feature 0: is a Point; a network feature must be a LineString or MultiLineString"),
            ("no usable line", collection([RiverTown.line([(0, 0), (500, 0)], #""highway":"motorway""#)]), [],
             "network.geojson: the network has no usable line (1 motorway or trunk)"),
            ("an empty network", collection([]), [], "network.geojson: the network layer has no features"),
            ("a network elsewhere", collection([#"{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[116.0,39.9],[116.01,39.9]]}}"#]), [],
             "the network covers none of the units: its lines span 116.0000, 39.9000 – 116.0100, 39.9000"),
        ]

        /// Every command that measures reach, with what it needs besides the layers.
        static let commands: [(name: String, extra: [String])] = [
            ("coverage", []), ("gaps", []), ("site", ["--kind", "canteen", "--add", "1"]), ("report", ["--quiet"]),
            ("access", ["--kind", "canteen", "--supply", "count"]),
        ]

        @Test("each bad network, in every command that measures reach", arguments: cases, commands.map(\.name))
        func badNetwork(_ badCase: (label: String, text: String, extra: [String], expected: String), _ command: String) throws {
            let (label, text, extra, expected) = badCase
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            try town.folder.write("network.geojson", text)
            let out = town.folder.file(command == "report" ? "out.html" : "out.json")
            let commandExtra = Self.commands.first { $0.name == command }?.extra ?? []
            let result = try CLI.run([command] + town.inputs + ["--network", town.network, "--output", out] + commandExtra + extra)
            #expect(result.status == 1, "\(label): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(label): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(label): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }

        @Test("a line of one repeated point is left out with a warning naming it")
        func shortLine() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            let text = String(RiverTown.networkText.dropLast(2)) + "," + RiverTown.line([(5, 5), (5, 5)], #""highway":"path""#) + "]}"
            try town.folder.write("network.geojson", text)
            let result = try CLI.run(["coverage"] + town.inputs + ["--network", town.network, "--format", "csv"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("1 line has fewer than two distinct points and is left out: feature 5"), "\(result.stderr)")
        }

        static let flags: [(arguments: [String], expected: String)] = [
            (["--snap-max=-1"], "--snap-max -1: must be between 0 and 5000 metres"),
            (["--trim", "nan"], "--trim nan: must be between 0 and 1000 metres"),
            (["--radius", "canteen=xmin"], "--radius canteen=xmin: write KIND=METRES or KIND=MINUTESmin"),
            (["--walk-speed", "0", "--radius", "canteen=10min"], "--walk-speed 0: must be between 0.1 and 3 m/s"),
        ]

        @Test("network flags out of range", arguments: flags)
        func badFlags(_ arguments: [String], _ expected: String) throws {
            let result = try CLI.run(["coverage"] + arguments)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").first?.contains(expected) == true, "\(result.stderr)")
        }
    }

    @Suite("Network through every command")
    struct EveryCommand {
        /// The river town with a street island 1 km long north of the town: 4.2 of 5.2 km (81 %) connected.
        static func fragmented(_ town: RiverTown) throws {
            let island = RiverTown.line([(0, 900), (1000, 900)], #""highway":"residential","name":"孤岛路""#)
            try town.folder.write("network.geojson", String(RiverTown.networkText.dropLast(2)) + "," + island + "]}")
        }

        @Test("a network whose largest piece holds under 90 % of the length is warned of in every command", arguments: BadNetwork.commands.map(\.name))
        func connectivityWarning(_ command: String) throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            try Self.fragmented(town)
            let out = town.folder.file(command == "report" ? "out.html" : "out.json")
            let extra = BadNetwork.commands.first { $0.name == command }?.extra ?? []
            let result = try CLI.run([command] + town.inputs + ["--network", town.network, "--output", out] + extra)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("the largest connected piece of the network holds only 80.8 % of its length"), "\(command): \(result.stderr)")
        }

        @Test("a facility off the network is named in coverage and in site")
        func offNetworkFacility() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            // The canteen stands 10 m from the south bank street: off the network within 5 m.
            let snap = ["--network", town.network, "--snap-max", "5", "--kind", "canteen"]
            let coverage = try CLI.run(["coverage"] + town.inputs + snap + ["--format", "csv"])
            let site = try CLI.run(["site"] + town.inputs + snap + ["--add", "1", "--format", "json"])
            for result in [coverage, site] {
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stderr.contains("1 canteen facility is off the street network and reach nobody: C1 (南岸食堂)"), "\(result.stderr)")
            }
        }

        @Test("gaps and the report's tables carry the same walking numbers as coverage")
        func sameNumbers() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let inputs = ["--units", Paths.sample + "/units.geojson", "--facilities", Paths.sample + "/facilities.geojson",
                          "--demand", Paths.sample + "/demand.geojson", "--network", Paths.sample + "/network.geojson", "--kind", "canteen"]
            let coverage = try CLI.run(["coverage"] + inputs + ["--level", "street", "--format", "json"])
            #expect(coverage.status == 0, "\(coverage.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(coverage.stdout.utf8)) as? [[String: Any]])
            let byCode = Dictionary(uniqueKeysWithValues: rows.compactMap { row in (row["code"] as? String).map { ($0, row) } })

            let gaps = try CLI.run(["gaps"] + inputs)
            #expect(gaps.status == 0, "\(gaps.stderr)")
            let unitGaps = try GeoJSONReader.parse(Array(gaps.stdout.utf8), file: "gaps").features.filter { $0.properties["gap"] == "unit" }
            #expect(!unitGaps.isEmpty)
            for feature in unitGaps {
                let code = try #require(feature.properties["code"]?.textValue)
                #expect(feature.properties["elderly_covered"]?.numberValue == byCode[code]?["elderly_covered"] as? Double, "\(code)")
                #expect(feature.properties["distance_model"] == "network")
            }

            let tables = folder.file("tables")
            let report = try CLI.run(["report"] + inputs + ["--level", "street", "--output", folder.file("r.html"), "--tables", tables, "--quiet"])
            #expect(report.status == 0, "\(report.stderr)")
            let csv = try CSVTable.read(file: tables + "/coverage.csv")
            let (level, code, covered, uncovered) = (csv.column("level"), csv.column("code"), csv.column("elderly_covered"), csv.column("uncovered_area_m2"))
            let streetRows = csv.rows.filter { csv.cell($0, level) == "street" }
            #expect(streetRows.count == rows.count)
            for record in streetRows {
                let row = try #require(byCode[csv.cell(record, code) ?? ""])
                #expect(Double(csv.cell(record, covered) ?? "") == row["elderly_covered"] as? Double, "\(record)")
                #expect(Double(csv.cell(record, uncovered) ?? "") == row["uncovered_area_m2"] as? Double, "\(record)")
            }
        }

        @Test("--network-crs: the same streets in CGCS2000 Gauss-Krüger give the same rows")
        func networkCRS() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            let projected = town.folder.file("network-4549.geojson")
            let convert = try runProcess(
                "/usr/bin/ogr2ogr", ["-f", "GeoJSON", "-t_srs", "EPSG:4549", "-lco", "WRITE_NAME=NO", projected, town.network], in: town.folder.path)
            #expect(convert.status == 0, "\(convert.stderr)")
            // Without its crs member the file says nothing of its system: the flag must.
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: projected))) as? [String: Any])
            object["crs"] = nil
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: projected))
            let wgs84 = try CLI.run(["coverage"] + town.inputs + ["--network", town.network, "--kind", "canteen", "--format", "csv"])
            let gk = try CLI.run(["coverage"] + town.inputs + ["--network", projected, "--network-crs", "EPSG:4549", "--kind", "canteen", "--format", "csv"])
            #expect(wgs84.status == 0 && gk.status == 0, "\(wgs84.stderr) \(gk.stderr)")
            #expect(gk.stdout == wgs84.stdout)
            let unflagged = try CLI.run(["coverage"] + town.inputs + ["--network", projected, "--kind", "canteen", "--format", "csv"])
            #expect(unflagged.status == 1 && unflagged.stderr.contains("network-4549.geojson"), "\(unflagged.stderr)")
        }

        @Test("network check: features by reason, nodes, edges, length, pieces; --output writes the pieces")
        func networkCheck() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            try Self.fragmented(town)
            let pieces = town.folder.file("pieces.geojson")
            let result = try CLI.run(["network", "check", town.network, "--output", pieces])
            #expect(result.status == 0, "\(result.stderr)")
            // Usable: the two banks, the bridge and the island; the private footbridge and the river are not.
            #expect(result.stdout.contains("features: 4 used, 1 left out (foot=no), 1 left out (no highway tag)"), "\(result.stdout)")
            // Nodes: 4 on the south bank, 3 on the north, 2 on the island; edges: the south bank is split at
            // the bridge (2), the north bank too (2), the bridge (1), the island (1).
            #expect(result.stdout.contains("graph: 9 nodes, 6 edges (7 segments), 5.2 km"), "\(result.stdout)")
            #expect(result.stdout.contains("connected pieces: 2; the largest holds 80.8 % of the length (warning: under 90 %"), "\(result.stdout)")
            let features = try GeoJSONReader.read(file: pieces).features
            #expect(features.count == 2)
            #expect(features.first?.properties["length_m"]?.numberValue.map { abs($0 - 4200) < 1 } == true)
            #expect(features.last?.properties["share"]?.numberValue == 0.1923)
            #expect(features.allSatisfy { $0.geometry?.typeName == "MultiLineString" })
        }

        @Test("a radius in minutes is reported in whole centimetres")
        func minuteRadius() throws {
            let town = try RiverTown()
            defer { town.folder.cleanup() }
            let result = try CLI.run(
                ["coverage"] + town.inputs + ["--network", town.network, "--radius", "canteen=7min", "--walk-speed", "1.1", "--format", "csv"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains(",canteen,462,"), "\(result.stdout)")
        }
    }
}