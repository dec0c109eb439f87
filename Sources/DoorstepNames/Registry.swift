import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import GRDB

/// The place-name registry: one SQLite file (WAL, foreign keys, migrations), every write in an
/// immediate transaction with an event that records who changed what, when and why.
///
/// ```swift
/// let registry = try Registry(path: "doorstep-names.sqlite")
/// let id = try registry.propose(PlaceDraft(name: "文三路", type: "road", district: "330106"), actor: "lin")
/// try registry.approve(id, body: "杭州市人民政府", date: "2024-05-01", document: "杭政函〔2024〕12号", actor: "lin")
/// ```
public final class Registry: @unchecked Sendable {
    public let path: String
    let database: DatabaseQueue

    /// Opens the registry at `path`, creating it when `create` is true. Refuses a file written by a
    /// newer schema.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw RegistryError("\(path): no such registry (create one with `doorstep names import`)")
        }
        // Two processes opening a new registry at once would both try to create the schema: the first
        // to take this lock creates it, the other waits and finds it there. The lock is on the folder,
        // not the database: closing any descriptor of the database would drop SQLite's own locks.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let lockDescriptor = open(folder, O_RDONLY)
        if lockDescriptor >= 0 { flock(lockDescriptor, LOCK_EX) }
        defer {
            if lockDescriptor >= 0 {
                flock(lockDescriptor, LOCK_UN)
                close(lockDescriptor)
            }
        }
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.foreignKeysEnabled = true
        // Another process writing: wait for it rather than fail at once.
        configuration.busyMode = .timeout(30)
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw RegistryError("\(path): cannot open the registry: \(Self.describe(error))")
        }
        let migrator = Self.migrator
        do {
            let superseded = try database.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw RegistryError(
                    "\(path): the registry was written by a newer version of Doorstep (schema \(try database.read { db in try migrator.appliedIdentifiers(db).sorted().joined(separator: ", ") })); upgrade doorstep to use it")
            }
            try migrator.migrate(database)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError("\(path): \(Self.describe(error))")
        }
    }

    /// One-line text for SQLite errors: "busy, retry" for a lock held too long, "not a registry" for
    /// a file that is not SQLite.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "\(error)" }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "the registry is busy (another process is writing); retry"
        case .SQLITE_NOTADB: return "not a Doorstep registry (not an SQLite database)"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: return "cannot write the registry (\(error.message ?? "permission denied"))"
        default: return error.message ?? "\(error)"
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-registry") { db in
            try db.execute(
                sql: """
                    CREATE TABLE place_type (
                      id TEXT PRIMARY KEY, label TEXT NOT NULL, generics TEXT NOT NULL, scope TEXT NOT NULL);
                    CREATE TABLE place (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      name TEXT NOT NULL, proper TEXT NOT NULL, generic TEXT NOT NULL,
                      type TEXT NOT NULL REFERENCES place_type(id),
                      district TEXT, town TEXT,
                      geometry TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL,
                      pinyin TEXT,
                      sound_key TEXT NOT NULL, near_key TEXT NOT NULL, initials TEXT NOT NULL,
                      status TEXT NOT NULL CHECK (status IN ('proposed','approved','in-use','retired','deprecated','reserved')),
                      protected INTEGER NOT NULL DEFAULT 0,
                      approval_body TEXT, approval_date TEXT, approval_document TEXT, notice_date TEXT,
                      sources TEXT, remarks TEXT,
                      created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
                    CREATE INDEX place_by_name ON place(name);
                    CREATE INDEX place_by_sound ON place(sound_key);
                    CREATE INDEX place_by_near_sound ON place(near_key);
                    CREATE INDEX place_by_initials ON place(initials);
                    CREATE INDEX place_by_type ON place(type, district, town);
                    CREATE TABLE place_alias (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      place_id INTEGER NOT NULL REFERENCES place(id),
                      name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('alias','former')),
                      sound_key TEXT NOT NULL, initials TEXT NOT NULL, valid_from TEXT, valid_to TEXT);
                    CREATE INDEX alias_by_place ON place_alias(place_id);
                    CREATE INDEX alias_by_name ON place_alias(name);
                    CREATE INDEX alias_by_sound ON place_alias(sound_key);
                    CREATE TABLE event (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      place_id INTEGER REFERENCES place(id),
                      at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, reason TEXT,
                      before TEXT, after TEXT);
                    CREATE INDEX event_by_place ON event(place_id);
                    CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    """)
            for type in PlaceType.defaults { try Self.save(type, in: db) }
        }
        return migrator
    }

    // MARK: Writing

    /// Runs `body` in an immediate transaction: the write lock is taken first, so two processes
    /// never both read and then collide on writing; SQLite's busy wait queues them.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as RegistryError {
            throw error
        } catch let error as InputError {
            throw error
        } catch {
            throw RegistryError("\(path): \(Self.describe(error))")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError("\(path): \(Self.describe(error))")
        }
    }

    /// SQLite's own consistency check: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// The time of a change, ISO 8601 in UTC (e.g. 2026-11-29T07:31:11Z).
    static func now() -> String {
        Date().ISO8601Format()
    }

    static func today() -> String {
        String(now().prefix(10))
    }

    func recordEvent(
        _ db: Database, place: Int64?, action: String, actor: String, reason: String?, before: JSONObject?, after: JSONObject?
    ) throws {
        try db.execute(
            sql: "INSERT INTO event (place_id, at, actor, action, reason, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                place, Self.now(), actor, action, reason, before.map { GeoJSONWriter.json(.object($0)) },
                after.map { GeoJSONWriter.json(.object($0)) },
            ])
    }

    // MARK: Types and settings

    static func save(_ type: PlaceType, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO place_type (id, label, generics, scope) VALUES (?, ?, ?, ?)",
            arguments: [type.id, type.label, type.generics.joined(separator: ","), type.scope.rawValue])
    }

    /// The place types, by id.
    public func types() throws -> [String: PlaceType] {
        try read { db in try Self.types(db) }
    }

    static func types(_ db: Database) throws -> [String: PlaceType] {
        var types: [String: PlaceType] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, label, generics, scope FROM place_type") {
            let generics: String = row["generics"]
            types[row["id"]] = PlaceType(
                id: row["id"], label: row["label"], generics: generics.split(separator: ",").map(String.init),
                scope: DuplicateScope(rawValue: row["scope"]) ?? .city)
        }
        return types
    }

    /// Adds a place type or replaces one, with an event.
    public func saveType(_ type: PlaceType, actor: String) throws {
        try write { db in
            let before = try Self.types(db)[type.id]
            try Self.save(type, in: db)
            try recordEvent(
                db, place: nil, action: "type", actor: actor, reason: nil,
                before: before.map { ["type": .string($0.id), "generics": .string($0.generics.joined(separator: ",")), "scope": .string($0.scope.rawValue)] },
                after: ["type": .string(type.id), "generics": .string(type.generics.joined(separator: ",")), "scope": .string(type.scope.rawValue)])
        }
    }

    public func settings() throws -> NameSettings {
        try read { db in try Self.settings(db) }
    }

    static func settings(_ db: Database) throws -> NameSettings {
        guard let text = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'rules'") else {
            return NameSettings()
        }
        return (try? JSONDecoder().decode(NameSettings.self, from: Data(text.utf8))) ?? NameSettings()
    }

    /// Replaces the rule settings, keeping the old ones in the event history.
    public func setSettings(_ settings: NameSettings, actor: String, reason: String?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(settings), as: UTF8.self)
        try write { db in
            let before = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'rules'")
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('rules', ?)", arguments: [text])
            try recordEvent(
                db, place: nil, action: "settings", actor: actor, reason: reason,
                before: before.map { ["rules": .string($0)] }, after: ["rules": .string(text)])
        }
    }
}
