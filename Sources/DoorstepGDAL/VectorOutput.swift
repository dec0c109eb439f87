import CGDAL
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// Writes features in the format an output's extension names: GeoJSON with Doorstep's own writer,
/// GeoPackage, Shapefile, FlatGeobuf, KML and CSV through GDAL.
///
/// GDAL writes into memory (`/vsimem`) and the files are then put in place by ``OutputFile`` — so a
/// failed or killed run leaves no half GeoPackage, and a Shapefile's `.shp`, `.shx`, `.dbf`, `.prj`
/// and `.cpg` arrive together. Each layer holds one geometry type (polygons always MultiPolygon);
/// numbers are Real fields, text String, lists joined with `|`.
///
/// ```swift
/// try VectorOutput.check("gaps.gpkg")                 // before the work: a format we write?
/// try VectorOutput.write(gaps.features, to: "gaps.gpkg")
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
        if path == OutputFile.standardOutput || lowered.hasSuffix(".json") || lowered.hasSuffix(".geojson") { return .geojson }
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

    /// Writes one layer, named after the file, atomically.
    public static func write(_ features: [Feature], to path: String) throws(InputError) {
        try write([(layerName(for: path), features)], to: path)
    }

    /// Writes several layers into one file (a GeoPackage; other formats hold one layer).
    public static func write(_ layers: [(name: String, features: [Feature])], to path: String) throws(InputError) {
        try OutputFile.writeAll(try files(layers, for: path))
    }

    /// The files to write for `path`, as bytes.
    public static func files(_ layers: [(name: String, features: [Feature])], for path: String) throws(InputError) -> [(path: String, bytes: [UInt8])] {
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

    func files(_ layers: [(name: String, features: [Feature])]) throws(InputError) -> [(path: String, bytes: [UInt8])] {
        GDALRuntime.start()
        let folder = "/vsimem/doorstep-\(UUID().uuidString)"
        let fileName = URL(fileURLWithPath: target).lastPathComponent
        VSIMkdir(folder, 0o755)  // the CSV driver writes into a folder that must exist
        defer { VSIRmdirRecursive(folder) }
        do {
            let dataset = try create(folder + "/" + fileName)
            for layer in layers { try write(layer.features, named: layer.name, into: dataset) }
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

    func write(_ features: [Feature], named name: String, into dataset: GDALDataset) throws(InputError) {
        let schema = try LayerSchema(features, file: target, shortNames: format == .shp)
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
            if field.type == OFTString, format == .shp { OGR_Fld_SetWidth(definition, Int32(min(254, max(1, field.width)))) }
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

/// The fields and the one geometry type of a layer, from its features: a field's type comes from its
/// values' kind, never from whether one is null (a field that is null everywhere is text).
struct LayerSchema {
    struct Field {
        var name: String
        var storedName: String
        var type: OGRFieldType
        var width: Int
    }

    var fields: [Field]
    var geometryType: OGRwkbGeometryType

    init(_ features: [Feature], file: String, shortNames: Bool) throws(InputError) {
        var order: [String] = []
        var kinds: [String: OGRFieldType] = [:]
        var widths: [String: Int] = [:]
        for feature in features {
            for (key, value) in feature.properties.entries {
                if kinds[key] == nil, widths[key] == nil { order.append(key) }
                widths[key] = max(widths[key] ?? 1, Self.text(value).utf8.count)
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
        let stored = shortNames ? ShapefileFieldNames.short(order) : order
        fields = zip(order, stored).map { Field(name: $0, storedName: $1, type: kinds[$0] ?? OFTString, width: widths[$0] ?? 1) }
        geometryType = try Self.geometryType(features.compactMap(\.geometry), file: file)
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
