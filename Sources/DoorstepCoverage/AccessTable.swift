import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// The accessibility rows of `doorstep access`, one per unit and kind, in every format it offers.
///
/// Columns: `code, name, level, kind, method, radius_m, elderly_total, supply, supply_per_1000,
/// access_mean, access_per_1000, elderly_below_norm, norm_per_1000`. Scores are written unrounded
/// (they are compared with other tools to 1e-9); ratios are null for a unit without elderly.
///
/// ```swift
/// let table = AccessTable(assessment)     // an assessment made with settings.access set
/// print(table.table())
/// ```
public struct AccessTable: Sendable {
    public static let columns = [
        "code", "name", "level", "kind", "method", "radius_m", "elderly_total", "supply", "supply_per_1000",
        "access_mean", "access_per_1000", "elderly_below_norm", "norm_per_1000",
    ]

    public var rows: [CoverageRow]
    var unitGeometries: [String: GeometryValue]

    public init(_ assessment: CoverageAssessment) {
        rows = assessment.rows.filter { $0.access != nil }
        unitGeometries = assessment.unitGeometries
    }

    static func properties(_ row: CoverageRow) -> JSONObject {
        let access = row.access ?? .none
        let mean = access.accessMean(elderly: row.elderlyTotal)
        return JSONObject(
            keys: columns,
            values: [
                .string(row.code), .string(row.name), .string(row.level.rawValue), .string(row.kind), .string(access.method.rawValue),
                .number(row.radius), .number(row.elderlyTotal), .number(access.supply),
                access.supplyPer1000(elderly: row.elderlyTotal).map(JSONValue.number) ?? .null,
                mean.map(JSONValue.number) ?? .null, mean.map { .number(1000 * $0) } ?? .null,
                .number(access.elderlyBelowNorm), .number(access.norm),
            ])
    }

    /// Unit polygons (when the assessment kept them) carrying the row's columns.
    public var features: [Feature] {
        rows.map { Feature(geometry: unitGeometries[$0.code], properties: Self.properties($0)) }
    }

    public func json() -> String {
        GeoJSONWriter.json(.array(rows.map { .object(Self.properties($0)) })) + "\n"
    }

    /// UTF-8 with BOM, as `coverage --format csv`.
    public func csv() -> String {
        var lines = [Self.columns.joined(separator: ",")]
        for row in rows { lines.append(Self.properties(row).entries.map { CoverageTable.csvCell($0.value) }.joined(separator: ",")) }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// An aligned text table for the terminal.
    public func table() -> String {
        let header = ["code", "name", "level", "kind", "elderly", "supply", "per 1,000", "access per 1,000", "below norm", "norm"]
        let body = rows.map { row -> [String] in
            let access = row.access ?? .none
            let dash = "–"
            return [
                row.code, row.name, row.level.rawValue, row.kind, CoverageTable.format(row.elderlyTotal, 0), CoverageTable.format(access.supply, 0),
                access.supplyPer1000(elderly: row.elderlyTotal).map { CoverageTable.format($0, 1) } ?? dash,
                access.accessMean(elderly: row.elderlyTotal).map { CoverageTable.format(1000 * $0, 1) } ?? dash,
                CoverageTable.format(access.elderlyBelowNorm, 0), CoverageTable.format(access.norm, 0),
            ]
        }
        return CoverageTable.aligned([header] + body, numericFrom: 4)
    }
}
