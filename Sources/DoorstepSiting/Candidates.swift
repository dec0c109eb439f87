import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry

extension SiteCandidate {
    /// Reads candidates (points in any format `formats` reads: GeoJSON, CSV with longitude/latitude,
    /// a GeoPackage …) with `id`, `name` and optional `capacity` and `cost`; ids must be unique, and a
    /// file without candidates is an error.
    public static func load(_ source: LayerSource, formats: LayerFormats = .builtIn) throws -> [SiteCandidate] {
        let points = try LayerLoader(formats: formats).loadPoints(source, layer: "candidate")
        guard !points.isEmpty else { throw InputError(file: source.path, message: "the candidates file has no candidates") }
        var seen: [String: Int] = [:]
        var candidates: [SiteCandidate] = []
        for (index, (feature, location)) in points.enumerated() {
            let given = feature.properties["id"]?.textValue?.trimmingSpaces() ?? feature.id?.textValue?.trimmingSpaces()
            let id = given.flatMap { $0.isEmpty ? nil : $0 } ?? "C\(index + 1)"
            if let earlier = seen[id] {
                throw InputError.feature(index, in: source.path, "candidate id \(id) is already used by feature \(earlier); ids must be unique")
            }
            seen[id] = index
            func number(_ key: String) throws -> Double? {
                guard let value = feature.properties[key], value != .null, value.textValue?.trimmingSpaces() != "" else { return nil }
                let range = SitingRequest.candidateNumberRange
                guard let number = value.numberValue, range.contains(number) else {
                    throw InputError.feature(
                        index, in: source.path,
                        "candidate \(id): \"\(key)\" is \(GeoJSONWriter.json(value)); it must be a number from 0 to \(SitingRequest.number(range.upperBound))")
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
