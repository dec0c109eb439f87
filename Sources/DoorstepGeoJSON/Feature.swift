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
    /// For a table (CSV), the line each feature's row starts on, so that an error about a feature can
    /// name the line a planner finds in Excel; `nil` for GeoJSON.
    public var featureLines: [Int]?
    /// Why the file's own coordinate system cannot be used (a `.prj` GDAL cannot read, one with no
    /// EPSG code); reading the layer then needs the `--…-crs` flag.
    public var unusableCRS: String?
    /// What the planner should know about how the file was read (e.g. text decoded as GB18030).
    public var notes: [String] = []
    /// The layer as columns instead of ``features`` (left empty), when the request asked for point
    /// columns (``LayerRequest/pointColumns``) and the reader could give them.
    public var points: PointColumns?

    public init(features: [Feature], declaredEPSG: Int? = nil, featureLines: [Int]? = nil) {
        self.features = features
        self.declaredEPSG = declaredEPSG
        self.featureLines = featureLines
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
    /// The feature's index when the error is about one feature (see ``feature(_:in:_:)``).
    public var feature: Int?

    public init(file: String, location: String = "", message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public static func feature(_ index: Int, in file: String, _ message: String) -> InputError {
        var error = InputError(file: file, location: "feature \(index)", message: message)
        error.feature = index
        return error
    }

    /// The same error located by the line of a table's row instead of the feature's index.
    public func onLine(of collection: FeatureCollection) -> InputError {
        guard let index = feature, let lines = collection.featureLines, index < lines.count else { return self }
        return InputError(file: file, location: "line \(lines[index])", message: message)
    }

    /// One line: control characters in the path or the message (which may quote input) are escaped.
    public var description: String {
        let text = location.isEmpty ? "\(file): \(message)" : "\(file): \(location): \(message)"
        return Self.oneLine(text)
    }
}

/// A layer of Point features as columns: each point's position and the values of a few properties,
/// without a ``Feature`` per point. The 300,000 features of a large demand layer cost more to make
/// and free than their points cost to use.
///
/// ```swift
/// var request = LayerRequest(path: "demand.geojson")
/// request.pointColumns = ["id", "elderly"]
/// let points = try LayerFormats.builtIn.read(request).points
/// points?.values[1][0]   // .number(16): the first point's "elderly"
/// ```
public struct PointColumns: Equatable, Sendable {
    /// The properties asked for, in order.
    public var fields: [String]
    /// Each point's position, in the file's coordinates.
    public var locations: [Coordinate]
    /// Per field, each point's value, found as ``JSONObject/value(forField:)`` finds it; `nil` where a
    /// point lacks the property.
    public var values: [[JSONValue?]]

    public init(fields: [String], locations: [Coordinate], values: [[JSONValue?]]) {
        self.fields = fields
        self.locations = locations
        self.values = values
    }
}
