import ArgumentParser
import DoorstepGDAL
import DoorstepGeoJSON
import DoorstepNames
import Foundation

struct NamesShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a record.", discussion: "Example: doorstep names show 12 --format json")

    @Argument(help: "Record id.") var id: Int64
    @Option(help: "text or json.") var format: OutputFormat = .text
    @OptionGroup var registry: RegistryOptions

    func run() throws {
        guard let place = try registry.read().place(id) else { throw ValidationError("no record with id \(id) in \(registry.db)") }
        switch format {
        case .json: printJSON(.object(place.properties))
        case .text: print(place.text)
        }
    }
}

struct NamesSearch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Find records by characters, full pinyin, pinyin initials or former names.",
        discussion: "Example: doorstep names search wensan   |   doorstep names search wsl   |   doorstep names search 文三")

    @Argument(help: "Characters or pinyin.") var text: String
    @Option(help: "text or json.") var format: OutputFormat = .text
    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let places = try registry.read().search(text)
        switch format {
        case .json: printJSON(.array(places.map { .object($0.properties) }))
        case .text:
            for place in places {
                let former = place.formerNames.isEmpty ? "" : "  (formerly \(place.formerNames.map(\.name).joined(separator: ", ")))"
                print("\(place.id)  \(place.name)  \(place.pinyin)  \(place.type)  \(place.status.rawValue)\(former)")
            }
        }
    }
}

struct NamesHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every change to a record: when, who, what, why.",
        discussion: "Example: doorstep names history 12")

    @Argument(help: "Record id.") var id: Int64
    @Option(help: "text or json.") var format: OutputFormat = .text
    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let events = try registry.read().history(id)
        switch format {
        case .json:
            printJSON(.array(events.map(\.json)))
        case .text:
            for event in events {
                print("\(event.at)  \(event.actor)  \(event.action)\(event.reason.map { "  — \($0)" } ?? "")")
                if let before = event.before, before != "{}" { print("    before \(before)") }
                if let after = event.after { print("    after  \(after)") }
            }
        }
    }
}

struct NamesExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the registry as RFC 7946 GeoJSON (one geometry type per file) or CSV.",
        discussion: """
            GeoJSON holds one geometry type, so that GIS opens it as one layer: --geometry point (the default) \
            writes every record as a point (a line's or area's point on its surface), line only the lines as \
            MultiLineString, polygon only the areas as MultiPolygon. Lists (former_names, aliases) are text \
            joined with ";".

            Example: doorstep names export --status in-use --geometry polygon --output names-areas.geojson
            """)

    enum Format: String, ExpressibleByArgument { case geojson, csv }

    @Option(help: "geojson or csv.") var format: Format = .geojson
    @Option(help: "GeoJSON only: point (every record), line or polygon (only the records of that shape). Default: point.")
    var geometry: ExportGeometry?
    @Option(help: "Only records with this status.") var status: PlaceStatus?
    @Option(help: "Write here (atomically) instead of standard output; features go in the format of the extension (.geojson, .gpkg, .shp, .fgb, .kml).") var output: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        // CSV has one representative point per record already: a shape choice would be silently ignored.
        if format == .csv, geometry != nil { throw ValidationError("--geometry applies to --format geojson; CSV has a point per record") }
    }

    func run() throws {
        // The export never replaces the registry it reads (or its write-ahead files).
        if let output {
            try OutputFile.checkWritable(output, inputs: ["", "-wal", "-shm"].map { self.registry.db + $0 })
            if format == .geojson { try VectorOutput.check(output) }
        }
        let registry = try registry.read()
        switch format {
        case .csv:
            try emit(Array(try registry.exportCSV(status: status).utf8), to: output)
        case .geojson:
            let shape = geometry ?? .point
            let features = try registry.exportFeatures(status: status, geometry: shape)
            if shape != .point {
                // Say what was left out, so a short file is not taken for a short registry.
                Console.note("\(features.count) record(s) with a \(shape.rawValue) shape written; --geometry point writes every record")
            }
            let declared: OutputSchema.Geometry =
                switch shape {
                case .point: .point
                case .line: .multiLineString
                case .polygon: .multiPolygon
                }
            try emitLayer(features, to: output, schema: .namesExport(geometry: declared))
        }
    }
}

extension ExportGeometry: ExpressibleByArgument {}

extension PlaceStatus: ExpressibleByArgument {}

