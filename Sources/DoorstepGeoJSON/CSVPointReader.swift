import DoorstepGeometry

/// Reads a table of points (e.g. facilities exported from Excel) into point features.
///
/// The longitude and latitude columns are found by name: `longitude`/`lon`/`lng`/`x`/`经度` and
/// `latitude`/`lat`/`y`/`纬度`; without them, a `WKT` (or `geometry`) column of well-known text gives
/// any geometry, as `ogr2ogr -f CSV -lco GEOMETRY=AS_WKT` writes it. Every other column becomes a
/// string property.
///
/// ```swift
/// let canteens = try CSVPointReader.read(file: "canteens.csv")
/// ```
public enum CSVPointReader {
    static let longitudeNames: Set<String> = ["longitude", "lon", "lng", "long", "x", "经度"]
    static let latitudeNames: Set<String> = ["latitude", "lat", "y", "纬度"]
    static let wktNames: Set<String> = ["wkt", "geometry", "geom", "the_geom", "shape"]
    /// WKT nested deeper than this (collections in collections) is refused before GEOS parses it
    /// recursively: no place needs it, and a hostile cell could exhaust the stack.
    static let wktDepthLimit = 6

    public static func read(file path: String) throws(InputError) -> FeatureCollection {
        let table = try CSVTable.read(file: path)
        return try points(table, file: path)
    }

    public static func parse(_ text: String, file: String) throws(InputError) -> FeatureCollection {
        try points(try CSVTable.parse(text, file: file), file: file)
    }

    /// Whether the text has only the characters of a decimal number (digits, `.`, signs, `e`).
    static func isDecimal(_ text: String) -> Bool {
        var text = text
        // Through the contiguous bytes: iterating `utf8` cost more than parsing the number.
        return text.withUTF8 { bytes in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"),
                    UInt8(ascii: "e"), UInt8(ascii: "E"):
                    continue
                default: return false
                }
            }
            return true
        }
    }

    /// Whether the table has longitude and latitude columns.
    public static func hasCoordinates(_ table: CSVTable) -> Bool {
        let lowered = table.header.map { $0.lowercased() }
        return lowered.contains(where: longitudeNames.contains) && lowered.contains(where: latitudeNames.contains)
    }

    /// Whether a table with this header is read as rows without geometry for `request`: asked for, or
    /// allowed (``LayerRequest/coordinatesOptional``) and there is no coordinate or WKT column.
    public static func rowsOnly(_ header: [String], _ request: LayerRequest) -> Bool {
        guard !request.attributesOnly else { return true }
        let table = CSVTable(header: header, rows: [])
        return request.coordinatesOptional && !hasCoordinates(table) && !header.contains { wktNames.contains($0.lowercased()) }
    }

    /// Point features from a table with longitude/latitude columns.
    public static func points(_ table: CSVTable, file: String) throws(InputError) -> FeatureCollection {
        let header = table.header
        let lowered = header.map { $0.lowercased() }
        guard let lonColumn = lowered.firstIndex(where: longitudeNames.contains),
            let latColumn = lowered.firstIndex(where: latitudeNames.contains)
        else {
            if let wktColumn = lowered.firstIndex(where: wktNames.contains) { return try shapes(table, wktColumn: wktColumn, file: file) }
            throw InputError(
                file: file, location: "line 1",
                message: "no longitude/latitude columns (expected e.g. \"longitude,latitude\" or \"经度,纬度\") and no WKT column; header is \(InputError.quoted(header.joined(separator: ","), limit: 200))")
        }
        // The property columns: header names are unique (CSVTable refuses repeats) but for empty ones,
        // of which the last counts, as a later duplicate key does in a JSONObject.
        let lastEmpty = header.lastIndex(of: "")
        let propertyColumns = header.enumerated().filter { column, name in
            column != lonColumn && column != latColumn && (!name.isEmpty || column == lastEmpty)
        }
        var features: [Feature] = []
        var lines: [Int] = []
        features.reserveCapacity(table.rows.count)
        for (index, row) in table.rows.enumerated() {
            let line = "line \(table.line(ofRow: index))"
            if row.allSatisfy({ $0.trimmingSpaces().isEmpty }) { continue }
            func number(_ column: Int, _ name: String) throws(InputError) -> Double {
                let cell = column < row.count ? row[column].trimmingSpaces() : ""
                // Decimal only: Swift's Double(_:) would also take "0x1p4", "nan" and "inf".
                guard Self.isDecimal(cell), let value = Double(cell) else {
                    throw InputError(file: file, location: line, message: "\(InputError.quoted(name)) \"\(InputError.quoted(cell))\" is not a number")
                }
                guard value.isFinite else {
                    throw InputError(file: file, location: line, message: "\(InputError.quoted(name)) is \(InputError.quoted(cell)); only finite numbers are allowed")
                }
                return value
            }
            let coordinate = Coordinate(try number(lonColumn, header[lonColumn]), try number(latColumn, header[latColumn]))
            var properties = JSONObject()
            for (column, name) in propertyColumns {
                properties.appendUnchecked(name, column < row.count ? .string(row[column]) : .null)
            }
            features.append(Feature(geometry: .point(coordinate), properties: properties))
            lines.append(table.line(ofRow: index))
        }
        return FeatureCollection(features: features, featureLines: lines)
    }

    /// Every filled row as a feature without geometry, its cells as string properties.
    public static func rows(_ table: CSVTable) -> FeatureCollection {
        let filled = table.rows.indices.filter { !table.rows[$0].allSatisfy { $0.trimmingSpaces().isEmpty } }
        // Built in one pass: setting keys one by one costs the square of a hostile header's width.
        let features = filled.map { Feature(geometry: nil, properties: JSONObject(keys: table.header, values: table.rows[$0].map(JSONValue.string))) }
        return FeatureCollection(features: features, featureLines: filled.map(table.line(ofRow:)))
    }

    /// Features from a table whose `wktColumn` holds each row's geometry as well-known text.
    static func shapes(_ table: CSVTable, wktColumn: Int, file: String) throws(InputError) -> FeatureCollection {
        let context = GEOSContext()
        var features: [Feature] = []
        var lines: [Int] = []
        for (index, row) in table.rows.enumerated() {
            if row.allSatisfy({ $0.trimmingSpaces().isEmpty }) { continue }
            let line = table.line(ofRow: index)
            let text = table.cell(row, wktColumn) ?? ""
            var geometry: GeometryValue?
            if !text.isEmpty {
                guard nesting(of: text) <= wktDepthLimit else {
                    throw InputError(file: file, location: "line \(line)", message: "the WKT is nested too deeply")
                }
                do { geometry = try Geometry(wkt: text, in: context).value() } catch {
                    throw InputError(file: file, location: "line \(line)", message: "the WKT \(InputError.quoted(text)) cannot be read: \(error)")
                }
            }
            var properties = JSONObject()
            for (column, name) in table.header.enumerated() where column != wktColumn && !name.isEmpty {
                properties.appendUnchecked(name, column < row.count ? .string(row[column]) : .null)
            }
            features.append(Feature(geometry: geometry, properties: properties))
            lines.append(line)
        }
        return FeatureCollection(features: features, featureLines: lines)
    }

    /// The deepest parenthesis nesting in `text`.
    static func nesting(of text: String) -> Int {
        var depth = 0, deepest = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "(") { depth += 1; deepest = max(deepest, depth) }
            if byte == UInt8(ascii: ")") { depth -= 1 }
        }
        return deepest
    }
}
