import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// The coverage rows in the formats `doorstep coverage --format` offers.
///
/// Every format carries the same columns: `code, name, level, kind, radius_m, elderly_total,
/// elderly_covered, coverage_ratio, facilities, capacity, uncovered_area_m2, elderly_off_network`.
///
/// ```swift
/// let csv = CoverageTable(assessment).csv()   // UTF-8 with BOM, opens in Excel with Chinese names
/// ```
public struct CoverageTable: Sendable {
    public static let columns = [
        "code", "name", "level", "kind", "radius_m", "elderly_total", "elderly_covered", "coverage_ratio",
        "facilities", "capacity", "uncovered_area_m2", "elderly_off_network",
    ]

    public var rows: [CoverageRow]
    var unitGeometries: [String: GeometryValue]

    public init(_ assessment: CoverageAssessment) {
        self.rows = assessment.rows
        self.unitGeometries = assessment.unitGeometries
    }

    /// Rows without geometries (CSV, JSON and table output).
    public init(rows: [CoverageRow]) {
        self.rows = rows
        self.unitGeometries = [:]
    }

    /// `value` rounded to `decimals` places, as every output writes areas and ratios.
    public static func rounded(_ value: Double, _ decimals: Int) -> Double {
        let scale = pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }

    /// Square metres to 1 decimal, as `uncovered_area_m2` is written.
    public static func areaRounded(_ m2: Double) -> Double { rounded(m2, 1) }

    /// The ratio to 4 decimals, or `null` when the unit has no elderly.
    public static func ratio(_ value: Double?) -> JSONValue {
        value.map { .number(rounded($0, 4)) } ?? .null
    }

    static func properties(_ row: CoverageRow) -> JSONObject {
        [
            "code": .string(row.code), "name": .string(row.name), "level": .string(row.level.rawValue),
            "kind": .string(row.kind), "radius_m": .number(row.radius), "elderly_total": .number(row.elderlyTotal),
            "elderly_covered": .number(row.elderlyCovered), "coverage_ratio": ratio(row.coverageRatio),
            "facilities": .number(Double(row.facilities)), "capacity": .number(row.capacity),
            "uncovered_area_m2": .number(areaRounded(row.uncoveredAreaM2)), "elderly_off_network": .number(row.elderlyOffNetwork),
        ]
    }

    /// A JSON array of row objects, numbers as numbers.
    public func json() -> String {
        GeoJSONWriter.json(.array(rows.map { .object(Self.properties($0)) })) + "\n"
    }

    /// Unit polygons carrying the row's columns as properties (no geometry when the assessment kept none).
    public var features: [Feature] {
        rows.map { Feature(geometry: unitGeometries[$0.code], properties: Self.properties($0)) }
    }

    /// ``features`` as a GeoJSON FeatureCollection.
    public func geojson() -> [UInt8] {
        GeoJSONWriter().featureCollection(features)
    }

    /// UTF-8 with BOM; cells that a spreadsheet would run as a formula are prefixed with `'`.
    public func csv() -> String {
        var lines = [Self.columns.joined(separator: ",")]
        for row in rows {
            lines.append(Self.properties(row).entries.map { Self.csvCell($0.value) }.joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    static func csvCell(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .string(let s): CSVCell.escape(s)
        default: GeoJSONWriter.json(value)  // numbers are never formulas, even negative ones
        }
    }

    /// An aligned text table for the terminal; CJK characters count as two columns.
    public func table() -> String {
        // The off-network column only when someone is off the network: a terminal is read, not parsed.
        let offNetwork = rows.contains { $0.elderlyOffNetwork > 0 }
        let header =
            ["code", "name", "level", "kind", "radius", "elderly", "covered", "ratio", "facilities", "capacity", "uncovered km²"]
            + (offNetwork ? ["off network"] : [])
        let body = rows.map { row in
            [
                row.code, row.name, row.level.rawValue, row.kind, Self.format(row.radius, 0),
                Self.format(row.elderlyTotal, 0), Self.format(row.elderlyCovered, 0),
                row.coverageRatio.map { String(format: "%.1f%%", $0 * 100) } ?? "–", String(row.facilities),
                Self.format(row.capacity, 0), Self.format(row.uncoveredAreaM2 / 1e6, 3),
            ] + (offNetwork ? [Self.format(row.elderlyOffNetwork, 0)] : [])
        }
        return Self.aligned([header] + body, numericFrom: 4)
    }

    /// Rows of cells aligned in columns, the columns from `numericFrom` on to the right.
    static func aligned(_ all: [[String]], numericFrom: Int) -> String {
        guard let header = all.first else { return "" }
        let widths = header.indices.map { column in all.map { Self.displayWidth($0[column]) }.max() ?? 0 }
        let numeric = Set(numericFrom..<max(numericFrom, header.count))
        return all.map { cells in
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - Self.displayWidth(cell))
                return numeric.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    /// Terminal columns of `text`: East Asian wide characters take two.
    public static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return width + (wide ? 2 : 1)
        }
    }
}
