import CGDAL
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// Writes features in the format an output's extension names: GeoJSON with Doorstep's own writer,
/// GeoPackage, Shapefile, FlatGeobuf, KML and CSV through GDAL.
///
/// GDAL writes into memory (`/vsimem`) and the files are then put in place by ``OutputFile`` — so a
/// failed or killed run leaves no half GeoPackage, and a Shapefile's `.shp`, `.shx`, `.dbf`, `.prj`
/// and `.cpg` arrive together (replacing every part of an older set of that name). Each layer holds
/// one geometry type (polygons always MultiPolygon); numbers are Real fields, text String, lists
/// joined with `|`. The caller declares what a layer holds (``OutputSchema``), so a layer without
/// features still has its geometry type, its fields and EPSG:4326, and a field's type never depends on
/// whether its values are null.
///
/// ```swift
/// try VectorOutput.check("gaps.gpkg")                 // before the work: a format we write?
/// try VectorOutput.write(gaps.features, to: "gaps.gpkg", schema: .gaps)
/// ```
public enum VectorOutput {
    public enum Format: String, Sendable, CaseIterable {
        case geojson, gpkg, shp, fgb, kml, csv

        var driver: String {
            switch self {
            case .geojson: "GeoJSON"
            case .gpkg: "GPKG"
            case .shp: "ESRI Shapefile"
            case .fgb: "FlatGeobuf"
            case .kml: "KML"
            case .csv: "CSV"
            }
        }
    }

    /// The format of an output path by its extension; standard output and `.json` are GeoJSON.
    public static func format(of path: String) throws(InputError) -> Format {
        let lowered = path.lowercased()
        if OutputFile.openDescriptor(path) != nil || lowered.hasSuffix(".json") || lowered.hasSuffix(".geojson") { return .geojson }
        // A device or a pipe (/dev/null, /dev/stdout) takes the stream GeoJSON is.
        if !isRegularFileOrFolder(path) { return .geojson }
        if let format = Format.allCases.first(where: { lowered.hasSuffix(".\($0.rawValue)") }) { return format }
        let known = Format.allCases.map { ".\($0.rawValue)" }.joined(separator: ", ")
        throw InputError(file: path, message: "no format for this extension; write .geojson (or .json), \(known.dropFirst(10))")
    }

    /// Whether `path` (symbolic links followed) is a regular file or a folder, or does not exist.
    static func isRegularFileOrFolder(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return true }
        let type = info.st_mode & S_IFMT
        return type == S_IFREG || type == S_IFDIR
    }

    /// Refuses, before any work, an output no driver writes.
    public static func check(_ path: String) throws(InputError) { _ = try format(of: path) }

    /// One layer to write: its features and, when the caller knows it, what it holds.
    public struct Layer {
        public var name: String
        public var features: [Feature]
        /// The layer's geometry type and fields; without it they are taken from the features (and a
        /// layer without features has no fields and an unknown geometry type).
        public var schema: OutputSchema?

        public init(name: String, features: [Feature], schema: OutputSchema?) {
            self.name = name
            self.features = features
            self.schema = schema
        }
    }

    /// Writes one layer, named after the file, atomically.
    public static func write(_ features: [Feature], to path: String, schema: OutputSchema? = nil) throws(InputError) {
        try write([Layer(name: layerName(for: path), features: features, schema: schema)], to: path)
    }

    /// Writes several layers into one file (a GeoPackage; other formats hold one layer).
    public static func write(_ layers: [(name: String, features: [Feature])], to path: String) throws(InputError) {
        try write(layers.map { Layer(name: $0.name, features: $0.features, schema: nil) }, to: path)
    }

    /// Writes several layers into one file (a GeoPackage; other formats hold one layer).
    public static func write(_ layers: [Layer], to path: String) throws(InputError) {
        let files = try files(layers, for: path)
        // A Shapefile is written as a whole set: the parts GDAL writes replace the old ones together
        // (``OutputFile/writeAll(_:)``), and no part of an older set may stay beside them — a stale
        // .qix would index the old shapes. An index is optional, so removing it first leaves the old
        // set whole should the write fail.
        let stale = try format(of: path) == .shp ? ShapefileSet.staleParts(of: path, keeping: files.map(\.path)) : []
        for part in stale where ShapefileSet.optional(part) { ShapefileSet.remove(part, unlessOneOf: []) }
        try OutputFile.writeAll(files)
        for part in stale where !ShapefileSet.optional(part) { ShapefileSet.remove(part, unlessOneOf: files.map(\.path)) }
    }

    /// The files to write for `path`, as bytes.
    public static func files(_ layers: [(name: String, features: [Feature])], for path: String) throws(InputError) -> [(path: String, bytes: [UInt8])] {
        try files(layers.map { Layer(name: $0.name, features: $0.features, schema: nil) }, for: path)
    }

    /// The files to write for `path`, as bytes.
    public static func files(_ layers: [Layer], for path: String) throws(InputError) -> [(path: String, bytes: [UInt8])] {
        let format = try format(of: path)
        if format == .geojson {
            guard layers.count == 1 else { throw InputError(file: path, message: "GeoJSON holds one layer; write a .gpkg for several") }
            return [(path, GeoJSONWriter().featureCollection(layers[0].features))]
        }
        guard layers.count == 1 || format == .gpkg else {
            throw InputError(file: path, message: "a .\(format.rawValue) file holds one layer; write a .gpkg for several")
        }
        return try GDALWriter(format: format, target: path).files(layers)
    }

    /// The stem of the file name: `gaps` for `out/gaps.gpkg`.
    static func layerName(for path: String) -> String {
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return name.isEmpty ? "layer" : name
    }
}

