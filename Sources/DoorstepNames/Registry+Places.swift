import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import GRDB

/// The values of a record: what a new record starts with, and what a `Place` carries.
public struct PlaceDraft: Sendable, Equatable {
    public var name: String
    public var type: String
    public var district: String?
    public var town: String?
    public var geometry: GeometryValue?
    public var approvedPinyin: String?
    public var status: PlaceStatus
    public var isProtected: Bool
    public var approvalBody: String?
    public var approvalDate: String?
    public var approvalDocument: String?
    public var noticeDate: String?
    public var sources: String?
    public var remarks: String?
    public var formerNames: [NameEntry]
    public var aliases: [NameEntry]

    public init(
        name: String, type: String, district: String? = nil, town: String? = nil, geometry: GeometryValue? = nil,
        approvedPinyin: String? = nil, status: PlaceStatus = .proposed, isProtected: Bool = false,
        approvalBody: String? = nil, approvalDate: String? = nil, approvalDocument: String? = nil,
        noticeDate: String? = nil, sources: String? = nil, remarks: String? = nil, formerNames: [NameEntry] = [],
        aliases: [NameEntry] = []
    ) {
        self.name = name
        self.type = type
        self.district = district
        self.town = town
        self.geometry = geometry
        self.approvedPinyin = approvedPinyin
        self.status = status
        self.isProtected = isProtected
        self.approvalBody = approvalBody
        self.approvalDate = approvalDate
        self.approvalDocument = approvalDocument
        self.noticeDate = noticeDate
        self.sources = sources
        self.remarks = remarks
        self.formerNames = formerNames
        self.aliases = aliases
    }
}

extension Registry {
    static let placeColumns = """
        id, name, proper, generic, type, district, town, geometry, pinyin, status, protected, approval_body,
        approval_date, approval_document, notice_date, sources, remarks
        """

    static func geometryText(_ geometry: GeometryValue?) -> String? {
        guard let geometry else { return nil }
        var out: [UInt8] = []
        GeoJSONWriter().write(geometry.orientedForGeoJSON(), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads a stored geometry back through the one GeoJSON reader Doorstep has. One that does not
    /// read is an error naming the record: taking it as "no geometry" would hide the place from
    /// every map and distance without a word.
    static func geometry(from text: String?, id: Int64) throws -> GeometryValue? {
        guard let text else { return nil }
        let wrapped = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":"# + text + "}]}"
        do {
            return try GeoJSONReader.parse(Array(wrapped.utf8), file: "registry").features.first?.geometry ?? nil
        } catch {
            throw RegistryError("record \(id): the stored geometry does not read (\(error.message)); set it again with `doorstep names update \(id) --at LON,LAT`")
        }
    }

    static func place(from row: Row, names: [Row]) throws -> Place {
        let id: Int64 = try row.stored("id", of: "a record")
        func entries(_ kind: String) throws -> [NameEntry] {
            try names.filter { try $0.stored("kind", of: "record \(id)") as String == kind }.map {
                NameEntry(name: try $0.stored("name", of: "record \(id)"), from: $0["valid_from"], to: $0["valid_to"])
            }
        }
        let statusText: String = try row.stored("status", of: "record \(id)")
        guard let status = PlaceStatus(rawValue: statusText) else {
            throw RegistryError("record \(id): the stored status \(RegistryInput.shown(statusText)) is not one Doorstep knows")
        }
        return Place(
            id: id,
            record: PlaceDraft(
                name: try row.stored("name", of: "record \(id)"), type: try row.stored("type", of: "record \(id)"),
                district: row["district"], town: row["town"],
                geometry: try geometry(from: row["geometry"], id: id), approvedPinyin: row["pinyin"],
                status: status, isProtected: try row.stored("protected", of: "record \(id)"),
                approvalBody: row["approval_body"], approvalDate: row["approval_date"],
                approvalDocument: row["approval_document"], noticeDate: row["notice_date"], sources: row["sources"],
                remarks: row["remarks"], formerNames: try entries("former"), aliases: try entries("alias")),
            proper: try row.stored("proper", of: "record \(id)"), generic: try row.stored("generic", of: "record \(id)"))
    }

    static func places(_ db: Database, where condition: String, _ arguments: StatementArguments = []) throws -> [Place] {
        let rows = try Row.fetchAll(try db.cachedStatement(sql: "SELECT \(placeColumns) FROM place WHERE \(condition) ORDER BY id"), arguments: arguments)
        guard !rows.isEmpty else { return [] }
        var names: [Int64: [Row]] = [:]
        let ids = rows.map { $0["id"] as Int64 }
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let part = Array(ids[chunk..<min(ids.count, chunk + 500)])
            let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
            for row in try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT place_id, name, kind, valid_from, valid_to FROM place_alias WHERE place_id IN (\(marks)) ORDER BY id"),
                arguments: StatementArguments(part))
            {
                names[row["place_id"], default: []].append(row)
            }
        }
        return try rows.map { try place(from: $0, names: names[$0["id"] as Int64] ?? []) }
    }

