import DoorstepGeoJSON
import Foundation
import Testing

/// The data attributes of the rows of one table of a report.
func reportRows(_ html: String, table id: String) -> [[String: String]] {
    guard let start = html.range(of: "<table id=\"table-\(id)\""), let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex) else { return [] }
    let body = html[start.upperBound..<end.lowerBound]
    var rows: [[String: String]] = []
    for line in body.components(separatedBy: "<tr ").dropFirst() {
        var attributes: [String: String] = [:]
        let head = line.prefix { $0 != ">" }
        let pattern = try! NSRegularExpression(pattern: #"data-([a-z0-9-]+)="([^"]*)""#)
        let text = String(head)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let key = String(text[Range(match.range(at: 1), in: text)!]), value = String(text[Range(match.range(at: 2), in: text)!])
            attributes[key] = value
        }
        rows.append(attributes)
    }
    return rows
}

@Suite("doorstep report")
struct ReportTests {
    @Test("the numbers in the HTML are those of coverage --format json, per street and per district")
    func numbersMatch() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let out = folder.file("report.html")
        let result = try CLI.run(["report", "--output", out])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        for level in ["street", "district"] {
            let json = try CLI.run(["coverage", "--level", level, "--format", "json"])
            let expected = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            let rows = reportRows(html, table: level)
            #expect(rows.count == expected.count, "\(level)")
            for (row, want) in zip(rows, expected) {
                #expect(row["code"] == want["code"] as? String)
                #expect(row["kind"] == want["kind"] as? String)
                #expect(Double(row["elderly-total"] ?? "") == want["elderly_total"] as? Double)
                #expect(Double(row["elderly-covered"] ?? "") == want["elderly_covered"] as? Double)
                #expect(Double(row["coverage-ratio"] ?? "") == want["coverage_ratio"] as? Double)
                #expect(Int(row["facilities"] ?? "") == want["facilities"] as? Int)
                #expect(Double(row["uncovered-area-m2"] ?? "") == want["uncovered_area_m2"] as? Double)
            }
        }
        // One file, nothing fetched: no scripts, no links, no remote images or fonts.
        for forbidden in ["<script", "<link", "src=\"http", "url(http", "@import"] { #expect(!html.contains(forbidden), "\(forbidden)") }
        #expect(html.contains("<svg"))
        #expect(html.contains("养老服务设施覆盖评估报告"))
        #expect(html.contains("GB 50180-2018"))
    }

    @Test("a scenario, the tables beside it, and English")
    func scenarioAndTables() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let sites = folder.file("sites.geojson")
        #expect(try CLI.run(["site", "--kind", "canteen", "--add", "3", "--output", sites, "--time-limit", "20"]).status == 0)
        let out = folder.file("report.html"), tables = folder.file("tables")
        let result = try CLI.run([
            "report", "--kind", "canteen", "--lang", "en", "--compare", Paths.sample + "/facilities.geojson", "--compare", sites,
            "--tables", tables, "--output", out,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("Elder-care facility coverage report"))
        #expect(html.contains("Scenario comparison"))
        #expect(html.components(separatedBy: "class=\"site\"").count - 1 >= 6)  // 3 numbered sites on two maps
        let csv = try [UInt8](Data(contentsOf: URL(fileURLWithPath: tables + "/coverage.csv")))
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let gapsCSV = try [UInt8](Data(contentsOf: URL(fileURLWithPath: tables + "/gaps.csv")))
        #expect(gapsCSV.starts(with: [0xEF, 0xBB, 0xBF] + Array("gap,rank,code,name".utf8)))
        let gaps = try GeoJSONReader.read(file: tables + "/gaps.geojson")
        let direct = try CLI.run(["gaps", "--kind", "canteen", "--output", folder.file("direct.geojson")])
        #expect(direct.status == 0)
        #expect(gaps.features == (try GeoJSONReader.read(file: folder.file("direct.geojson")).features))
    }

    @Test("bad or missing inputs fail before any file is written")
    func failsFirst() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let out = folder.file("report.html"), tables = folder.file("tables")
        for arguments in [
            ["--compare", folder.file("missing.geojson")], ["--units", folder.file("missing.geojson"), "--facilities", Paths.sample + "/facilities.geojson", "--demand", Paths.sample + "/demand.geojson"],
            ["--lang", "fr"],
        ] {
            let result = try CLI.run(["report"] + arguments + ["--tables", tables, "--output", out])
            #expect(result.status != 0, "\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: out))
            #expect(!FileManager.default.fileExists(atPath: tables))
        }
    }

    @Test("a report of the real Hangzhou districts (GCJ-02) renders", .enabled(if: Paths.hangzhouAvailable))
    func hangzhou() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let canteens = try folder.write("canteens.csv", "name,kind,经度,纬度\n文三路老年食堂,canteen,120.1301,30.2802\n市民中心食堂,canteen,120.2118,30.2449\n")
        let out = folder.file("hangzhou.html")
        let result = try CLI.run([
            "report", "--units", Paths.hangzhou + "/districts-2021-gcj02.geojson", "--units-crs", "gcj02", "--code-field", "adcode",
            "--level", "district", "--facilities", canteens, "--facilities-crs", "gcj02", "--demand", Paths.hangzhou + "/town-points-gcj02.geojson",
            "--demand-crs", "gcj02", "--output", out,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(reportRows(html, table: "district").count == 13)
        #expect(html.contains("西湖区") && html.contains("gcj02"))
    }
}
