import DoorstepCRS
import DoorstepGeometry
import Foundation

/// How a facility's pull fades with distance in the two-step floating catchment area method.
public enum AccessMethod: String, Sendable, CaseIterable {
    /// 2SFCA (Luo & Wang 2003): everyone within R counts fully.
    case twoStep = "2sfca"
    /// E2SFCA with a Gaussian weight cut at R: W(d) = (exp(−½(d/R)²) − exp(−½)) / (1 − exp(−½)).
    case enhanced = "e2sfca"

    /// W(d) for a distance within `radius` (the reach table holds no farther pair).
    @inline(__always)
    public func weight(_ distance: Double, radius: Double) -> Double {
        switch self {
        case .twoStep: return distance <= radius ? 1 : 0
        case .enhanced:
            guard distance <= radius else { return 0 }
            let ratio = distance / radius
            return (exp(-0.5 * ratio * ratio) - Self.cut) / (1 - Self.cut)
        }
    }

    static let cut = exp(-0.5)
}

/// What a facility offers: its capacity (beds, seats), or 1 each (`--supply count`).
public enum SupplyMeasure: String, Sendable, CaseIterable {
    case capacity, count
}

/// The settings of capacity-aware accessibility (`doorstep access`, `gaps --reason access`).
///
/// ```swift
/// var settings = CoverageSettings(kinds: ["care-home"], levels: [.street])
/// settings.access = AccessSettings(method: .enhanced, supply: .capacity, norms: ["care-home": 40])
/// ```
public struct AccessSettings: Sendable, Equatable {
    public var method: AccessMethod
    public var supply: SupplyMeasure
    /// Supply per 1,000 elderly a unit should reach, by kind; a kind without one has norm 0 (nobody is
    /// below it).
    public var norms: [String: Double]

    public init(method: AccessMethod = .twoStep, supply: SupplyMeasure = .capacity, norms: [String: Double] = [:]) {
        self.method = method
        self.supply = supply
        self.norms = norms
    }

    /// The catalogue's norms (GB 50437's 40 care-home beds per 1,000 elderly); other kinds have none.
    public static let defaultNorms: [String: Double] = Dictionary(
        uniqueKeysWithValues: FacilityKind.catalogue.compactMap { info in info.placesPer1000Elderly.map { (info.id, $0) } })

    public static let normRange = SettingRange<Double>("--norm", 0...100_000, unit: "per 1,000 elderly")

    public func norm(of kind: String) -> Double { norms[kind] ?? Self.defaultNorms[kind] ?? 0 }
}

/// Accessibility scores per demand point: Aᵢ = Σⱼ Rⱼ W(dᵢⱼ) with Rⱼ = Sⱼ / Σᵢ Pᵢ W(dᵢⱼ).
///
/// Reach comes from the distance model, facility by facility in the metres of the facility's own 3°
/// zone, so that pairs across a zone boundary still count. All supply of facilities that reach
/// someone is handed out: Σᵢ PᵢAᵢ = Σⱼ Sⱼ over those facilities.
///
/// ```swift
/// let (scores, warnings) = try AccessModel.scores(layers, kind: "care-home", radius: 1000, settings: settings)
/// ```
public enum AccessModel {
    public static func scores(
        _ layers: Layers, kind: String, radius: Double, settings: CoverageSettings
    ) throws -> (scores: [Double], warnings: [String]) {
        try scores(layers, kind: kind, radius: radius, settings: settings, metres: ProjectedDemand(layers.demand))
    }