    public func place(_ id: Int64) throws -> Place? {
        try read { db in try Self.places(db, where: "id = ?", [id]).first }
    }

    func existing(_ db: Database, _ id: Int64) throws -> Place {
        guard let place = try Self.places(db, where: "id = ?", [id]).first else {
            throw RegistryError("no record with id \(id) in \(path)", kind: .notFound)
        }
        return place
    }

    /// Inserts a record and its names, returning its id. No event: callers record theirs.
    static func insert(_ draft: PlaceDraft, types: [String: PlaceType], at now: String = Registry.now(), in db: Database) throws -> Int64 {
        guard let type = types[draft.type] else {
            throw RegistryError("unknown place type \"\(RegistryInput.shown(draft.type))\"; known: \(types.keys.sorted().joined(separator: ", "))")
        }
        try validate(draft)
        let parts = NameParts(draft.name, type: type)
        let envelope = draft.geometry.flatMap { $0.envelope }
        let keys = NameKeys(draft.name)
        try db.cachedStatement(
            sql: """
                INSERT INTO place (name, proper, generic, type, district, town, geometry, min_x, min_y, max_x, max_y, pinyin,
                  sound_key, near_key, initials, status, protected, approval_body, approval_date, approval_document,
                  notice_date, sources, remarks, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                draft.name, parts.proper, parts.generic, draft.type, draft.district, draft.town, geometryText(draft.geometry),
                envelope?.minX, envelope?.minY, envelope?.maxX, envelope?.maxY, draft.approvedPinyin,
                keys.sound, keys.nearSound, keys.initials,
                draft.status.rawValue, draft.isProtected, draft.approvalBody, draft.approvalDate, draft.approvalDocument,
                draft.noticeDate, draft.sources, draft.remarks, now, now,
            ])
        let id = db.lastInsertedRowID
        for (kind, entries) in [("former", draft.formerNames), ("alias", draft.aliases)] {
            for entry in entries { try addName(entry, kind: kind, to: id, in: db) }
        }
        return id
    }

    static func addName(_ entry: NameEntry, kind: String, to id: Int64, in db: Database) throws {
        try validate(entry, as: kind == "alias" ? "alias" : "former name")
        let keys = NameKeys(entry.name)
        try db.cachedStatement(
            sql: "INSERT INTO place_alias (place_id, name, kind, sound_key, initials, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [id, entry.name, kind, keys.sound, keys.initials, entry.from, entry.to])
    }

    /// Why a record cannot be stored, naming the field: every way in (import, propose, update, the
    /// library) passes here, so a NUL, a stray escape sequence or a code that is not a code never lands.
    static func validate(_ draft: PlaceDraft) throws {
        if let problem = RegistryInput.nameProblem(draft.name) { throw RegistryError("the name \(RegistryInput.shown(draft.name)) \(problem)") }
        if let district = draft.district, let problem = RegistryInput.districtProblem(district) { throw RegistryError("district: \(problem)") }
        if let town = draft.town, let problem = RegistryInput.townProblem(town, district: draft.district) { throw RegistryError("town: \(problem)") }
        if let geometry = draft.geometry { try validate(geometry) }
        let texts: [(String, String?, Bool)] = [
            ("pinyin", draft.approvedPinyin, false), ("approval body", draft.approvalBody, false),
            ("approval document", draft.approvalDocument, false), ("sources", draft.sources, true), ("remarks", draft.remarks, true),
        ]
        for (field, value, multiline) in texts {
            if let value, let problem = RegistryInput.textProblem(value, multiline: multiline) {
                throw RegistryError("\(field) \(RegistryInput.shown(value)) \(problem)")
            }
        }
        for (field, value) in [("approval date", draft.approvalDate), ("notice date", draft.noticeDate)] {
            if let value, !isISODate(value) { throw RegistryError("\(field) \(RegistryInput.shown(value)) is not a date like 2024-05-01") }
        }
        for entry in draft.formerNames { try validate(entry, as: "former name") }
        for entry in draft.aliases { try validate(entry, as: "alias") }
    }

    static func validate(_ entry: NameEntry, as kind: String) throws {
        if let problem = RegistryInput.nameProblem(entry.name) { throw RegistryError("\(kind) \(RegistryInput.shown(entry.name)) \(problem)") }
        for date in [entry.from, entry.to].compactMap({ $0 }) where !isISODate(date) {
            throw RegistryError("\(kind) \(entry.name): \(RegistryInput.shown(date)) is not a date like 2024-05-01")
        }
    }

    /// A stored geometry is WGS84 longitude/latitude with at least one position: an empty Polygon or
    /// MultiPolygon is "no geometry" said wrongly, and would break every map and label made from it.
    static func validate(_ geometry: GeometryValue) throws {
        let coordinates = geometry.coordinates
        guard !coordinates.isEmpty else {
            throw RegistryError("the \(geometry.typeName) has no positions (an empty geometry); give null for a place without one")
        }
        if let bad = coordinates.first(where: { !(-180...180).contains($0.x) || !(-90...90).contains($0.y) }) {
            throw RegistryError("the \(geometry.typeName) has the position \(bad.x), \(bad.y), outside longitude -180…180 / latitude -90…90")
        }
    }

    /// The values an event records, for history: the name, its status and the facts around it.
    static func snapshot(_ record: PlaceDraft) -> JSONObject {
        var object: JSONObject = [
            "name": .string(record.name), "type": .string(record.type), "status": .string(record.status.rawValue),
            "protected": .bool(record.isProtected),
        ]
        for (key, value) in [
            ("district", record.district), ("town", record.town), ("pinyin", record.approvedPinyin),
            ("approval_body", record.approvalBody), ("approval_date", record.approvalDate),
            ("approval_document", record.approvalDocument), ("notice_date", record.noticeDate), ("remarks", record.remarks),
            ("sources", record.sources), ("geometry", geometryText(record.geometry)),
        ] {
            if let value { object[key] = .string(value) }
        }
        if !record.aliases.isEmpty { object["aliases"] = .array(record.aliases.map { .string($0.name) }) }
        return object
    }

    /// The fields that differ, as (before, after) objects.
    static func difference(_ before: Place, _ after: Place) -> (JSONObject, JSONObject) {
        let a = snapshot(before.record), b = snapshot(after.record)
        var changedBefore = JSONObject(), changedAfter = JSONObject()
        for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
            changedBefore[key] = a[key] ?? .null
            changedAfter[key] = b[key] ?? .null
        }
        return (changedBefore, changedAfter)
    }

    /// Creates a record with an event; `action` is propose, reserve, import or add.
    @discardableResult
    public func create(_ draft: PlaceDraft, action: String, actor: String, reason: String? = nil) throws -> Int64 {
        try write { db in try create(draft, action: action, actor: actor, reason: reason, in: db) }
    }

    func create(_ draft: PlaceDraft, action: String, actor: String, reason: String?, in db: Database) throws -> Int64 {
        let id = try Self.insert(draft, types: try Self.types(db), in: db)
        try recordEvent(db, place: id, action: action, actor: actor, reason: reason, before: nil, after: Self.snapshot(draft))
        return id
    }

    /// Changes a record in one transaction, recording the fields that changed.
    func update(
        _ id: Int64, action: String, actor: String, reason: String?, _ change: (inout Place, Database) throws -> Void
    ) throws -> Place {
        try write { db in
            let before = try existing(db, id)
            var after = before
            try change(&after, db)
            try Self.validate(after.record)
            let parts = NameParts(after.name, type: try Self.types(db)[after.type])
            let keys = NameKeys(after.name)
            let envelope = after.geometry.flatMap { $0.envelope }
            try db.execute(
                sql: """
                    UPDATE place SET name = ?, proper = ?, generic = ?, type = ?, district = ?, town = ?, geometry = ?,
                      min_x = ?, min_y = ?, max_x = ?, max_y = ?, pinyin = ?, sound_key = ?, near_key = ?, initials = ?,
                      status = ?, protected = ?, approval_body = ?, approval_date = ?, approval_document = ?, notice_date = ?,
                      sources = ?, remarks = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    after.name, parts.proper, parts.generic, after.type, after.district, after.town, Self.geometryText(after.geometry),
                    envelope?.minX, envelope?.minY, envelope?.maxX, envelope?.maxY, after.approvedPinyin,
                    keys.sound, keys.nearSound, keys.initials,
                    after.status.rawValue, after.isProtected, after.approvalBody, after.approvalDate, after.approvalDocument,
                    after.noticeDate, after.sources, after.remarks, Self.now(), id,
                ])
            let (changedBefore, changedAfter) = Self.difference(before, after)
            try recordEvent(db, place: id, action: action, actor: actor, reason: reason, before: changedBefore, after: changedAfter)
            return try existing(db, id)
        }
    }

    // MARK: Lifecycle

    func require(_ place: Place, in statuses: [PlaceStatus], to action: String) throws {
        guard statuses.contains(place.status) else {
            throw RegistryError(
                "record \(place.id) (\(place.name)) is \(place.status.rawValue); only \(statuses.map(\.rawValue).joined(separator: " or ")) records can be \(action)",
                kind: .conflict)
        }
    }

    /// A protected (historic) name changes only with the protection measures written down (Arts. 10, 25).
    func requireMeasures(_ place: Place, _ measures: String?, to action: String) throws {
        if place.isProtected, (measures ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw RegistryError(
                "record \(place.id) (\(place.name)) is on the historic protection list; it is not \(action) without --protection-measures TEXT",
                kind: .conflict)
        }
    }

    /// proposed or reserved → approved, with the approval facts.
    @discardableResult
    public func approve(_ id: Int64, body: String?, date: String?, document: String?, actor: String, reason: String? = nil) throws -> Place {
        try update(id, action: "approve", actor: actor, reason: reason) { place, _ in
            try require(place, in: [.proposed, .reserved], to: "approved")
            place.status = .approved
            place.approvalBody = body ?? place.approvalBody
            place.approvalDate = date ?? Self.today()
            place.approvalDocument = document ?? place.approvalDocument
        }
    }

    /// approved → in use, with the date of the public notice (备案公告).
    @discardableResult
    public func putInUse(_ id: Int64, noticeDate: String?, actor: String, reason: String? = nil) throws -> Place {
        try update(id, action: "use", actor: actor, reason: reason) { place, _ in
            try require(place, in: [.approved], to: "put in use")
            place.status = .inUse
            place.noticeDate = noticeDate ?? Self.today()
        }
    }

    /// Gives the place a new name; the old one stays on the record as a former name with its dates.
    /// (``renameChecked(_:to:date:actor:reason:protectionMeasures:)`` checks the new name first.)
    @discardableResult
    public func rename(
        _ id: Int64, to newName: String, date: String? = nil, actor: String, reason: String?, protectionMeasures: String? = nil
    ) throws -> Place {
        try rename(id, to: newName, date: date, actor: actor, reason: reason, protectionMeasures: protectionMeasures, check: nil)
    }

    /// The rename, with `check` run on the record inside the same transaction (it throws to refuse).
    func rename(
        _ id: Int64, to newName: String, date: String?, actor: String, reason: String?, protectionMeasures: String?,
        check: ((Place, Database) throws -> Void)?
    ) throws -> Place {
        try update(id, action: "rename", actor: actor, reason: reason) { place, db in
            try require(place, in: [.proposed, .approved, .inUse, .reserved], to: "renamed")
            try check?(place, db)
            try requireMeasures(place, protectionMeasures, to: "renamed")
            let day = date ?? Self.today()
            try Self.addName(NameEntry(name: place.name, from: place.approvalDate ?? place.noticeDate, to: day), kind: "former", to: id, in: db)
            place.formerNames.append(NameEntry(name: place.name, from: place.approvalDate ?? place.noticeDate, to: day))
            place.name = newName
            place.approvedPinyin = nil  // the approved romanisation was of the old name
            if let protectionMeasures { place.remarks = Self.appending(place.remarks, "protection measures (\(day)): \(protectionMeasures)") }
        }
    }

    /// The place ceased (销名): the record stays, with its history.
    @discardableResult
    public func retire(_ id: Int64, date: String? = nil, actor: String, reason: String?, protectionMeasures: String? = nil) throws -> Place {
        try update(id, action: "retire", actor: actor, reason: reason) { place, _ in
            try require(place, in: [.approved, .inUse], to: "retired")
            try requireMeasures(place, protectionMeasures, to: "retired")
            place.status = .retired
            let day = date ?? Self.today()
            place.remarks = Self.appending(place.remarks, "retired \(day)" + (protectionMeasures.map { "; protection measures: \($0)" } ?? ""))
        }
    }

    /// The record was made in error.
    @discardableResult
    public func deprecate(_ id: Int64, actor: String, reason: String?) throws -> Place {
        try update(id, action: "deprecate", actor: actor, reason: reason) { place, _ in
            try require(place, in: [.proposed, .approved, .inUse, .reserved], to: "deprecated")
            place.status = .deprecated
        }
    }

    /// Puts a name on (or takes it off) the historic protection list (地名文化遗产保护名录).
    @discardableResult
    public func setProtected(_ id: Int64, _ isProtected: Bool, actor: String, reason: String?) throws -> Place {
        try update(id, action: isProtected ? "protect" : "unprotect", actor: actor, reason: reason) { place, _ in
            place.isProtected = isProtected
        }
    }

    /// Changes the facts of a record that are not its name or status (a new name is a `rename`).
    ///
    /// ```swift
    /// try registry.updateDetails(12, actor: "lin", reason: "批复拼写") { $0.approvedPinyin = "Wensan Lu" }
    /// ```
    @discardableResult
    public func updateDetails(_ id: Int64, actor: String, reason: String?, _ change: (inout PlaceDraft) -> Void) throws -> Place {
        try update(id, action: "update", actor: actor, reason: reason) { place, _ in
            let (name, status) = (place.name, place.status)
            change(&place.record)
            guard place.name == name, place.status == status else {
                throw RegistryError("a new name is a rename and a new status a lifecycle step; update changes neither")
            }
        }
    }

    /// Adds an alias (another name the place is known by) with its dates.
    @discardableResult
    public func addAlias(_ id: Int64, _ entry: NameEntry, actor: String, reason: String?) throws -> Place {
        try update(id, action: "alias", actor: actor, reason: reason) { place, db in
            try Self.addName(entry, kind: "alias", to: id, in: db)
            place.aliases.append(entry)
        }
    }

    static func appending(_ remarks: String?, _ line: String) -> String {
        guard let remarks, !remarks.isEmpty else { return line }
        return remarks + "\n" + line
    }

    // MARK: Reading

    public func history(_ id: Int64) throws -> [RegistryEvent] {
        try read { db in
            _ = try existing(db, id)
            return try Row.fetchAll(db, sql: "SELECT * FROM event WHERE place_id = ? ORDER BY id", arguments: [id]).map {
                RegistryEvent(
                    id: $0["id"], placeID: $0["place_id"], at: $0["at"], actor: $0["actor"], action: $0["action"],
                    reason: $0["reason"], before: $0["before"], after: $0["after"])
            }
        }
    }

    /// Records whose current name, former names or aliases match `text`: characters, full pinyin
    /// (with or without spaces and tones' absence), or pinyin initials.
    public func search(_ text: String, limit: Int = 200) throws -> [Place] {
        let query = text.trimmingCharacters(in: .whitespaces)
        guard !query.isEmpty else { return [] }
        if let problem = RegistryInput.scalarProblem(query, allowLineBreaks: false) { throw RegistryError("the search text \(problem)") }
        // No stored name is longer, and SQLite refuses LIKE patterns past 50,000 characters.
        guard query.count <= RegistryInput.maxNameLength else {
            throw RegistryError("the search text has \(query.count) characters; a name has at most \(RegistryInput.maxNameLength)")
        }
        let latin = query.lowercased().filter { $0.isLetter && $0.isASCII }
        let isLatin = !latin.isEmpty && query.allSatisfy { $0.isASCII }
        return try read { db in
            var ids: [Int64] = []
            // The text is matched literally: %, _ and \ in it are escaped, not wildcards.
            if isLatin {
                let like = "%" + Self.likeEscaped(latin) + "%", prefix = Self.likeEscaped(latin) + "%"
                ids += try Int64.fetchAll(
                    db, sql: #"SELECT id FROM place WHERE sound_key LIKE ? ESCAPE '\' OR initials LIKE ? ESCAPE '\' OR lower(replace(pinyin, ' ', '')) LIKE ? ESCAPE '\' LIMIT ?"#,
                    arguments: [like, prefix, like, limit])
                ids += try Int64.fetchAll(
                    db, sql: #"SELECT place_id FROM place_alias WHERE sound_key LIKE ? ESCAPE '\' OR initials LIKE ? ESCAPE '\' LIMIT ?"#,
                    arguments: [like, prefix, limit])
            } else {
                let like = "%" + Self.likeEscaped(query) + "%"
                ids += try Int64.fetchAll(db, sql: #"SELECT id FROM place WHERE name LIKE ? ESCAPE '\' LIMIT ?"#, arguments: [like, limit])
                ids += try Int64.fetchAll(db, sql: #"SELECT place_id FROM place_alias WHERE name LIKE ? ESCAPE '\' LIMIT ?"#, arguments: [like, limit])
            }
            var seen = Set<Int64>()
            let unique = ids.filter { seen.insert($0).inserted }.prefix(limit)
            guard !unique.isEmpty else { return [] }
            let marks = Array(repeating: "?", count: unique.count).joined(separator: ",")
            return try Self.places(db, where: "id IN (\(marks))", StatementArguments(Array(unique)))
        }
    }

    /// `text` for a LIKE pattern with `ESCAPE '\'`: its wildcards and the escape character literal.
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// Records, optionally of one status, in id order.
    public func all(status: PlaceStatus? = nil) throws -> [Place] {
        try read { db in
            if let status { return try Self.places(db, where: "status = ?", [status.rawValue]) }
            return try Self.places(db, where: "1")
        }
    }

    /// The id of the last event: it changes with every change to the registry, by any process.
    public func lastEventID() throws -> Int64 {
        try read { db in try Self.lastEventID(db) }
    }

    static func lastEventID(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(try db.cachedStatement(sql: "SELECT COALESCE(MAX(id), 0) FROM event")) ?? 0
    }

    public func count() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM place") ?? 0 }
    }
}
