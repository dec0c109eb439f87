import ArgumentParser
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
import Foundation

struct Names: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The place-name registry of the 2024–2035 place-name plan.",
        discussion: "Example: doorstep names check 文三路 --type road --district 330106",
        subcommands: [
            NamesImport.self, NamesCheck.self, NamesPropose.self, NamesReserve.self, NamesApprove.self, NamesUse.self,
            NamesRename.self, NamesRetire.self, NamesDeprecate.self, NamesProtect.self, NamesUpdate.self, NamesAlias.self,
            NamesShow.self, NamesSearch.self,
            NamesHistory.self, NamesExport.self, NamesPlan.self, NamesPlanned.self, NamesSuggest.self, NamesAudit.self, NamesSettings.self,
            NamesTypes.self,
        ]
    )
}

/// `--db` and `--actor`, shared by every registry command.
struct RegistryOptions: ParsableArguments {
    @Option(help: "The registry file.")
    var db = "doorstep-names.sqlite"

    @Option(help: "Who makes the change (default: the OS user).")
    var actor: String?

    init() {}

    /// For commands that name the registry with a flag of their own (`serve --names`, `serve tokens`).
    init(db: String, actor: String? = nil) {
        self.db = db
        self.actor = actor
    }

    /// Opens the registry to write, creating it when missing.
    func open() throws -> Registry { try Registry(path: db) }

    /// Opens an existing registry to write: commands on a record id never create an empty file.
    func openExisting() throws -> Registry {
        guard FileManager.default.fileExists(atPath: db) else {
            throw RegistryError("\(db): no such registry (create one with `doorstep names import`)")
        }
        return try Registry(path: db)
    }

    /// Opens an existing registry read-only: reading never creates a file, and works on a registry
    /// that cannot be written (a read-only file or folder).
    func read() throws -> Registry { try Registry(path: db, create: false) }

    func validate() throws {
        if let actor, let problem = RegistryInput.textProblem(actor) { throw ValidationError("--actor \(RegistryInput.shown(actor)): \(problem)") }
    }

    var who: String {
        if let actor, !actor.isEmpty { return actor }
        return ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
    }
}

/// Where the place is: codes and an optional point.
struct PlaceOptions: ParsableArguments {
    @Option(help: "Place type: road, street, lane, avenue, bridge, tunnel, square, park, residential, building, community, village, natural-village, town, subdistrict, district (or one the bureau added).")
    var type: String

    @Option(help: "District (county) code, 6 digits.")
    var district: String?

    @Option(help: "Town/street code, 9 digits.")
    var town: String?

    @Option(help: "Where the place is, WGS84 longitude,latitude.")
    var at: String?

    @Option(help: "The planned road this name is for (its class limits the 通名; propose/reserve link the record to it).")
    var planned: Int64?

    func location() throws -> Coordinate? { try at.map(parseLonLat) }

    func validate() throws {
        try validateCodes(district: ("--district", district), town: ("--town", town))
        _ = try location()
    }

    func proposal(_ name: String, recordID: Int64? = nil) throws -> NameProposal {
        NameProposal(name: name, type: type, district: district, town: town, location: try location(), recordID: recordID, plannedRoad: planned)
    }
}

/// `--at LON,LAT` as a WGS84 coordinate.
func parseLonLat(_ text: String) throws -> Coordinate {
    let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let lon = parts[0], let lat = parts[1], (-180...180).contains(lon), (-90...90).contains(lat) else {
        throw ValidationError("--at \(RegistryInput.shown(text)): write LON,LAT in WGS84 degrees, e.g. 120.1301,30.2802")
    }
    return Coordinate(lon, lat)
}

/// Rejects a `--district` that is not 6 digits and a `--town` that is not 9 digits in that district.
func validateCodes(district: (flag: String, value: String?), town: (flag: String, value: String?)) throws {
    if let value = district.value, let problem = RegistryInput.districtProblem(value) { throw ValidationError("\(district.flag): \(problem)") }
    if let value = town.value, let problem = RegistryInput.townProblem(value, district: district.value) {
        throw ValidationError("\(town.flag): \(problem)")
    }
}

/// Rejects free-text flags (a reason, remarks) that hold a NUL, control characters or U+FFFD.
func validateTexts(_ texts: [(flag: String, value: String?, multiline: Bool)]) throws {
    for (flag, value, multiline) in texts {
        if let value, let problem = RegistryInput.textProblem(value, multiline: multiline) {
            throw ValidationError("\(flag) \(RegistryInput.shown(value)): \(problem)")
        }
    }
}

/// Rejects a name argument (an alias, a new name) that cannot be stored.
func validateName(_ name: String, _ what: String) throws {
    if let problem = RegistryInput.nameProblem(name) { throw ValidationError("\(what) \(RegistryInput.shown(name)) \(problem)") }
}

/// Rejects a date flag that is not YYYY-MM-DD before anything is written.
func validateDates(_ dates: [(flag: String, value: String?)]) throws {
    for (flag, value) in dates {
        if let value, !Registry.isISODate(value) { throw ValidationError("\(flag) \(RegistryInput.shown(value)): write a date like 2024-06-01") }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

func printJSON(_ value: JSONValue) {
    print(GeoJSONWriter.json(value))
}

extension Place {
    var text: String {
        let r = record
        var lines = [
            "\(id)  \(r.name)  \(pinyin)", "  type \(r.type), status \(r.status.rawValue)\(r.isProtected ? ", protected (historic)" : "")",
        ]
        if r.district != nil || r.town != nil { lines.append("  district \(r.district ?? "–"), town \(r.town ?? "–")") }
        if let approvalBody = r.approvalBody ?? r.approvalDocument {
            lines.append("  approved by \(approvalBody) \(r.approvalDate ?? "") \(r.approvalDocument ?? "")")
        }
        if let noticeDate = r.noticeDate { lines.append("  announced \(noticeDate)") }
        for entry in r.formerNames { lines.append("  former name \(entry.name) (\(entry.from ?? "?") – \(entry.to ?? "?"))") }
        for entry in r.aliases { lines.append("  alias \(entry.name)") }
        if let geometry = r.geometry { lines.append("  geometry \(geometry.typeName)") }
        if let remarks = r.remarks { lines.append("  remarks: " + remarks.replacingOccurrences(of: "\n", with: "; ")) }
        return lines.joined(separator: "\n")
    }
}
