import DoorstepGeometry

/// One input line feature: its parts in WGS84 longitude/latitude and the tags that decide whether
/// it is walkable (issue 9, "The network model", item 1).
///
/// ```swift
/// let street = NetworkLine(parts: [[Coordinate(120.0, 30.0), Coordinate(120.01, 30.0)]], highway: "residential", feature: 7)
/// ```
public struct NetworkLine: Sendable, Equatable {
    /// The parts (one for a LineString, several for a MultiLineString), longitude/latitude.
    public var parts: [[Coordinate]]
    /// OpenStreetMap's `highway` value, or nil when the feature has none.
    public var highway: String?
    /// OpenStreetMap's `foot` value (see ``WalkRules/tag(_:inOtherTags:)`` for GDAL's `other_tags`).
    public var foot: String?
    /// The feature's position in its file, so that warnings can name it.
    public var feature: Int

    public init(parts: [[Coordinate]], highway: String? = nil, foot: String? = nil, feature: Int = 0) {
        self.parts = parts
        self.highway = highway
        self.foot = foot
        self.feature = feature
    }
}

/// Whether a line is part of the walking network, and if not, why.
public enum LineVerdict: String, Sendable, Equatable, CaseIterable {
    case usable
    /// `highway` is motorway, motorway_link, trunk or trunk_link and `foot` is not yes/designated.
    case motorway
    /// `foot=no`.
    case footNo
    /// No `highway` in a layer where other features have one: a railway, a waterway, a barrier.
    case notAStreet
    /// `highway=construction` or `highway=proposed`: not built yet.
    case construction
    /// Fewer than two distinct points (after rounding to 7 decimals) in every part.
    case tooShort

    /// Why a line was left out, in the words of a message: `"foot=no"`, `"no highway tag"` …
    public var reason: String {
        switch self {
        case .usable: "usable"
        case .motorway: "motorway or trunk"
        case .footNo: "foot=no"
        case .notAStreet: "no highway tag"
        case .construction: "construction or proposed"
        case .tooShort: "fewer than 2 distinct points"
        }
    }
}

/// The tag rules of item 1 of the network model.
///
/// ```swift
/// WalkRules.verdicts([motorway, footpath])              // [.motorway, .usable]
/// WalkRules.tag("foot", inOtherTags: #""foot"=>"yes""#)  // "yes"
/// ```
public enum WalkRules {
    static let motorways: Set<String> = ["motorway", "motorway_link", "trunk", "trunk_link"]
    static let footAllowed: Set<String> = ["yes", "designated"]
    static let notBuilt: Set<String> = ["construction", "proposed"]

    /// One verdict per line, in order. Whether features without `highway` count depends on the
    /// whole layer, which is why this takes all the lines at once.
    public static func verdicts(_ lines: [NetworkLine]) -> [LineVerdict] {
        let layerHasHighways = lines.contains { normalized($0.highway) != nil }
        return lines.map { verdict($0, layerHasHighways: layerHasHighways) }
    }

    /// "12 features: 3 motorway or trunk, 9 no highway tag": the count and the reasons lines were left out.
    ///
    /// ```swift
    /// WalkRules.summary([.usable, .footNo])   // "2 features: 1 foot=no"
    /// ```
    public static func summary(_ verdicts: [LineVerdict]) -> String {
        let counts = LineVerdict.allCases.compactMap { verdict -> String? in
            let count = verdicts.count { $0 == verdict }
            return count > 0 && verdict != .usable ? "\(count) \(verdict.reason)" : nil
        }
        let total = "\(verdicts.count) feature\(verdicts.count == 1 ? "" : "s")"
        return counts.isEmpty ? total : total + ": " + counts.joined(separator: ", ")
    }

    /// The verdict of one line, given whether any feature of its layer has a `highway` value.
    /// Tags are judged before geometry, so that a degenerate motorway is not warned about as a line.
    public static func verdict(_ line: NetworkLine, layerHasHighways: Bool) -> LineVerdict {
        let highway = normalized(line.highway)
        let foot = normalized(line.foot)
        if foot == "no" { return .footNo }
        if let highway, motorways.contains(highway), !footAllowed.contains(foot ?? "") { return .motorway }
        if layerHasHighways {
            guard let highway else { return .notAStreet }
            if notBuilt.contains(highway) { return .construction }
        }
        return line.parts.contains(where: hasTwoDistinctPoints) ? .usable : .tooShort
    }

    /// Whether a part has two points that differ after rounding to 7 decimals (the graph's rule).
    static func hasTwoDistinctPoints(_ part: [Coordinate]) -> Bool {
        guard let first = part.first.map(VertexKey.init) else { return false }
        return part.dropFirst().contains { VertexKey($0) != first }
    }

    /// Tags compare trimmed and in lower case; an empty value is no value.
    static func normalized(_ value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingWhitespace().lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The value of `key` in GDAL's `other_tags` column (an hstore text: `"foot"=>"yes","lit"=>"no"`),
    /// or nil when it is absent or the text is not hstore.
    ///
    /// ```swift
    /// WalkRules.tag("foot", inOtherTags: #""bicycle"=>"no","foot"=>"designated""#)  // "designated"
    /// ```
    public static func tag(_ key: String, inOtherTags text: String) -> String? {
        otherTags(text).first { $0.key == key }?.value
    }

    /// All key/value pairs of an hstore text, in order; parsing stops at the first malformed pair.
    public static func otherTags(_ text: String) -> [(key: String, value: String)] {
        var scanner = HstoreScanner(text)
        return scanner.pairs()
    }
}

/// Reads GDAL's hstore text: quoted keys and values, `=>` between, commas between pairs, `\"` and
/// `\\` escaped inside quotes.
struct HstoreScanner {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    mutating func pairs() -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        while true {
            skipSpaces()
            guard let key = quoted() else { break }
            skipSpaces()
            guard take("="), take(">") else { break }
            skipSpaces()
            guard let value = quoted() else { break }
            result.append((key, value))
            skipSpaces()
            guard take(",") else { break }
        }
        return result
    }

    private mutating func skipSpaces() {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
    }

    private mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        guard index < scalars.count, scalars[index] == scalar else { return false }
        index += 1
        return true
    }

    private mutating func quoted() -> String? {
        guard take("\"") else { return nil }
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\"" { return String(text) }
            if scalar == "\\", index < scalars.count {
                text.append(scalars[index])
                index += 1
            } else {
                text.append(scalar)
            }
        }
        return nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

/// A vertex's identity in the graph: longitude and latitude rounded to 7 decimals (about 1 cm), so
/// that lines meet where they share a vertex even when written with different digits.
struct VertexKey: Hashable {
    var x: Int64
    var y: Int64

    /// Callers check that coordinates are finite and within ±180/±90 first; others get a key that
    /// matches nothing real rather than a trap.
    init(_ c: Coordinate) {
        x = Self.round(c.x)
        y = Self.round(c.y)
    }

    private static func round(_ degrees: Double) -> Int64 {
        let scaled = (degrees * 1e7).rounded()
        guard scaled.isFinite, abs(scaled) < 1e15 else { return Int64.min }
        return Int64(scaled)
    }
}
