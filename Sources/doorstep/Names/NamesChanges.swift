import ArgumentParser
import DoorstepGDAL
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
import Foundation

struct NamesImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import names from GeoJSON, CSV or any GDAL format (name, type, district, town, status, pinyin, protected), all or nothing.",
        discussion: "Example: doorstep names import towns.geojson --db hangzhou.sqlite")

    @Argument(help: "A GeoJSON, CSV, Shapefile, GeoPackage … file (FILE:LAYER picks a layer).") var file: String
    @Option(help: "Type for rows without one (default: read off each name's 通名).") var type: String?
    @Option(help: "Type for rows without one whose 通名 does not tell it either.") var fallbackType: String?
    @Option(help: "Text encoding of the file's attributes (e.g. GBK for a Shapefile without .cpg, or a CSV from Excel), overriding what the file says.")
    var encoding: String?
    @OptionGroup var registry: RegistryOptions

    func run() throws {
        var fields = ImportFields()
        fields.defaultType = type
        fields.fallbackType = fallbackType
        // The file is read and every row checked before a new registry is created: a failed import
        // never leaves an empty one behind. A new registry has the default types. (An existing one is
        // opened as a writer, which waits while another process is still creating its schema.)
        let types = FileManager.default.fileExists(atPath: registry.db) ? try registry.open().types() : PlaceType.defaultsByID
        let drafts = try Registry.readImport(file, fields: fields, types: types, formats: .withGDAL, encoding: encoding, warn: Console.warn)
        let target = try registry.open()
        let report: ImportReport
        do {
            report = try target.importDrafts(drafts, from: file, actor: registry.who)
        } catch {
            target.removeIfCreatedEmpty()
            throw error
        }
        print("imported \(report.imported) names from \(file)")
        if !report.conflicts.isEmpty {
            print("legacy conflicts (reported, not refused): \(report.conflicts.count)")
            for conflict in report.conflicts.prefix(20) {
                print("  \(conflict.rule) \(conflict.key) in \(conflict.scope): " + conflict.records.map { "\($0.name) (\($0.id))" }.joined(separator: ", "))
            }
            if report.conflicts.count > 20 { print("  … and \(report.conflicts.count - 20) more") }
        }
    }
}

struct NamesCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a proposed name against the rules and the registry. Exit 0 ok/review, 1 reject, 2 bad usage.",
        discussion: "Example: doorstep names check 文三路 --type road --district 330106 --format json")

    @Argument(help: "The proposed name.") var name: String
    @OptionGroup var place: PlaceOptions
    @Option(help: "text or json.") var format: OutputFormat = .text
    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let report = try registry.read().check(try place.proposal(name))
        switch format {
        case .json: printJSON(report.json)
        case .text: print(report.text)
        }
        if report.verdict == .reject { throw ExitCode(1) }
    }
}

struct NamesPropose: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose", abstract: "Record a proposed name (refused when the check rejects it).",
        discussion: "Example: doorstep names propose 云栖路 --type road --district 330106 --at 120.10,30.20 --reason 规划路网")

    @Argument(help: "The name.") var name: String
    @OptionGroup var place: PlaceOptions
    @Option(help: "Why.") var reason: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws { try validateTexts([("--reason", reason, true)]) }

    func run() throws {
        try createChecked(name: name, place: place, registry: registry, status: .proposed, action: "propose", reason: reason)
    }
}

struct NamesReserve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reserve", abstract: "Put a name in the name bank (地名储备库) for a place to come.",
        discussion: "Example: doorstep names reserve 望江路 --type road --district 330102")

    @Argument(help: "The name.") var name: String
    @OptionGroup var place: PlaceOptions
    @Option(help: "Why.") var reason: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws { try validateTexts([("--reason", reason, true)]) }

    func run() throws {
        try createChecked(name: name, place: place, registry: registry, status: .reserved, action: "reserve", reason: reason)
    }
}

func createChecked(name: String, place: PlaceOptions, registry options: RegistryOptions, status: PlaceStatus, action: String, reason: String?) throws {
    let registry = try options.open()
    let draft = PlaceDraft(
        name: name, type: place.type, district: place.district, town: place.town, geometry: try place.location().map { .point($0) }, status: status)
    let (id, report): (Int64, CheckReport)
    do {
        (id, report) = try refusingRejected { try registry.createChecked(draft, action: action, planned: place.planned, actor: options.who, reason: reason) }
    } catch {
        registry.removeIfCreatedEmpty()  // a refused first name leaves no empty registry
        throw error
    }
    print("\(id)  \(name)  \(report.pinyin)  \(status.rawValue)\(report.verdict == .review ? "  (needs review)" : "")")
    for finding in report.findings { print("  [\(finding.severity.rawValue)] \(finding.rule): \(finding.message)") }
}

/// A rejected name: the findings on standard error, exit 1.
func refusingRejected<T>(_ change: () throws -> T) throws -> T {
    do {
        return try change()
    } catch let refused as NameRefused {
        FileHandle.standardError.write(Data((refused.report.text + "\n").utf8))
        throw ExitCode(1)
    }
}

struct NamesApprove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a proposed or reserved name.",
        discussion: "Example: doorstep names approve 12 --body 杭州市人民政府 --date 2024-06-01 --document 杭政函〔2024〕12号")

    @Argument(help: "Record id.") var id: Int64
    @Option(help: "Approving body.") var body: String?
    @Option(help: "Approval date (YYYY-MM-DD, default today).") var date: String?
    @Option(help: "Document number.") var document: String?
    @Option(help: "Why.") var reason: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        try validateDates([("--date", date)])
        try validateTexts([("--body", body, false), ("--document", document, false), ("--reason", reason, true)])
    }

    func run() throws {
        print(try registry.openExisting().approve(id, body: body, date: date, document: document, actor: registry.who, reason: reason).text)
    }
}

