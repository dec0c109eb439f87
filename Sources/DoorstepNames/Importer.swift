import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import GRDB

/// Property names an import reads; the defaults are the contract of `doorstep names import`.
public struct ImportFields: Sendable {
    public var name = "name"
    public var type = "type"
    public var district = "district"
    public var town = "town"
    public var status = "status"
    public var pinyin = "pinyin"
    public var protected = "protected"
    /// The type for rows that do not say; without it the type is read off the name's 通名.
    public var defaultType: String?
    /// The type for rows that do not say and whose 通名 does not tell (legacy names such as 乔司农场).
    public var fallbackType: String?

    public init() {}
}

/// What an import did: how many records, and the legacy conflicts it found (never refused).
public struct ImportReport: Sendable {
    public var imported: Int
    public var conflicts: [LegacyConflict]
}

/// Names already in the registry that would fail `duplicate` or `homophone` if proposed today.
public struct LegacyConflict: Sendable, Equatable {
    public var rule: String
    /// The shared name or pinyin.
    public var key: String
    /// Where: "the city", "district 330106", "town 330106001".
    public var scope: String
    public var records: [Finding.Conflict]
}

extension Registry {
    /// Imports a GeoJSON or CSV file (by its extension) as one transaction: every row is checked
    /// first, and a bad row names its line or feature and imports nothing.
    public func importFile(_ path: String, fields: ImportFields = ImportFields(), actor: String, formats: LayerFormats = .builtIn) throws -> ImportReport {
        let drafts = try Self.readImport(path, fields: fields, types: try types(), formats: formats)
        return try importDrafts(drafts, from: path, actor: actor)
    }

    /// The records of a GeoJSON or CSV file, every row read and checked against `types`, without
    /// touching a registry: a command can read its input before it creates one.
    public static func readImport(
        _ path: String, fields: ImportFields = ImportFields(), types: [String: PlaceType], formats: LayerFormats = .builtIn,
        encoding: String? = nil, warn: (String) -> Void = { _ in }
    ) throws -> [PlaceDraft] {
        var request = LayerRequest(parsing: path)
        request.encoding = encoding
        let (features, locations, notes) = try importRows(request, formats: formats)
        notes.forEach(warn)
        let path = request.path
        var drafts: [PlaceDraft] = []
        drafts.reserveCapacity(features.count)
        for (index, feature) in features.enumerated() {
            do {
                let draft = try draft(from: feature, fields: fields, types: types)
                try validate(draft)
                drafts.append(draft)
            } catch let error as RegistryError {
                throw InputError(file: path, location: locations[index], message: error.message)
            }
        }
        return drafts
    }

    /// The features of a layer (through `formats`), each with where it is in the file: "feature 3",
    /// or the line its table row starts on (a quoted cell may span lines). A table (CSV, Excel) without
    /// coordinate columns gives records without a location; blank rows are passed over.
    static func importRows(_ request: LayerRequest, formats: LayerFormats) throws -> (features: [Feature], locations: [String], notes: [String]) {
        var request = request
        request.coordinatesOptional = true
        let collection = try formats.read(request)
        let lines = collection.featureLines
        let locations = collection.features.indices.map { index in
            lines.flatMap { index < $0.count ? "line \($0[index])" : nil } ?? "feature \(index)"
        }
        return (collection.features, locations, collection.notes)
    }

    /// Writes records read by ``readImport(_:fields:types:)`` in one transaction, each with an event.
    public func importDrafts(_ drafts: [PlaceDraft], from path: String, actor: String) throws -> ImportReport {
        try Self.validateEvent(actor: actor, reason: nil)
        Romanizer.shared.prepare(drafts.map(\.name))
        let file = URL(fileURLWithPath: path).lastPathComponent
        let count = try write { db in
            let types = try Self.types(db)
            let statement = try db.makeStatement(
                sql: "INSERT INTO event (place_id, at, actor, action, reason, before, after) VALUES (?, ?, ?, 'import', ?, NULL, ?)")
            let at = Self.now()
            for draft in drafts {
                let id = try Self.insert(draft, types: types, at: at, in: db)
                try statement.execute(arguments: [id, at, actor, "imported from \(file)", GeoJSONWriter.json(.object(Self.snapshot(draft)))])
            }
            return drafts.count
        }
        return ImportReport(imported: count, conflicts: try legacyConflicts())
    }

