import CGDAL
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// Every vector format GDAL reads — Shapefile, GeoPackage, File Geodatabase, FlatGeobuf, KML/KMZ,
/// GML, XLSX, OpenStreetMap `.osm.pbf` … — as a layer reader.
///
/// - A multi-layer source needs its layer named (`FILE:LAYER`), unless the request prefers one it has.
/// - A Shapefile's `.cpg` is honoured; without one (and no code page in the DBF), text that is not
///   UTF-8 is read as GB18030 with a note; ``LayerRequest/encoding`` overrides both.
/// - The layer's coordinate system becomes ``FeatureCollection/declaredEPSG``.
/// - A table without geometry (an Excel ledger) is read as the CSV reader reads one: longitude and
///   latitude columns (`经度`/`纬度` too), or a WKT column.
///
/// ```swift
/// let formats = LayerFormats.withGDAL
/// let towns = try formats.read(LayerRequest(path: "towns.shp"))
/// ```
public struct GDALLayerReader: LayerReader {
    public init() {}

    public func accepts(_ path: String) -> Bool { true }

    public func read(_ request: LayerRequest) throws(InputError) -> FeatureCollection {
        let path = request.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw InputError(file: path, message: "no such file") }
        // A folder may be a File Geodatabase; a device or a pipe is no layer (and /dev/zero never ends).
        if !isFolder.boolValue, let notAFile = FileInput.notAFile(path) { throw notAFile }
        let shapefile = try ShapefileParts(path)
        try GDALRuntime.start(for: path)  // before the configuration below, which is GDAL's
        var options: [String] = []
        if let encoding = request.encoding {
            options.append("ENCODING=\(encoding)")
        } else if shapefile?.textEncodingUnknown == true {
            options.append("ENCODING=")  // raw bytes: we tell UTF-8 from GB18030 ourselves
        }
        // A spreadsheet's first row is its header and every cell text, however the cells are typed
        // (GDAL 3.6's XLSX, XLS and ODS drivers take these as configuration, not open options; the
        // XLSX driver reads them when it parses the sheet, so they hold for the whole read).
        return try GDALRuntime.withThreadConfig(Self.spreadsheetConfig(path)) { () throws(InputError) -> FeatureCollection in
            let dataset = try GDALDataset.open(path, options: options)
            let layer = try Self.layer(of: dataset, request)
            var collection = try Self.features(
                of: layer, file: path, legacyText: shapefile?.textEncodingUnknown == true && request.encoding == nil, request: request)
            try Self.declareCRS(of: layer, in: &collection, file: path, hasPrj: shapefile?.hasPrj ?? false)
            return collection
        }
    }

    /// The configuration that makes GDAL read a spreadsheet's first row as its header (even when
    /// every cell is text, as in a ledger typed by hand) and every cell as text.
    static func spreadsheetConfig(_ path: String) -> [(key: String, value: String)] {
        let prefix: String
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "xlsx", "xlsm": prefix = "OGR_XLSX"
        case "xls": prefix = "OGR_XLS"
        case "ods": prefix = "OGR_ODS"
        default: return []
        }
        return [(prefix + "_HEADERS", "FORCE"), (prefix + "_FIELD_TYPES", "STRING")]
    }

    /// The layer the request names, its only layer, or the one it prefers; else an error listing them.
    static func layer(of dataset: GDALDataset, _ request: LayerRequest) throws(InputError) -> OGRLayerH {
        let names = dataset.layerNames
        let listed = names.map { InputError.quoted($0) }.joined(separator: ", ")
        let chosen: String
        if let wanted = request.layer {
            guard names.contains(wanted) else {
                throw InputError(file: request.path, message: "has no layer \(InputError.quoted(wanted)); its layers are \(listed)")
            }
            chosen = wanted
        } else if names.count == 1 {
            chosen = names[0]
        } else if let preferred = request.preferredLayer, names.contains(preferred) {
            chosen = preferred
        } else if names.isEmpty {
            throw InputError(file: request.path, message: "has no layers")
        } else {
            throw InputError(file: request.path, message: "has \(names.count) layers (\(listed)); name one as FILE:LAYER")
        }
        guard let layer = GDALDatasetGetLayerByName(dataset.handle, chosen) else {
            throw InputError(file: request.path, message: "cannot open layer \(InputError.quoted(chosen)): \(GDALRuntime.lastError(or: "unknown reason"))")
        }
        return layer
    }

    /// Every feature of the layer, its fields as strings and numbers. With `legacyText`, text fields
    /// arrive as raw bytes and are decoded by ``LegacyText`` once all are seen.
    static func features(of layer: OGRLayerH, file: String, legacyText: Bool, request: LayerRequest) throws(InputError) -> FeatureCollection {
        let definition = OGR_L_GetLayerDefn(layer)
        let fieldCount = OGR_FD_GetFieldCount(definition)
        let fields: [(name: String, type: OGRFieldType)] = (0..<fieldCount).map { index in
            let field = OGR_FD_GetFieldDefn(definition, index)
            return (String(cString: OGR_Fld_GetNameRef(field)), OGR_Fld_GetType(field))
        }
        let hasGeometry = OGR_FD_GetGeomFieldCount(definition) > 0
        var features: [Feature] = []
        var legacy = LegacyText()
        OGR_L_ResetReading(layer)
        while true {
            // The end of the layer and a read error both give no feature; only the error leaves one.
            CPLErrorReset()
            guard let feature = OGR_L_GetNextFeature(layer) else {
                guard CPLGetLastErrorType() != CE_Failure else {
                    throw InputError(file: file, location: "feature \(features.count)", message: "GDAL cannot read it: \(GDALRuntime.lastError(or: "unknown reason"))")
                }
                break
            }
            defer { OGR_F_Destroy(feature) }
            let index = features.count
            var values: [JSONValue] = []
            values.reserveCapacity(fields.count)
            if legacyText { legacy.startFeature() }
            for (column, field) in fields.enumerated() {
                let bytes = text(of: feature, Int32(column), type: field.type)
                if let bytes, legacyText {
                    legacy.add(bytes, column: Int32(column))
                    values.append(.null)
                } else if let bytes {
                    values.append(.string(String(decoding: bytes, as: UTF8.self)))
                } else {
                    values.append(number(of: feature, Int32(column), type: field.type))
                }
            }
            let geometry = try hasGeometry ? Self.geometry(of: feature, index: index, file: file) : nil
            features.append(
                Feature(id: .number(Double(OGR_F_GetFID(feature))), geometry: geometry, properties: JSONObject(keys: fields.map(\.name), values: values)))
        }
        var notes: [String] = []
        if legacyText, let note = try legacy.decode(&features, file: file) { notes.append(note) }
        var collection: FeatureCollection
        if hasGeometry || features.isEmpty {
            collection = FeatureCollection(features: features)
        } else if CSVPointReader.rowsOnly(fields.map(\.name), request) {
            collection = FeatureCollection(features: features, featureLines: features.indices.map { $0 + 2 })
        } else {
            collection = try table(fields.map(\.name), features, file: file)
        }
        collection.notes = notes
        return collection
    }

    /// The bytes of a text field (nil for a number field or an unset one).
    static func text(of feature: OGRFeatureH, _ column: Int32, type: OGRFieldType) -> UnsafeBufferPointer<UInt8>? {
        guard type != OFTInteger, type != OFTInteger64, type != OFTReal, OGR_F_IsFieldSetAndNotNull(feature, column) != 0,
            let text = OGR_F_GetFieldAsString(feature, column)
        else { return nil }
        return UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: strlen(text))
    }

    static func number(of feature: OGRFeatureH, _ column: Int32, type: OGRFieldType) -> JSONValue {
        guard OGR_F_IsFieldSetAndNotNull(feature, column) != 0 else { return .null }
        return type == OFTReal ? .number(OGR_F_GetFieldAsDouble(feature, column)) : .number(Double(OGR_F_GetFieldAsInteger64(feature, column)))
    }

    /// The feature's geometry as a plain value; curves (a File Geodatabase's arcs) become lines.
    static func geometry(of feature: OGRFeatureH, index: Int, file: String) throws(InputError) -> GeometryValue? {
        guard let stored = OGR_F_GetGeometryRef(feature), OGR_G_IsEmpty(stored) == 0 else { return nil }
        var linear: OGRGeometryH?
        defer { if let linear { OGR_G_DestroyGeometry(linear) } }
        if OGR_GT_IsNonLinear(OGR_G_GetGeometryType(stored)) != 0 { linear = OGR_G_GetLinearGeometry(stored, 0, nil) }
        let geometry = linear ?? stored
        var bytes = [UInt8](repeating: 0, count: Int(OGR_G_WkbSize(geometry)))
        guard OGR_G_ExportToIsoWkb(geometry, wkbNDR, &bytes) == OGRERR_NONE else {
            throw .feature(index, in: file, "its geometry cannot be exported: \(GDALRuntime.lastError(or: "unknown reason"))")
        }
        do { return try WKB.decode(bytes) } catch { throw .feature(index, in: file, error.description) }
    }

    /// A layer with no geometry (a spreadsheet, a DBF alone) read as a table of points or WKT shapes;
    /// its rows are numbered as a spreadsheet numbers them (the header is row 1).
    static func table(_ header: [String], _ features: [Feature], file: String) throws(InputError) -> FeatureCollection {
        let rows = features.map { feature in feature.properties.entries.map { $0.value.textValue ?? "" } }
        return try CSVPointReader.points(CSVTable(header: header, rows: rows), file: file)
    }

    /// The layer's coordinate system as an EPSG code, or why it cannot be used.
    static func declareCRS(of layer: OGRLayerH, in collection: inout FeatureCollection, file: String, hasPrj: Bool) throws(InputError) {
        guard let reference = OGR_L_GetSpatialRef(layer) else {
            if hasPrj { collection.unusableCRS = "its .prj cannot be read by GDAL" }
            return
        }
        switch SpatialReference.epsgCode(of: reference) {
        case .code(let code): collection.declaredEPSG = code
        case .unidentified(let name): collection.unusableCRS = "its coordinate system \(InputError.quoted(name)) has no EPSG code GDAL can identify"
        }
    }
}

