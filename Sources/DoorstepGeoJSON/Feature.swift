import DoorstepGeometry

/// A GeoJSON Feature: a geometry (or none) with properties.
public struct Feature: Equatable, Sendable {
    public var id: JSONValue?
    public var geometry: GeometryValue?
    public var properties: JSONObject

    public init(id: JSONValue? = nil, geometry: GeometryValue?, properties: JSONObject = JSONObject()) {
        self.id = id
        self.geometry = geometry
        self.properties = properties
    }
}

/// A GeoJSON FeatureCollection as read from a file.
public struct FeatureCollection: Equatable, Sendable {
    public var features: [Feature]
    /// The EPSG code named by an old-style (2008) `crs` member, e.g. 4549; `nil` when absent.
    public var declaredEPSG: Int?

    public init(features: [Feature], declaredEPSG: Int? = nil) {
        self.features = features
        self.declaredEPSG = declaredEPSG
    }
}

/// Input that could not be read, naming the file, the feature (or line) and what is wrong.
///
/// Its description is one line, e.g.
/// `units.geojson: feature 3: Polygon ring has 3 positions, a closed ring needs at least 4`.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// Where in the file: "feature 3", "line 12", "byte 40 (line 2)"; empty for the file as a whole.
    public var location: String
    public var message: String

    public init(file: String, location: String = "", message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public static func feature(_ index: Int, in file: String, _ message: String) -> InputError {
        InputError(file: file, location: "feature \(index)", message: message)
    }

    /// One line: control characters in the path or the message (which may quote input) are escaped.
    public var description: String {
        let text = location.isEmpty ? "\(file): \(message)" : "\(file): \(location): \(message)"
        return Self.oneLine(text)
    }
}
