import DoorstepGeoJSON
import DoorstepGeometry

/// The targets a unit must meet, and the smallest uncovered area worth listing.
public struct GapTargets: Sendable, Equatable {
    /// `--min-ratio`: below this coverage ratio a unit is a gap (reason `coverage`).
    public var minRatio: Double
    /// `--min-facilities`: with fewer facilities of the kind inside, a unit is a gap (reason `facilities`).
    public var minFacilities: Int
    /// `--min-area`: uncovered parts smaller than this many m² are left out.
    public var minAreaM2: Double

    public static let minRatioRange = SettingRange<Double>("--min-ratio", 0...1)
    public static let minFacilitiesRange = SettingRange<Int>("--min-facilities", 0...10_000)
    public static let minAreaRange = SettingRange<Double>("--min-area", 0...10_000_000, unit: "m²")

    /// What is wrong with these targets, or nil.
    public var problem: String? {
        Self.minRatioRange.problem(with: minRatio) ?? Self.minFacilitiesRange.problem(with: minFacilities)
            ?? Self.minAreaRange.problem(with: minAreaM2)
    }

    public init(minRatio: Double = 0.9, minFacilities: Int = 1, minAreaM2: Double = 100) {
        self.minRatio = minRatio
        self.minFacilities = minFacilities
        self.minAreaM2 = minAreaM2
    }
}

/// The gap list: units that miss a target, and the uncovered parts of units, each ranked by the
/// elderly left out.
///
/// ```swift
/// let gaps = GapList(assessment, targets: GapTargets())
/// try OutputFile.write(GeoJSONWriter().featureCollection(gaps.features), to: "gaps.geojson")
/// ```
public struct GapList: Sendable {
    public struct UnitGap: Sendable, Equatable {
        public var row: CoverageRow
        public var reasons: [String]
        public var rank: Int
    }

    public struct AreaGap: Sendable, Equatable {
        public var row: CoverageRow
        public var part: UncoveredPart
        public var rank: Int
    }

    public var unitGaps: [UnitGap]
    public var areaGaps: [AreaGap]
    let unitGeometries: [String: GeometryValue]
    /// `straight` or `network`: how reach was measured, carried by every feature.
    public let distanceModel: String

    public init(_ assessment: CoverageAssessment, targets: GapTargets) {
        var unitGaps: [UnitGap] = []
        var areaGaps: [AreaGap] = []
        for row in assessment.rows {
            var reasons: [String] = []
            if let ratio = row.coverageRatio, ratio < targets.minRatio { reasons.append("coverage") }
            if row.facilities < targets.minFacilities { reasons.append("facilities") }
            // With accessibility measured (`gaps --reason access`): too little supply within reach.
            if let access = row.access, let mean = access.accessMean(elderly: row.elderlyTotal), 1000 * mean < access.norm {
                reasons.append("access")
            }
            if !reasons.isEmpty { unitGaps.append(UnitGap(row: row, reasons: reasons, rank: 0)) }
            for part in row.uncoveredParts where part.areaM2 >= targets.minAreaM2 {
                areaGaps.append(AreaGap(row: row, part: part, rank: 0))
            }
        }
        unitGaps.sort {
            ($0.row.elderlyUncovered, $1.row.code, $1.row.kind) > ($1.row.elderlyUncovered, $0.row.code, $0.row.kind)
        }
        areaGaps.sort {
            ($0.part.elderlyUncovered, $0.part.areaM2, $1.row.code) > ($1.part.elderlyUncovered, $1.part.areaM2, $0.row.code)
        }
        for i in unitGaps.indices { unitGaps[i].rank = i + 1 }
        for i in areaGaps.indices { areaGaps[i].rank = i + 1 }
        self.unitGaps = unitGaps
        self.areaGaps = areaGaps
        self.unitGeometries = assessment.unitGeometries
        self.distanceModel = assessment.distanceModel
    }

    /// The gap list as CSV (UTF-8 with BOM, formula-safe), the same properties as the GeoJSON without geometry.
    public func csv() -> String {
        let columns = [
            "gap", "rank", "code", "name", "level", "kind", "radius_m", "elderly_total", "elderly_covered", "elderly_uncovered",
            "coverage_ratio", "facilities", "reasons", "area_m2", "elderly_off_network", "distance_model",
        ]
        var lines = [columns.joined(separator: ",")]
        for feature in features {
            lines.append(columns.map { column -> String in
                switch feature.properties[column] {
                case nil, .null?: ""
                case .array(let items)?: CSVCell.escape(items.compactMap(\.textValue).joined(separator: ";"))
                case let value?: CoverageTable.csvCell(value)
                }
            }.joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Unit gaps first, then area gaps, as RFC 7946 features.
    public var features: [Feature] {
        let units = unitGaps.map { gap in
            let row = gap.row
            let properties: JSONObject = [
                "gap": "unit", "code": .string(row.code), "name": .string(row.name), "level": .string(row.level.rawValue),
                "kind": .string(row.kind), "radius_m": .number(row.radius), "elderly_total": .number(row.elderlyTotal),
                "elderly_covered": .number(row.elderlyCovered), "elderly_uncovered": .number(row.elderlyUncovered),
                "coverage_ratio": CoverageTable.ratio(row.coverageRatio), "facilities": .number(Double(row.facilities)),
                "reasons": .array(gap.reasons.map(JSONValue.string)), "rank": .number(Double(gap.rank)),
                "elderly_off_network": .number(row.elderlyOffNetwork), "distance_model": .string(distanceModel),
            ]
            return Feature(geometry: unitGeometries[row.code], properties: properties)
        }
        let areas = areaGaps.map { gap in
            let row = gap.row
            let properties: JSONObject = [
                "gap": "area", "code": .string(row.code), "name": .string(row.name), "level": .string(row.level.rawValue),
                "kind": .string(row.kind), "radius_m": .number(row.radius),
                "area_m2": .number(CoverageTable.areaRounded(gap.part.areaM2)),
                "elderly_uncovered": .number(gap.part.elderlyUncovered), "rank": .number(Double(gap.rank)),
                "distance_model": .string(distanceModel),
            ]
            return Feature(geometry: gap.part.geometry, properties: properties)
        }
        return units + areas
    }
}