extension LayerFormats {
    /// Every format: the fast GeoJSON and CSV readers by extension, GDAL for the rest.
    public static let withGDAL = LayerFormats(readers: [CSVLayerReader(), GeoJSONLayerReader(anyName: false), GDALLayerReader()])
}

/// The text of a Shapefile that does not say its encoding: UTF-8 when every value is, else (as from
/// Chinese ArcGIS and the natural-resources bureau) GB18030/GBK — decided for the whole layer, since a
/// short GBK name can pass for UTF-8 by chance.
struct LegacyText {
    /// The raw bytes of each text value, by feature and column.
    var raw: [[Int32: [UInt8]]] = []
    var allUTF8 = true

    mutating func startFeature() { raw.append([:]) }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, column: Int32) {
        raw[raw.count - 1][column] = Array(bytes)
        if allUTF8, String(validating: bytes, as: UTF8.self) == nil { allUTF8 = false }
    }

    /// Puts the decoded text into the features; returns the note to give when it was GB18030.
    func decode(_ features: inout [Feature], file: String) throws(InputError) -> String? {
        for f in features.indices where !raw[f].isEmpty {
            var values = features[f].properties.entries.map(\.value)
            for (column, bytes) in raw[f] {
                guard !allUTF8 else {
                    values[Int(column)] = .string(String(decoding: bytes, as: UTF8.self))
                    continue
                }
                guard let converted = (try? TextDecoding.convert(bytes, from: "GB18030", to: "UTF-8")) ?? nil,
                    let text = String(validating: converted, as: UTF8.self)
                else {
                    let key = features[f].properties.keys[Int(column)]
                    throw .feature(f, in: file, "\(InputError.quoted(key)) is neither UTF-8 nor GB18030 text; give its encoding with --encoding")
                }
                values[Int(column)] = .string(text)
            }
            features[f].properties = JSONObject(keys: features[f].properties.keys, values: values)
        }
        return allUTF8 ? nil : "\(file): no .cpg says the text encoding and the text is not UTF-8; read as GB18030 (GBK) — give --encoding to override"
    }
}

