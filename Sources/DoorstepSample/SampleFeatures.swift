import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// The features both sample profiles write, one schema for the city and the county: units with
/// their code, name, level and parent; demand points with their elderly; facilities with kind and
/// capacity; named roads.
enum SampleFeatures {
    static func unit(_ code: String, _ name: String, _ level: String, parent: String, _ geometry: GeometryValue) -> Feature {
        Feature(geometry: geometry, properties: ["code": .string(code), "name": .string(name), "level": .string(level), "parent": .string(parent)])
    }

    /// Demand point `number` (`D000001` …).
    static func demand(_ number: Int, elderly: Int, at p: Coordinate) -> Feature {
        Feature(geometry: .point(p), properties: ["id": .string(String(format: "D%06d", number)), "elderly": .number(Double(elderly))])
    }

    /// Facility `number` of a kind, its id the kind's prefix and the number (`CT-00001` …).
    static func facility(_ prefix: String, _ number: Int, name: String, kind: String, capacity: Int, at p: Coordinate) -> Feature {
        Feature(
            geometry: .point(p),
            properties: [
                "id": .string(String(format: "%@-%05d", prefix, number)), "name": .string(name), "kind": .string(kind),
                "capacity": .number(Double(capacity)),
            ])
    }

    static func road(_ name: String, _ line: [Coordinate]) -> Feature {
        Feature(geometry: .lineString(line), properties: ["name": .string(name), "type": "road", "status": "in-use"])
    }
}

extension SplitMix64 {
    /// The elderly at one demand point: 2–25 in a village, 5–60 (most near 5) in town.
    mutating func elderly(rural: Bool) -> Int { rural ? int(2...25) : Int(5 + 55 * pow(unit(), 2)) }
}
