import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
import Foundation
import GRDB
import Testing

/// A registry in a temporary folder with a few names of Hangzhou's 西湖区 and 上城区.
struct TinyRegistry {
    let folder: TemporaryFolder
    let registry: Registry
    var path: String { registry.path }

    init(seeded: Bool = true) throws {
        folder = try TemporaryFolder()
        registry = try Registry(path: folder.file("names.sqlite"))
        guard seeded else { return }
        let square: GeometryValue = .polygon([[.init(120.0, 30.2), .init(120.2, 30.2), .init(120.2, 30.35), .init(120.0, 30.35), .init(120.0, 30.2)]])
        for draft in [
            PlaceDraft(name: "西湖区", type: "district", district: "330106", geometry: square, status: .inUse),
            PlaceDraft(name: "上城区", type: "district", district: "330102", status: .inUse),
            PlaceDraft(name: "文三路", type: "road", district: "330106", geometry: .lineString([.init(120.12, 30.28), .init(120.15, 30.28)]), status: .inUse),
            PlaceDraft(name: "古荡社区", type: "community", district: "330106", town: "330106004", status: .inUse),
            PlaceDraft(name: "清河坊", type: "lane", district: "330102", status: .inUse, isProtected: true),
        ] {
            try registry.create(draft, action: "add", actor: "test")
        }
    }

    func check(_ name: String, _ type: String, district: String? = nil, at: Coordinate? = nil) throws -> CheckReport {
        try registry.check(NameProposal(name: name, type: type, district: district, location: at))
    }
}

extension CheckReport {
    func rules(_ severity: Severity? = nil) -> [String] {
        findings.filter { severity == nil || $0.severity == severity }.map(\.rule)
    }
}

@Suite("Place-name registry")
struct NamesTests {
    @Suite("Romanisation (GB/T 16159)")
    struct Romanisation {
        @Test(
            "polyphonic place names read as the gazetteer writes them",
            arguments: [
                ("长兴", "Changxing"), ("乐清", "Yueqing"), ("六安", "Lu'an"), ("厦门", "Xiamen"), ("蚌埠", "Bengbu"),
                ("番禺", "Panyu"), ("铅山", "Yanshan"), ("洪洞", "Hongtong"), ("十里堡", "Shilipu"), ("吴堡", "Wubu"),
                ("成都", "Chengdu"), ("长河", "Changhe"), ("朝晖", "Zhaohui"), ("天台", "Tiantai"), ("丽水", "Lishui"),
            ])
        func polyphonic(name: String, expected: String) {
            #expect(Romanizer.shared.romanize(proper: name, generic: "") == expected)
        }

        @Test("专名 and 通名 apart and capitalised, apostrophes where a/o/e would run together")
        func form() {
            #expect(Romanizer.shared.romanize(proper: "文三", generic: "路") == "Wensan Lu")
            #expect(Romanizer.shared.romanize(proper: "西安", generic: "路") == "Xi'an Lu")
            #expect(Romanizer.shared.romanize(proper: "古荡", generic: "社区") == "Gudang Shequ")
            #expect(Romanizer.shared.romanize(proper: "知足", generic: "弄") == "Zhizu Long")
            #expect(Romanizer.shared.romanize(proper: "女儿", generic: "桥") == "Nü'er Qiao")
            // A one-syllable direction joins the 通名 it modifies, after a 专名 of two characters or more.
            #expect(Romanizer.shared.romanize(proper: "中山北", generic: "路") == "Zhongshan Beilu")
            #expect(Romanizer.shared.romanize(proper: "解放东", generic: "路") == "Jiefang Donglu")
            #expect(Romanizer.shared.romanize(proper: "江南", generic: "大道") == "Jiangnan Dadao")
            #expect(Romanizer.shared.romanize(proper: "城东", generic: "路") == "Chengdong Lu")
        }

        @Test("a record's approved romanisation wins")
        func approvedWins() throws {
            let tiny = try TinyRegistry(seeded: false)
            defer { tiny.folder.cleanup() }
            let id = try tiny.registry.create(PlaceDraft(name: "长庆街道", type: "subdistrict", approvedPinyin: "Changqing Jiedao (approved)", status: .inUse), action: "add", actor: "t")
            #expect(try tiny.registry.place(id)?.pinyin == "Changqing Jiedao (approved)")
            let other = try tiny.registry.create(PlaceDraft(name: "长庆街道", type: "subdistrict", district: "330105"), action: "add", actor: "t")
            #expect(try tiny.registry.place(other)?.pinyin == "Changqing Jiedao")
        }
    }