/// The side files of a Shapefile, checked before GDAL opens it: GDAL opens a `.shp` without its
/// `.dbf` (no attributes) and says little about a missing `.shx`.
struct ShapefileParts {
    var hasPrj: Bool
    /// No `.cpg` and no code page in the DBF header: GDAL would guess Latin-1.
    var textEncodingUnknown: Bool

    init?(_ path: String) throws(InputError) {
        guard path.lowercased().hasSuffix(".shp") else { return nil }
        let base = String(path.dropLast(4))
        func sibling(_ extensions: String...) -> String? {
            extensions.lazy.map { base + "." + $0 }.first { FileManager.default.fileExists(atPath: $0) }
        }
        for required in ["shx", "dbf"] where sibling(required, required.uppercased()) == nil {
            throw InputError(file: path, message: "the Shapefile has no .\(required) beside it (a Shapefile is its .shp, .shx and .dbf together)")
        }
        hasPrj = sibling("prj", "PRJ") != nil
        let dbf = sibling("dbf", "DBF") ?? ""
        // Byte 29 of a DBF is its language driver id; 0 and 0x57 ("ANSI") say nothing useful.
        let languageDriver = FileHandle(forReadingAtPath: dbf).flatMap { handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: 30).flatMap { $0.count == 30 ? $0[29] : nil }
        }
        textEncodingUnknown = sibling("cpg", "CPG") == nil && [nil, 0, 0x57].contains(languageDriver)
    }
}
