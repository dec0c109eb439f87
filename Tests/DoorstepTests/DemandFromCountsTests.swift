import Foundation
import Testing

/// Two communities of one street, 2 km apart, and one canteen in the middle of the first: every
/// point placed in the first (about 480 m × 555 m, corners 367 m from the canteen) is within 500 m,
/// none of the second is.
struct CountsCity {
    let folder: TemporaryFolder
    static func square(_ x: Double, _ y: Double) -> [(Double, Double)] {
        [(x, y), (x + 0.005, y), (x + 0.005, y + 0.005), (x, y + 0.005), (x, y)]
    }
    static let first = square(120.10, 30.20), second = square(120.12, 30.20)

    var units: String { folder.file("units.geojson") }
    var canteens: String { folder.file("canteens.geojson") }

    init() throws {
        folder = try TemporaryFolder()
        try folder.write(
            "units.geojson",
            collection([
                polygonFeature([(120.10, 30.20), (120.125, 30.20), (120.125, 30.205), (120.10, 30.205), (120.10, 30.20)], #""code":"330106001","name":"街道","level":"street""#),
                polygonFeature(Self.first, #""code":"330106001001","name":"甲社区","level":"community","parent":"330106001""#),
                polygonFeature(Self.second, #""code":"330106001002","name":"乙社区","level":"community","parent":"330106001""#),
            ]))
        try folder.write("canteens.geojson", collection([pointFeature(120.1025, 30.2025, #""id":"c1","kind":"canteen""#)]))
    }

    func coverage(_ demand: [String]) throws -> CommandResult {
        try CLI.run(["coverage", "--units", units, "--facilities", canteens, "--level", "all", "--kind", "canteen", "--format", "csv"] + demand)
    }

    /// The (code, elderly_total, elderly_covered) of each row.
    static func counts(_ csv: String) -> [String] {
        csv.split(separator: "\r\n").dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return "\(cells[0]) \(cells[5]) \(cells[6])"
        }
    }
}

@Suite("Demand from counts")
struct DemandFromCountsTests {
    static let expected = ["330106001 157 100", "330106001001 100 100", "330106001002 57 0"]

    @Test("community polygons with counts as --demand: totals exact, the first covered, the second not")
    func polygons() throws {
        let city = try CountsCity()
        defer { city.folder.cleanup() }
        let demand = try city.folder.write(
            "communities.geojson",
            collection([polygonFeature(CountsCity.first, #""code":"a","elderly":100"#), polygonFeature(CountsCity.second, #""code":"b","elderly":57"#)]))
        let result = try city.coverage(["--demand", demand])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(CountsCity.counts(result.stdout) == Self.expected)
        #expect(result.stderr.contains("demand from 2 polygon counts on a 50 m grid (communities.geojson)"))
    }

    @Test("a ledger of counts joined to the units by code; a coarser spacing keeps every total")
    func table() throws {
        let city = try CountsCity()
        defer { city.folder.cleanup() }
        let ledger = try city.folder.write("ledger.csv", "社区代码,老年人口数\n330106001001,100\n330106001002,57\n")
        for spacing in ["50", "400"] {
            let result = try city.coverage([
                "--demand-table", ledger, "--demand-join", "社区代码", "--demand-weight-field", "老年人口数", "--demand-spacing", spacing,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(CountsCity.counts(result.stdout) == Self.expected)
            #expect(result.stderr.contains("demand from 2 community counts on a \(spacing) m grid (ledger.csv)"))
        }
    }

    @Test("the report states how demand was made")
    func report() throws {
        let city = try CountsCity()
        defer { city.folder.cleanup() }
        let ledger = try city.folder.write("ledger.csv", "code,elderly\n330106001001,100\n330106001002,57\n")
        let html = city.folder.file("report.html")
        let result = try CLI.run([
            "report", "--units", city.units, "--facilities", city.canteens, "--demand-table", ledger, "--kind", "canteen", "--level", "community",
            "--lang", "en", "--output", html,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: html, encoding: .utf8)
        #expect(text.contains("<h3>Demand</h3><p>demand from 2 community counts on a 50 m grid (ledger.csv)</p>"))
    }

    @Test("buildings weigh the counts by footprint × floors; totals stay exact")
    func buildings() throws {
        let city = try CountsCity()
        defer { city.folder.cleanup() }
        let ledger = try city.folder.write("ledger.csv", "code,elderly\n330106001001,100\n330106001002,57\n")
        func block(_ x: Double, _ y: Double) -> [(Double, Double)] { [(x, y), (x + 0.0005, y), (x + 0.0005, y + 0.0005), (x, y + 0.0005), (x, y)] }
        let buildings = try city.folder.write(
            "buildings.geojson",
            collection([
                polygonFeature(block(120.101, 30.201), #""floors":6"#), polygonFeature(block(120.103, 30.203), #""floors":2"#),
                polygonFeature(block(120.121, 30.201), #""floors":3"#),
            ]))
        let result = try city.coverage(["--demand-table", ledger, "--buildings", buildings])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(CountsCity.counts(result.stdout) == Self.expected)
        #expect(result.stderr.contains("spread over 3 of 3 buildings"))
        // A bad building is an error about the buildings file, not the ledger.
        let empty = try city.folder.write(
            "empty.geojson", collection([#"{"type":"Feature","properties":{"floors":0},"geometry":{"type":"Polygon","coordinates":[[[120.101,30.201],[120.102,30.201],[120.101,30.201]]]}}"#]))
        let bad = try city.coverage(["--demand-table", ledger, "--buildings", empty])
        #expect(bad.status == 1 && bad.stderr.hasPrefix("Error: \(empty): "), "\(bad.stderr)")
    }

    @Test("bad ledgers: a code that matches no unit, a negative or fractional count, a missing column; a unit without a row warns")
    func badLedgers() throws {
        let city = try CountsCity()
        defer { city.folder.cleanup() }
        let cases: [(String, String)] = [
            ("code,elderly\n330106001001,100\n999,5\n", "ledger.csv: line 3: code 999 matches no unit in the units layer"),
            ("code,elderly\n330106001001,-4\n", "ledger.csv: line 2: \"elderly\" is -4.0; it must be 0 or more"),
            ("code,elderly\n330106001001,2.5\n", "ledger.csv: line 2: \"elderly\" is 2.5; a count of people is a whole number"),
            ("code,elderly\n330106001001,many\n", "ledger.csv: line 2: \"elderly\" is \"many\", not a number"),
            ("编号,elderly\n330106001001,1\n", "ledger.csv: line 2: has no \"code\" (use --demand-join"),
            ("code,elderly\n330106001001,1\n330106001001,2\n", "ledger.csv: line 3: code 330106001001 is already given on line 2"),
        ]
        for (text, message) in cases {
            let ledger = try city.folder.write("ledger.csv", text)
            let result = try city.coverage(["--demand-table", ledger])
            #expect(result.status != 0)
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
        let partial = try city.folder.write("ledger.csv", "code,elderly\n330106001001,100\n")
        let result = try city.coverage(["--demand-table", partial])
        #expect(result.status == 0)
        #expect(result.stderr.contains("ledger.csv: 1 unit has no row and no demand: 330106001002"))
        #expect(CountsCity.counts(result.stdout) == ["330106001 100 100", "330106001001 100 100", "330106001002 0 0"])
        let both = try city.coverage(["--demand-table", partial, "--demand", partial])
        #expect(both.status != 0 && both.stderr.contains("give --demand or --demand-table, not both"))
    }
}
