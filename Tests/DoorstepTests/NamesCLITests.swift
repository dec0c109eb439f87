import DoorstepGeoJSON
import DoorstepNames
import Foundation
import Synchronization
import Testing

/// `count` distinct road names (云栖1路 would break the characters rule, so the 专名 are spelled out).
func syntheticNames(_ count: Int, prefix: String = "") -> String {
    let first = Array("清云望临翠明东南西北湖江溪桂梅荷松竹兰枫安和宁兴福康乐嘉丰瑞祥文德仁新华春秋金玉石")
    let second = Array("湖江溪山苑塘桥浦港岭林园泉湾洲坞庄岗亭坊门")
    let third = Array("一二三四五六七八九十")
    var lines = ["name,type,district,status"]
    var n = 0
    outer: for a in first {
        for b in second {
            for c in third {
                for d in third {
                    for e in ["路", "街", "巷"] {
                        guard n < count else { break outer }
                        lines.append("\(prefix)\(a)\(b)\(c)\(d)\(e),\(e == "巷" ? "lane" : "road"),3301\(String(format: "%02d", n % 13 + 2)),in-use")
                        n += 1
                    }
                }
            }
        }
    }
    return lines.joined(separator: "\n") + "\n"
}

@Suite("doorstep names CLI")
struct NamesCLITests {
    @Test("check: JSON shape and exit codes 0 (ok/review), 1 (reject), 2 (bad usage)")
    func checkExitCodes() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let db = folder.file("n.sqlite")
        #expect(try CLI.run(["names", "propose", "文三路", "--type", "road", "--district", "330106", "--db", db]).status == 0)
        let reject = try CLI.run(["names", "check", "文三路", "--type", "road", "--format", "json", "--db", db])
        #expect(reject.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reject.stdout.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "文三路")
        #expect(object["pinyin"] as? String == "Wensan Lu")
        #expect(object["verdict"] as? String == "reject")
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.first?["rule"] as? String == "duplicate")
        #expect(findings.first?["severity"] as? String == "reject")
        #expect((findings.first?["conflicts"] as? [[String: Any]])?.first?["id"] as? Int == 1)
        #expect(try CLI.run(["names", "check", "文山路", "--type", "road", "--db", db]).status == 0)  // review
        #expect(try CLI.run(["names", "check", "云栖路", "--type", "road", "--db", db]).status == 0)
        #expect(try CLI.run(["names", "check", "云栖路", "--db", db]).status == 2)  // --type missing
        #expect(try CLI.run(["names", "check", "云栖路", "--type", "road", "--at", "north", "--db", db]).status == 2)
        // A proposal the check rejects is not recorded.
        #expect(try CLI.run(["names", "propose", "文三路", "--type", "road", "--db", db]).status == 1)
        let search = try CLI.run(["names", "search", "wensan", "--format", "json", "--db", db])
        let records = try #require(try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [[String: Any]])
        #expect(records.map { $0["id"] as? Int } == [1])
    }

    @Test("history and lifecycle through the CLI, with the actor")
    func lifecycle() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let db = folder.file("n.sqlite")
        for arguments in [
            ["propose", "云栖路", "--type", "road", "--actor", "lin"], ["approve", "1", "--body", "杭州市人民政府", "--actor", "wang"],
            ["use", "1"], ["rename", "1", "云栖大道", "--reason", "拓宽"],
        ] {
            let result = try CLI.run(["names"] + arguments + ["--db", db])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let history = try CLI.run(["names", "history", "1", "--format", "json", "--db", db])
        let events = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(events.map { $0["action"] as? String } == ["propose", "approve", "use", "rename"])
        #expect(events.first?["actor"] as? String == "lin")
        #expect(events.last?["reason"] as? String == "拓宽")
        let shown = try CLI.run(["names", "show", "1", "--db", db])
        #expect(shown.stdout.contains("former name 云栖路"))
    }

    @Test("two processes importing at once: both land or one is told to retry, and the file stays sound")
    func concurrentWriters() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let db = folder.file("n.sqlite")
        let a = try folder.write("a.csv", syntheticNames(3000, prefix: "甲"))
        let b = try folder.write("b.csv", syntheticNames(3000, prefix: "乙"))
        let files = [a, b]
        let results = Mutex([CommandResult?](repeating: nil, count: 2))
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let result = try? CLI.run(["names", "import", files[i], "--db", db])
            results.withLock { $0[i] = result }
        }
        let outcomes = results.withLock { $0.compactMap { $0 } }
        #expect(outcomes.count == 2)
        // Both land (the second waits for the first), or one is told the registry is busy.
        for outcome in outcomes where outcome.status != 0 {
            #expect(outcome.stderr.contains("busy") && outcome.stderr.contains("retry"), "\(outcome.stderr)")
        }
        let landed = outcomes.filter { $0.status == 0 }.count
        #expect(landed >= 1)
        let registry = try Registry(path: db)
        #expect(try registry.count() == 3000 * landed)
        #expect(try registry.integrityCheck() == "ok")
    }

    @Test("a process killed in the middle of an import leaves the registry as it was")
    func killDuringImport() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let db = folder.file("n.sqlite")
        let small = try folder.write("small.csv", syntheticNames(100, prefix: "丙"))
        #expect(try CLI.run(["names", "import", small, "--db", db]).status == 0)
        let big = try folder.write("big.csv", syntheticNames(100_000))
        // Kill it once the transaction has written a good part of the rows to the write-ahead log.
        let process = try CLI.start(["names", "import", big, "--db", db])
        func walSize() -> Int { (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0 }
        let deadline = Date().addingTimeInterval(30)
        while walSize() < 2_000_000, process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        #expect(walSize() >= 2_000_000, "the import never got to writing")
        #expect(process.isRunning, "the import finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let registry = try Registry(path: db)
        #expect(try registry.count() == 100)
        #expect(try registry.integrityCheck() == "ok")
    }

    @Test("import --encoding reads a Shapefile whose .cpg is wrong, as the coverage commands do")
    func importEncoding() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let source = try folder.write(
            "towns.geojson",
            collection([
                pointFeature(120.1, 30.2, #""name":"转塘街道","type":"subdistrict","district":"330106""#),
                pointFeature(120.2, 30.3, #""name":"於潜镇","type":"town","district":"330112""#),
            ]))
        let shp = folder.file("towns.shp")
        let convert = try runProcess("/usr/bin/ogr2ogr", ["-f", "ESRI Shapefile", "-lco", "ENCODING=CP936", shp, source])
        #expect(convert.status == 0, "\(convert.stderr)")
        try folder.write("towns.cpg", "UTF-8")  // what a careless export says of GBK text
        let wrong = try CLI.run(["names", "import", shp, "--db", folder.file("wrong.sqlite")])
        #expect(wrong.status != 0 || !wrong.stdout.contains("imported 2"), "\(wrong.stdout)")
        let db = folder.file("right.sqlite")
        let right = try CLI.run(["names", "import", shp, "--encoding", "GBK", "--db", db])
        #expect(right.status == 0, "\(right.stderr)")
        #expect(try Set(Registry(path: db).all().map(\.name)) == ["转塘街道", "於潜镇"])
    }

    @Test("a ledger imports the same from CSV and from Excel, with or without coordinate columns")
    func importLedgers() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let plain = try folder.write("plain.csv", "name,type,district\n文一路,road,330106\n古荡社区,community,330106\n")
        let located = try folder.write("located.csv", "name,type,district,经度,纬度\n文一路,road,330106,120.12,30.28\n古荡社区,community,330106,120.11,30.27\n")
        for csv in [plain, located] {
            let xlsx = csv.replacingOccurrences(of: ".csv", with: ".xlsx")
            let convert = try runProcess("/usr/bin/ogr2ogr", ["-f", "XLSX", xlsx, csv])
            #expect(convert.status == 0, "\(convert.stderr)")
            var located: [[Bool]] = []
            for file in [csv, xlsx] {
                let db = file + ".sqlite"
                let result = try CLI.run(["names", "import", file, "--db", db])
                #expect(result.status == 0 && result.stdout.contains("imported 2 names"), "\(file): \(result.stderr)")
                located.append(try Registry(path: db).all().sorted { $0.name < $1.name }.map { $0.geometry != nil })
            }
            #expect(located[0] == located[1] && located[0] == [csv == plain ? false : true, csv == plain ? false : true], "\(located)")
        }
    }

    @Test("gaps --names labels every gap with a road and a community of the sample")
    func gapsWithNames() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let db = folder.file("sample.sqlite")
        for file in ["units.geojson", "roads.geojson"] {
            #expect(try CLI.run(["names", "import", Paths.sample + "/" + file, "--db", db]).status == 0)
        }
        let out = folder.file("gaps.geojson")
        let result = try CLI.run(["gaps", "--kind", "canteen", "--names", db, "--output", out])
        #expect(result.status == 0, "\(result.stderr)")
        let features = try GeoJSONReader.read(file: out).features
        #expect(!features.isEmpty)
        for feature in features {
            let label = try #require(feature.properties["place_label"]?.textValue)
            let road = try #require(feature.properties["road"]?.textValue)
            #expect(label.hasPrefix(road) || label.hasPrefix("沿" + road))
            #expect(["以北", "以南", "以东", "以西"].contains { label.contains($0) } || label.hasPrefix("沿"))
            #expect(feature.properties["community"]?.textValue?.hasSuffix("社区") == true || feature.properties["community"]?.textValue?.hasSuffix("村") == true)
        }
        let missing = try CLI.run(["gaps", "--names", folder.file("none.sqlite"), "--output", folder.file("x.geojson")])
        #expect(missing.status != 0 && missing.stderr.contains("no such registry"))
    }
}
