import Foundation

/// A JSON value as read from GeoJSON properties, or written to them.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The number, or a string that spells a finite number (CSV cells and sloppy exports do this);
    /// "nan", "inf" and "1e999" are not numbers here, as they are not in JSON.
    public var numberValue: Double? {
        switch self {
        case .number(let n): n
        case .string(let s): Double(s.trimmingSpaces()).flatMap { $0.isFinite ? $0 : nil }
        default: nil
        }
    }

    /// The text of a string, or a number written without a needless ".0" (codes often come as numbers).
    public var textValue: String? {
        switch self {
        case .string(let s): s
        case .number(let n):
            n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): String(b)
        default: nil
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// A JSON object that keeps its keys in order, so written properties read in a sensible order.
public struct JSONObject: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(key: String, value: JSONValue)] = []

    public init() {}

    /// An empty object with room for `capacity` members (the parser's: most have a few).
    init(reservingCapacity capacity: Int) { entries.reserveCapacity(capacity) }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// An object of these key-value pairs, in order (a later duplicate key replaces the earlier).
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        for (key, value) in pairs { self[key] = value }
    }

    /// An object of `keys` paired with `values` in order, built in linear time (a table's columns:
    /// setting them one by one through the subscript costs the square of their number). A repeated
    /// key keeps its first place and its last value, as the subscript gives.
    public init(keys: [String], values: [JSONValue]) {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(min(keys.count, values.count))
        for (key, value) in zip(keys, values) {
            if let position = positions[key] {
                entries[position].value = value
            } else {
                positions[key] = entries.count
                entries.append((key, value))
            }
        }
    }

    public subscript(key: String) -> JSONValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// Appends without looking for an existing key: for parsers and writers that know keys are new.
    mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        entries.append((key, value))
    }

    /// Empties the object, keeping its storage for the next one.
    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    public var keys: [String] { entries.map(\.key) }

    /// The member named `field`, or else the first whose name differs only in case: a Shapefile from
    /// ArcGIS says `NAME` and `CODE`, KML says `Name`.
    ///
    /// ```swift
    /// let object: JSONObject = ["NAME": "文三路", "name": "Wensan Road"]
    /// object.value(forField: "Name")   // "文三路"
    /// ```
    public func value(forField field: String) -> JSONValue? {
        if let value = self[field] { return value }
        return entries.first { Self.sameIgnoringCase($0.key, field) }?.value
    }

    /// Whether two property names differ at most in case. ASCII names, nearly all, are compared byte
    /// by byte: Foundation's comparison, needed for other scripts, costs a tenth of a microsecond.
    static func sameIgnoringCase(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        let ascii = a.withUTF8 { x in
            b.withUTF8 { y -> Bool? in
                guard x.allSatisfy({ $0 < 0x80 }), y.allSatisfy({ $0 < 0x80 }) else { return nil }
                return x.count == y.count && zip(x, y).allSatisfy { $0 | ($0 &- 0x41 < 26 ? 0x20 : 0) == $1 | ($1 &- 0x41 < 26 ? 0x20 : 0) }
            }
        }
        return ascii ?? (a.caseInsensitiveCompare(b) == .orderedSame)
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension String {
    /// The text without leading and trailing white space. Cheap when there is none, which is nearly
    /// always: Foundation's `trimmingCharacters(in:)` cost a fifth of reading a large layer.
    public func trimmingSpaces() -> String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) || byte >= 0x80 }
        guard isSpace(first) || isSpace(last) else { return self }
        var scalars = Substring(self)
        while let c = scalars.first, c.isWhitespace { scalars.removeFirst() }
        while let c = scalars.last, c.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
