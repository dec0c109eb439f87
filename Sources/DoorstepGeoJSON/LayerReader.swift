import Foundation

/// Which layer of which file to read, and how: what a layer flag (`--units FILE:LAYER`,
/// `--units-layer`, `--encoding`) asks for.
public struct LayerRequest: Sendable, Equatable {
    public var path: String
    /// The layer of a multi-layer source (a GeoPackage table, an Excel sheet); nil for "its only one".
    public var layer: String?
    /// The text encoding of the file's attributes (`--encoding`), overriding what the file says.
    public var encoding: String?
    /// The layer to take from a multi-layer source when none is named and it has one of this name:
    /// a street network takes the `lines` of an OpenStreetMap extract.
    public var preferredLayer: String?
    /// A table of attributes (counts per community): rows without coordinates are features without
    /// geometry instead of an error.
    public var attributesOnly = false
    /// A table with coordinate (or WKT) columns gives points (or shapes); one without them gives rows
    /// without geometry instead of an error: a names ledger may or may not say where each place is.
    public var coordinatesOptional = false
    /// Read a layer of plain Point features as columns of these properties (``FeatureCollection/points``)
    /// when the reader can; readers that cannot, and layers that hold anything else, give features.
    public var pointColumns: [String]?

    public init(path: String, layer: String? = nil, encoding: String? = nil, preferredLayer: String? = nil) {
        self.path = path
        self.layer = layer
        self.encoding = encoding
        self.preferredLayer = preferredLayer
    }

    /// `FILE` or `FILE:LAYER`: the part after the last colon names a layer when the whole is not a file
    /// but the part before it is.
    ///
    /// ```swift
    /// LayerRequest(parsing: "city.gpkg:communities")   // path city.gpkg, layer communities
    /// ```
    public init(parsing text: String) {
        self.init(path: text)
        guard !FileManager.default.fileExists(atPath: text), let colon = text.lastIndex(of: ":") else { return }
        let file = String(text[..<colon]), name = String(text[text.index(after: colon)...])
        guard !name.isEmpty, FileManager.default.fileExists(atPath: file) else { return }
        path = file
        layer = name
    }
}

/// One way of reading a layer into features: the fast GeoJSON reader, the CSV point reader and GDAL
/// are its implementations. Every command reads its layers through ``LayerFormats``.
public protocol LayerReader: Sendable {
    /// Whether this reader takes the file, judged by its name.
    func accepts(_ path: String) -> Bool
    func read(_ request: LayerRequest) throws(InputError) -> FeatureCollection
}

/// The readers a program has, tried in order: the first that accepts a file reads it.
///
/// ```swift
/// let formats = LayerFormats.builtIn                   // GeoJSON and CSV; no GDAL linked
/// let units = try formats.read(LayerRequest(path: "units.geojson"))
/// ```
public struct LayerFormats: Sendable {
    public var readers: [any LayerReader]

    public init(readers: [any LayerReader]) {
        self.readers = readers
    }

    /// CSV by its extension, everything else as GeoJSON: what a program without GDAL reads.
    public static let builtIn = LayerFormats(readers: [CSVLayerReader(), GeoJSONLayerReader(anyName: true)])

    public func read(_ request: LayerRequest) throws(InputError) -> FeatureCollection {
        guard let reader = readers.first(where: { $0.accepts(request.path) }) else {
            throw InputError(file: request.path, message: "no reader for this kind of file")
        }
        return try reader.read(request)
    }
}

/// The fast GeoJSON reader as a layer reader.
public struct GeoJSONLayerReader: LayerReader {
    /// Whether it takes any file (without GDAL), or only `.geojson` and `.json` (beside GDAL, which
    /// reads the rest).
    public var anyName: Bool

    public init(anyName: Bool) { self.anyName = anyName }

    public func accepts(_ path: String) -> Bool {
        anyName || [".geojson", ".json"].contains { path.lowercased().hasSuffix($0) }
    }

    public func read(_ request: LayerRequest) throws(InputError) -> FeatureCollection {
        try refuseLayer(request)
        return try GeoJSONReader.read(file: request.path, pointColumns: request.pointColumns)
    }
}

/// CSV tables of points (longitude/latitude columns) or of WKT geometries, as a layer reader.
public struct CSVLayerReader: LayerReader {
    public init() {}

    public func accepts(_ path: String) -> Bool { path.lowercased().hasSuffix(".csv") }

    public func read(_ request: LayerRequest) throws(InputError) -> FeatureCollection {
        try refuseLayer(request)
        let table = try CSVTable.read(file: request.path, encoding: request.encoding)
        return CSVPointReader.rowsOnly(table.header, request) ? CSVPointReader.rows(table) : try CSVPointReader.points(table, file: request.path)
    }
}

/// A single-layer file asked for a named layer: say so rather than read what was not asked for.
func refuseLayer(_ request: LayerRequest) throws(InputError) {
    guard let layer = request.layer else { return }
    throw InputError(file: request.path, message: "has a single layer; there is no layer \(InputError.quoted(layer)) to pick")
}
