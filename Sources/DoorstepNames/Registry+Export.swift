import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import GRDB

extension Place {
    /// The properties of `doorstep names export` and `search --format json`.
    public var properties: JSONObject {
        let r = record
        var object: JSONObject = [
            "id": .number(Double(id)), "name": .string(r.name), "pinyin": .string(pinyin), "type": .string(r.type),
            "status": .string(r.status.rawValue), "district": r.district.map(JSONValue.string) ?? .null,
            "town": r.town.map(JSONValue.string) ?? .null, "protected": .bool(r.isProtected),
            "former_names": .array(r.formerNames.map { .string($0.name) }),
        ]
        object["aliases"] = .array(r.aliases.map { .string($0.name) })
        object["former_names_dated"] = .array(r.formerNames.map { entry in
            .object(["name": .string(entry.name), "from": entry.from.map(JSONValue.string) ?? .null, "to": entry.to.map(JSONValue.string) ?? .null])
        })
        for (key, value) in [
            ("approval_body", r.approvalBody), ("approval_date", r.approvalDate), ("approval_document", r.approvalDocument),
            ("notice_date", r.noticeDate), ("sources", r.sources), ("remarks", r.remarks),
        ] {
            object[key] = value.map(JSONValue.string) ?? .null
        }
        return object
    }
}

/// What `doorstep names export` writes as GeoJSON: one geometry type per file, so that QGIS and
/// ArcGIS open it as one layer (a file mixing points, lines and areas opens as several, or asks).
///
/// ```swift
/// let roads = try registry.exportGeoJSON(geometry: .line)  // the lines, as MultiLineString
/// ```
public enum ExportGeometry: String, Sendable, CaseIterable {
    /// Every record as a point: a point record's own location, a line's or an area's point on its
    /// surface; a record without a location has a null geometry (it is still listed).
    case point
    /// Only the records with a line shape, as MultiLineString (a collection's line parts).
    case line
    /// Only the records with an area, as MultiPolygon (a collection's polygons).
    case polygon
}

extension Place {
    /// The separator of the list fields of the GeoJSON and CSV exports: text fields, not JSON arrays,
    /// which GeoPackage and QGIS's Processing cannot take.
    public static let listSeparator = ";"

    /// The properties of a GeoJSON export, flat: every value text, a number or a boolean, the lists
    /// joined with ``listSeparator`` (`former_names_from`/`_to` aligned with `former_names`, empty
    /// where a date is not known), and `shape` saying what the record's own geometry is (`point`,
    /// `line`, `polygon` or `none`), for the points that stand for lines and areas.
    public var exportProperties: JSONObject {
        let r = record
        var object: JSONObject = [
            "id": .number(Double(id)), "name": .string(r.name), "pinyin": .string(pinyin), "type": .string(r.type),
            "status": .string(r.status.rawValue), "district": r.district.map(JSONValue.string) ?? .null,
            "town": r.town.map(JSONValue.string) ?? .null, "protected": .bool(r.isProtected),
        ]
        let separator = Self.listSeparator
        object["former_names"] = .string(r.formerNames.map(\.name).joined(separator: separator))
        object["former_names_from"] = .string(r.formerNames.map { $0.from ?? "" }.joined(separator: separator))
        object["former_names_to"] = .string(r.formerNames.map { $0.to ?? "" }.joined(separator: separator))
        object["aliases"] = .string(r.aliases.map(\.name).joined(separator: separator))
        for (key, value) in [
            ("approval_body", r.approvalBody), ("approval_date", r.approvalDate), ("approval_document", r.approvalDocument),
            ("notice_date", r.noticeDate), ("sources", r.sources), ("remarks", r.remarks),
        ] {
            object[key] = value.map(JSONValue.string) ?? .null
        }
        object["shape"] = .string(Self.shape(of: r.geometry))
        return object
    }

    static func shape(of geometry: GeometryValue?) -> String {
        guard let geometry, !geometry.coordinates.isEmpty else { return "none" }
        if !geometry.polygons.isEmpty { return "polygon" }
        if !Self.lines(of: geometry).isEmpty { return "line" }
        return "point"
    }

    static func lines(of geometry: GeometryValue) -> [[Coordinate]] {
        switch geometry {
        case .lineString(let line): [line]
        case .multiLineString(let lines): lines
        case .geometryCollection(let parts): parts.flatMap(lines)
        default: []
        }
    }