    /// The scores, with the demand's metres taken from (and left in) `metres` for the steps after.
    static func scores(
        _ layers: Layers, kind: String, radius: Double, settings: CoverageSettings, metres: ProjectedDemand
    ) throws -> (scores: [Double], warnings: [String]) {
        let access = settings.access ?? AccessSettings()
        let members = layers.facilities.indices.filter { layers.facilities[$0].kind == kind }
        if access.supply == .capacity, !members.isEmpty, members.allSatisfy({ layers.facilities[$0].capacity == 0 }) {
            throw CoverageError(
                "no facility of kind \(kind) has a capacity (all are 0 or missing); name the capacity field with --facilities-capacity-field, or use --supply count")
        }
        let weights = layers.demand.map(\.elderly)
        var scores = [Double](repeating: 0, count: layers.demand.count)
        var reachesNobody = 0
        for (projection, group) in zones(of: members.map { layers.facilities[$0].location }) {
            let sites = group.map { members[$0] }
            let (demandIndexes, table) = try reach(layers, sites: sites, radius: radius, projection: projection, settings: settings, metres: metres)
            for (row, j) in sites.enumerated() {
                let supply = access.supply == .count ? 1 : layers.facilities[j].capacity
                var pull = 0.0
                for (i, d) in table.reached(by: row) { pull += weights[demandIndexes[Int(i)]] * access.method.weight(d, radius: radius) }
                guard pull > 0 else {
                    reachesNobody += 1
                    continue
                }
                let ratio = supply / pull
                for (i, d) in table.reached(by: row) { scores[demandIndexes[Int(i)]] += ratio * access.method.weight(d, radius: radius) }
            }
        }
        let warnings =
            reachesNobody == 0
            ? [] : ["\(reachesNobody) \(kind) facilit\(reachesNobody == 1 ? "y reaches" : "ies reach") no elderly within \(Int(radius)) m: \(reachesNobody == 1 ? "its" : "their") supply serves nobody"]
        return (scores, warnings)
    }

    /// The facilities grouped by the 3° zone of their own longitude.
    static func zones(of sites: [Coordinate]) -> [(MetricProjection, [Int])] {
        var groups: [MetricProjection: [Int]] = [:]
        for (index, site) in sites.enumerated() { groups[MetricProjection(zoneOf: site.x), default: []].append(index) }
        return groups.sorted { $0.key.centralMeridian < $1.key.centralMeridian }.map { ($0.key, $0.value) }
    }

    /// The demand near the sites (global indexes) and each site's reach over it, in `projection`.
    static func reach(
        _ layers: Layers, sites: [Int], radius: Double, projection: MetricProjection, settings: CoverageSettings,
        metres: ProjectedDemand
    ) throws -> (demand: [Int], table: ReachTable) {
        let locations = sites.map { layers.facilities[$0].location }
        guard let box = Envelope(of: locations) else { return ([], ReachTable()) }
        let near = CoverageModel.margin(around: box, metres: radius)
        let demand = metres.indices(inside: near)
        let projector = try projection.makeProjector()
        let measure = try settings.distanceModel.measure(
            demand: try metres.metres(of: demand, in: projection), projection: projection,
            quadrantSegments: settings.quadrantSegments)
        return (demand, try measure.reach(from: try projector.project(locations), within: radius))
    }
}

/// A unit's supply and accessibility for one kind (the columns of `doorstep access`).
public struct AccessFigures: Sendable, Equatable {
    public var method: AccessMethod
    /// Σ Sⱼ of the kind's facilities inside the unit (capacity, or their count).
    public var supply: Double
    /// Σ PᵢAᵢ over the unit's demand.
    public var weightedScore: Double
    /// Supply per 1,000 elderly the unit should reach (0: no norm).
    public var norm: Double
    /// Elderly whose 1000·Aᵢ is below the norm.
    public var elderlyBelowNorm: Double

    /// No supply, no score: the figures of a row assessed without access settings.
    public static let none = AccessFigures(method: .twoStep, supply: 0, weightedScore: 0, norm: 0, elderlyBelowNorm: 0)

    /// Supply per elderly person within reach, averaged over the unit's elderly; nil without elderly.
    public func accessMean(elderly: Double) -> Double? { elderly > 0 ? weightedScore / elderly : nil }

    /// The container ratio official statistics use: supply in the unit per 1,000 of its elderly.
    public func supplyPer1000(elderly: Double) -> Double? { elderly > 0 ? 1000 * supply / elderly : nil }
}
