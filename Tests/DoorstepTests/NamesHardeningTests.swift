import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
import Foundation
import GRDB
import Testing

/// Issue 8, classes 7 and 8 for the registry: hostile names, codes and files, and registries that
/// cannot be written or hold corrupt values.
@Suite("Registry hardening")
struct NamesHardeningTests {
    @Suite("Long names are checked in linear time")
    struct LongNames {
        @Test("a 100,000-character name is rejected by the length rule in well under two seconds")
        func hundredThousand() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let name = String(repeating: "西湖文三", count: 25_000) + "路"
            let clock = ContinuousClock()
            var report: CheckReport?
            let elapsed = try clock.measure { report = try tiny.check(name, "road", district: "330106") }
            #expect(elapsed < .seconds(2), "took \(elapsed)")
            #expect(report?.verdict == .reject)
            #expect(report?.rules() == ["length"])
            // The message quotes the name cut short, not 100,000 characters.
            #expect((report?.findings.first?.message.count ?? .max) < 200)
        }

        @Test("every rule runs on a name at the longest limit the settings allow, quickly")
        func longestAllowed() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            var settings = NameSettings()
            settings.maxLength = RegistryInput.maxNameLength
            try tiny.registry.setSettings(settings, actor: "t", reason: nil)
            // 西湖 (a district's 专名) inside a long name still finds the area mismatch.
            let name = String(repeating: "云栖", count: 40) + "西湖" + String(repeating: "梅坞", count: 8) + "路"
            #expect(name.count <= RegistryInput.maxNameLength)
            let clock = ContinuousClock()
            var report: CheckReport?
            let elapsed = try clock.measure { report = try tiny.check(name, "road", district: "330102") }
            #expect(elapsed < .seconds(2), "took \(elapsed)")
            #expect(report?.rules(.review).contains("area-mismatch") == true)
            #expect(report?.rules(.reject).contains("length") == false)
        }

        @Test("the CLI checks a 2,000-character name at once and prints one short line per finding")
        func cli() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let db = folder.file("n.sqlite")
            #expect(try CLI.run(["names", "propose", "文三路", "--type", "road", "--db", db]).status == 0)
            let start = Date()
            let result = try CLI.run(["names", "check", String(repeating: "文", count: 2000) + "路", "--type", "road", "--db", db])
            #expect(Date().timeIntervalSince(start) < 5)
            #expect(result.status == 1)
            #expect(result.stdout.contains("[reject] length"))
            #expect(result.stdout.count < 500)
        }
    }

    @Suite("Text that cannot be stored is refused, naming the row")
    struct Text {
        @Test("a NUL byte in a CSV name: an error naming the file and line, nothing imported")
        func nulInCSV() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let before = try tiny.registry.count()
            let csv = try tiny.folder.write("names.csv", "name,type\n云栖路,road\n梅灵\u{0}路,road\n")
            let error = #expect(throws: InputError.self) { try tiny.registry.importFile(csv, actor: "t") }
            #expect(error?.file == csv)
            #expect(error?.location == "line 3")
            #expect(error?.message.contains("NUL") == true)
            #expect(try tiny.registry.count() == before)
        }

        @Test("a \\u0000 escape or a lone surrogate in GeoJSON: an error naming the feature, never dropped")
        func escapesInGeoJSON() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let before = try tiny.registry.count()
            let escapes = [(#"梅灵\u0000路"#, "NUL"), (#"梅灵\udc00路"#, "surrogate"), (#"梅灵\ud800路"#, "surrogate"), (#"梅灵路\ud800"#, "surrogate")]
            for (escaped, expected) in escapes {
                let file = try tiny.folder.write(
                    "names.geojson", collection([pointFeature(120.1, 30.2, #""name":"云栖路""#), pointFeature(120.1, 30.2, #""name":"\#(escaped)""#)]))
                let error = #expect(throws: InputError.self) { try tiny.registry.importFile(file, fields: ImportFields(), actor: "t") }
                #expect(error?.location == "feature 1", "\(escaped)")
                // The reader may refuse the surrogate itself, or hand over U+FFFD, which the registry refuses.
                #expect(error?.message.contains(expected) == true || error?.message.contains("U+FFFD") == true, "\(error?.message ?? "")")
            }
            #expect(try tiny.registry.count() == before)
        }

        @Test("bytes that are not UTF-8 in a GeoJSON or a UTF-8 CSV import: an error, nothing imported or dropped")
        func invalidUTF8Files() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let before = try tiny.registry.count()
            let geojson = Array(collection([pointFeature(120.1, 30.2, #""name":"云栖路""#), pointFeature(120.1, 30.2, #""name":"梅灵XX路""#)]).utf8)
            let broken = geojson.map { $0 == UInt8(ascii: "X") ? 0xFF : $0 }
            let file = try tiny.folder.write("names.geojson", bytes: broken)
            #expect(throws: InputError.self) { try tiny.registry.importFile(file, fields: ImportFields(), actor: "t") }
            let csv = Array("name,type\n云栖路,road\n梅灵XX路,road\n".utf8).map { $0 == UInt8(ascii: "X") ? 0xFF : $0 }
            let csvFile = try tiny.folder.write("names.csv", bytes: csv)
            #expect(throws: InputError.self) { try tiny.registry.importFile(csvFile, actor: "t") }
            #expect(try tiny.registry.count() == before)
        }

        @Test("rows that an unclosed quote merged: a name with line breaks is refused")
        func lineBreaks() throws {
            let tiny = try TinyRegistry(seeded: false)
            defer { tiny.folder.cleanup() }
            let csv = try tiny.folder.write("names.csv", "name,type\n\"云栖路,road\n梅灵路,road\n")
            #expect(throws: InputError.self) { try tiny.registry.importFile(csv, actor: "t") }
            // A well-formed quoted cell across lines, after a blank row: refused at the line it starts on.
            let quoted = try tiny.folder.write("quoted.csv", "name,type\n云栖路,road\n\n\"梅灵\n路\",road\n翠苑路,road\n")
            let error = #expect(throws: InputError.self) { try tiny.registry.importFile(quoted, actor: "t") }
            #expect(error?.location == "line 4" && error?.message.contains("line break") == true, "\(error.map(String.init(describing:)) ?? "")")
            #expect(try tiny.registry.count() == 0)
            // Blank rows are passed over, and the lines of later rows stay right.
            let blank = try tiny.folder.write("blank.csv", "name,type,longitude,latitude\n\n云栖路,road,120.1,30.2\n,,,\n梅灵路,road,120.1,x\n")
            let point = #expect(throws: InputError.self) { try tiny.registry.importFile(blank, actor: "t") }
            #expect(point?.location == "line 5", "\(point.map(String.init(describing:)) ?? "")")
            let status = try tiny.folder.write("status.csv", "name,type,status,longitude,latitude\n\n云栖路,road,in-use,120.1,30.2\n\n梅灵路,road,gone,120.1,30.2\n")
            let late = #expect(throws: InputError.self) { try tiny.registry.importFile(status, actor: "t") }
            #expect(late?.location == "line 5", "\(late.map(String.init(describing:)) ?? "")")
            let fine = try tiny.folder.write("fine.csv", "name,type\n云栖路,road\n\n梅灵路,road\n")
            #expect(try tiny.registry.importFile(fine, actor: "t").imported == 2)
        }

        @Test(
            "the library refuses names it cannot store, whichever way they come",
            arguments: ["梅灵\u{0}路", "云\u{FFFD}路", "云栖\n路", "云\u{1B}[31m路", "云\u{200B}栖路", " 云栖路", "", String(repeating: "云", count: 101) + "路"])
        func library(name: String) throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(throws: RegistryError.self) { try tiny.registry.create(PlaceDraft(name: name, type: "road"), action: "add", actor: "t") }
            let road = try #require(try tiny.registry.search("文三路").first)
            #expect(throws: RegistryError.self) { try tiny.registry.addAlias(road.id, NameEntry(name: name), actor: "t", reason: nil) }
            #expect(throws: RegistryError.self) { try tiny.registry.rename(road.id, to: name, actor: "t", reason: nil) }
            #expect(try tiny.registry.place(road.id)?.name == "文三路")
            #expect(try tiny.registry.place(road.id)?.aliases.isEmpty == true)
        }

        @Test("a name check refuses a NUL or control character as an error, not a finding")
        func check() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            // Cut at the NUL, 文三路\0西 would otherwise be judged as 文三路.
            let error = #expect(throws: RegistryError.self) { try tiny.check("文三路\u{0}西", "road") }
            #expect(error?.message.contains("NUL") == true)
            #expect(throws: RegistryError.self) { try tiny.check("文三\u{1B}路", "road") }
        }

        @Test("free text with escape sequences is refused; remarks may have line breaks")
        func freeText() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let road = try #require(try tiny.registry.search("文三路").first)
            #expect(throws: RegistryError.self) { try tiny.registry.updateDetails(road.id, actor: "t", reason: nil) { $0.remarks = "a\u{1B}[2Jb" } }
            #expect(throws: RegistryError.self) { try tiny.registry.updateDetails(road.id, actor: "t\u{0}x", reason: nil) { $0.remarks = "ok" } }
            #expect(throws: RegistryError.self) { try tiny.registry.updateDetails(road.id, actor: "t", reason: "x\u{0}") { $0.remarks = "ok" } }
            let updated = try tiny.registry.updateDetails(road.id, actor: "t", reason: nil) { $0.remarks = "第一行\n第二行" }
            #expect(updated.remarks == "第一行\n第二行")
        }

        @Test("bytes that are not UTF-8 in an argument arrive as U+FFFD and are refused, not stored")
        func invalidUTF8Argument() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let db = folder.file("n.sqlite")
            #expect(try CLI.run(["names", "propose", "云栖路", "--type", "road", "--db", db]).status == 0)
            // Foundation passes arguments as Strings, so the shell writes the raw byte 0xFF.
            for (command, flags) in [("alias 1", ""), ("propose", "--type road")] {
                let script = #"exec "$0" names \#(command) "$(printf '梅灵\377路')" \#(flags) --db "$1""#
                let result = try runProcess("/bin/sh", ["-c", script, CLI.executable, db])
                #expect(result.status != 0, "\(command): \(result.stdout)")
                #expect(result.stderr.contains("U+FFFD"), "\(command): \(result.stderr)")
            }
            #expect(try Registry(path: db, create: false).count() == 1)
            #expect(try Registry(path: db, create: false).place(1)?.aliases.isEmpty == true)
        }

        @Test("dates are ASCII YYYY-MM-DD: other digits are not a year")
        func dates() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(!Registry.isISODate("२०२४-06-01") && !Registry.isISODate("２０２４-06-01") && Registry.isISODate("2024-06-01"))
            #expect(throws: RegistryError.self) {
                try tiny.registry.create(PlaceDraft(name: "云栖路", type: "road", approvalDate: "२०२४-06-01"), action: "add", actor: "t")
            }
            let result = try CLI.run(["names", "approve", "1", "--date", "२०२४-06-01", "--db", tiny.path])
            #expect(result.status == 2, "\(result.stderr)")
        }

        @Test("the CLI refuses an alias or an actor with control characters (exit 2), and never echoes them raw")
        func cli() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let db = folder.file("n.sqlite")
            #expect(try CLI.run(["names", "propose", "云栖路", "--type", "road", "--db", db]).status == 0)
            for arguments in [
                ["alias", "1", "云栖\u{1B}[31m街"], ["alias", "1", "云栖\n街"], ["propose", "梅灵路", "--type", "road", "--actor", "\u{1B}[31mlin"],
                ["update", "1", "--remarks", "a\u{1B}]0;pwned\u{07}"], ["retire", "1", "--reason", "\u{1B}[2J"],
            ] {
                let result = try CLI.run(["names"] + arguments + ["--db", db])
                #expect(result.status == 2, "\(arguments): \(result.stderr)")
                #expect(!result.stderr.contains("\u{1B}"), "\(arguments)")
            }
            let history = try CLI.run(["names", "history", "1", "--format", "json", "--db", db])
            #expect(try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [Any]).count == 1)
        }
    }

    @Suite("Codes are validated wherever they enter")
    struct Codes {
        @Test(
            "flags: a district is 6 digits, a town 9 digits inside it (exit 2, one line, nothing echoed raw)",
            arguments: [
                ["check", "云栖路", "--type", "road", "--district", "../../x\n\u{1B}[31m"],
                ["check", "云栖路", "--type", "road", "--district", "33010"],
                ["check", "云栖路", "--type", "road", "--district", "３３０１０６"],  // full-width digits
                ["propose", "云栖路", "--type", "road", "--town", "33010600"],
                ["propose", "云栖路", "--type", "road", "--district", "330106", "--town", "330102001"],
                ["reserve", "云栖路", "--type", "road", "--district", "330106x"],
                ["update", "1", "--district", "../../x"],
                ["update", "1", "--town", "330106004 "],
            ])
        func flags(arguments: [String]) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let db = folder.file("n.sqlite")
            #expect(try CLI.run(["names", "propose", "文三路", "--type", "road", "--district", "330106", "--db", db]).status == 0)
            let result = try CLI.run(["names"] + arguments + ["--db", db])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("--district") || result.stderr.contains("--town"), "\(result.stderr)")
            #expect(!result.stderr.contains("\u{1B}"))
            let record = try Registry(path: db, create: false).place(1)
            #expect(record?.district == "330106" && record?.town == nil)
            #expect(try Registry(path: db, create: false).count() == 1)
        }

        @Test("import rows: a code column that is not a code is an error naming the row; a name in it is passed over")
        func importRows() throws {
            let tiny = try TinyRegistry(seeded: false)
            defer { tiny.folder.cleanup() }
            for (cells, column) in [("3301", "district"), ("../../x", "district"), ("33010600", "town"), ("33010", "code")] {
                let csv = try tiny.folder.write("names.csv", "name,type,\(column)\n云栖路,road,\(cells)\n")
                let error = #expect(throws: InputError.self) { try tiny.registry.importFile(csv, actor: "t") }
                #expect(error?.location == "line 2", "\(cells)")
                #expect(error?.message.contains(column) == true, "\(error?.message ?? "")")
            }
            let mismatch = try tiny.folder.write("mismatch.csv", "name,type,district,town\n云栖路,road,330106,330102001\n")
            #expect(throws: InputError.self) { try tiny.registry.importFile(mismatch, actor: "t") }
            #expect(try tiny.registry.count() == 0)
            let named = try tiny.folder.write("named.csv", "name,type,district,town,code\n云栖路,road,西湖区,清波街道,G104\n")
            #expect(try tiny.registry.importFile(named, actor: "t").imported == 1)
            let road = try #require(try tiny.registry.search("云栖路").first)
            #expect(road.district == nil && road.town == nil)
        }

        @Test("the library: drafts and proposals with codes that are not codes are refused")
        func library() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(throws: RegistryError.self) {
                try tiny.registry.create(PlaceDraft(name: "云栖路", type: "road", district: "../../x"), action: "add", actor: "t")
            }
            #expect(throws: RegistryError.self) {
                try tiny.registry.create(PlaceDraft(name: "云栖路", type: "road", district: "330106", town: "330102001"), action: "add", actor: "t")
            }
            #expect(throws: RegistryError.self) { try tiny.registry.check(NameProposal(name: "云栖路", type: "road", district: "3301")) }
            #expect(throws: RegistryError.self) { try tiny.registry.check(NameProposal(name: "云栖路", type: "road", town: "x")) }
            #expect(throws: RegistryError.self) { try tiny.check("西湖花园", "residential", at: Coordinate(.nan, 30.3)) }
            #expect(throws: RegistryError.self) { try tiny.check("西湖花园", "residential", at: Coordinate(120.1, 91)) }
            let road = try #require(try tiny.registry.search("文三路").first)
            #expect(throws: RegistryError.self) { try tiny.registry.updateDetails(road.id, actor: "t", reason: nil) { $0.town = "330106" } }
            #expect(try tiny.registry.place(road.id)?.town == nil)
        }
    }

    @Suite("Search matches its text literally")
    struct Search {
        @Test("% and _ and \\ are not wildcards")
        func wildcards() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            #expect(try tiny.registry.search("%").isEmpty)
            #expect(try tiny.registry.search("_").isEmpty)
            #expect(try tiny.registry.search("文%路").isEmpty)
            #expect(try tiny.registry.search("文_路").isEmpty)
            // Legacy names may hold the characters themselves; they are found by them.
            let percent = try tiny.registry.create(PlaceDraft(name: "百分%路", type: "road"), action: "import", actor: "t")
            let underscore = try tiny.registry.create(PlaceDraft(name: "下_划路", type: "road"), action: "import", actor: "t")
            let backslash = try tiny.registry.create(PlaceDraft(name: #"反\斜路"#, type: "road"), action: "import", actor: "t")
            #expect(try tiny.registry.search("%").map(\.id) == [percent])
            #expect(try tiny.registry.search("_").map(\.id) == [underscore])
            #expect(try tiny.registry.search(#"\"#).map(\.id) == [backslash])
            #expect(try tiny.registry.search("文三").map(\.name) == ["文三路"])
        }

        @Test("a search text longer than any name is an error, not a SQLite failure")
        func long() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let error = #expect(throws: RegistryError.self) { try tiny.registry.search(String(repeating: "%", count: 60_000)) }
            #expect(error?.message.contains("at most") == true)
        }

        @Test("names search % through the CLI prints nothing")
        func cli() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let db = folder.file("n.sqlite")
            #expect(try CLI.run(["names", "propose", "云栖路", "--type", "road", "--db", db]).status == 0)
            let result = try CLI.run(["names", "search", "%", "--db", db])
            #expect(result.status == 0 && result.stdout.isEmpty, "\(result.stdout)")
        }
    }

    @Suite("Reading commands open the registry read-only")
    struct ReadOnly {
        /// Runs `doorstep` as a user who cannot write the registry or its folder: as root, the
        /// `nobody` user (root writes anything), else this user after chmod.
        static func runWithoutWriteAccess(_ arguments: [String], folder: TemporaryFolder) throws -> CommandResult {
            if getuid() == 0 {
                return try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.executable] + arguments)
            }
            return try CLI.run(arguments)
        }

        @Test("search, show, history, export, check, plan, settings and types work on a registry nobody can write")
        func reading() throws {
            let folder = try TemporaryFolder()
            defer {
                chmod(folder.path, 0o755)
                folder.cleanup()
            }
            let db = folder.file("n.sqlite")
            #expect(try CLI.run(["names", "propose", "云栖路", "--type", "road", "--district", "330106", "--at", "120.1,30.2", "--db", db]).status == 0)
            if getuid() == 0 {
                try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "setpriv is needed to drop root")
            } else {
                chmod(db, 0o444)
                chmod(folder.path, 0o555)
            }
            for arguments in [
                ["search", "云栖"], ["show", "1"], ["history", "1"], ["export"], ["export", "--format", "csv"], ["check", "云栖路", "--type", "road"],
                ["plan"], ["settings"], ["types"],
            ] {
                let result = try Self.runWithoutWriteAccess(["names"] + arguments + ["--db", db], folder: folder)
                #expect(!result.stderr.contains("readonly") && !result.stderr.contains("cannot"), "\(arguments): \(result.stderr)")
                #expect(arguments[0] == "check" ? result.status == 1 : result.status == 0, "\(arguments): \(result.stderr)")
                #expect(!result.stdout.isEmpty, "\(arguments)")
            }
            let search = try Self.runWithoutWriteAccess(["names", "search", "yunqi", "--db", db], folder: folder)
            #expect(search.stdout.contains("云栖路"))
            // Writing is refused with a one-line error, not done.
            let write = try Self.runWithoutWriteAccess(["names", "approve", "1", "--db", db], folder: folder)
            #expect(write.status == 1 && write.stderr.contains("cannot write"), "\(write.stderr)")
        }

        @Test("a reading command leaves the folder as it found it and never creates a registry")
        func noFiles() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let missing = folder.file("missing.sqlite")
            for arguments in [["search", "云栖"], ["show", "1"], ["history", "1"], ["export"], ["check", "云栖路", "--type", "road"], ["plan"]] {
                let result = try CLI.run(["names"] + arguments + ["--db", missing])
                #expect(result.status == 1 && result.stderr.contains("no such registry"), "\(arguments): \(result.stderr)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
            // settings and types show the defaults a new registry would start with.
            #expect(try CLI.run(["names", "types", "--db", missing]).stdout.contains("road"))
            #expect(try CLI.run(["names", "settings", "--db", missing]).stdout.contains("maxLength"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }

        @Test("an empty file is not a registry to read, and stays empty")
        func emptyFile() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let empty = try folder.write("empty.sqlite", "")
            let error = #expect(throws: RegistryError.self) { try Registry(path: empty, create: false) }
            #expect(error?.message.contains("not a Doorstep registry") == true)
            #expect((try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int) == 0)
        }
    }

    @Suite("A failed command leaves no registry behind")
    struct NoEmptyRegistry {
        @Test(
            "import of /dev/zero, a folder, a bad row or a missing file; a refused first name; a bad settings file; an id in no registry",
            arguments: [
                ["import", "/dev/zero"], ["import", "/tmp"], ["import", "BAD_CSV"], ["import", "/nonexistent.geojson"],
                ["propose", "路", "--type", "road"], ["reserve", "环球路", "--type", "road"], ["settings", "--load", "BAD_SETTINGS"],
                ["approve", "1"], ["rename", "1", "云栖路"], ["update", "1", "--remarks", "x"], ["alias", "1", "云栖街"],
            ])
        func failures(arguments: [String]) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let bad = try folder.write("bad.csv", "name,type,status\n云栖路,road,abandoned\n")
            let settings = try folder.write("bad.json", #"{"maxLength": "eight"}"#)
            let db = folder.file("new.sqlite")
            let resolved = arguments.map { $0 == "BAD_CSV" ? bad : $0 == "BAD_SETTINGS" ? settings : $0 }
            let result = try CLI.run(["names"] + resolved + ["--db", db])
            #expect(result.status != 0, "\(arguments)")
            #expect(!result.stderr.isEmpty && !result.stderr.contains("Fatal error"), "\(result.stderr)")
            for suffix in ["", "-wal", "-shm"] {
                #expect(!FileManager.default.fileExists(atPath: db + suffix), "\(arguments) left \(db + suffix)")
            }
        }

        @Test("export --output onto the registry itself is refused and the registry stays whole")
        func exportOverRegistry() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let result = try CLI.run(["names", "export", "--output", tiny.path, "--db", tiny.path])
            #expect(result.status == 1 && result.stderr.contains("input"), "\(result.stderr)")
            #expect(try Registry(path: tiny.path, create: false).count() == 5)
        }

        @Test("a failed import into an existing registry leaves it as it was")
        func existing() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let count = try tiny.registry.count()
            let result = try CLI.run(["names", "import", "/dev/zero", "--db", tiny.path])
            #expect(result.status == 1)
            #expect(FileManager.default.fileExists(atPath: tiny.path))
            #expect(try tiny.registry.count() == count)
        }
    }

    @Suite("Corrupt stored values are errors, not defaults")
    struct Corrupt {
        func store(_ sql: String, _ arguments: StatementArguments = [], in path: String) throws {
            try DatabaseQueue(path: path).write { db in try db.execute(sql: sql, arguments: arguments) }
        }

        @Test("a rules setting that does not read, or reads out of range, names the setting", arguments: [#"{"maxLength": "#, #"{"maxLength": 0}"#, #"{"grandioseWords": [""]}"#, "[]"])
        func settings(text: String) throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            try store("INSERT OR REPLACE INTO setting (key, value) VALUES ('rules', ?)", [text], in: tiny.path)
            let error = #expect(throws: RegistryError.self) { try tiny.check("云栖路", "road") }
            #expect(error?.message.contains("rules setting is corrupt") == true, "\(error?.message ?? "")")
            #expect(throws: RegistryError.self) { try tiny.registry.settings() }
            let cli = try CLI.run(["names", "check", "云栖路", "--type", "road", "--db", tiny.path])
            #expect(cli.status == 1 && cli.stderr.contains("rules setting is corrupt"), "\(cli.stderr)")
        }

        @Test("a stored geometry that does not read names the record wherever it is read")
        func geometry() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let district = try #require(try tiny.registry.search("西湖区").first)
            try store("UPDATE place SET geometry = ? WHERE id = ?", [#"{"type":"Polygon","coordinates":[[[120.0,30.2],"#, district.id], in: tiny.path)
            let error = #expect(throws: RegistryError.self) { try tiny.registry.place(district.id) }
            #expect(error?.message.contains("record \(district.id)") == true, "\(error?.message ?? "")")
            #expect(throws: RegistryError.self) { try tiny.registry.exportGeoJSON() }
            #expect(throws: RegistryError.self) { try tiny.check("西湖花园", "residential", at: Coordinate(120.1, 30.3)) }
            let cli = try CLI.run(["names", "export", "--db", tiny.path])
            #expect(cli.status == 1 && cli.stderr.contains("record \(district.id)") && cli.stdout.isEmpty, "\(cli.stderr)")
        }

        @Test("a place type with an unknown stored scope is an error, not the city")
        func typeScope() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            try store("UPDATE place_type SET scope = 'galaxy' WHERE id = 'community'", in: tiny.path)
            let error = #expect(throws: RegistryError.self) { try tiny.check("古荡社区", "community", district: "330102") }
            #expect(error?.message.contains("community") == true && error?.message.contains("galaxy") == true)
        }

        @Test("settings and types that would store such values are refused")
        func refusedOnTheWayIn() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            var settings = NameSettings()
            settings.maxLength = 1000
            #expect(throws: RegistryError.self) { try tiny.registry.setSettings(settings, actor: "t", reason: nil) }
            settings = NameSettings()
            settings.blockedCompanies.append("万\u{0}达")
            #expect(throws: RegistryError.self) { try tiny.registry.setSettings(settings, actor: "t", reason: nil) }
            #expect(try tiny.registry.settings() == NameSettings())
            for type in [
                PlaceType(id: "Green Way", label: "绿道", generics: ["绿道"], scope: .city),
                PlaceType(id: "greenway", label: "绿道", generics: [""], scope: .city),
                PlaceType(id: "greenway", label: "绿\u{1B}道", generics: ["绿道"], scope: .city),
            ] {
                #expect(throws: RegistryError.self) { try tiny.registry.saveType(type, actor: "t") }
            }
            let file = try tiny.folder.write("rules.json", #"{"minLength": 5, "maxLength": 3}"#)
            let cli = try CLI.run(["names", "settings", "--load", file, "--db", tiny.path])
            #expect(cli.status == 1 && cli.stderr.contains(file) && cli.stderr.contains("maxLength"), "\(cli.stderr)")
            // A misspelt key is no setting: refused, never left silently at its default.
            let misspelt = try tiny.folder.write("misspelt.json", #"{"maxLenght": 5}"#)
            let typo = try CLI.run(["names", "settings", "--load", misspelt, "--db", tiny.path])
            #expect(typo.status == 1 && typo.stderr.contains("maxLenght: not a setting; the settings are minLength, maxLength"), "\(typo.stderr)")
            #expect(try tiny.registry.settings() == NameSettings())
            #expect(try CLI.run(["names", "types", "--add", "greenway", "--generics", ",", "--scope", "city", "--db", tiny.path]).status == 2)
        }
    }

    @Suite("Empty geometries")
    struct EmptyGeometry {
        @Test("an import feature with an empty Polygon or MultiPolygon is refused, naming the feature")
        func refused() throws {
            let tiny = try TinyRegistry(seeded: false)
            defer { tiny.folder.cleanup() }
            for geometry in [#"{"type":"Polygon","coordinates":[]}"#, #"{"type":"MultiPolygon","coordinates":[]}"#] {
                let file = try tiny.folder.write(
                    "units.geojson", collection([#"{"type":"Feature","properties":{"name":"古荡社区","district":"330106"},"geometry":\#(geometry)}"#]))
                let error = #expect(throws: InputError.self) { try tiny.registry.importFile(file, actor: "t") }
                #expect(error?.location == "feature 0", "\(geometry)")
            }
            #expect(try tiny.registry.count() == 0)
        }

        @Test("the labeller does not crash on stored empty geometries; it leaves those places out")
        func labeller() throws {
            let tiny = try TinyRegistry()
            defer { tiny.folder.cleanup() }
            let extra = [
                ("云栖路", "road", #"{"type":"LineString","coordinates":[]}"#), ("梅灵路", "road", #"{"type":"MultiLineString","coordinates":[]}"#),
                ("翠苑社区", "community", #"{"type":"Polygon","coordinates":[]}"#), ("桂花社区", "community", #"{"type":"MultiPolygon","coordinates":[]}"#),
            ]
            for (name, type, _) in extra {
                try tiny.registry.create(PlaceDraft(name: name, type: type, district: "330106", status: .inUse), action: "add", actor: "t")
            }
            try DatabaseQueue(path: tiny.path).write { db in
                for (name, _, geometry) in extra {
                    try db.execute(sql: "UPDATE place SET geometry = ? WHERE name = ?", arguments: [geometry, name])
                }
            }
            let labeler = try PlaceLabeler(registry: tiny.registry)
            let label = try labeler.label(Coordinate(120.13, 30.281))
            #expect(label.road == "文三路")
            #expect(try labeler.label(inside: .polygon([])) == nil)
            let annotated = try labeler.annotate([Feature(geometry: .multiPolygon([]), properties: [:])])
            #expect(annotated[0].properties["place_label"] == nil)
        }
    }
}