    @Suite("Checks: each rule fails and passes")
    struct Rules {
        @Test("generic: a 通名 of the type, not alone, not stacked")
        func generic() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(try tiny.check("文三", "road").rules(.reject).contains("generic"))
            #expect(try tiny.check("路", "road").rules(.reject).contains("generic"))
            #expect(try tiny.check("云栖路路", "road").rules(.reject).contains("generic"))
            #expect(try tiny.check("云栖社区", "road").rules(.reject).contains("generic"))
            #expect(!(try tiny.check("云栖路", "road").rules().contains("generic")))
            #expect(!(try tiny.check("东坡路社区", "community", district: "330102").rules().contains("generic")))
        }

        @Test("characters: Chinese only; rare characters to review")
        func characters() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            for bad in ["云栖3路", "Yunqi路", "云·栖路", "云 栖路"] {
                #expect(try tiny.check(bad, "road").rules(.reject).contains("characters"), "\(bad)")
            }
            #expect(try tiny.check("喆园路", "road").rules(.review) == ["characters"])
            #expect(try tiny.check("云栖路", "road").verdict == .ok)
        }

        @Test("length: within the bureau's limits, which are settings")
        func length() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(try tiny.check("云栖梅家坞龙井路", "road").verdict == .ok)  // 8 characters: the default limit
            #expect(try tiny.check("云栖梅家坞龙井茶路", "road").rules(.reject) == ["length"])
            var settings = NameSettings()
            settings.maxLength = 6
            try tiny.registry.setSettings(settings, actor: "test", reason: "stricter")
            #expect(try tiny.check("云栖梅家坞路", "road").verdict == .ok)
            #expect(try tiny.check("云栖梅家坞龙路", "road").rules(.reject) == ["length"])
        }

        @Test("grandiose and blocked words")
        func words() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(try tiny.check("环球路", "road").rules(.reject) == ["grandiose"])
            #expect(try tiny.check("维也纳苑", "residential").rules(.reject) == ["blocked-word"])
            #expect(try tiny.check("万达广场", "square").rules(.reject) == ["blocked-word"])
            #expect(try tiny.check("翠竹苑", "residential").verdict == .ok)
        }

        @Test("duplicate and homophone within the type's scope")
        func duplicateAndHomophone() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            // Roads: the whole city.
            let road = try tiny.check("文三路", "road", district: "330102")
            #expect(road.rules(.reject) == ["duplicate"])
            #expect(road.findings[0].conflicts.map(\.name) == ["文三路"])
            #expect(try tiny.check("闻三路", "road", district: "330102").rules(.reject) == ["homophone"])
            #expect(try tiny.check("文山路", "road").rules(.review) == ["homophone"])  // wenshan ~ wensan
            // Communities: the same county only.
            #expect(try tiny.check("古荡社区", "community", district: "330106").rules(.reject) == ["duplicate"])
            #expect(try tiny.check("古荡社区", "community", district: "330102").verdict == .ok)
            #expect(try tiny.check("古档社区", "community", district: "330106").rules(.reject) == ["homophone"])
            #expect(try tiny.check("古档社区", "community", district: "330110").verdict == .ok)
        }

        @Test("area-mismatch: a name with a district's name lies in that district")
        func areaMismatch() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(try tiny.check("西湖花园", "residential", district: "330102").rules(.review) == ["area-mismatch"])
            #expect(try tiny.check("西湖花园", "residential", district: "330106").verdict == .ok)
            #expect(try tiny.check("西湖花园", "residential", at: Coordinate(120.5, 30.3)).rules(.review) == ["area-mismatch"])
            #expect(try tiny.check("西湖花园", "residential", at: Coordinate(120.1, 30.3)).verdict == .ok)
            // Along a street: 文三路小区 far from 文三路.
            #expect(try tiny.check("文三路小区", "residential", at: Coordinate(120.13, 30.30)).rules(.review) == ["area-mismatch"])
            #expect(try tiny.check("文三路小区", "residential", at: Coordinate(120.13, 30.281)).verdict == .ok)
        }

        @Test("historic: a protected name is not reused, and not renamed or retired without measures")
        func historic() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(try tiny.check("清河坊", "lane", district: "330106").rules() == ["duplicate", "historic"])
            let protected = try #require(try tiny.registry.search("清河坊").first)
            #expect(throws: RegistryError.self) { try tiny.registry.rename(protected.id, to: "河坊巷", actor: "t", reason: "test") }
            #expect(throws: RegistryError.self) { try tiny.registry.retire(protected.id, actor: "t", reason: "test") }
            let renamed = try tiny.registry.rename(protected.id, to: "河坊巷", actor: "t", reason: "test", protectionMeasures: "立碑保留原名")
            #expect(renamed.formerNames.map(\.name) == ["清河坊"])
            #expect(renamed.remarks?.contains("立碑保留原名") == true)
        }

        @Test("reserved: a name in the name bank is not given to another place")
        func reserved() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let id = try tiny.registry.create(PlaceDraft(name: "望江路", type: "road", status: .reserved), action: "reserve", actor: "t")
            #expect(try tiny.check("望江路", "road").rules(.reject).contains("reserved"))
            #expect(try tiny.registry.check(NameProposal(name: "望江路", type: "road", recordID: id)).verdict == .ok)
            #expect(try tiny.registry.approve(id, body: "杭州市人民政府", date: "2024-06-01", document: nil, actor: "t").status == .approved)
        }

        @Test("an unknown type is an error, not a finding")
        func unknownType() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(throws: RegistryError.self) { try tiny.check("云栖路", "spaceport") }
        }
    }

    @Suite("Lifecycle and history")
    struct Lifecycle {
        @Test("propose → approve → in use → rename → retire, every step an event with before and after")
        func history() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let r = tiny.registry
            let id = try r.create(PlaceDraft(name: "云栖路", type: "road", district: "330106"), action: "propose", actor: "lin", reason: "规划路网")
            try r.approve(id, body: "杭州市人民政府", date: "2024-06-01", document: "杭政函〔2024〕12号", actor: "wang")
            try r.putInUse(id, noticeDate: "2024-06-15", actor: "wang")
            let renamed = try r.rename(id, to: "云栖大道", date: "2025-01-01", actor: "lin", reason: "拓宽")
            #expect(renamed.name == "云栖大道" && renamed.status == .inUse)
            #expect(renamed.formerNames == [NameEntry(name: "云栖路", from: "2024-06-01", to: "2025-01-01")])
            try r.retire(id, date: "2030-01-01", actor: "zhao", reason: "道路拆除")
            let events = try r.history(id)
            #expect(events.map(\.action) == ["propose", "approve", "use", "rename", "retire"])
            #expect(events.map(\.actor) == ["lin", "wang", "wang", "lin", "zhao"])
            #expect(events[3].before?.contains("\"name\":\"云栖路\"") == true)
            #expect(events[3].after?.contains("\"name\":\"云栖大道\"") == true)
            #expect(events[3].reason == "拓宽")
            #expect(events[4].after?.contains("\"status\":\"retired\"") == true)
            // Out of order: a retired name is not approved again.
            #expect(throws: RegistryError.self) { try r.approve(id, body: nil, date: nil, document: nil, actor: "x") }
        }

        @Test("updates and aliases are events too; nothing is overwritten without a trace")
        func updatesAndAliases() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let road = try #require(try tiny.registry.search("文三路").first)
            let updated = try tiny.registry.updateDetails(road.id, actor: "wang", reason: "批复文件") {
                $0.approvedPinyin = "Wensan Road"
                $0.geometry = .point(Coordinate(120.13, 30.28))
            }
            #expect(updated.pinyin == "Wensan Road")
            try tiny.registry.addAlias(road.id, NameEntry(name: "文三街", from: "1990-01-01"), actor: "wang", reason: "旧称")
            #expect(try tiny.registry.search("文三街").map(\.id) == [road.id])
            let events = try tiny.registry.history(road.id)
            #expect(events.map(\.action) == ["add", "update", "alias"])
            #expect(events[1].before?.contains("LineString") == true && events[1].after?.contains("Point") == true)
            #expect(events[1].after?.contains("Wensan Road") == true)
            #expect(events[2].after?.contains("文三街") == true)
            #expect(throws: RegistryError.self) { try tiny.registry.updateDetails(road.id, actor: "x", reason: nil) { $0.name = "别的路" } }
        }

        @Test("search finds current and former names by characters, pinyin and initials")
        func search() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let road = try #require(try tiny.registry.search("文三路").first)
            try tiny.registry.rename(road.id, to: "文三西路", actor: "t", reason: "test")
            for query in ["文三西路", "文三路", "wensan", "Wensan Lu", "wsxl", "wsl"] {
                #expect(try tiny.registry.search(query).map(\.id) == [road.id], "\(query)")
            }
            #expect(try tiny.registry.search("gudang").map(\.name) == ["古荡社区"])
            #expect(try tiny.registry.search("不存在").isEmpty)
        }

        @Test("a database from a newer schema is refused")
        func newerSchema() throws {
            let tiny = try TinyRegistry(seeded: false)
            defer { tiny.folder.cleanup() }
            try DatabaseQueue(path: tiny.path).write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            }
            let error = #expect(throws: RegistryError.self) { try Registry(path: tiny.path) }
            #expect(error?.message.contains("written by a newer version of Doorstep") == true)
        }
    }

    @Suite("Import and export")
    struct ImportExport {
        @Test("a bad row names its line and imports nothing")
        func allOrNothing() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let before = try tiny.registry.count()
            let csv = try tiny.folder.write("names.csv", "name,type,district,status\n云栖路,road,330106,in-use\n梅灵路,road,330106,abandoned\n")
            let error = #expect(throws: InputError.self) { try tiny.registry.importFile(csv, actor: "t") }
            #expect(error?.description.hasPrefix("\(csv): line 3: 梅灵路: status \"abandoned\"") == true)
            #expect(try tiny.registry.count() == before)
        }

        @Test("export is RFC 7946 GeoJSON that ogrinfo reads, records without geometry included as points")
        func export() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let road = try #require(try tiny.registry.search("文三路").first)
            try tiny.registry.rename(road.id, to: "文三西路", actor: "t", reason: "test")
            let out = tiny.folder.file("names.geojson")
            try OutputFile.write(try tiny.registry.exportGeoJSON(), to: out)
            let back = try GeoJSONReader.read(file: out)
            #expect(back.features.count == 5)
            let renamed = try #require(back.features.first { $0.properties["name"] == "文三西路" })
            #expect(renamed.properties["former_names"] == "文三路")
            #expect(renamed.properties["pinyin"] == "Wensan Xilu")
            #expect(Set(renamed.properties.keys).isSuperset(of: ["id", "name", "pinyin", "type", "status", "district", "town", "protected", "former_names"]))
            #expect(back.features.contains { $0.geometry == nil })
            let info = try #require(try runSystem("ogrinfo", ["-ro", "-al", "-so", out]), "ogrinfo (gdal-bin) is not installed")
            #expect(info.status == 0 && !info.stderr.contains("ERROR"), "\(info.stderr)")
            #expect(info.stdout.contains("Feature Count: 5"))
            // Lists are joined text: plain String fields, never JSON ones.
            #expect(info.stdout.contains("former_names: String (0.0)"))
            #expect(info.stdout.contains("Geometry: Point"))
        }

        @Test("CSV export is formula-safe with a BOM")
        func csv() throws {
            let tiny = try TinyRegistry(seeded: false)
            defer { tiny.folder.cleanup() }
            try tiny.registry.create(PlaceDraft(name: "云栖路", type: "road", remarks: "=cmd|' /C calc'!A0"), action: "add", actor: "t")
            let text = try tiny.registry.exportCSV()
            #expect(text.hasPrefix("\u{FEFF}id,name,pinyin,type"))
            #expect(text.contains("'=cmd|' /C calc'!A0"))
        }
    }

    @Suite("Real Hangzhou names as a legacy registry", .enabled(if: Paths.hangzhouAvailable))
    struct Hangzhou {
        @Test("import the towns and communities, report legacy conflicts, check new proposals against them")
        func legacy() throws {
            let tiny = try TinyRegistry(seeded: false)
            defer { tiny.folder.cleanup() }
            var fields = ImportFields()
            fields.fallbackType = "subdistrict"
            let towns = try tiny.registry.importFile(Paths.hangzhou + "/town-points-gcj02.geojson", fields: fields, actor: "t")
            #expect(towns.imported == 185)
            fields.fallbackType = "community"
            let communities = try tiny.registry.importFile(Paths.hangzhou + "/community-points-2016-gcj02.geojson", fields: fields, actor: "t")
            #expect(communities.imported == 578)
            // Legacy duplicates are reported, never refused.
            #expect(communities.conflicts.contains { $0.rule == "duplicate" && $0.key == "新港村委会" && $0.scope == "district 330109" })
            #expect(communities.conflicts.contains { $0.rule == "homophone" && Set($0.records.map(\.name)) == ["文仪社区", "文一社区"] })
            // A town name is unique in the province; a community name only in its county.
            #expect(try tiny.check("清波街道", "subdistrict").rules(.reject) == ["duplicate"])
            #expect(try tiny.check("清坡街道", "subdistrict").verdict == .ok)
            #expect(try tiny.check("柳翠井巷社区", "community", district: "330102").rules(.reject) == ["duplicate"])
            #expect(try tiny.check("柳翠井巷社区", "community", district: "330110").verdict == .ok)
            #expect(try tiny.check("文益社区", "community", district: "330110").rules(.reject) == ["homophone"])
            // Codes come from the NBS codes in the data.
            let qingbo = try #require(try tiny.registry.search("清波街道").first)
            #expect(qingbo.district == "330102" && qingbo.town == "330102001")
        }
    }
}
