import DoorstepGeoJSON
import Foundation
import GRDB

/// What a bearer token of the registry's service may do. Each role may do what the one before it may.
public enum TokenRole: String, Sendable, CaseIterable, Comparable {
    /// Reads a `--private` server.
    case viewer
    /// Proposes and reserves names (within its district, when it has one).
    case editor
    /// Also approves, renames and retires.
    case approver
    /// Everything the service offers.
    case admin

    public static func < (a: TokenRole, b: TokenRole) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// A token as the registry keeps it: never the secret, only its digest (kept out of this type, so
/// nothing that lists or shows tokens can hand it out).
public struct AccessToken: Sendable, Equatable {
    /// Who holds it; the actor of every event its writes record.
    public var name: String
    public var role: TokenRole
    /// The district (county) code it is limited to, or nil for the whole city.
    public var district: String?
    public var createdAt: String
    public var lastUsedAt: String?
    public var revokedAt: String?

    public init(name: String, role: TokenRole, district: String? = nil, createdAt: String = "", lastUsedAt: String? = nil, revokedAt: String? = nil) {
        self.name = name
        self.role = role
        self.district = district
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

extension Registry {
    static func registerTokenMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-tokens") { db in
            try db.execute(
                sql: """
                    CREATE TABLE token (
                      name TEXT PRIMARY KEY,
                      role TEXT NOT NULL CHECK (role IN ('viewer','editor','approver','admin')),
                      district TEXT,
                      digest TEXT NOT NULL UNIQUE,
                      created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT);
                    """)
        }
    }

    /// Stores a new token under `digest` (the caller's keyed hash of the secret), with an event.
    /// A name is never reused, even once revoked: the history's actors stay unambiguous.
    ///
    /// ```swift
    /// try registry.addToken(AccessToken(name: "xihu-office", role: .editor, district: "330106"), digest: digest, actor: "admin")
    /// ```
    public func addToken(_ token: AccessToken, digest: String, actor: String) throws {
        if let problem = RegistryInput.nameProblem(token.name) ?? RegistryInput.textProblem(token.name) {
            throw RegistryError("token name \(RegistryInput.shown(token.name)) \(problem)")
        }
        if let district = token.district, let problem = RegistryInput.districtProblem(district) { throw RegistryError("--district: \(problem)") }
        try write { db in
            if let existing = try Self.token(db, where: "name = ?", [token.name]) {
                let state = existing.revokedAt.map { "was revoked on \($0)" } ?? "exists"
                throw RegistryError("a token named \(RegistryInput.shown(token.name)) \(state); names are not reused, so the history's actors stay unambiguous", kind: .conflict)
            }
            try db.execute(
                sql: "INSERT INTO token (name, role, district, digest, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [token.name, token.role.rawValue, token.district, digest, Self.now()])
            try recordEvent(
                db, place: nil, action: "token-add", actor: actor, reason: nil, before: nil,
                after: ["name": .string(token.name), "role": .string(token.role.rawValue), "district": token.district.map(JSONValue.string) ?? .null])
        }
    }

    /// Every token, revoked ones included, by name.
    public func tokens() throws -> [AccessToken] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM token ORDER BY name").map(Self.token) }
    }

    /// The active (not revoked) token with this digest.
    public func activeToken(digest: String) throws -> AccessToken? {
        try read { db in try Self.token(db, where: "digest = ? AND revoked_at IS NULL", [digest]) }
    }

    /// Revokes a token: the next request with it is refused.
    @discardableResult
    public func revokeToken(_ name: String, actor: String) throws -> AccessToken {
        try write { db in
            guard let token = try Self.token(db, where: "name = ?", [name]) else {
                throw RegistryError("no token named \(RegistryInput.shown(name)) in \(path)", kind: .notFound)
            }
            if let revoked = token.revokedAt { throw RegistryError("the token \(RegistryInput.shown(name)) was revoked already on \(revoked)", kind: .conflict) }
            try db.execute(sql: "UPDATE token SET revoked_at = ? WHERE name = ?", arguments: [Self.now(), name])
            try recordEvent(db, place: nil, action: "token-revoke", actor: actor, reason: nil, before: nil, after: ["name": .string(name)])
            return try Self.token(db, where: "name = ?", [name]) ?? token
        }
    }

    /// Notes when a token was last used (the server does so at most once a minute per token).
    public func markTokenUsed(_ name: String) throws {
        try write { db in try db.execute(sql: "UPDATE token SET last_used_at = ? WHERE name = ?", arguments: [Self.now(), name]) }
    }

    static func token(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> AccessToken? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM token WHERE \(condition)"), arguments: arguments).map(token)
    }

    static func token(_ row: Row) throws -> AccessToken {
        let name: String = try row.stored("name", of: "a token")
        let roleText: String = try row.stored("role", of: "token \(name)")
        guard let role = TokenRole(rawValue: roleText) else { throw RegistryError("token \(name) has an unknown role \(roleText)") }
        return AccessToken(
            name: name, role: role, district: row["district"], createdAt: try row.stored("created_at", of: "token \(name)"),
            lastUsedAt: row["last_used_at"], revokedAt: row["revoked_at"])
    }
}
