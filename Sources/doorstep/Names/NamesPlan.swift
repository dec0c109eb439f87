import ArgumentParser
import DoorstepGDAL
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
import Foundation

/// `doorstep names plan`: the plan's pipeline (the default), its areas, and the progress report.
struct NamesPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "The place-name plan: counts (the default), plan areas (import), the progress report.",
        discussion: "Example: doorstep names plan --format json   |   doorstep names plan import areas.geojson   |   doorstep names plan report --output plan.html",
        subcommands: [NamesPlanSummary.self, NamesPlanImport.self, NamesPlanReport.self], defaultSubcommand: NamesPlanSummary.self)
}

struct NamesPlanImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Replace the plan areas with a layer of polygons (area, district, theme as 文|学|书, optional series as 文{n}路), as one event.",
        discussion: """
            Plan areas must not overlap: two areas whose interiors meet are an error naming both (areas that share \
            an edge are fine). Coordinates are WGS84 longitude/latitude.
            Example: doorstep names plan import plan-areas.geojson --reason 杭州市地名总体规划2024-2035
            """)

    @Argument(help: "A GeoJSON, Shapefile, GeoPackage … layer of polygons (FILE:LAYER picks a layer).") var file: String
    @Option(help: "Why.") var reason: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws { try validateTexts([("--reason", reason, true)]) }

    func run() throws {
        // Read and checked before the registry is opened (or created): a bad file changes nothing.
        let areas = try Registry.readPlanAreas(file, formats: .withGDAL)
        let target = try registry.open()
        do {
            try target.replacePlanAreas(areas, from: LayerRequest(parsing: file).path, actor: registry.who, reason: reason)
        } catch {
            target.removeIfCreatedEmpty()
            throw error
        }
        print("\(areas.count) plan area(s) from \(file): " + areas.map { "\($0.name) (\($0.themeText)\($0.series.map { "; \($0)" } ?? ""))" }.joined(separator: ", "))
    }
}

/// `doorstep names planned import FILE`.
struct NamesPlanned: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planned", abstract: "Planned roads still to be named.",
        discussion: "Example: doorstep names planned import planned-roads.geojson",
        subcommands: [NamesPlannedImport.self])
}

struct NamesPlannedImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add planned roads (lines with class, optional width_m, district, planned_year), unnamed, as one event.",
        discussion: "A class is a key of the settings' roadClasses (arterial, secondary, branch, lane by default).\nExample: doorstep names planned import planned-roads.geojson")

    @Argument(help: "A GeoJSON, Shapefile, GeoPackage … layer of lines (FILE:LAYER picks a layer).") var file: String
    @Option(help: "Why.") var reason: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws { try validateTexts([("--reason", reason, true)]) }

    func run() throws {
        let settings = FileManager.default.fileExists(atPath: registry.db) ? try registry.read().settings() : NameSettings()
        let roads = try Registry.readPlannedRoads(file, classes: settings.roadClasses, formats: .withGDAL)
        let target = try registry.open()
        let ids: [Int64]
        do {
            ids = try target.addPlannedRoads(roads, from: LayerRequest(parsing: file).path, actor: registry.who, reason: reason)
        } catch {
            target.removeIfCreatedEmpty()
            throw error
        }
        print("\(ids.count) planned road(s) from \(file)" + (ids.isEmpty ? "" : ", ids \(ids[0])–\(ids[ids.count - 1])"))
    }
}

struct NamesSuggest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Suggest lawful names for a planned road from its plan area's theme and series, best first.",
        discussion: """
            Every suggestion passes every rule (verdict ok) and uses a 通名 its class allows; no two are homophones. \
            A series continues after the highest number in use.
            Example: doorstep names suggest 3 --count 5 --format json
            """)

    @Argument(help: "Planned road id.") var id: Int64
    @Option(help: "How many (1–100).") var count = 5
    @Option(help: "text or json.") var format: OutputFormat = .text
    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        guard (1...100).contains(count) else { throw ValidationError("--count \(count): give 1 to 100") }
    }

    func run() throws {
        let result = try registry.read().suggest(for: id, count: count)
        if result.exhausted {
            Console.warn(
                "the theme of plan area \(result.area.name) (\(result.area.themeText)) is exhausted: \(result.tried) name(s) tried, \(result.suggestions.count) lawful; widen the theme or the road classes' 通名")
        }
        switch format {
        case .json:
            printJSON(.array(result.suggestions.map { s in
                .object([
                    "name": .string(s.name), "pinyin": .string(s.pinyin), "generic": .string(s.generic),
                    "theme_words": .array(s.themeWords.map(JSONValue.string)), "score": .number(s.score),
                ])
            }))
        case .text:
            print("planned road \(result.road.id) (\(result.road.roadClass)) in plan area \(result.area.name), theme \(result.area.themeText)")
            for s in result.suggestions {
                print("  \(s.name)  \(s.pinyin)  score \(s.score)  theme \(s.themeWords.joined(separator: "、"))")
            }
        }
    }
}