    static func text(_ feature: Feature, _ key: String) -> String? {
        guard let value = feature.properties[key]?.textValue?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// The first code among `keys`, which must have one of `lengths` digits. A value of letters
    /// alone is a name in a code column (清波街道 in "town") and is passed over; any other value that
    /// is not such a code is an error naming the column, never stored as given.
    static func code(_ feature: Feature, _ keys: [String], lengths: Set<Int>) throws -> String? {
        for key in keys {
            guard let value = text(feature, key) else { continue }
            if lengths.contains(where: { RegistryInput.isDigits(value, count: $0) }) { return value }
            if value.allSatisfy({ $0.isLetter || $0 == "·" }) { continue }
            let expected = lengths.sorted().map(String.init).joined(separator: " or ")
            throw RegistryError("\(key) \(RegistryInput.shown(value)) is not a code of \(expected) digits")
        }
        return nil
    }

    /// An NBS code the row carries for itself (6 digits: district, 9: town, 12: community). Under
    /// "code" a value that is not all digits is another numbering (G104) and is passed over.
    static func ownCode(_ feature: Feature) throws -> String? {
        for key in ["code", "adcode", "town_code_2022", "town_code"] {
            guard let value = text(feature, key) else { continue }
            if [6, 9, 12].contains(where: { RegistryInput.isDigits(value, count: $0) }) { return value }
            if key == "code", !value.allSatisfy({ $0.isASCII && $0.isNumber }) { continue }
            throw RegistryError("\(key) \(RegistryInput.shown(value)) is not an NBS code (6, 9 or 12 digits)")
        }
        return nil
    }

    static func draft(from feature: Feature, fields: ImportFields, types: [String: PlaceType]) throws -> PlaceDraft {
        guard let name = text(feature, fields.name) else { throw RegistryError("has no \"\(fields.name)\"") }
        let shown = RegistryInput.shown(name)
        let typeID: String
        if let given = text(feature, fields.type) ?? fields.defaultType {
            guard types[given] != nil else {
                throw RegistryError("\(shown): unknown type \"\(RegistryInput.shown(given))\"; known: \(types.keys.sorted().joined(separator: ", "))")
            }
            typeID = given
        } else if let inferred = PlaceType.infer(from: name, types: types) {
            typeID = inferred.id
        } else if let fallback = fields.fallbackType {
            guard types[fallback] != nil else { throw RegistryError("unknown fallback type \"\(RegistryInput.shown(fallback))\"") }
            typeID = fallback
        } else {
            throw RegistryError("\(shown): no \"\(fields.type)\" and its 通名 does not tell the type; add a type column, --type or --fallback-type")
        }
        var status = PlaceStatus.inUse
        if let label = text(feature, fields.status) {
            guard let parsed = PlaceStatus(rawValue: label) else {
                throw RegistryError("\(shown): status \"\(RegistryInput.shown(label))\"; expected \(PlaceStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = parsed
        }
        // Codes: the named columns, else NBS codes carried by the row (12 digits: community, 9: town).
        let ownCode = try ownCode(feature)
        var district = try code(feature, [fields.district, "district_code", "district_adcode_2022"], lengths: [6])
        var town = try code(feature, [fields.town, "town_code", "town_code_2022"], lengths: [9])
        if let ownCode, ownCode.count >= 9 {
            district = district ?? String(ownCode.prefix(6))
            if ownCode.count >= 12 || types[typeID]?.scope == .town { town = town ?? String(ownCode.prefix(9)) }
            if ownCode.count == 9, ["subdistrict", "town"].contains(typeID) { town = town ?? ownCode }
        } else if let ownCode, ownCode.count == 6 {
            district = district ?? ownCode
        }
        var isProtected = false
        if let flag = text(feature, fields.protected)?.lowercased() {
            switch flag {
            case "true", "1", "yes", "y", "是": isProtected = true
            case "false", "0", "no", "n", "否": isProtected = false
            default: throw RegistryError("\(shown): protected is \"\(RegistryInput.shown(flag))\"; use true or false")
            }
        }
        for key in ["approval_date", "notice_date"] {
            if let date = text(feature, key), !isISODate(date) {
                throw RegistryError("\(shown): \(key) \"\(RegistryInput.shown(date))\" is not a date like 2024-05-01")
            }
        }
        func names(_ key: String) -> [NameEntry] {
            (text(feature, key) ?? "").split(whereSeparator: { $0 == ";" || $0 == "；" || $0 == "|" }).map {
                NameEntry(name: $0.trimmingCharacters(in: .whitespaces))
            }
        }
        return PlaceDraft(
            name: name, type: typeID, district: district, town: town, geometry: feature.geometry,
            approvedPinyin: text(feature, fields.pinyin), status: status, isProtected: isProtected,
            approvalBody: text(feature, "approval_body"), approvalDate: text(feature, "approval_date"),
            approvalDocument: text(feature, "approval_document"), noticeDate: text(feature, "notice_date"),
            sources: text(feature, "sources"), remarks: text(feature, "remarks"), formerNames: names("former_names"),
            aliases: names("aliases"))
    }

    /// Whether `text` is a calendar date written YYYY-MM-DD.
    public static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        // ASCII digits only: Character.isNumber would take ２０２４ or २०२४ as a year.
        return parts.count == 3 && parts[0].utf8.count == 4 && parts.allSatisfy { $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
            && (1...12).contains(Int(parts[1]) ?? 0) && (1...31).contains(Int(parts[2]) ?? 0)
    }

    /// Duplicates and homophones already in the registry, per the scope of each type.
    public func legacyConflicts() throws -> [LegacyConflict] {
        try read { db in
            let types = try Self.types(db)
            var conflicts: [LegacyConflict] = []
            for scope in DuplicateScope.allCases {
                let ids = types.values.filter { $0.scope == scope }.map(\.id)
                guard !ids.isEmpty else { continue }
                let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
                let group: String = switch scope {
                case .city, .province: "''"
                case .county: "coalesce(district, '')"
                case .town: "coalesce(town, '')"
                }
                for (rule, key, distinct) in [("duplicate", "name", "COUNT(*)"), ("homophone", "sound_key", "COUNT(DISTINCT name)")] {
                    let rows = try Row.fetchAll(
                        db, sql: """
                            SELECT \(key) AS k, \(group) AS g, group_concat(id) AS ids, group_concat(name, char(31)) AS names FROM place
                            WHERE type IN (\(marks)) AND status NOT IN ('retired','deprecated')
                            GROUP BY k, g HAVING \(distinct) > 1 ORDER BY k
                            """,
                        arguments: StatementArguments(ids))
                    for row in rows {
                        let idList = (row["ids"] as String).split(separator: ",").compactMap { Int64($0) }
                        // Names cannot hold control characters, so the unit separator (U+001F) cannot occur in one.
                        let nameList = (row["names"] as String).split(separator: "\u{1F}").map(String.init)
                        let g: String = row["g"]
                        let scopeText = switch scope {
                        case .city: "the city"
                        case .province: "the province"
                        case .county: g.isEmpty ? "no district given" : "district \(g)"
                        case .town: g.isEmpty ? "no town given" : "town \(g)"
                        }
                        conflicts.append(
                            LegacyConflict(
                                rule: rule, key: row["k"], scope: scopeText,
                                records: zip(idList, nameList).map { Finding.Conflict(id: $0, name: $1) }))
                    }
                }
            }
            return conflicts
        }
    }
}