struct NamesUse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use", abstract: "Mark an approved name as announced (备案公告) and in use.",
        discussion: "Example: doorstep names use 12 --notice-date 2024-06-15")

    @Argument(help: "Record id.") var id: Int64
    @Option(help: "Date of the public notice (default today).") var noticeDate: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws { try validateDates([("--notice-date", noticeDate)]) }

    func run() throws {
        print(try registry.openExisting().putInUse(id, noticeDate: noticeDate, actor: registry.who).text)
    }
}

struct NamesRename: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename", abstract: "Rename a place; the old name stays as a former name with its dates.",
        discussion: "Example: doorstep names rename 12 文三西路 --reason 道路延伸")

    @Argument(help: "Record id.") var id: Int64
    @Argument(help: "The new name.") var name: String
    @Option(help: "Date of the change (default today).") var date: String?
    @Option(help: "Why.") var reason: String?
    @Option(help: "For a protected (historic) name: the protection measures taken.") var protectionMeasures: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        try validateDates([("--date", date)])
        try validateTexts([("--reason", reason, true), ("--protection-measures", protectionMeasures, true)])
    }

    func run() throws {
        let registry = try registry.openExisting()
        let (place, _) = try refusingRejected {
            try registry.renameChecked(id, to: name, date: date, actor: self.registry.who, reason: reason, protectionMeasures: protectionMeasures)
        }
        print(place.text)
    }
}

struct NamesRetire: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire", abstract: "Retire a name whose place ceased (销名).",
        discussion: "Example: doorstep names retire 12 --reason 道路拆除")

    @Argument(help: "Record id.") var id: Int64
    @Option(help: "Date (default today).") var date: String?
    @Option(help: "Why.") var reason: String?
    @Option(help: "For a protected (historic) name: the protection measures taken.") var protectionMeasures: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        try validateDates([("--date", date)])
        try validateTexts([("--reason", reason, true), ("--protection-measures", protectionMeasures, true)])
    }

    func run() throws {
        print(try registry.openExisting().retire(id, date: date, actor: registry.who, reason: reason, protectionMeasures: protectionMeasures).text)
    }
}

struct NamesDeprecate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deprecate", abstract: "Mark a record as made in error.",
        discussion: "Example: doorstep names deprecate 12 --reason 重复录入")

    @Argument(help: "Record id.") var id: Int64
    @Option(help: "Why.") var reason: String
    @OptionGroup var registry: RegistryOptions

    func validate() throws { try validateTexts([("--reason", reason, true)]) }

    func run() throws {
        print(try registry.openExisting().deprecate(id, actor: registry.who, reason: reason).text)
    }
}

struct NamesProtect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protect", abstract: "Put a name on the historic protection list (or take it off with --off).",
        discussion: "Example: doorstep names protect 12 --reason 地名文化遗产保护名录（第一批）")

    @Argument(help: "Record id.") var id: Int64
    @Flag(help: "Take the name off the list.") var off = false
    @Option(help: "Why.") var reason: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws { try validateTexts([("--reason", reason, true)]) }

    func run() throws {
        print(try registry.openExisting().setProtected(id, !off, actor: registry.who, reason: reason).text)
    }
}

struct NamesUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a record's facts (approved romanisation, codes, location, sources, remarks), with history.",
        discussion: "Example: doorstep names update 12 --pinyin \"Wensan Lu\" --reason 批复文件")

    @Argument(help: "Record id.") var id: Int64
    @Option(help: "The approved romanisation, which wins over the computed one.") var pinyin: String?
    @Option(help: "District (county) code, 6 digits.") var district: String?
    @Option(help: "Town/street code, 9 digits.") var town: String?
    @Option(help: "Where the place is, WGS84 longitude,latitude.") var at: String?
    @Option(help: "Sources.") var sources: String?
    @Option(help: "Remarks (replace the old ones, which stay in the history).") var remarks: String?
    @Option(help: "Why.") var reason: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        try validateCodes(district: ("--district", district), town: ("--town", town))
        try validateTexts([
            ("--pinyin", pinyin, false), ("--sources", sources, true), ("--remarks", remarks, true), ("--reason", reason, true),
        ])
        _ = try at.map(parseLonLat)
    }

    func run() throws {
        let location = try at.map(parseLonLat)
        let place = try registry.openExisting().updateDetails(id, actor: registry.who, reason: reason) { record in
            if let pinyin { record.approvedPinyin = pinyin }
            if let district { record.district = district }
            if let town { record.town = town }
            if let location { record.geometry = .point(location) }
            if let sources { record.sources = sources }
            if let remarks { record.remarks = remarks }
        }
        print(place.text)
    }
}

struct NamesAlias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias", abstract: "Record another name a place is known by; search finds it.",
        discussion: "Example: doorstep names alias 12 河坊街 --from 1990-01-01")

    @Argument(help: "Record id.") var id: Int64
    @Argument(help: "The alias.") var name: String
    @Option(help: "Since (YYYY-MM-DD).") var from: String?
    @Option(help: "Until (YYYY-MM-DD).") var to: String?
    @Option(help: "Why.") var reason: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        try validateName(name, "the alias")
        try validateDates([("--from", from), ("--to", to)])
        try validateTexts([("--reason", reason, true)])
    }

    func run() throws {
        print(try registry.openExisting().addAlias(id, NameEntry(name: name, from: from, to: to), actor: registry.who, reason: reason).text)
    }
}
