import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// A JSON request body, read member by member: every problem (not JSON, not an object, a member
/// of the wrong type or out of range, an unknown member) is a 400 naming the member.
struct RequestJSON {
    let members: [String: JSONValue]

    init(_ bytes: [UInt8], allowed: Set<String>) throws {
        guard !bytes.isEmpty else { throw Problem(.badRequest, "the request body is empty; send a JSON object") }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(DecodedJSON.self, from: Data(bytes)).value
        } catch {
            throw Problem(.badRequest, "the request body is not JSON: \(Self.reason(error))")
        }
        guard case .object(let object) = value else { throw Problem(.badRequest, "the request body must be a JSON object") }
        var members: [String: JSONValue] = [:]
        for (key, value) in object.entries { members[key] = value }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Problem(.badRequest, "unknown member \"\(unknown)\"; this endpoint takes \(allowed.sorted().joined(separator: ", "))")
        }
        self.members = members
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        default: return "\(error)"
        }
    }

    /// The member, nil when absent; `null` is refused (leave the member out instead).
    func value(_ key: String) throws -> JSONValue? {
        guard let value = members[key] else { return nil }
        guard value != .null else { throw Problem(.badRequest, "\(key) is null; leave it out for the default") }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard let value = try value(key) else { return nil }
        guard case .string(let text) = value else { throw Problem(.badRequest, "\(key) must be a string") }
        return text
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = try value(key) else { return nil }
        guard case .number(let number) = value else { throw Problem(.badRequest, "\(key) must be a number") }
        guard number.isFinite, range.contains(number) else {
            throw Problem(.badRequest, "\(key) \(number): must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let double = try number(key, in: Double(range.lowerBound)...Double(range.upperBound)) else { return nil }
        guard double == double.rounded() else { throw Problem(.badRequest, "\(key) must be a whole number") }
        return Int(double)
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = try value(key) else { return nil }
        guard case .bool(let flag) = value else { throw Problem(.badRequest, "\(key) must be true or false") }
        return flag
    }

    /// A member holding a GeoJSON FeatureCollection of points: the proposed facilities of `kind`.
    func facilities(_ key: String, kind: String) throws -> [Facility]? {
        guard let value = try value(key) else { return nil }
        guard case .object = value else { throw Problem(.badRequest, "\(key) must be a GeoJSON FeatureCollection of points") }
        let collection: FeatureCollection
        do {
            collection = try GeoJSONReader.parse(Array(GeoJSONWriter.json(value).utf8), file: key)
        } catch {
            throw Problem(.badRequest, error.description)
        }
        guard collection.features.count <= Self.maximumProposed else {
            throw Problem(.badRequest, "\(key) has \(collection.features.count) features; at most \(Self.maximumProposed)")
        }
        var result: [Facility] = []
        for (index, feature) in collection.features.enumerated() {
            guard case .point(let c)? = feature.geometry else {
                throw Problem(.badRequest, "\(key): feature \(index): must be a Point (longitude, latitude in WGS84)")
            }
            guard (-180...180).contains(c.x), (-90...90).contains(c.y) else {
                throw Problem(.badRequest, "\(key): feature \(index): [\(c.x), \(c.y)] is not a WGS84 longitude, latitude")
            }
            let id = feature.properties["id"]?.textValue ?? "proposed-\(index + 1)"
            let name = feature.properties["name"]?.textValue ?? id
            let capacity = feature.properties["capacity"]?.numberValue ?? 0
            result.append(Facility(id: id, name: name, kind: kind, capacity: capacity, location: c))
        }
        return result
    }

    static let maximumProposed = 10_000
}

/// Any JSON value, decoded with Foundation's decoder (which tells true from 1).
struct DecodedJSON: Decodable {
    let value: JSONValue

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(DecodedJSON.self).value) }
            value = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var pairs: [(String, JSONValue)] = []
            for key in object.allKeys { pairs.append((key.stringValue, try object.decode(DecodedJSON.self, forKey: key).value)) }
            value = .object(JSONObject(pairs))
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            value = .null
        } else if let flag = try? single.decode(Bool.self) {
            value = .bool(flag)
        } else if let number = try? single.decode(Double.self) {
            value = .number(number)
        } else {
            value = .string(try single.decode(String.self))
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension Routes {
    /// The `kind` member (normalised as the CLI normalises `--kind`), checked to be one that can be
    /// assessed; the default is the only kind served, when there is one.
    func kind(_ body: RequestJSON, required: Bool) throws -> String? {
        guard let text = try body.string("kind") else {
            if required { throw Problem(.badRequest, "kind is required: one of \(workspace.kinds.map(\.kind).joined(separator: ", "))") }
            return nil
        }
        let kind = FacilityKind.normalized(text)
        guard workspace.radius(of: kind) != nil else {
            throw Problem(
                .badRequest,
                "kind \"\(text)\": not a kind this server knows; it has \(workspace.kinds.map(\.kind).joined(separator: ", "))")
        }
        return kind
    }

    /// The `level` member: one level, or `all` where `allowAll`.
    func levels(_ body: RequestJSON, allowAll: Bool) throws -> Set<UnitLevel>? {
        guard let text = try body.string("level") else { return nil }
        if allowAll, text == "all" { return Set(UnitLevel.allCases) }
        guard let level = UnitLevel(rawValue: text) else {
            throw Problem(.badRequest, "level \"\(text)\": must be district, street or community\(allowAll ? " or all" : "")")
        }
        return [level]
    }

    /// The single level a request works at: the one asked for, else the served one (street when the
    /// server assessed several).
    func singleLevel(_ body: RequestJSON) throws -> UnitLevel {
        if let asked = try levels(body, allowAll: false)?.first { return asked }
        return workspace.levels.count == 1 ? workspace.levels.first ?? .street : .street
    }

    func radius(_ body: RequestJSON) throws -> Double? {
        try body.number("radius_m", in: CoverageSettings.radiusRange.range)
    }
}