/// One GDAL write into memory.
struct GDALWriter {
    var format: VectorOutput.Format
    var target: String

    func files(_ layers: [VectorOutput.Layer]) throws(InputError) -> [(path: String, bytes: [UInt8])] {
        try GDALRuntime.start(for: target)
        let folder = "/vsimem/doorstep-\(UUID().uuidString)"
        let fileName = URL(fileURLWithPath: target).lastPathComponent
        VSIMkdir(folder, 0o755)  // the CSV driver writes into a folder that must exist
        defer { VSIRmdirRecursive(folder) }
        do {
            let dataset = try create(folder + "/" + fileName)
            for layer in layers { try write(layer.features, named: layer.name, schema: layer.schema, into: dataset) }
        }  // closed here: GDAL finishes the files when the dataset closes
        let written = GDALRuntime.takeStringList(VSIReadDir(folder)).filter { $0 != "." && $0 != ".." }
        let targetFolder = URL(fileURLWithPath: target).deletingLastPathComponent().path
        return written.sorted().compactMap { name in
            var length: vsi_l_offset = 0
            guard let buffer = VSIGetMemFileBuffer(folder + "/" + name, &length, 1) else { return nil }
            defer { VSIFree(buffer) }
            return (targetFolder + "/" + name, Array(UnsafeBufferPointer(start: buffer, count: Int(length))))
        }
    }

    func create(_ path: String) throws(InputError) -> GDALDataset {
        CPLErrorReset()
        guard let driver = GDALGetDriverByName(format.driver),
            let handle = GDALCreate(driver, path, 0, 0, 0, GDT_Unknown, nil)
        else {
            throw InputError(file: target, message: "GDAL cannot create it: \(GDALRuntime.lastError(or: "no \(format.driver) driver"))")
        }
        return GDALDataset(handle: handle)
    }

    var layerOptions: [String] {
        switch format {
        case .shp: ["ENCODING=UTF-8"]
        case .csv: ["GEOMETRY=AS_WKT"]
        case .gpkg: ["FID=fid"]
        default: []
        }
    }

