import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Testing

/// One street with three demand points on a meridian and two canteens sharing the middle one, a third
/// canteen far away, and an empty community. By hand (R = 500 m; 0.001° of latitude ≈ 111 m):
/// - F1 (capacity 10) at 30.200 reaches P1 (30.201, 10 elderly) and P2 (30.203, 20);
///   F2 (capacity 20) at 30.206 reaches P2 and P3 (30.2055, 30).
/// - R₁ = 10 / 30 = 1/3, R₂ = 20 / 50 = 0.4; A₁ = 1/3, A₂ = 1/3 + 0.4 = 11/15, A₃ = 0.4.
/// - Σ PᵢAᵢ = 10/3 + 44/3 + 12 = 30 = S₁ + S₂: all supply handed out.
/// - The street: access_mean = 30 / 60 = 0.5; with --norm 600, P₁ (333) and P₃ (400) are below: 40.
struct AccessCity {
    let folder: TemporaryFolder
    var units: String { folder.file("units.geojson") }
    var canteens: String { folder.file("canteens.geojson") }
    var demand: String { folder.file("demand.geojson") }
    static let x = 120.10

    init() throws {
        folder = try TemporaryFolder()
        let street = [(120.09, 30.19), (120.11, 30.19), (120.11, 30.21), (120.09, 30.21), (120.09, 30.19)]
        let empty = [(120.20, 30.19), (120.21, 30.19), (120.21, 30.20), (120.20, 30.20), (120.20, 30.19)]
        try folder.write(
            "units.geojson",
            collection([
                polygonFeature(street, #""code":"330106001","name":"甲街道","level":"street""#),
                polygonFeature(empty, #""code":"330106002","name":"乙街道","level":"street""#),
            ]))
        try folder.write(
            "canteens.geojson",
            collection([
                pointFeature(Self.x, 30.200, #""id":"F1","kind":"canteen","capacity":10"#),
                pointFeature(Self.x, 30.206, #""id":"F2","kind":"canteen","capacity":20"#),
                pointFeature(120.30, 30.30, #""id":"F3","kind":"canteen","capacity":5"#),
            ]))
        try folder.write(
            "demand.geojson",
            collection([
                pointFeature(Self.x, 30.201, #""id":"P1","elderly":10"#), pointFeature(Self.x, 30.203, #""id":"P2","elderly":20"#),
                pointFeature(Self.x, 30.2055, #""id":"P3","elderly":30"#),
            ]))
    }

    var inputs: [String] { ["--units", units, "--facilities", canteens, "--demand", demand, "--kind", "canteen"] }

    func rows(_ extra: [String] = []) throws -> (rows: [[String: Any]], stderr: String) {
        let result = try CLI.run(["access"] + inputs + ["--format", "json"] + extra)
        try #require(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        return (rows, result.stderr)
    }
}

@Suite("Capacity-aware accessibility (doorstep access)")
struct AccessTests {
    @Suite("By hand")
    struct ByHand {
        @Test("two facilities sharing demand, one reaching nobody, a unit without elderly")
        func twoStep() throws {
            let city = try AccessCity()
            defer { city.folder.cleanup() }
            let (rows, stderr) = try city.rows(["--norm", "600"])
            #expect(rows.count == 2)
            let street = rows[0], empty = rows[1]
            #expect(Set(street.keys) == Set(AccessTable.columns))
            #expect(street["method"] as? String == "2sfca")
            #expect(street["elderly_total"] as? Int == 60)
            #expect(street["supply"] as? Int == 30)
            #expect(abs((street["access_mean"] as? Double ?? 0) - 0.5) < 1e-12)
            #expect(abs((street["access_per_1000"] as? Double ?? 0) - 500) < 1e-9)
            #expect(abs((street["supply_per_1000"] as? Double ?? 0) - 500) < 1e-9)
            #expect(street["elderly_below_norm"] as? Int == 40)
            #expect(street["norm_per_1000"] as? Int == 600)
            #expect(empty["access_mean"] is NSNull && empty["supply_per_1000"] is NSNull && empty["access_per_1000"] is NSNull)
            #expect(stderr.contains("1 canteen facility reaches no elderly within 500 m"))
        }

        @Test("every demand point's score, for the map")
        func points() throws {
            let city = try AccessCity()
            defer { city.folder.cleanup() }
            let output = city.folder.file("points.geojson")
            let result = try CLI.run(["access"] + city.inputs + ["--points-output", output])
            #expect(result.status == 0, "\(result.stderr)")
            let scores = try GeoJSONReader.read(file: output).features.compactMap { $0.properties["access_per_1000"]?.numberValue }
            #expect(zip(scores, [1000.0 / 3, 11000.0 / 15, 400]).allSatisfy { abs($0 - $1) < 1e-9 })
        }

        @Test("the weights: 1 within R for 2SFCA; the Gaussian cut at R for E2SFCA, 1 at the facility and 0 at R")
        func weights() {
            #expect(AccessMethod.twoStep.weight(500, radius: 500) == 1)
            #expect(AccessMethod.twoStep.weight(500.0001, radius: 500) == 0)
            #expect(AccessMethod.enhanced.weight(0, radius: 500) == 1)
            #expect(abs(AccessMethod.enhanced.weight(500, radius: 500)) < 1e-15)
            let half = (exp(-0.125) - exp(-0.5)) / (1 - exp(-0.5))
            #expect(abs(AccessMethod.enhanced.weight(250, radius: 500) - half) < 1e-15)
        }

        @Test("supply count makes every facility 1; e2sfca weighs nearer elderly more")
        func countAndEnhanced() throws {
            let city = try AccessCity()
            defer { city.folder.cleanup() }
            let counted = try city.rows(["--supply", "count"]).rows[0]
            #expect(counted["supply"] as? Int == 2)
            #expect(abs((counted["access_mean"] as? Double ?? 0) - 2.0 / 60) < 1e-12)  // two facilities' supply of 1, all handed out
            let enhanced = try city.rows(["--method", "e2sfca"]).rows[0]
            #expect(enhanced["method"] as? String == "e2sfca")
            #expect(abs((enhanced["access_mean"] as? Double ?? 0) - 0.5) < 1e-12)  // still all 30 handed out to the 60 elderly
        }
    }

    @Suite("Properties")
    struct Properties {
        @Test("all supply of the facilities that reach someone is handed out, for both methods, on random cities", arguments: [1, 2, 3])
        func conservation(seed: UInt64) throws {
            var random = SeededGenerator(seed: seed)
            let facilities = (0..<40).map { i in
                Facility(
                    id: "F\(i)", name: "F\(i)", kind: "care-home", capacity: Double(Int.random(in: 1...200, using: &random)),
                    location: Coordinate(120.1 + Double.random(in: 0...0.05, using: &random), 30.2 + Double.random(in: 0...0.05, using: &random)))
            }
            let demand = (0..<3000).map { i in
                DemandPoint(
                    id: "\(i)", elderly: Double(Int.random(in: 0...30, using: &random)),
                    location: Coordinate(120.1 + Double.random(in: 0...0.05, using: &random), 30.2 + Double.random(in: 0...0.05, using: &random)))
            }
            let unit = PlanningUnit(
                code: "330106001", name: "u", level: .street, parent: nil,
                geometry: .polygon([[Coordinate(120.09, 30.19), Coordinate(120.16, 30.19), Coordinate(120.16, 30.26), Coordinate(120.09, 30.26), Coordinate(120.09, 30.19)]]))
            let layers = Layers(units: [unit], facilities: facilities, demand: demand)
            for method in AccessMethod.allCases {
                var settings = CoverageSettings(kinds: ["care-home"], radii: ["care-home": 1500])
                settings.access = AccessSettings(method: method)
                let (scores, warnings) = try AccessModel.scores(layers, kind: "care-home", radius: 1500, settings: settings)
                #expect(warnings.isEmpty)
                let handedOut = zip(demand, scores).reduce(0) { $0 + $1.0.elderly * $1.1 }
                let supply = facilities.reduce(0) { $0 + $1.capacity }
                #expect(abs(handedOut - supply) < 1e-9 * supply)
                // The unit holds every point: its weighted score is the same total.
                let row = try #require(try CoverageModel.assess(layers, settings: settings).rows.first)
                #expect(abs((row.access?.weightedScore ?? 0) - supply) < 1e-9 * supply)
            }
        }

        @Test("walking along a straight street through every point gives the same scores as the straight line")
        func networkAgrees() throws {
            let city = try AccessCity()
            defer { city.folder.cleanup() }
            let line = [30.195, 30.200, 30.201, 30.203, 30.2055, 30.206, 30.209].map { "[\(AccessCity.x),\($0)]" }.joined(separator: ",")
            let network = try city.folder.write(
                "street.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"highway":"footway"},"geometry":{"type":"LineString","coordinates":[\#(line)]}}]}"#)
            for method in ["2sfca", "e2sfca"] {
                let straight = try city.rows(["--method", method]).rows[0]
                let walking = try city.rows(["--method", method, "--network", network]).rows[0]
                let a = straight["access_mean"] as? Double ?? 0, b = walking["access_mean"] as? Double ?? -1
                #expect(abs(a - b) < 1e-6 * a, "\(method): \(a) vs \(b)")
            }
        }
    }

    @Suite("Through gaps and report")
    struct ThroughTheRest {
        @Test("gaps --reason access flags the unit whose access_per_1000 is below the norm, and only then")
        func gaps() throws {
            let city = try AccessCity()
            defer { city.folder.cleanup() }
            func reasons(_ norm: String) throws -> [String] {
                let result = try CLI.run(["gaps"] + city.inputs + ["--reason", "access", "--norm", norm, "--min-facilities", "0", "--min-ratio", "0"])
                try #require(result.status == 0, "\(result.stderr)")
                let features = try GeoJSONReader.parse(Array(result.stdout.utf8), file: "gaps").features
                return features.filter { $0.properties["gap"]?.textValue == "unit" && $0.properties["code"]?.textValue == "330106001" }
                    .flatMap { feature -> [String] in
                        guard case .array(let items)? = feature.properties["reasons"] else { return [] }
                        return items.compactMap(\.textValue)
                    }
            }
            #expect(try reasons("600") == ["access"])  // the street's 500 per 1,000 is below 600
            #expect(try reasons("400").isEmpty)
            let refused = try CLI.run(["gaps"] + city.inputs + ["--reason", "access"])
            #expect(refused.status == 2 && refused.stderr.contains("--reason access needs --norm"))
        }

        @Test("report --access draws the section with the access rows' numbers and names the method and norm")
        func report() throws {
            let city = try AccessCity()
            defer { city.folder.cleanup() }
            let html = city.folder.file("report.html")
            let result = try CLI.run(["report"] + city.inputs + ["--access", "--norm", "600", "--lang", "en", "--output", html])
            #expect(result.status == 0, "\(result.stderr)")
            let text = try String(contentsOfFile: html, encoding: .utf8)
            #expect(text.contains("Accessibility: "))
            #expect(text.contains("<td>330106001</td><td>甲街道</td><td class=n>60</td><td class=n>500.0</td><td class=n>40</td>"))
            #expect(text.contains("<h3>Accessibility</h3><p>2SFCA; norm per 1,000 elderly: canteen 600</p>"))
        }
    }

    @Suite("Bad input")
    struct BadInput {
        @Test("unknown method, a bad norm, no capacity with --supply capacity: one line, no output")
        func oneLine() throws {
            let city = try AccessCity()
            defer { city.folder.cleanup() }
            let output = city.folder.file("out.csv")
            let noCapacity = try city.folder.write("nocap.geojson", collection([pointFeature(AccessCity.x, 30.2, #""id":"F","kind":"canteen""#)]))
            let cases: [([String], String)] = [
                (city.inputs + ["--method", "3sfca"], "--method"),
                (city.inputs + ["--norm", "-1"], "--norm"),
                (city.inputs + ["--norm", "abc"], "--norm"),
                (["--units", city.units, "--facilities", noCapacity, "--demand", city.demand, "--kind", "canteen"], "use --supply count"),
                (["--units", city.units, "--facilities", city.canteens, "--demand", city.demand], "give one --kind"),
            ]
            for (arguments, message) in cases {
                let result = try CLI.run(["access"] + arguments + ["--output", output])
                #expect(result.status != 0)
                #expect(result.stderr.contains(message), "\(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: output))
            }
        }
    }
}
