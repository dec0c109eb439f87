import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry

extension SiteCandidate {
    /// Reads candidates (GeoJSON points or CSV with longitude/latitude) with `id`, `name` and
    /// optional `capacity` and `cost`; ids must be unique.
    public static func load(_ source: LayerSource) throws -> [SiteCandidate] {
        let points = try LayerLoader().loadPoints(source, layer: "candidate")
        var seen: [String: Int] = [:]
        var candidates: [SiteCandidate] = []
        for (index, (feature, location)) in points.enumerated() {
            let id = feature.properties["id"]?.textValue?.trimmingSpaces() ?? feature.id?.textValue ?? "C\(index + 1)"
            if let earlier = seen[id] {
                throw InputError.feature(index, in: source.path, "candidate id \(id) is already used by feature \(earlier); ids must be unique")
            }
            seen[id] = index
            func number(_ key: String) throws -> Double? {
                guard let value = feature.properties[key], value != .null, value.textValue?.trimmingSpaces() != "" else { return nil }
                guard let number = value.numberValue, number.isFinite, number >= 0 else {
                    throw InputError.feature(index, in: source.path, "\"\(key)\" is \(GeoJSONWriter.json(value)); it must be a number, 0 or more")
                }
                return number
            }
            candidates.append(
                SiteCandidate(
                    id: id, name: feature.properties["name"]?.textValue ?? id, location: location, capacity: try number("capacity"),
                    cost: try number("cost")))
        }
        return candidates
    }
}