    func write(_ features: [Feature], named name: String, schema declared: OutputSchema?, into dataset: GDALDataset) throws(InputError) {
        var schema = try LayerSchema(features, declared: declared, file: target, shortNames: format == .shp)
        // GDAL 3.6's FlatGeobuf driver drops a feature without geometry without a word: refuse rather
        // than write a short file that passes for a whole one.
        if format == .fgb {
            let missing = features.indices.filter { features[$0].geometry?.coordinates.isEmpty ?? true }
            if let first = missing.first {
                throw InputError(
                    file: target,
                    message: "FlatGeobuf cannot hold a feature without geometry (\(missing.count) of \(features.count), the first is feature \(first)); write .gpkg or .shp")
            }
        }
        // A Shapefile without its .shp is no Shapefile (GDAL writes only the .dbf for a table).
        if format == .shp, schema.geometryType == wkbNone { schema.geometryType = wkbUnknown }
        guard let wgs84 = OSRNewSpatialReference(nil) else { throw InputError(file: target, message: "GDAL cannot make a spatial reference") }
        defer { OSRRelease(wgs84) }
        OSRImportFromEPSG(wgs84, 4326)
        OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER)
        var options = layerOptions
        if format == .csv, schema.geometryType == wkbPoint { options = ["GEOMETRY=AS_XY"] }
        let layer = GDALRuntime.withOptions(options) {
            GDALDatasetCreateLayer(dataset.handle, name, schema.geometryType == wkbNone ? nil : wgs84, schema.geometryType, $0)
        }
        guard let layer else { throw InputError(file: target, message: "GDAL cannot create layer \(name): \(GDALRuntime.lastError(or: "unknown reason"))") }
        for field in schema.fields {
            let definition = OGR_Fld_Create(field.storedName, field.type)
            defer { OGR_Fld_Destroy(definition) }
            if field.type == OFTString, format == .shp { OGR_Fld_SetWidth(definition, Int32(min(254, max(1, field.width ?? 80)))) }
            guard OGR_L_CreateField(layer, definition, 1) == OGRERR_NONE else {
                throw InputError(file: target, message: "GDAL cannot create field \(field.name): \(GDALRuntime.lastError(or: "unknown reason"))")
            }
        }
        // Where each field landed: a driver may keep fields of its own first (KML's Name and Description).
        let definition = OGR_L_GetLayerDefn(layer)
        let columns = schema.fields.map { OGR_FD_GetFieldIndex(definition, $0.storedName) }
        GDALDatasetStartTransaction(dataset.handle, 0)
        for (index, feature) in features.enumerated() { try write(feature, index: index, schema: schema, columns: columns, into: layer) }
        guard GDALDatasetCommitTransaction(dataset.handle) == OGRERR_NONE || format != .gpkg else {
            throw InputError(file: target, message: "GDAL cannot finish the layer: \(GDALRuntime.lastError(or: "unknown reason"))")
        }
    }

    func write(_ feature: Feature, index: Int, schema: LayerSchema, columns: [Int32], into layer: OGRLayerH) throws(InputError) {
        guard let handle = OGR_F_Create(OGR_L_GetLayerDefn(layer)) else { throw InputError(file: target, message: "GDAL cannot make a feature") }
        defer { OGR_F_Destroy(handle) }
        for (field, column) in zip(schema.fields, columns) where column >= 0 {
            guard let value = feature.properties[field.name], value != .null else { continue }
            switch (field.type, value) {
            case (OFTReal, .number(let number)): OGR_F_SetFieldDouble(handle, column, number)
            case (OFTInteger, .bool(let flag)): OGR_F_SetFieldInteger(handle, column, flag ? 1 : 0)
            default: OGR_F_SetFieldString(handle, column, LayerSchema.text(value))
            }
        }
        if let geometry = feature.geometry.map({ schema.conformed($0) }) {
            var bytes = WKB.encode(geometry)
            var made: OGRGeometryH?
            guard OGR_G_CreateFromWkb(&bytes, nil, &made, Int32(bytes.count)) == OGRERR_NONE, let made else {
                throw .feature(index, in: target, "GDAL cannot take its geometry")
            }
            OGR_F_SetGeometryDirectly(handle, made)  // the feature owns it now
        }
        guard OGR_L_CreateFeature(layer, handle) == OGRERR_NONE else {
            throw .feature(index, in: target, "GDAL cannot write it: \(GDALRuntime.lastError(or: "unknown reason"))")
        }
    }
}

/// The fields and the one geometry type of a layer: as declared (``OutputSchema``), else from its
/// features. A field's type never depends on whether a value is null: a declared field has its
/// declared type; an undeclared one the kind of its values; one null everywhere the type Doorstep's
/// own field of that name has (``OutputSchema/knownFieldTypes``), else String.
struct LayerSchema {
    struct Field {
        var name: String
        var storedName: String
        var type: OGRFieldType
        /// The longest value in bytes; nil when no value was seen.
        var width: Int?
    }

    var fields: [Field]
    var geometryType: OGRwkbGeometryType