    /// The record's geometry as `kind` writes it, snapped to the 7 decimals written so that what GIS
    /// reads is valid; `listed` false when the record has no shape of that kind.
    func exportGeometry(_ kind: ExportGeometry, in context: GEOSContext) throws -> (listed: Bool, geometry: GeometryValue?) {
        switch kind {
        case .point:
            guard let geometry = record.geometry, !geometry.coordinates.isEmpty else { return (true, nil) }
            let inside = try Geometry(geometry, in: context).pointOnSurface().snappedValue(toGrid: 1e-7)
            guard case .point = inside else { return (true, nil) }
            return (true, inside)
        case .line:
            let parts = record.geometry.map(Self.lines) ?? []
            guard !parts.isEmpty else { return (false, nil) }
            // Snapping may shorten a part of a few centimetres to nothing: the record stays listed.
            let kept = Self.lines(of: try Geometry(.multiLineString(parts), in: context).snappedValue(toGrid: 1e-7))
            return (true, kept.isEmpty ? nil : .multiLineString(kept))
        case .polygon:
            let parts = record.geometry?.polygons ?? []
            guard !parts.isEmpty else { return (false, nil) }
            let kept = try Geometry(.multiPolygon(parts), in: context).snappedValue(toGrid: 1e-7).polygons
            return (true, kept.isEmpty ? nil : .multiPolygon(kept))
        }
    }
}

extension Registry {
    /// The records as GeoJSON features of one geometry type (``ExportGeometry``), with
    /// ``Place/exportProperties``.
    ///
    /// ```swift
    /// let areas = try registry.exportFeatures(status: .inUse, geometry: .polygon)
    /// ```
    public func exportFeatures(status: PlaceStatus? = nil, geometry kind: ExportGeometry = .point) throws -> [Feature] {
        let context = GEOSContext()
        return try all(status: status).compactMap { place in
            let shape = try place.exportGeometry(kind, in: context)
            return shape.listed ? Feature(geometry: shape.geometry, properties: place.exportProperties) : nil
        }
    }

    /// RFC 7946 GeoJSON of the records, one geometry type per file (``exportFeatures(status:geometry:)``).
    ///
    /// ```swift
    /// try OutputFile.write(try registry.exportGeoJSON(status: .inUse), to: "names-points.geojson")
    /// ```
    public func exportGeoJSON(status: PlaceStatus? = nil, geometry: ExportGeometry = .point) throws -> [UInt8] {
        GeoJSONWriter().featureCollection(try exportFeatures(status: status, geometry: geometry))
    }

    public static let csvColumns = [
        "id", "name", "pinyin", "type", "status", "district", "town", "protected", "former_names", "aliases",
        "approval_body", "approval_date", "approval_document", "notice_date", "longitude", "latitude", "remarks",
    ]

    /// CSV (UTF-8 with BOM, formula-safe) with a representative point per record.
    public func exportCSV(status: PlaceStatus? = nil) throws -> String {
        let context = GEOSContext()
        var lines = [Self.csvColumns.joined(separator: ",")]
        for place in try all(status: status) {
            var point: Coordinate?
            if let geometry = place.geometry, case .point(let c)? = try? Geometry(geometry, in: context).pointOnSurface().value() {
                point = c
            }
            let cells: [String?] = [
                String(place.id), place.name, place.pinyin, place.type, place.status.rawValue, place.district, place.town,
                String(place.isProtected), place.formerNames.map(\.name).joined(separator: Place.listSeparator),
                place.aliases.map(\.name).joined(separator: Place.listSeparator), place.approvalBody, place.approvalDate,
                place.approvalDocument, place.noticeDate, point.map { String(format: "%.7f", $0.x) },
                point.map { String(format: "%.7f", $0.y) }, place.remarks,
            ]
            lines.append(cells.map { CSVCell.escape($0 ?? "") }.joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// The plan's pipeline at a glance (`doorstep names plan`).
public struct PlanSummary: Sendable {
    public var byStatus: [(String, Int)]
    public var byType: [(String, Int)]
    public var byDistrict: [(String, Int)]
    public var reserved: [Place]
    public var protected: [Place]
    /// Planned places still carrying a placeholder (规划…/待命名).
    public var unnamed: [Place]
}

extension Registry {
    public func planSummary() throws -> PlanSummary {
        try read { db in
            func counts(_ column: String) throws -> [(String, Int)] {
                try Row.fetchAll(db, sql: "SELECT coalesce(\(column), '(none)') AS k, COUNT(*) AS n FROM place GROUP BY k ORDER BY n DESC, k")
                    .map { ($0["k"], $0["n"]) }
            }
            return PlanSummary(
                byStatus: try counts("status"), byType: try counts("type"), byDistrict: try counts("district"),
                reserved: try Self.places(db, where: "status = 'reserved'"),
                protected: try Self.places(db, where: "protected = 1"),
                unnamed: try Self.places(db, where: "(name LIKE '规划%' OR name LIKE '%待命名%') AND status NOT IN ('retired','deprecated')"))
        }
    }
}
