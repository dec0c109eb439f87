import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
import Foundation
import Testing

/// Two plan areas side by side in 西湖区 (文教区 north of 30.25°, 云栖区 south of it) and three
/// planned roads: a branch road in 文教区, an arterial and a lane in 云栖区.
struct PlanFixture {
    let tiny: TinyRegistry
    var registry: Registry { tiny.registry }
    var folder: TemporaryFolder { tiny.folder }

    static let areas = collection([
        polygonFeature(
            [(120.10, 30.25), (120.20, 30.25), (120.20, 30.30), (120.10, 30.30), (120.10, 30.25)],
            #""area":"文教区","district":"330106","theme":"文|学|书","series":"文{n}路""#),
        polygonFeature(
            [(120.10, 30.20), (120.20, 30.20), (120.20, 30.25), (120.10, 30.25), (120.10, 30.20)],
            #""area":"云栖区","district":"330106","theme":"云|栖|溪|茶""#),
    ])

    static func line(_ a: (Double, Double), _ b: (Double, Double), _ properties: String) -> String {
        #"{"type":"Feature","properties":{"# + properties + #"},"geometry":{"type":"LineString","coordinates":[["# + "\(a.0),\(a.1)],[\(b.0),\(b.1)" + "]]}}"
    }

    static let roads = collection([
        line((120.12, 30.27), (120.14, 30.27), #""class":"branch","width_m":18,"district":"330106","planned_year":2027"#),
        line((120.12, 30.22), (120.16, 30.22), #""class":"arterial","width_m":40,"district":"330106","planned_year":2026"#),
        line((120.12, 30.21), (120.13, 30.21), #""class":"lane","district":"330106","planned_year":2027"#),
    ])

    init(seeded: Bool = true) throws {
        tiny = try TinyRegistry(seeded: seeded)
        let areas = try Registry.readPlanAreas(try tiny.folder.write("areas.geojson", Self.areas))
        try tiny.registry.replacePlanAreas(areas, from: "areas.geojson", actor: "test")
        let settings = try tiny.registry.settings()
        let roads = try Registry.readPlannedRoads(try tiny.folder.write("roads.geojson", Self.roads), classes: settings.roadClasses)
        try tiny.registry.addPlannedRoads(roads, from: "roads.geojson", actor: "test")
    }

    func add(_ name: String, _ type: String = "road", status: PlaceStatus = .inUse, at: Coordinate? = nil) throws {
        try registry.create(PlaceDraft(name: name, type: type, district: "330106", geometry: at.map { .point($0) }, status: status), action: "add", actor: "test")
    }

    func check(_ name: String, _ type: String = "road", at: Coordinate? = nil, planned: Int64? = nil) throws -> CheckReport {
        try registry.check(NameProposal(name: name, type: type, district: "330106", location: at, plannedRoad: planned))
    }

    /// The message of an import that must fail, and that the registry's plan is unchanged after it.
    func importFailure(_ text: String, roads: Bool = false) throws -> String {
        let before = (try registry.planAreas().map(\.name), try registry.plannedRoads().count)
        let path = try folder.write("bad.geojson", text)
        var message = ""
        do {
            if roads {
                try registry.addPlannedRoads(try Registry.readPlannedRoads(path, classes: try registry.settings().roadClasses), from: path, actor: "test")
            } else {
                try registry.replacePlanAreas(try Registry.readPlanAreas(path), from: path, actor: "test")
            }
            Issue.record("the import of \(text) did not fail")
        } catch {
            message = "\(error)"
        }
        #expect(try registry.planAreas().map(\.name) == before.0)
        #expect(try registry.plannedRoads().count == before.1)
        #expect(!message.contains("\n"))
        return message
    }
}

@Suite("Place-name plan 2024–2035")
struct NamesPlanTests {
    @Suite("Series and numerals")
    struct Series {
        @Test("Chinese numerals 1–99 as street series write them", arguments: [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (99, "九十九")])
        func numerals(n: Int, text: String) {
            #expect(ChineseNumeral.text(n) == text)
            #expect(ChineseNumeral.value(text) == n)
        }

        @Test("a pattern names its members and reads their numbers; one without {n} is an error")
        func pattern() throws {
            let series = try SeriesPattern("文{n}路")
            #expect(series.name(4) == "文四路")
            #expect(series.number(in: "文十二路") == 12)
            #expect(series.number(in: "文华路") == nil)
            #expect(series.number(in: "文路") == nil)
            #expect(throws: RegistryError.self) { try SeriesPattern("文路") }
            #expect(throws: RegistryError.self) { try SeriesPattern("{n}") }
            #expect(throws: RegistryError.self) { try SeriesPattern("文{n}{n}路") }
        }
    }

    @Suite("Plan areas and planned roads as data")
    struct AsData {
        @Test("import replaces the areas as one event; planned roads are counted by district and year")
        func importAndCount() throws {
            let plan = try PlanFixture()
            defer { plan.folder.cleanup() }
            let areas = try plan.registry.planAreas()
            #expect(areas.map(\.name) == ["文教区", "云栖区"])
            #expect(areas[0].theme == ["文", "学", "书"] && areas[0].series?.description == "文{n}路" && areas[1].series == nil)
            // A second import replaces the first.
            let one = collection([polygonFeature([(120.3, 30.3), (120.4, 30.3), (120.4, 30.4), (120.3, 30.3)], #""area":"钱塘区","theme":"潮|江""#)])
            try plan.registry.replacePlanAreas(try Registry.readPlanAreas(try plan.folder.write("one.geojson", one)), from: "one.geojson", actor: "test")
            #expect(try plan.registry.planAreas().map(\.name) == ["钱塘区"])
            let roads = try plan.registry.plannedRoads()
            #expect(roads.map(\.roadClass) == ["branch", "arterial", "lane"])
            #expect(roads.allSatisfy { $0.status == "planned" && $0.placeID == nil })
            #expect(roads[0].widthM == 18 && roads[0].plannedYear == 2027)
            let counts = try plan.registry.plannedRoadCounts()
            #expect(counts == [
                PlannedRoadCount(district: "330106", year: 2026, named: 0, unnamed: 1),
                PlannedRoadCount(district: "330106", year: 2027, named: 0, unnamed: 2),
            ])
            // Naming a planned road links it: the record takes its line, and it counts as named.
            let id = try plan.registry.namePlannedRoad(1, PlaceDraft(name: "文四路", type: "road"), action: "propose", actor: "test")
            let named = try #require(try plan.registry.place(id))
            #expect(named.district == "330106")
            if case .lineString? = named.geometry {} else { Issue.record("the record did not take the road's line") }
            #expect(try plan.registry.plannedRoad(1).name == "文四路")
            #expect(try plan.registry.plannedRoadCounts()[1] == PlannedRoadCount(district: "330106", year: 2027, named: 1, unnamed: 1))
            #expect(throws: RegistryError.self) { try plan.registry.namePlannedRoad(1, PlaceDraft(name: "文五路", type: "road"), action: "propose", actor: "test") }
            let events = try plan.registry.history(id)
            #expect(events.map(\.action) == ["propose"] && events[0].after?.contains("planned_road") == true)
        }

        @Test("bad plan files: one-line errors naming the file and feature, no change to the registry")
        func badInput() throws {
            let plan = try PlanFixture()
            defer { plan.folder.cleanup() }
            let square = [(120.5, 30.5), (120.6, 30.5), (120.6, 30.6), (120.5, 30.6), (120.5, 30.5)]
            var message = try plan.importFailure(collection([polygonFeature(square, #""theme":"潮""#)]))
            #expect(message.contains("bad.geojson") && message.contains("feature 0") && message.contains("`area`"))
            message = try plan.importFailure(collection([polygonFeature(square, #""area":"钱塘区""#)]))
            #expect(message.contains("钱塘区") && message.contains("`theme`"))
            message = try plan.importFailure(collection([polygonFeature(square, #""area":"钱塘区","theme":"潮","series":"潮路""#)]))
            #expect(message.contains("{n}") && message.contains("钱塘区"))
            message = try plan.importFailure(collection([polygonFeature(square, #""area":"钱塘区","theme":"潮||江""#)]))
            #expect(message.contains("empty word"))
            // Overlap: both areas named, with the feature of each.
            let shifted = square.map { ($0.0 + 0.05, $0.1) }
            message = try plan.importFailure(collection([polygonFeature(square, #""area":"钱塘区","theme":"潮""#), polygonFeature(shifted, #""area":"江干区","theme":"江""#)]))
            #expect(message.contains("江干区") && message.contains("钱塘区") && message.contains("overlaps") && message.contains("feature 1") && message.contains("feature 0"))
            // Areas that share an edge are fine.
            let beside = square.map { ($0.0 + 0.1, $0.1) }
            let ok = try Registry.readPlanAreas(try plan.folder.write("beside.geojson", collection([polygonFeature(square, #""area":"钱塘区","theme":"潮""#), polygonFeature(beside, #""area":"江干区","theme":"江""#)])))
            #expect(ok.count == 2)
            message = try plan.importFailure(collection([pointFeature(120.1, 30.2, #""area":"钱塘区","theme":"潮""#)]))
            #expect(message.contains("Point") && message.contains("Polygon"))
            // Planned roads: a class is required, and must be one of the settings.
            message = try plan.importFailure(collection([PlanFixture.line((120.1, 30.2), (120.2, 30.2), #""width_m":10"#)]), roads: true)
            #expect(message.contains("`class`") && message.contains("feature 0"))
            message = try plan.importFailure(collection([PlanFixture.line((120.1, 30.2), (120.2, 30.2), #""class":"expressway""#)]), roads: true)
            #expect(message.contains("expressway") && message.contains("arterial, branch, lane, secondary"))
            message = try plan.importFailure(collection([PlanFixture.line((120.1, 30.2), (120.2, 30.2), #""class":"lane","planned_year":"soon""#)]), roads: true)
            #expect(message.contains("planned_year"))
        }
    }

    @Suite("The plan rule")
    struct Rule {
        @Test("inside a plan area: a theme word or the series passes; neither is review, naming the area and theme")
        func theme() throws {
            let plan = try PlanFixture()
            defer { plan.folder.cleanup() }
            let north = Coordinate(120.15, 30.27), south = Coordinate(120.15, 30.22), outside = Coordinate(120.5, 30.5)
            #expect(try plan.check("学院路", at: north).verdict == .ok)  // theme word 学
            #expect(try plan.check("文十二路", at: north).verdict == .ok)  // the series (and 文)
            let off = try plan.check("西溪路", at: north)
            #expect(off.verdict == .review && off.rules() == ["plan"])
            #expect(off.findings[0].message.contains("文教区") && off.findings[0].message.contains("文|学|书") && off.findings[0].message.contains("文{n}路"))
            #expect(try plan.check("西溪路", at: south).verdict == .ok)  // 溪 is 云栖区's theme
            #expect(try plan.check("学院路", at: south).rules() == ["plan"])
            #expect(try plan.check("钱江路", at: outside).verdict == .ok)  // outside every area
            #expect(try plan.check("西湖路").verdict == .ok)  // nowhere given
        }

        @Test("a planned road's 通名 must be one its class allows (reject), and its line places it in its area")
        func roadClass() throws {
            let plan = try PlanFixture()
            defer { plan.folder.cleanup() }
            let avenue = try plan.check("文华大道", "avenue", planned: 1)  // branch: 街/路/巷
            #expect(avenue.rules(.reject) == ["plan"] && avenue.findings[0].message.contains("branch") && avenue.findings[0].message.contains("街、路、巷"))
            #expect(try plan.check("文华路", planned: 1).verdict == .ok)
            #expect(try plan.check("云溪大道", "avenue", planned: 2).verdict == .ok)  // arterial: 大道/路
            #expect(try plan.check("云溪街", "street", planned: 2).rules(.reject) == ["plan"])
            #expect(try plan.check("云栖巷", "lane", planned: 3).verdict == .ok)
            #expect(try plan.check("云栖路", planned: 3).rules(.reject) == ["plan"])
            // The planned road's line (halfway point) is in 文教区: a name off its theme is review.
            #expect(try plan.check("云栖路", planned: 1).rules(.review) == ["plan"])
            #expect(throws: RegistryError.self) { try plan.check("文华路", planned: 99) }
            // Renaming the record that names a planned road keeps to its class.
            let id = try plan.registry.namePlannedRoad(3, PlaceDraft(name: "云栖巷", type: "lane"), action: "propose", actor: "test")
            let rename = try plan.registry.check(NameProposal(name: "云栖路", type: "road", district: "330106", recordID: id))
            #expect(rename.rules(.reject) == ["plan"])
        }
    }

    @Suite("Suggestions")
    struct Suggestions {
        @Test("a series continues at the next free number, skipping a homophone of a name in use and a name needing review")
        func series() throws {
            let plan = try PlanFixture()
            defer { plan.folder.cleanup() }
            try plan.add("文一路")
            try plan.add("文二路")
            try plan.add("文三路", status: .reserved)
            try plan.add("闻四路")  // sounds like 文四路
            let result = try plan.registry.suggest(for: 1, count: 3)
            // 文四路 sounds like 闻四路; 文六路 is `reading` review (六: liu or lu), and only `ok` names are suggested.
            #expect(try plan.check("文六路", planned: 1).verdict == .review)
            #expect(result.suggestions.map(\.name) == ["文五路", "文七路", "文八路"])
            #expect(result.suggestions.map(\.pinyin) == ["Wenwu Lu", "Wenqi Lu", "Wenba Lu"])
            #expect(!result.exhausted)
            for suggestion in result.suggestions {
                #expect(try plan.check(suggestion.name, planned: 1).verdict == .ok)
                #expect(suggestion.themeWords == ["文"] && suggestion.generic == "路")
            }
        }

        @Test("theme names: every one passes check, uses the theme, keeps to the class, skips taken, reserved and homophones")
        func theme() throws {
            let plan = try PlanFixture()
            defer { plan.folder.cleanup() }
            try plan.add("云栖路")
            try plan.add("栖云大道", "avenue", status: .reserved)
            try plan.add("云溪路", "road", status: .reserved)
            let result = try plan.registry.suggest(for: 2, count: 50)  // arterial: 大道, 路
            let names = result.suggestions.map(\.name)
            #expect(!names.isEmpty && result.exhausted)
            #expect(!names.contains("云栖路") && !names.contains("栖云大道") && !names.contains("云溪路"))
            #expect(!names.contains("云西路"))
            let sounds = names.map { Romanizer.shared.soundKey($0) }
            #expect(Set(sounds).count == sounds.count)  // no two homophones
            #expect(!sounds.contains(Romanizer.shared.soundKey("云栖路")))  // 云溪路 sounds like 云栖路: both skipped
            for suggestion in result.suggestions {
                #expect(["大道", "路"].contains(suggestion.generic))
                #expect(!suggestion.themeWords.isEmpty && suggestion.themeWords.allSatisfy { ["云", "栖", "溪", "茶"].contains($0) })
                let type = suggestion.generic == "大道" ? "avenue" : "road"
                #expect(try plan.check(suggestion.name, type, planned: 2).verdict == .ok)
            }
            #expect(result.suggestions.map(\.score) == result.suggestions.map(\.score).sorted(by: >))
            let lane = try plan.registry.suggest(for: 3, count: 4)
            #expect(lane.suggestions.count == 4 && lane.suggestions.allSatisfy { ["巷", "弄"].contains($0.generic) })
        }

        @Test("suggest on something that is not an unnamed planned road is an error")
        func notPlanned() throws {
            let plan = try PlanFixture()
            defer { plan.folder.cleanup() }
            #expect(throws: RegistryError.self) { try plan.registry.suggest(for: 42) }
            try plan.registry.namePlannedRoad(1, PlaceDraft(name: "文华路", type: "road"), action: "propose", actor: "test")
            do {
                _ = try plan.registry.suggest(for: 1)
                Issue.record("suggest on a named road did not fail")
            } catch {
                #expect("\(error)".contains("named already"))
            }
        }
    }

    @Suite("The clean-up audit")
    struct Audit {
        @Test("finds seeded non-standard names and nothing in a clean registry")
        func seeded() throws {
            let clean = try TinyRegistry()
            defer { clean.folder.cleanup() }
            #expect(try clean.registry.audit().entries.isEmpty)
            #expect(try clean.registry.audit().checked == 5)

            try clean.registry.create(PlaceDraft(name: "环球路", type: "road", district: "330106", status: .inUse), action: "add", actor: "t")
            try clean.registry.create(PlaceDraft(name: "威尼斯花园", type: "residential", district: "330106", status: .inUse), action: "add", actor: "t")
            try clean.registry.create(PlaceDraft(name: "文三路", type: "road", district: "330102", status: .inUse), action: "add", actor: "t")
            try clean.registry.create(PlaceDraft(name: "路", type: "road", district: "330102", status: .inUse), action: "add", actor: "t")
            try clean.registry.create(PlaceDraft(name: "中央公园", type: "park", status: .retired), action: "add", actor: "t")  // not in use
            let before = try clean.registry.count()
            let audit = try clean.registry.audit()
            #expect(audit.checked == 9)
            let found = Dictionary(audit.entries.map { ($0.place.name, $0.findings.filter { $0.severity == .reject }.map(\.rule)) }, uniquingKeysWith: { a, _ in a })
            #expect(found["环球路"] == ["grandiose"])
            #expect(found["威尼斯花园"] == ["blocked-word"])
            #expect(found["文三路"] == ["duplicate"])  // both 文三路: the one seeded and the one added
            #expect(found["路"]?.contains("generic") == true)
            #expect(found["中央公园"] == nil)
            #expect(audit.entries.filter { $0.place.name == "文三路" }.count == 2)
            #expect(audit.byRule.first { $0.0 == "duplicate reject" }?.1 == 2)
            #expect(audit.byDistrict.map(\.1).reduce(0, +) == audit.entries.count)
            #expect(try clean.registry.count() == before)  // read-only
        }
    }

    @Suite("The progress report and the commands")
    struct Report {
        @Test("the plan report renders in headless Chromium with the registry's numbers, zh and en")
        func chromium() throws {
            let plan = try PlanFixture()
            defer { plan.folder.cleanup() }
            try plan.registry.namePlannedRoad(2, PlaceDraft(name: "云溪大道", type: "avenue", status: .inUse), action: "propose", actor: "test")
            try plan.add("望江路", status: .reserved)
            try plan.add("环球路")
            let data = try plan.registry.planReportData()
            #expect(data.roads.count == 3 && data.reserved.count == 1)
            for language in PlanReportLanguage.allCases {
                let html = PlanReportHTML(data: data, language: language, version: "test").render()
                let file = try plan.folder.write("plan-\(language.rawValue).html", html)
                let profile = try TemporaryFolder()
                defer { profile.cleanup() }
                let run = try #require(
                    try runSystem(
                        "chromium",
                        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile.path, "--dump-dom", "file://" + file]),
                    "chromium is not installed (Debian package chromium): the plan report must be rendered")
                #expect(run.status == 0, "\(run.stderr)")
                let dom = run.stdout
                func figure(_ id: String) -> String? {
                    guard let start = dom.range(of: "id=\"\(id)\" data-value=\"") else { return nil }
                    return String(dom[start.upperBound...].prefix { $0 != "\"" })
                }
                #expect(figure("planned-named") == "1" && figure("planned-unnamed") == "2")
                #expect(figure("bank") == "1")
                #expect(figure("non-conforming") == String(data.audit.entries.count))
                #expect(dom.components(separatedBy: "class=\"road unnamed\"").count == 3)  // two unnamed roads on the map
                #expect(dom.components(separatedBy: "class=\"area\"").count == 3)
                #expect(dom.contains("环球路") && dom.contains("望江路"))
                #expect(dom.contains(language == .zh ? "地名规划实施进度" : "Place-name plan: progress"))
                #expect(!html.contains("<script") && !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"))  // offline
            }
        }

        @Test("plan import, planned import, suggest --format json, audit --output csv/geojson and plan report through the CLI")
        func cli() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let db = folder.file("r.sqlite")
            var run = try CLI.run(["names", "plan", "import", try folder.write("areas.geojson", PlanFixture.areas), "--db", db])
            #expect(run.status == 0, "\(run.stderr)")
            run = try CLI.run(["names", "planned", "import", try folder.write("roads.geojson", PlanFixture.roads), "--db", db])
            #expect(run.status == 0 && run.stdout.contains("3 planned road"), "\(run.stderr)")
            run = try CLI.run(["names", "suggest", "1", "--count", "2", "--format", "json", "--db", db])
            #expect(run.status == 0, "\(run.stderr)")
            let suggestions = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
            #expect(suggestions.count == 2)
            #expect(suggestions.allSatisfy { Set($0.keys) == ["name", "pinyin", "generic", "theme_words", "score"] })
            #expect(suggestions.first?["name"] as? String == "文一路")
            run = try CLI.run(["names", "check", "文华大道", "--type", "avenue", "--planned", "1", "--format", "json", "--db", db])
            #expect(run.status == 1 && run.stdout.contains("\"rule\":\"plan\""))
            run = try CLI.run(["names", "propose", "文一路", "--type", "road", "--planned", "1", "--db", db])
            #expect(run.status == 0, "\(run.stderr)")
            run = try CLI.run(["names", "plan", "--format", "json", "--db", db])
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let planned = try #require(summary["planned_roads"] as? [[String: Any]])
            #expect(planned.count == 2 && planned.contains { $0["year"] as? Int == 2027 && $0["named"] as? Int == 1 && $0["unnamed"] as? Int == 1 })
            run = try CLI.run(["names", "suggest", "1", "--db", db])
            #expect(run.status == 1 && run.stderr.contains("named already"))
            run = try CLI.run(["names", "plan", "import", try folder.write("bad.geojson", collection([polygonFeature([(120.5, 30.5), (120.6, 30.5), (120.6, 30.6), (120.5, 30.5)], #""area":"钱塘区","series":"潮路""#)])), "--db", db])
            #expect(run.status == 1 && run.stderr.contains("bad.geojson") && run.stderr.contains("theme"))
            try CLI.run(["names", "import", try folder.write("names.csv", "name,type,district,status,longitude,latitude\n环球路,road,330106,in-use,120.15,30.27\n文二路,road,330106,in-use,120.15,30.28\n"), "--db", db])
            run = try CLI.run(["names", "audit", "--output", folder.file("audit.csv"), "--db", db])
            #expect(run.status == 0, "\(run.stderr)")
            let bytes = try Foundation.Data(contentsOf: URL(fileURLWithPath: folder.file("audit.csv")))
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])  // BOM, for Excel
            let csv = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(csv.hasPrefix("id,name,pinyin,type,district,town,verdict,rules"))
            #expect(csv.contains("环球路") && csv.contains("grandiose") && !csv.contains("文二路"))
            run = try CLI.run(["names", "audit", "--format", "geojson", "--db", db])
            #expect(run.status == 0 && run.stdout.contains("\"FeatureCollection\"") && run.stdout.contains("\"Point\""))
            run = try CLI.run(["names", "plan", "report", "--output", folder.file("plan.html"), "--lang", "en", "--db", db])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try String(contentsOfFile: folder.file("plan.html"), encoding: .utf8).contains("Planned roads by district and year"))
        }
    }

    @Suite("Real Hangzhou names as a legacy registry", .enabled(if: Paths.hangzhouAvailable))
    struct Hangzhou {
        @Test("plan areas over 西湖区, suggestions against the real names, the audit finds the legacy conflicts")
        func legacy() throws {
            let plan = try PlanFixture(seeded: false)
            defer { plan.folder.cleanup() }
            var fields = ImportFields()
            fields.fallbackType = "subdistrict"
            _ = try plan.registry.importFile(Paths.hangzhou + "/town-points-gcj02.geojson", fields: fields, actor: "t")
            fields.fallbackType = "community"
            _ = try plan.registry.importFile(Paths.hangzhou + "/community-points-2016-gcj02.geojson", fields: fields, actor: "t")
            let total = try plan.registry.count()
            #expect(total == 763)
            // The real 文一/文二/文三 series of 西湖区.
            for name in ["文一路", "文二路", "文三路"] { try plan.add(name) }
            let result = try plan.registry.suggest(for: 1, count: 3)
            #expect(result.suggestions.first?.name == "文四路")
            for suggestion in result.suggestions { #expect(try plan.check(suggestion.name, planned: 1).verdict == .ok) }
            // The real names still count: 文一社区 exists in 330110.
            #expect(try plan.registry.check(NameProposal(name: "文一社区", type: "community", district: "330110")).rules(.reject).contains("duplicate"))
            // The audit: the legacy duplicates and homophones the import reported, read-only.
            let audit = try plan.registry.audit()
            let names = Set(audit.entries.map(\.place.name))
            #expect(names.contains("新港村委会"))
            #expect(names.contains("文一社区") && names.contains("文仪社区"))
            #expect(audit.checked == total + 3)
            #expect(try plan.registry.count() == total + 3)
            #expect(audit.byRule.contains { $0.0 == "duplicate reject" } && audit.byRule.contains { $0.0 == "homophone reject" })
        }
    }
}