    init(_ features: [Feature], declared: OutputSchema? = nil, file: String, shortNames: Bool) throws(InputError) {
        var order: [String] = declared?.fields.map(\.name) ?? []
        var seen = Set(order)
        var kinds: [String: OGRFieldType] = [:]
        var widths: [String: Int] = [:]
        for feature in features {
            for (key, value) in feature.properties.entries {
                if seen.insert(key).inserted { order.append(key) }
                if value != .null { widths[key] = max(widths[key] ?? 1, Self.text(value).utf8.count) }
                let kind: OGRFieldType? =
                    switch value {
                    case .null: nil
                    case .number: OFTReal
                    case .bool: OFTInteger
                    default: OFTString
                    }
                guard let kind else { continue }
                if let known = kinds[key], known != kind { kinds[key] = OFTString } else if kinds[key] == nil { kinds[key] = kind }
            }
        }
        let declaredTypes = Dictionary((declared?.fields ?? []).map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        let stored = shortNames ? ShapefileFieldNames.short(order) : order
        fields = zip(order, stored).map { name, storedName in
            let type = declaredTypes[name].map(Self.ogrType) ?? kinds[name] ?? OutputSchema.knownFieldTypes[name].map(Self.ogrType) ?? OFTString
            return Field(name: name, storedName: storedName, type: type, width: widths[name])
        }
        let found = try Self.geometryType(features.compactMap(\.geometry), file: file)
        if let declared {
            geometryType = try Self.geometryType(declared.geometry, holding: found, file: file)
        } else {
            // Nothing to tell the type from: unknown, yet a geometry layer in EPSG:4326.
            geometryType = found == wkbNone && features.isEmpty ? wkbUnknown : found
        }
    }

    static func ogrType(_ type: OutputSchema.FieldType) -> OGRFieldType {
        switch type {
        case .real: OFTReal
        case .boolean: OFTInteger
        case .string: OFTString
        }
    }

    static func ogrType(_ geometry: OutputSchema.Geometry) -> OGRwkbGeometryType {
        switch geometry {
        case .none: wkbNone
        case .point: wkbPoint
        case .multiPoint: wkbMultiPoint
        case .lineString: wkbLineString
        case .multiLineString: wkbMultiLineString
        case .multiPolygon: wkbMultiPolygon
        }
    }

    /// The declared type, when the features' geometries fit it (a point in a MultiPoint layer does).
    static func geometryType(_ declared: OutputSchema.Geometry, holding found: OGRwkbGeometryType, file: String) throws(InputError) -> OGRwkbGeometryType {
        let type = ogrType(declared)
        let fits =
            found == wkbNone || found == type || (found == wkbPoint && type == wkbMultiPoint)
            || (found == wkbLineString && type == wkbMultiLineString)
        guard fits else {
            let name = OGRGeometryTypeToName(found).map { String(cString: $0) } ?? "another type"
            throw InputError(file: file, message: "the features are \(name); the layer is declared \(declared.rawValue)")
        }
        return type
    }

    /// The one type of the layer: polygons MultiPolygon; lines and points multi when any is.
    static func geometryType(_ geometries: [GeometryValue], file: String) throws(InputError) -> OGRwkbGeometryType {
        var families: Set<String> = []
        var anyMulti = false
        for geometry in geometries {
            switch geometry {
            case .point: families.insert("point")
            case .multiPoint: families.insert("point"); anyMulti = true
            case .lineString: families.insert("line")
            case .multiLineString: families.insert("line"); anyMulti = true
            case .polygon, .multiPolygon: families.insert("polygon")
            case .geometryCollection: families.insert("collection")
            }
        }
        guard families.count <= 1, !families.contains("collection") else {
            throw InputError(file: file, message: "the features mix \(families.sorted().joined(separator: ", ")); a layer holds one geometry type")
        }
        switch families.first {
        case "point": return anyMulti ? wkbMultiPoint : wkbPoint
        case "line": return anyMulti ? wkbMultiLineString : wkbLineString
        case "polygon": return wkbMultiPolygon
        default: return wkbNone
        }
    }

    /// `geometry` promoted to the layer's multi type where needed.
    func conformed(_ geometry: GeometryValue) -> GeometryValue {
        switch (geometry, geometryType) {
        case (.polygon(let rings), _): .multiPolygon([rings])
        case (.lineString(let line), wkbMultiLineString): .multiLineString([line])
        case (.point(let c), wkbMultiPoint): .multiPoint([c])
        default: geometry
        }
    }

    /// A value as field text: lists joined with `|`, objects as JSON.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .array(let items): items.map(text).joined(separator: "|")
        case .object: GeoJSONWriter.json(value)
        default: value.textValue ?? ""
        }
    }
}

/// The parts of a Shapefile beside the one being written.
enum ShapefileSet {
    /// Every part a Shapefile of that name may have: the five Doorstep writes, and spatial indexes.
    static let parts = ["shp", "shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx"]

    /// A spatial index: the set is whole without it.
    static func optional(_ path: String) -> Bool {
        ["qix", "sbn", "sbx"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
    }

    /// The parts of the set named by `path` that exist and are not among `written` (either case of
    /// extension: `G.DBF` beside a new `g.shp` is not the same file on Linux).
    static func staleParts(of path: String, keeping written: [String]) -> [String] {
        let base = URL(fileURLWithPath: path).deletingPathExtension()
        let folder = base.deletingLastPathComponent().path, stem = base.lastPathComponent
        let kept = Set(written.map { URL(fileURLWithPath: $0).lastPathComponent })
        var stale: [String] = []
        for ext in parts {
            for name in Set([stem + "." + ext, stem + "." + ext.uppercased()]) where !kept.contains(name) {
                var info = stat()
                if lstat(folder + "/" + name, &info) == 0 { stale.append(folder + "/" + name) }
            }
        }
        return stale
    }

    /// Removes `part` unless it is one of `written` under another name (a case-insensitive disk).
    static func remove(_ part: String, unlessOneOf written: [String]) {
        var info = stat()
        guard lstat(part, &info) == 0 else { return }
        for path in written {
            var other = stat()
            if stat(path, &other) == 0, other.st_dev == info.st_dev, other.st_ino == info.st_ino { return }
        }
        unlink(part)
    }
}
