import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// Where an input came from, for the report's settings section.
public struct ReportSource: Sendable {
    public var role: String
    public var path: String
    public var crs: String

    public init(role: String, path: String, crs: String) {
        self.role = role
        self.path = path
        self.crs = crs
    }
}

/// Everything a report shows, computed before anything is written.
public struct ReportData: Sendable {
    public var kinds: [(kind: String, radius: Double)]
    public var level: UnitLevel
    /// Rows at the report level (with uncovered parts) and at the district level (for the district table).
    public var rows: [CoverageRow]
    public var districtRows: [CoverageRow]
    public var gaps: GapList
    public var unitGeometries: [String: GeometryValue]
    public var facilities: [Facility]
    /// Scenario B (`--compare`): rows at the report level, its facilities, and the facilities B adds.
    public var compareRows: [CoverageRow]?
    public var compareFacilities: [Facility]?
    public var newFacilities: [Facility]
    /// Place labels of the top uncovered areas (by rank), with `--names`.
    public var areaLabels: [Int: String]
    public var targets: GapTargets
    public var radiiOverridden: Set<String>
    public var sources: [ReportSource]
    public var warnings: [String]
    public var generated: Date
    /// `straight` or `network`; with a network, its usable lines (WGS84) to draw faintly under the maps.
    public var distanceModel: DistanceModel
    /// How the demand was made: points from a file, or counts placed on a grid or on buildings.
    public var demandMethod: String = ""
    /// Per kind, the area the facilities reach (WGS84), and the area the scenario's new sites reach.
    public var catchments: [String: GeometryValue]
    public var newCatchments: [String: GeometryValue]

    /// The uncovered areas the report lists, most elderly left out first: only those where someone lives.
    public var topAreas: ArraySlice<GapList.AreaGap> { Self.topAreas(of: gaps) }

    static func topAreas(of gaps: GapList) -> ArraySlice<GapList.AreaGap> {
        gaps.areaGaps.filter { $0.part.elderlyUncovered > 0 }.prefix(ReportHTML.topAreas)
    }

    /// Overall numbers per kind: from the coarsest level present, so nobody is counted twice.
    public func overall(_ kind: String, _ rows: [CoverageRow]? = nil) -> (total: Double, covered: Double) {
        let source = rows ?? (districtRows.isEmpty ? self.rows : districtRows)
        let ofKind = source.filter { $0.kind == kind }
        return (ofKind.reduce(0) { $0 + $1.elderlyTotal }, ofKind.reduce(0) { $0 + $1.elderlyCovered })
    }

    /// Builds the report's numbers: one assessment at the report level with uncovered parts, one at
    /// the district level, and the same again for the scenario.
    public static func build(
        layers: Layers, settings: CoverageSettings, level: UnitLevel, targets: GapTargets, compare: [Facility]?,
        labeler: ((GeometryValue) throws -> String?)?, sources: [ReportSource], progress: (String) -> Void
    ) throws -> ReportData {
        var levelSettings = settings
        levelSettings.levels = [level]
        progress("computing coverage at the \(level.rawValue) level")
        let assessment = try CoverageModel.assess(layers, settings: levelSettings, withParts: true)
        var districtRows: [CoverageRow] = []
        if level != .district, layers.units.contains(where: { $0.level == .district }) {
            progress("computing coverage per district")
            var districtSettings = settings
            districtSettings.levels = [.district]
            districtSettings.kinds = assessment.kinds.map(\.kind)
            districtRows = try CoverageModel.assess(layers, settings: districtSettings).rows
        }
        let gaps = GapList(assessment, targets: targets)
        var compareRows: [CoverageRow]?
        var newFacilities: [Facility] = []
        if let compare {
            progress("computing the scenario")
            var scenario = layers
            scenario.facilities = compare
            var compareSettings = levelSettings
            compareSettings.kinds = assessment.kinds.map(\.kind)
            compareRows = try CoverageModel.assess(scenario, settings: compareSettings).rows
            let existing = Set(layers.facilities.map { "\($0.kind)|\($0.location.x)|\($0.location.y)" })
            newFacilities = compare.filter { !existing.contains("\($0.kind)|\($0.location.x)|\($0.location.y)") }
        }
        var labels: [Int: String] = [:]
        if let labeler {
            progress("naming the uncovered areas")
            for gap in topAreas(of: gaps) {
                labels[gap.rank] = try labeler(gap.part.geometry)
            }
        }
        progress("drawing the catchments")
        let extent = Envelope.around(layers.units.lazy.map(\.geometry.envelope)) ?? Envelope(minX: 120, minY: 30, maxX: 120, maxY: 30)
        func reach(_ facilities: [Facility], _ kind: String, _ radius: Double) throws -> GeometryValue? {
            let sites = facilities.filter { $0.kind == kind }.map(\.location)
            return sites.isEmpty ? nil : try CoverageModel.catchment(of: sites, radius: radius, settings: settings, around: extent)
        }
        var catchments: [String: GeometryValue] = [:], newCatchments: [String: GeometryValue] = [:]
        for (kind, radius) in assessment.kinds {
            catchments[kind] = try reach(layers.facilities, kind, radius)
            newCatchments[kind] = try reach(newFacilities, kind, radius)
        }
        var data = ReportData(
            kinds: assessment.kinds, level: level, rows: assessment.rows, districtRows: districtRows, gaps: gaps,
            unitGeometries: assessment.unitGeometries, facilities: layers.facilities, compareRows: compareRows,
            compareFacilities: compare, newFacilities: newFacilities, areaLabels: labels, targets: targets,
            radiiOverridden: Set(settings.radii.keys), sources: sources, warnings: layers.warnings + assessment.warnings, generated: Date(),
            distanceModel: settings.distanceModel, catchments: catchments, newCatchments: newCatchments)
        data.demandMethod = layers.demandMethod
        return data
    }
}
