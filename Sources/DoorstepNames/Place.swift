import DoorstepGeometry
import Foundation

/// Where a named place is in its life (the 2024–2035 plan's pipeline and the registry's history).
public enum PlaceStatus: String, Codable, Sendable, CaseIterable {
    /// Proposed, waiting for review and approval.
    case proposed
    /// Approved by the approving body, not yet announced/in use.
    case approved
    /// Announced (备案公告) and in use.
    case inUse = "in-use"
    /// The place ceased to exist (销名).
    case retired
    /// Recorded in error.
    case deprecated
    /// Held in the name bank (地名储备库), not yet given to a place.
    case reserved

    /// Statuses whose names block the same name elsewhere in scope.
    public var isActive: Bool { self != .retired && self != .deprecated }
}

/// An earlier name or an alias, with the dates it was valid (ISO dates, either may be unknown).
public struct NameEntry: Codable, Sendable, Equatable {
    public var name: String
    public var from: String?
    public var to: String?

    public init(name: String, from: String? = nil, to: String? = nil) {
        self.name = name
        self.from = from
        self.to = to
    }
}

/// One named place in the registry: a stable id and the record's values.
///
/// The values read and write as if they were the place's own: `place.name`, `place.status` …
@dynamicMemberLookup
public struct Place: Sendable, Equatable {
    /// Stable: never reused, kept through renames.
    public var id: Int64
    public var record: PlaceDraft
    /// The current name cut into 专名 and 通名, as stored.
    public var proper: String
    public var generic: String

    public init(id: Int64, record: PlaceDraft, proper: String, generic: String) {
        self.id = id
        self.record = record
        self.proper = proper
        self.generic = generic
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PlaceDraft, T>) -> T {
        get { record[keyPath: keyPath] }
        set { record[keyPath: keyPath] = newValue }
    }

    /// The romanisation to show: the approved one, else GB/T 16159 from the reading dictionary and ICU.
    public var pinyin: String {
        record.approvedPinyin ?? Romanizer.shared.romanize(proper: proper, generic: generic)
    }
}

/// One change to the registry: who, when, why, and the values before and after.
public struct RegistryEvent: Sendable, Equatable {
    public var id: Int64
    public var placeID: Int64?
    /// ISO 8601 UTC.
    public var at: String
    public var actor: String
    /// import, propose, reserve, approve, use, rename, retire, deprecate, protect, update, settings.
    public var action: String
    public var reason: String?
    /// JSON objects of the fields that changed.
    public var before: String?
    public var after: String?
}

/// A problem with the registry or a request to it, said in one line.
public struct RegistryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for callers that answer differently (the server's 404, 409 and 503).
    public enum Kind: Sendable, Equatable {
        /// The request or the file is wrong (the default).
        case invalid
        /// No record with that id.
        case notFound
        /// The record is not in a state that allows the change (approving a retired name).
        case conflict
        /// Another process holds the registry too long; retrying may work.
        case busy
    }

    public var message: String
    public var kind: Kind
    public init(_ message: String, kind: Kind = .invalid) {
        self.message = message
        self.kind = kind
    }
    /// One line whatever the message quotes (a path, a type given on the command line): control
    /// characters are written out, never sent to the terminal.
    public var description: String { RegistryInput.shown(message, limit: .max) }
}