struct NamesPlanSummary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "The plan's pipeline: counts by status, type and district; planned roads by district and year; reserved, protected and unnamed records.",
        discussion: "Example: doorstep names plan --format json")

    @Option(help: "text or json.") var format: OutputFormat = .text
    @OptionGroup var registry: RegistryOptions

    func run() throws {
        let source = try registry.read()
        let plan = try source.planSummary()
        let planned = try source.plannedRoadCounts()
        let plannedJSON = JSONValue.array(planned.map { row in
            .object([
                "district": row.district.map(JSONValue.string) ?? .null, "year": row.year.map { .number(Double($0)) } ?? .null,
                "named": .number(Double(row.named)), "unnamed": .number(Double(row.unnamed)),
            ])
        })
        func counts(_ pairs: [(String, Int)]) -> JSONValue {
            .object(JSONObject(pairs.map { ($0.0, JSONValue.number(Double($0.1))) }))
        }
        func brief(_ places: [Place]) -> JSONValue {
            .array(places.map { .object(["id": .number(Double($0.id)), "name": .string($0.name), "type": .string($0.type), "district": $0.district.map(JSONValue.string) ?? .null]) })
        }
        switch format {
        case .json:
            printJSON(.object([
                "by_status": counts(plan.byStatus), "by_type": counts(plan.byType), "by_district": counts(plan.byDistrict),
                "reserved": brief(plan.reserved), "protected": brief(plan.protected), "unnamed": brief(plan.unnamed),
                "planned_roads": plannedJSON,
            ]))
        case .text:
            print("by status:   " + plan.byStatus.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            print("by type:     " + plan.byType.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            print("by district: " + plan.byDistrict.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            if !planned.isEmpty {
                print("planned roads (district, year: named / unnamed):")
                for row in planned {
                    print("  \(row.district ?? "(none)") \(row.year.map(String.init) ?? "(no year)"): \(row.named) / \(row.unnamed)")
                }
            }
            for (title, places) in [("reserved (name bank)", plan.reserved), ("protected (historic)", plan.protected), ("still unnamed (规划…/待命名)", plan.unnamed)] {
                print("\(title): \(places.count)")
                for place in places.prefix(50) { print("  \(place.id)  \(place.name)  \(place.type)  \(place.district ?? "")") }
            }
        }
    }
}

struct NamesSettings: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Show the rule settings (word lists, limits), or load new ones from a JSON file.",
        discussion: "Example: doorstep names settings > rules.json; edit; doorstep names settings --load rules.json")

    @Option(help: "A JSON file of settings; keys left out keep their defaults.") var load: String?
    @Option(help: "Why (with --load).") var reason: String?
    @OptionGroup var registry: RegistryOptions

    func validate() throws { try validateTexts([("--reason", reason, true)]) }

    func run() throws {
        let settings: NameSettings
        if let load {
            // The file is read and checked before the registry is opened (or created).
            let loaded = try Self.read(load)
            let target = try registry.open()
            do {
                try target.setSettings(loaded, actor: registry.who, reason: reason)
                settings = try target.settings()
            } catch {
                target.removeIfCreatedEmpty()
                throw error
            }
        } else {
            // Showing reads only; without a registry, the defaults a new one starts with.
            settings = FileManager.default.fileExists(atPath: registry.db) ? try registry.read().settings() : NameSettings()
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(settings), as: UTF8.self))
    }

    static func read(_ file: String) throws -> NameSettings {
        let bytes = try GeoJSONReader.readBytes(of: file)
        let settings: NameSettings
        do { settings = try JSONDecoder().decode(NameSettings.self, from: Data(bytes)) } catch {
            throw InputError(file: file, message: "not a settings file: \(NameSettings.describe(error))")
        }
        if let problem = settings.problem { throw InputError(file: file, message: problem) }
        return settings
    }
}

struct NamesTypes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types", abstract: "List place types, or add/replace one.",
        discussion: "Example: doorstep names types --add greenway --label 绿道 --generics 绿道 --scope city")

    @Option(help: "Add or replace this type.") var add: String?
    @Option(help: "Its Chinese label.") var label: String?
    @Option(help: "Its allowed 通名, comma-separated.") var generics: String?
    @Option(help: "Duplicate scope: city, county, province or town.") var scope: String?
    @OptionGroup var registry: RegistryOptions

    /// The type `--add` describes, or `nil` without `--add`.
    func newType() throws -> PlaceType? {
        guard let add else { return nil }
        guard let generics, let scopeText = scope, let parsed = DuplicateScope(rawValue: scopeText) else {
            throw ValidationError("--add needs --generics A,B and --scope city|county|province|town")
        }
        let type = PlaceType(
            id: add, label: label ?? add, generics: generics.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            scope: parsed)
        do { try Registry.validate(type) } catch let error as RegistryError { throw ValidationError(error.message) }
        return type
    }

    func validate() throws { _ = try newType() }

    func run() throws {
        let types: [String: PlaceType]
        if let type = try newType() {
            let target = try registry.open()
            do {
                try target.saveType(type, actor: registry.who)
                types = try target.types()
            } catch {
                target.removeIfCreatedEmpty()
                throw error
            }
        } else {
            types = FileManager.default.fileExists(atPath: registry.db) ? try registry.read().types() : PlaceType.defaultsByID
        }
        for type in types.values.sorted(by: { $0.id < $1.id }) {
            print("\(type.id)\t\(type.label)\t\(type.scope.rawValue)\t\(type.generics.joined(separator: "、"))")
        }
    }
}
