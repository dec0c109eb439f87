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

extension Registry {
    /// RFC 7946 GeoJSON of the records; a record without geometry has `"geometry": null`.
    public func exportGeoJSON(status: PlaceStatus? = nil) throws -> [UInt8] {
        let context = GEOSContext()
        let features = try all(status: status).map { place in
            // Snapped to the 7 decimals written, so what GIS reads is valid.
            let geometry = try place.geometry.map { try Geometry($0, in: context).snappedValue(toGrid: 1e-7) }
            return Feature(geometry: geometry, properties: place.properties)
        }
        return GeoJSONWriter().featureCollection(features)
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
                String(place.isProtected), place.formerNames.map(\.name).joined(separator: ";"),
                place.aliases.map(\.name).joined(separator: ";"), place.approvalBody, place.approvalDate,
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