struct NamesAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Re-check every in-use record against the current rules and settings; list the non-conforming ones (read-only).",
        discussion: """
            text: counts by district and rule, then each record with its findings; csv: one row per record (UTF-8 with BOM); \
            geojson: one point per record (its own point, a line's halfway point, an area's inner point) for the map.
            Example: doorstep names audit --format csv --output audit.csv
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, geojson }

    @Option(help: "text, csv or geojson.") var format: Format?
    @Option(help: "Write here (atomically); the format follows the extension (.csv, .geojson) unless --format says.") var output: String?
    @OptionGroup var registry: RegistryOptions

    var resolvedFormat: Format {
        if let format { return format }
        guard let output else { return .text }
        let lower = output.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".geojson") || lower.hasSuffix(".json") { return .geojson }
        return .text
    }

    func run() throws {
        if let output { try OutputFile.checkWritable(output, inputs: ["", "-wal", "-shm"].map { self.registry.db + $0 }) }
        let audit = try registry.read().audit()
        let bytes: [UInt8]
        switch resolvedFormat {
        case .text: bytes = Array(Self.text(audit).utf8)
        case .csv: bytes = Array(Self.csv(audit).utf8)
        case .geojson: bytes = GeoJSONWriter().featureCollection(Self.features(audit))
        }
        try emit(bytes, to: output)
        if output != nil { Console.note("\(audit.entries.count) of \(audit.checked) in-use record(s) do not conform") }
    }

    static func text(_ audit: AuditReport) -> String {
        var lines = ["\(audit.entries.count) of \(audit.checked) in-use record(s) do not conform"]
        lines.append("by district: " + audit.byDistrict.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        lines.append("by rule:     " + audit.byRule.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        for entry in audit.entries {
            lines.append("\(entry.place.id)  \(entry.place.name)  \(entry.place.type)  \(entry.place.district ?? "–")  → \(entry.verdict.rawValue)")
            for finding in entry.findings { lines.append("  [\(finding.severity.rawValue)] \(finding.rule): \(finding.message)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let csvColumns = ["id", "name", "pinyin", "type", "district", "town", "verdict", "rules", "severities", "messages", "conflicts", "longitude", "latitude"]

    static func csv(_ audit: AuditReport) -> String {
        var lines = [csvColumns.joined(separator: ",")]
        for entry in audit.entries {
            let point = entry.place.geometry.flatMap(representativePoint)
            let cells: [String?] = [
                String(entry.place.id), entry.place.name, entry.place.pinyin, entry.place.type, entry.place.district, entry.place.town,
                entry.verdict.rawValue, entry.findings.map(\.rule).joined(separator: ";"),
                entry.findings.map(\.severity.rawValue).joined(separator: ";"), entry.findings.map(\.message).joined(separator: " | "),
                entry.findings.flatMap(\.conflicts).map { "\($0.id) \($0.name)" }.joined(separator: ";"),
                point.map { String(format: "%.7f", $0.x) }, point.map { String(format: "%.7f", $0.y) },
            ]
            lines.append(cells.map { CSVCell.escape($0 ?? "") }.joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    static func features(_ audit: AuditReport) -> [Feature] {
        audit.entries.map { entry in
            let place = entry.place
            return Feature(
                geometry: place.geometry.flatMap(representativePoint).map { .point($0) },
                properties: [
                    "id": .number(Double(place.id)), "name": .string(place.name), "pinyin": .string(place.pinyin), "type": .string(place.type),
                    "district": place.district.map(JSONValue.string) ?? .null, "town": place.town.map(JSONValue.string) ?? .null,
                    "verdict": .string(entry.verdict.rawValue), "rules": .string(entry.findings.map(\.rule).joined(separator: ";")),
                    "severities": .string(entry.findings.map(\.severity.rawValue).joined(separator: ";")),
                    "messages": .string(entry.findings.map(\.message).joined(separator: " | ")),
                    "conflicts": .string(entry.findings.flatMap(\.conflicts).map { "\($0.id)" }.joined(separator: ";")),
                ])
        }
    }
}

/// A point for a record on the audit's map and table.
func representativePoint(_ geometry: GeometryValue) -> Coordinate? {
    PlanGeometry.representativePoint(geometry)
}

struct NamesPlanReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "One offline HTML file of the plan's progress: planned roads named and unnamed by district and year, a map, the audit, the name bank.",
        discussion: "Example: doorstep names plan report --output plan.html --lang en")

    @Option(help: "The HTML file to write.") var output = "plan.html"
    @Option(help: "zh or en.") var lang = "zh"
    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        guard PlanReportLanguage(rawValue: lang) != nil else { throw ValidationError("--lang \(RegistryInput.shown(lang)): zh or en") }
    }

    func run() throws {
        try OutputFile.checkWritable(output, inputs: ["", "-wal", "-shm"].map { self.registry.db + $0 })
        let data = try registry.read().planReportData()
        let html = PlanReportHTML(data: data, language: PlanReportLanguage(rawValue: lang) ?? .zh, version: Doorstep.configuration.version).render()
        try OutputFile.write(Array(html.utf8), to: output)
        let named = data.roads.filter { $0.placeID != nil }.count
        Console.note("\(output): \(data.areas.count) plan area(s), \(named) of \(data.roads.count) planned road(s) named, \(data.audit.entries.count) non-conforming name(s), \(data.reserved.count) in the name bank")
    }
}
