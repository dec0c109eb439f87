import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import GRDB
import Synchronization

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
    /// A pool when opened to write (WAL: reads run side by side, and beside the one writer, which
    /// the server's many clients need); a queue when opened read-only.
    let database: any DatabaseWriter
    /// Whether this process made the file: a new registry, removed again by
    /// ``removeIfCreatedEmpty()`` when the command that made it fails.
    let created: Bool
    /// The rules' context of the last check and the event it was read at (see `ruleContext`).
    let lastRuleContext = Mutex<(event: Int64, context: RuleContext)?>(nil)

    /// Opens the registry at `path` to write, creating it when missing; with `create: false`, opens
    /// an existing registry read-only, for commands that only read (a registry on a read-only file
    /// or folder can still be searched). Refuses a file written by a newer schema.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        // A device, pipe or folder is said to be one, not "not a Doorstep registry".
        if let notAFile = FileInput.notAFile(path) { throw notAFile }
        guard create else {
            database = try Self.openForReading(path)
            created = false
            return
        }
        (database, created) = try Self.withFolderLock(of: path) { try Self.openForWriting(path) }
    }

    /// Two processes opening a new registry at once would both try to create the schema: the first
    /// to take this lock creates it, the other waits and finds it there. The lock is on the folder,
    /// not the database: closing any descriptor of the database would drop SQLite's own locks.
    static func withFolderLock<T>(of path: String, _ body: () throws -> T) rethrows -> T {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let lockDescriptor = open(folder, O_RDONLY)
        if lockDescriptor >= 0 { flock(lockDescriptor, LOCK_EX) }
        defer {
            if lockDescriptor >= 0 {
                flock(lockDescriptor, LOCK_UN)
                close(lockDescriptor)
            }
        }
        return try body()
    }

    /// Opens (creating when missing) and migrates; says whether the file was made here.
    static func openForWriting(_ path: String) throws -> (any DatabaseWriter, Bool) {
        let created = !FileManager.default.fileExists(atPath: path)
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.foreignKeysEnabled = true
        // Another process writing: wait for it rather than fail at once.
        configuration.busyMode = .timeout(30)
        let database: DatabasePool
        do {
            database = try DatabasePool(path: path, configuration: configuration)
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
        return (database, created)
    }

    /// Removes the registry file when this process created it and nothing has been recorded in it
    /// since, so a command that fails leaves no empty registry behind. Under the creation lock, and
    /// only while it holds no record, event or setting: a file another process has written to stays.
    public func removeIfCreatedEmpty() {
        guard created else { return }
        Self.withFolderLock(of: path) {
            let sql = "SELECT (SELECT COUNT(*) FROM place) + (SELECT COUNT(*) FROM event) + (SELECT COUNT(*) FROM setting)"
            guard (try? database.read { db in try Int.fetchOne(db, sql: sql) }) == 0 else { return }
            guard (try? database.close()) != nil else { return }
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        }
    }

    /// Opens an existing registry read-only and checks its schema, without migrating or locking.
    static func openForReading(_ path: String) throws -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else {
            throw RegistryError("\(path): no such registry (create one with `doorstep names import`)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        do {
            let database = try DatabaseQueue(path: path, configuration: configuration)
            try database.read { db in try checkSchema(db, path: path) }
            return database
        } catch let error as RegistryError {
            throw error
        } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode) {
            return try openImmutable(path, after: error)
        } catch {
            throw RegistryError("\(path): cannot read the registry: \(Self.describe(error))")
        }
    }

    /// SQLite reads a WAL database through a `-shm` file beside it, which a read-only folder cannot
    /// hold. With no write-ahead log waiting, nothing is lost by reading the file as it stands
    /// (`immutable`); with one, that would show an old state, so it is an error.
    static func openImmutable(_ path: String, after error: DatabaseError) throws -> DatabaseQueue {
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        guard wal == 0 else {
            throw RegistryError(
                "\(path): cannot read the registry: its write-ahead log (\(path)-wal) holds changes and the folder is read-only; open it once where it can be written")
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-~".utf8)
        let encoded = absolute.utf8.map { allowed.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let database = try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration)
            try database.read { db in try checkSchema(db, path: path) }
            return database
        } catch let failure as RegistryError {
            throw failure
        } catch {
            throw RegistryError("\(path): cannot read the registry: \(Self.describe(error))")
        }
    }

    /// A registry to read must have this version's schema: a newer one is refused, and one without
    /// it (an empty file, an older registry) is said to be so rather than migrated by a reader.
    static func checkSchema(_ db: Database, path: String) throws {
        let migrator = Self.migrator
        if try migrator.hasBeenSuperseded(db) {
            throw RegistryError(
                "\(path): the registry was written by a newer version of Doorstep (schema \(try migrator.appliedIdentifiers(db).sorted().joined(separator: ", "))); upgrade doorstep to use it")
        }
        guard try migrator.hasCompletedMigrations(db) else {
            throw RegistryError("\(path): not a Doorstep registry, or one of an older version (open it once with a command that writes, such as `doorstep names import`)")
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
        registerPlanMigration(&migrator)
        registerTokenMigration(&migrator)
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
                guard let result else { throw RegistryError("\(path): the transaction ended without a result") }
                return result
            }
        } catch let error as RegistryError {
            throw error
        } catch let error as InputError {
            throw error
        } catch let refused as NameRefused {
            throw refused
        } catch {
            throw failure(error)
        }
    }

    /// A database error in one line, marked busy when another writer held the lock too long.
    func failure(_ error: any Error) -> RegistryError {
        let busy = (error as? DatabaseError).map { [.SQLITE_BUSY, .SQLITE_LOCKED].contains($0.resultCode) } ?? false
        return RegistryError("\(path): \(Self.describe(error))", kind: busy ? .busy : .invalid)
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw failure(error)
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
        try Self.validateEvent(actor: actor, reason: reason)
        try db.execute(
            sql: "INSERT INTO event (place_id, at, actor, action, reason, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                place, Self.now(), actor, action, reason, before.map { GeoJSONWriter.json(.object($0)) },
                after.map { GeoJSONWriter.json(.object($0)) },
            ])
    }

    /// The actor and reason of an event are shown by `history`: text that reads back as it was given.
    static func validateEvent(actor: String, reason: String?) throws {
        if actor.isEmpty { throw RegistryError("the actor is empty") }
        if let problem = RegistryInput.textProblem(actor) { throw RegistryError("the actor \(RegistryInput.shown(actor)) \(problem)") }
        if let reason, let problem = RegistryInput.textProblem(reason, multiline: true) {
            throw RegistryError("the reason \(RegistryInput.shown(reason)) \(problem)")
        }
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

    /// The stored types. A type whose stored scope is not one Doorstep knows is an error: taking it
    /// as "the city" would check its names against the wrong places without a word.
    static func types(_ db: Database) throws -> [String: PlaceType] {
        var types: [String: PlaceType] = [:]
        for row in try Row.fetchAll(try db.cachedStatement(sql: "SELECT id, label, generics, scope FROM place_type")) {
            let id: String = try row.stored("id", of: "a place type")
            let generics: String = try row.stored("generics", of: "place type \(id)")
            let scopeText: String = try row.stored("scope", of: "place type \(id)")
            guard let scope = DuplicateScope(rawValue: scopeText) else {
                throw RegistryError("the stored place type \(id) has the unknown scope \(RegistryInput.shown(scopeText)); save it again with `doorstep names types --add`")
            }
            types[id] = PlaceType(
                id: id, label: try row.stored("label", of: "place type \(id)"), generics: generics.split(separator: ",").map(String.init), scope: scope)
        }
        return types
    }

    /// Why a type cannot be saved: an id for flags and files, a label, and 通名 that are names.
    public static func validate(_ type: PlaceType) throws {
        guard !type.id.isEmpty, type.id.utf8.count <= 40, type.id.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else {
            throw RegistryError("type id \(RegistryInput.shown(type.id)): use lowercase letters, digits and '-' (e.g. greenway)")
        }
        if let problem = RegistryInput.textProblem(type.label) { throw RegistryError("type \(type.id): the label \(problem)") }
        guard !type.generics.isEmpty else { throw RegistryError("type \(type.id): give at least one 通名") }
        for generic in type.generics {
            if let problem = RegistryInput.nameProblem(generic) { throw RegistryError("type \(type.id): the 通名 \(RegistryInput.shown(generic)) \(problem)") }
            if generic.contains(",") { throw RegistryError("type \(type.id): a 通名 cannot contain ','") }
        }
    }

    /// Adds a place type or replaces one, with an event.
    public func saveType(_ type: PlaceType, actor: String) throws {
        try Self.validate(type)
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
        try read { db in try Self.settings(db, path: path) }
    }

    /// The stored settings, or the defaults when none were ever stored. Stored settings that do not
    /// read are an error: an audited registry never checks names by rules nobody chose.
    static func settings(_ db: Database, path: String) throws -> NameSettings {
        guard let text = try String.fetchOne(try db.cachedStatement(sql: "SELECT value FROM setting WHERE key = 'rules'")) else {
            return NameSettings()
        }
        let settings: NameSettings
        do {
            settings = try JSONDecoder().decode(NameSettings.self, from: Data(text.utf8))
        } catch {
            throw RegistryError("\(path): the stored rules setting is corrupt (\(NameSettings.describe(error))); load good ones with `doorstep names settings --load FILE`")
        }
        if let problem = settings.problem {
            throw RegistryError("\(path): the stored rules setting is corrupt (\(problem)); load good ones with `doorstep names settings --load FILE`")
        }
        return settings
    }

    /// Replaces the rule settings, keeping the old ones in the event history.
    public func setSettings(_ settings: NameSettings, actor: String, reason: String?) throws {
        if let problem = settings.problem { throw RegistryError("settings: \(problem)") }
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

extension Row {
    /// A column's value, or an error naming the column and the record: a registry edited by hand
    /// may hold NULL or text where GRDB's subscript would stop the program.
    func stored<Value: DatabaseValueConvertible>(_ column: String, of record: String) throws -> Value {
        do {
            return try decode(Value.self, forColumn: column)
        } catch {
            throw RegistryError("\(record): the stored \(column) is \(self[column] as DatabaseValue) where \(Value.self) belongs")
        }
    }
}
