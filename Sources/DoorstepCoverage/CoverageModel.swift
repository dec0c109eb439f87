import DoorstepCRS
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Synchronization

/// What to assess: which facility kinds, with which radii, for which levels of units.
public struct CoverageSettings: Sendable, Equatable {
    /// The kinds to assess; `nil` assesses every kind present in the facilities layer.
    public var kinds: [String]?
    /// `--radius KIND=METRES` overrides of the default radii.
    public var radii: [String: Double]
    public var levels: Set<UnitLevel>
    /// Segments per quarter circle of a catchment disc (16: the disc's area is within 0.2 % of πR²).
    public var quadrantSegments: Int32
    /// Straight line, or walking on a street network.
    public var distanceModel: DistanceModel
    /// Capacity-aware accessibility (2SFCA) as well, when set.
    public var access: AccessSettings?
    /// With `withParts`: the levels whose uncovered parts are cut (nil: every level). `gaps
    /// --coverage-output` assesses every level once but lists the gaps of one.
    public var partsLevels: Set<UnitLevel>?
    /// Whether uncovered areas are measured: `access` needs only the demand, and the catchments'
    /// geometry is most of a run's work. Without it, `uncoveredAreaM2` is 0.
    public var measuresArea = true
    /// Whether the elderly within reach are counted: `access` needs only its scores. Without it,
    /// `elderlyCovered` is 0.
    public var countsCovered = true
    /// Where the time goes (`--timings`), when set.
    public var timings: Timings?

    public init(
        kinds: [String]? = nil, radii: [String: Double] = [:], levels: Set<UnitLevel> = [.street],
        quadrantSegments: Int32 = 16, distanceModel: DistanceModel = .straightLine
    ) {
        self.kinds = kinds
        self.radii = radii
        self.levels = levels
        self.quadrantSegments = quadrantSegments
        self.distanceModel = distanceModel
    }

    /// The radii a catchment may have, in metres: beyond 100 km nobody walks, and the arithmetic of
    /// the indexes stays exact.
    public static let radiusRange = SettingRange<Double>("--radius", 1...100_000, unit: "metres")

    /// Metres per second an older person walks (`--walk-speed`).
    public static let walkSpeedRange = SettingRange<Double>("--walk-speed", 0.1...3, unit: "m/s")

    /// A `--radius KIND=METRES` or `KIND=MINUTESmin` entry: the normalised kind and the metres (minutes
    /// at `walkSpeed` metres per second), checked against ``radiusRange``.
    ///
    /// ```swift
    /// try CoverageSettings.radiusOverride("老年食堂=800")                 // ("canteen", 800)
    /// try CoverageSettings.radiusOverride("canteen=10min", walkSpeed: 1)  // ("canteen", 600)
    /// ```
    public static func radiusOverride(_ entry: String, walkSpeed: Double = 1) throws(CoverageError) -> (kind: String, metres: Double) {
        let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
        let value = parts.count == 2 ? parts[1].trimmingSpaces().lowercased() : ""
        let minutes = value.hasSuffix("min") ? Double(String(value.dropLast(3)).trimmingSpaces()) : nil
        // Minutes become whole centimetres: 7 min at 1.1 m/s is 462 m, not 462.00000000000006.
        let walked = minutes.map { ($0 * 60 * walkSpeed * 100).rounded() / 100 }
        guard parts.count == 2, !parts[0].trimmingSpaces().isEmpty, let metres = walked ?? Double(value) else {
            throw CoverageError("--radius \(InputError.quoted(entry)): write KIND=METRES or KIND=MINUTESmin, e.g. canteen=500 or canteen=10min")
        }
        if minutes != nil, let problem = walkSpeedRange.problem(with: walkSpeed) { throw CoverageError(problem) }
        if let problem = radiusRange.problem(with: metres, naming: "--radius \(InputError.quoted(parts[0]))") { throw CoverageError(problem) }
        return (FacilityKind.normalized(parts[0]), metres)
    }

    /// The radius of `kind`: the override, else the default, else an error.
    public func radius(of kind: String) throws(CoverageError) -> Double {
        if let metres = radii[kind] {
            if let problem = Self.radiusRange.problem(with: metres, naming: "the radius of \(kind)") { throw CoverageError(problem) }
            return metres
        }
        if let metres = FacilityKind.info(kind)?.defaultRadius { return metres }
        throw CoverageError(
            "facility kind \"\(kind)\" has no default radius; give one with --radius \(kind)=METRES "
                + "(defaults exist for \(FacilityKind.catalogue.map(\.id).joined(separator: ", ")))")
    }
}

/// A problem with the assessment itself rather than with one input file.
public struct CoverageError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One connected uncovered part of a unit.
public struct UncoveredPart: Sendable, Equatable {
    /// WGS84, snapped to 1e-7° and valid.
    public var geometry: GeometryValue
    public var areaM2: Double
    /// Demand inside the part that no facility reaches.
    public var elderlyUncovered: Double
}

/// The coverage of one unit by one facility kind.
public struct CoverageRow: Sendable, Equatable {
    public var code: String
    public var name: String
    public var level: UnitLevel
    public var kind: String
    public var radius: Double
    public var elderlyTotal: Double
    public var elderlyCovered: Double
    public var facilities: Int
    public var capacity: Double
    public var uncoveredAreaM2: Double
    /// Filled when the assessment was asked for them (the gap list needs them).
    public var uncoveredParts: [UncoveredPart]
    /// Elderly of the unit too far from every usable street to reach (0 without a network): when this
    /// is large, the network data, not the facilities, is the problem.
    public var elderlyOffNetwork: Double = 0
    /// With access settings: the unit's supply and accessibility (see ``AccessFigures``).
    public var access: AccessFigures?

    public var elderlyUncovered: Double { elderlyTotal - elderlyCovered }

    /// covered / total, `nil` when nobody lives in the unit.
    public var coverageRatio: Double? { elderlyTotal > 0 ? elderlyCovered / elderlyTotal : nil }
}

/// The result of ``CoverageModel/assess(_:settings:withParts:withGeometries:)``.
public struct CoverageAssessment: Sendable {
    /// Ordered by kind, then level (district first), then code.
    public var rows: [CoverageRow]
    /// WGS84 unit geometries (snapped to 1e-7°), by unit code, for GeoJSON output; filled when asked
    /// for with `withGeometries` or `withParts`.
    public var unitGeometries: [String: GeometryValue]
    public var kinds: [(kind: String, radius: Double)]
    /// `straight` or `network`.
    public var distanceModel: String
    /// Things the planner should know: kinds with no facility, facilities left out.
    public var warnings: [String]
    /// With access settings: per kind, every demand point's score Aᵢ, in the order of the demand layer.
    public var accessScores: [String: [Double]] = [:]

    /// The same assessment with only the rows of `levels`.
    ///
    /// ```swift
    /// let streets = assessment.at(levels: [.street])   // the gap list's rows of an all-level run
    /// ```
    public func at(levels: Set<UnitLevel>) -> CoverageAssessment {
        var copy = self
        copy.rows = rows.filter { levels.contains($0.level) }
        return copy
    }
}

/// Computes, for every unit and facility kind, the elderly within reach and the uncovered area.
///
/// Reach comes from the settings' ``DistanceModel`` (straight line or street network): the nearest
/// facility within R per demand point, never a point-in-union test, and the catchment cut into tiles.
/// Which demand lies in a unit is decided in longitude/latitude; distances and areas in the metres of
/// the unit's 3° zone. Uncovered areas subtract, per unit, only the catchment tiles it meets. Units are
/// spread over all cores, each worker with its own GEOS context and PROJ projector.
///
/// ```swift
/// let assessment = try CoverageModel.assess(layers, settings: CoverageSettings(levels: [.street]))
/// for row in assessment.rows { print(row.code, row.kind, row.coverageRatio ?? 0) }
/// ```
public enum CoverageModel {
    public static func assess(
        _ layers: Layers, settings: CoverageSettings, withParts: Bool = false, withGeometries: Bool = false
    ) throws -> CoverageAssessment {
        let units = layers.units.filter { settings.levels.contains($0.level) }
        guard !units.isEmpty else {
            let present = Set(layers.units.map(\.level.rawValue)).sorted().joined(separator: ", ")
            throw CoverageError(
                "no units at level \(settings.levels.map(\.rawValue).sorted().joined(separator: ", ")); the units layer has \(present)")
        }
        let kinds = settings.kinds ?? FacilityKind.reportOrder(layers.facilities.map(\.kind))
        guard !kinds.isEmpty else {
            throw CoverageError("the facilities layer is empty: name the kind to assess with --kind (e.g. --kind canteen)")
        }
        var kindRadii: [(kind: String, radius: Double)] = []
        for kind in kinds { kindRadii.append((kind, try settings.radius(of: kind))) }

        var warnings = kindWarnings(assessed: kindRadii.map(\.kind), facilities: layers.facilities)
        try settings.distanceModel.check(covers: units)
        // Accessibility is a property of the whole city (a facility's supply is shared by all it
        // reaches), so its scores are computed once for every demand point, then summed per unit.
        let metres = ProjectedDemand(layers.demand)
        var scores: [[Double]]?
        if settings.access != nil {
            scores = try timed(settings.timings, "access scores") {
                try kindRadii.map { entry in
                let (kindScores, kindWarnings) = try AccessModel.scores(
                    layers, kind: entry.kind, radius: entry.radius, settings: settings, metres: metres)
                warnings += kindWarnings
                return kindScores
                }
            }
        }

        // Each unit is measured in its own 3° zone, with the demand and facilities that can reach it:
        // its figures never depend on which other units share the file.
        var results = [UnitResult?](repeating: nil, count: units.count)
        for (projection, members) in try zones(of: units) {
            let zoneUnits = members.map { units[$0] }
            let near = nearby(layers, units: zoneUnits, reach: kindRadii.map(\.radius).max() ?? 0, demand: metres)
            let demandXY = try timed(settings.timings, "project") { try metres.metres(of: near.demand, in: projection) }
            let zone = try assessZone(
                zoneUnits, layers: near.layers, demandXY: demandXY, kindRadii: kindRadii, projection: projection, settings: settings,
                scores: scores?.map { $0.gathered(at: near.demand) }, withParts: withParts, withGeometries: withGeometries)
            for (u, result) in zip(members, zone.results) { results[u] = result }
            warnings += zone.warnings
        }
        var rows: [CoverageRow] = []
        let order = units.indices.sorted { (units[$0].level, units[$0].code) < (units[$1].level, units[$1].code) }
        for (k, plan) in kindRadii.enumerated() {
            for u in order {
                guard let unitResult = results[u] else { continue }
                let result = unitResult.kinds[k]
                rows.append(
                    CoverageRow(
                        code: units[u].code, name: units[u].name, level: units[u].level, kind: plan.kind,
                        radius: plan.radius, elderlyTotal: unitResult.elderlyTotal, elderlyCovered: result.covered,
                        facilities: result.facilities, capacity: result.capacity, uncoveredAreaM2: result.uncoveredArea,
                        uncoveredParts: result.parts, elderlyOffNetwork: unitResult.elderlyOffNetwork,
                        access: settings.access.map { access in
                            AccessFigures(
                                method: access.method, supply: access.supply == .count ? Double(result.facilities) : result.capacity,
                                weightedScore: result.weightedScore, norm: access.norm(of: plan.kind), elderlyBelowNorm: result.belowNorm)
                        }))
            }
        }
        var geometries: [String: GeometryValue] = [:]
        if withParts || withGeometries {
            for (u, result) in results.enumerated() { geometries[units[u].code] = result?.snappedGeometry }
        }
        var assessment = CoverageAssessment(
            rows: rows, unitGeometries: geometries, kinds: kindRadii, distanceModel: settings.distanceModel.name, warnings: warnings)
        for (k, entry) in kindRadii.enumerated() { assessment.accessScores[entry.kind] = scores?[k] }
        return assessment
    }

    /// The units grouped by the 3° zone of their middle (see ``MetricProjection``), zones west to east,
    /// with the indexes of their units.
    ///
    /// ```swift
    /// try CoverageModel.zones(of: hangzhouDistricts).map(\.0.centralMeridian)  // [120]
    /// ```
    public static func zones(of units: [PlanningUnit]) throws -> [(MetricProjection, [Int])] {
        var groups: [MetricProjection: [Int]] = [:]
        for (u, unit) in units.enumerated() {
            guard let envelope = unit.geometry.envelope else {
                throw CoverageError("unit \(unit.code) has no coordinates")
            }
            groups[MetricProjection(around: envelope), default: []].append(u)
        }
        return groups.sorted { $0.key.centralMeridian < $1.key.centralMeridian }.map { ($0.key, $0.value) }
    }

    /// The demand inside the units' longitude/latitude envelope (with its indexes in `layers`, whose
    /// demand `projected` holds) and the facilities that can reach it.
    static func nearby(_ layers: Layers, units: [PlanningUnit], reach metres: Double, demand projected: ProjectedDemand) -> (layers: Layers, demand: [Int]) {
        guard let box = Envelope.around(units.lazy.map(\.geometry.envelope)) else { return (layers, Array(layers.demand.indices)) }
        let inside = box.expanded(by: 1e-7), reaching = margin(around: box, metres: metres)
        let demand = projected.indices(inside: inside)
        return (
            Layers(units: units, facilities: layers.facilities.filter { reaching.contains($0.location) }, demand: layers.demand.gathered(at: demand)),
            demand
        )
    }

    /// `box` (longitude/latitude) grown by at least `metres` on every side. Degrees of longitude shrink
    /// with latitude: the margin is generous (a degree of latitude is ≥ 110.5 km).
    static func margin(around box: Envelope, metres: Double) -> Envelope {
        let widest = max(abs(box.minY), abs(box.maxY))
        return box.expanded(by: 1.5 * metres / 110_000 / max(cos(min(widest, 85) * .pi / 180), 0.05) + 0.001)
    }

    /// Says which assessed kinds have no facility, and how many facilities are left out because their
    /// kind is one Doorstep does not know (a garbled encoding, a kind in another column), listing the
    /// kinds found: a coverage of 0 must never come without a reason.
    ///
    /// ```swift
    /// CoverageModel.kindWarnings(assessed: ["canteen"], facilities: layers.facilities)
    /// // ["no facility of kind canteen in the facilities layers; the kinds found are: day-care (1)"]
    /// ```
    public static func kindWarnings(assessed: [String], facilities: [Facility]) -> [String] {
        var counts: [String: Int] = [:]
        for facility in facilities { counts[facility.kind, default: 0] += 1 }
        let found = FacilityKind.reportOrder(counts.keys).map { "\($0) (\(counts[$0] ?? 0))" }.joined(separator: ", ")
        var warnings: [String] = []
        for kind in assessed where counts[kind] == nil {
            warnings.append("no facility of kind \(kind) in the facilities layers; the kinds found are: \(found.isEmpty ? "none" : found)")
        }
        let known = Set(FacilityKind.catalogue.map(\.id))
        let unknown = counts.filter { !known.contains($0.key) && !assessed.contains($0.key) }
        if !unknown.isEmpty {
            let kinds = unknown.keys.sorted().prefix(10).map { "\"\($0)\"" }.joined(separator: ", ")
            warnings.append(
                "\(unknown.values.reduce(0, +)) facilities left out: their kind is not one Doorstep knows "
                    + "(\(kinds)\(unknown.count > 10 ? " …" : "")); the kinds found are: \(found) "
                    + "(use --facilities-kind-field if the kind is in another column, or --radius KIND=M to assess it)")
        }
        return warnings
    }

    /// The results of the units of one zone, in their order, measured in `projection`, and what the
    /// planner should know about them.
    static func assessZone(
        _ units: [PlanningUnit], layers: Layers, demandXY: [Coordinate], kindRadii: [(kind: String, radius: Double)],
        projection: MetricProjection, settings: CoverageSettings, scores: [[Double]]? = nil, withParts: Bool, withGeometries: Bool
    ) throws -> (results: [UnitResult], warnings: [String]) {
        let timings = settings.timings
        let (facilityXY, projectedUnits) = try timed(timings, "project") {
            // Outlines are densified before projecting: thousands of units keep every core busy. Only
            // areas need them: accessibility counts people.
            (try projection.project(layers.facilities.map(\.location)),
             settings.measuresArea
                ? try parallelMap(Array(units.indices), count: units.count, makeState: { try projection.makeProjector() }) { unitProjector, u in
                    try unitProjector.project(units[u].geometry)
                } : nil)
        }

        // Membership is tested in longitude/latitude, where GeoJSON edges are straight: the totals are
        // those QGIS, PostGIS and GeoPandas count. Distances and areas are measured in metres.
        let (demandIndex, facilityIndex, measure) = try timed(timings, "index") {
            (PointIndex(points: layers.demand.map(\.location), cellSize: 0.0025), PointIndex(points: layers.facilities.map(\.location), cellSize: 0.0025),
             try settings.distanceModel.measure(demand: demandXY, projection: projection, quadrantSegments: settings.quadrantSegments))
        }
        var warnings: [String] = []
        if let warning = DistanceModel.offNetworkWarning(measure.unreachable(sites: facilityXY).map { layers.facilities[$0] }) {
            warnings.append(warning)
        }
        let plans = try timed(timings, "reach") { try kindRadii.enumerated().map { k, entry in
            let sites = layers.facilities.indices.filter { layers.facilities[$0].kind == entry.kind }.map { facilityXY[$0] }
            let covered = settings.countsCovered ? try measure.nearestDistances(from: sites, within: entry.radius).map { $0 != nil } : []
            return KindPlan(
                kind: entry.kind, radius: entry.radius, covered: covered,
                catchment: settings.measuresArea ? try measure.catchment(of: sites, within: entry.radius) : nil, scores: scores?[k],
                norm: settings.access?.norm(of: entry.kind) ?? 0)
        } }
        let work = UnitWork(
            units: units, projectedUnits: projectedUnits, demand: layers.demand, demandXY: demandXY, unreachable: measure.unreachable,
            demandIndex: demandIndex,
            facilities: layers.facilities, facilityIndex: facilityIndex, plans: plans, projection: projection,
            withParts: withParts, partsLevels: settings.partsLevels, withGeometries: withGeometries, timings: timings)
        return (try work.run(), warnings)
    }
}

/// One facility kind ready for the workers: which demand points it covers, and the area it reaches
/// (a unit finds its own facilities of the kind by their `kind`).
struct KindPlan: Sendable {
    var kind: String
    var radius: Double
    /// Per demand point: is a facility of this kind within the radius? Empty when not counted.
    var covered: [Bool]
    /// The area the kind reaches; nil when areas are not measured.
    var catchment: (any Catchment)?
    /// Per demand point, its accessibility score Aᵢ (with access settings), and the norm per 1,000.
    var scores: [Double]? = nil
    var norm = 0.0
}

struct UnitResult: Sendable {
    struct PerKind: Sendable {
        var covered = 0.0
        var facilities = 0
        var capacity = 0.0
        var uncoveredArea = 0.0
        var parts: [UncoveredPart] = []
        /// Σ PᵢAᵢ over the unit's demand, and the elderly whose 1000·Aᵢ is below the norm.
        var weightedScore = 0.0
        var belowNorm = 0.0
    }
    var elderlyTotal = 0.0
    var elderlyOffNetwork = 0.0
    var kinds: [PerKind] = []
    /// Nil when not asked for (a level whose parts are not cut, without GeoJSON output).
    var snappedGeometry: GeometryValue?
}

/// The per-unit work, shared out to one worker per core.
struct UnitWork: Sendable {
    var units: [PlanningUnit]
    /// The units in metres; nil when no area is measured (then no kind has catchment tiles).
    var projectedUnits: [GeometryValue]?
    var demand: [DemandPoint]
    /// The demand in metres, and an index over its longitude/latitude.
    var demandXY: [Coordinate]
    /// Per demand point, true when it is off the network (empty: none is).
    var unreachable: [Bool]
    var demandIndex: PointIndex
    var facilities: [Facility]
    var facilityIndex: PointIndex
    var plans: [KindPlan]
    var projection: MetricProjection
    var withParts: Bool
    var partsLevels: Set<UnitLevel>?
    var withGeometries: Bool
    var timings: Timings?

    /// A grid of 1e-7°, about 1 cm: the precision GeoJSON output is written with.
    static let outputGrid = 1e-7

    func run() throws -> [UnitResult] {
        var envelopes: [Envelope] = []
        for (unit, geometry) in zip(units, projectedUnits ?? []) {
            guard let envelope = geometry.envelope else { throw CoverageError("unit \(unit.code) has no coordinates") }
            envelopes.append(envelope)
        }
        let tiles = try timed(timings, "catchments") { try plans.map { plan in try plan.catchment.map { try CatchmentTiles($0, covering: envelopes) } } }
        // Largest units first, so that no worker is left with one big district at the end.
        let sizes = (projectedUnits ?? units.map(\.geometry)).map(\.coordinateCount)
        let order = units.indices.sorted { sizes[$0] > sizes[$1] }
        return try timed(timings, "per-unit work") {
            try parallelMap(order, count: units.count, makeState: { try Worker(projection: projection) }) { worker, u in
                try assess(unit: u, worker: worker, tiles: tiles)
            }
        }
    }

    func assess(unit u: Int, worker: Worker, tiles: [CatchmentTiles?]) throws -> UnitResult {
        let context = worker.context
        let metric = try projectedUnits.map { try Geometry($0[u], in: context) }
        let lonLat = try Geometry(units[u].geometry, in: context)
        let lonLatPrepared = try lonLat.prepared()
        guard let lonLatEnvelope = lonLat.envelope, metric == nil || metric?.envelope != nil else {
            throw CoverageError("unit \(units[u].code) has no coordinates")
        }
        // Catchment tiles come only with the outline in metres.
        let envelope = metric?.envelope ?? lonLatEnvelope
        let members = try demand(inside: lonLatPrepared, envelope: lonLatEnvelope, context: context)
        // Ascending, as the kinds' members are: capacities add up in the same order as before.
        let facilitiesInside = facilityIndex.indexes(in: lonLatEnvelope).filter { lonLatPrepared.covers(facilityIndex.points[$0]) }.sorted()

        var result = UnitResult()
        // The unit in metres, prepared for containment tests only when a test needs it.
        var preparedInMetres: PreparedGeometry?
        func inside(_ geometry: Geometry) throws -> PreparedGeometry {
            if let preparedInMetres { return preparedInMetres }
            let prepared = try geometry.prepared()
            preparedInMetres = prepared
            return prepared
        }
        result.elderlyTotal = members.reduce(0) { $0 + demand[$1].elderly }
        if !unreachable.isEmpty { result.elderlyOffNetwork = members.reduce(0) { unreachable[$1] ? $0 + demand[$1].elderly : $0 } }
        // The gap list draws the units it cuts parts from; other levels need their shape only for GeoJSON.
        let cutsParts = withParts && partsLevels?.contains(units[u].level) != false
        if withGeometries || cutsParts { result.snappedGeometry = try lonLat.snappedValue(toGrid: Self.outputGrid) }
        for (k, plan) in plans.enumerated() {
            var perKind = UnitResult.PerKind()
            var uncoveredMembers: [Int] = []
            if !plan.covered.isEmpty {
                for m in members {
                    if plan.covered[m] { perKind.covered += demand[m].elderly } else { uncoveredMembers.append(m) }
                }
            }
            if let scores = plan.scores {
                for m in members {
                    perKind.weightedScore += demand[m].elderly * scores[m]
                    if 1000 * scores[m] < plan.norm { perKind.belowNorm += demand[m].elderly }
                }
            }
            // The unit's few facilities, not every member of the kind: at scale 100 that was 60,000
            // lookups for each of 24,000 units.
            for f in facilitiesInside where facilities[f].kind == plan.kind {
                perKind.facilities += 1
                perKind.capacity += facilities[f].capacity
            }
            if let kindTiles = tiles[k], let geometry = metric, cutsParts {
                let uncovered = try worker.catchment(kindTiles, kind: k, over: envelope).map { try geometry.difference($0) } ?? geometry
                perKind.uncoveredArea = uncovered.area
                perKind.parts = try parts(of: uncovered, uncovered: uncoveredMembers, projector: worker.projector)
            } else if let kindTiles = tiles[k], let geometry = metric {
                // Tiles do not overlap, so the covered area is the sum over tiles: no union needed. The
                // unit is cut to each tile's square first (a linear clip), so that each overlay sees
                // only the unit's part in that tile, not the whole of a district's outline.
                var covered = 0.0
                for (tile, piece) in try worker.pieces(kindTiles, kind: k, over: envelope) {
                    // A piece inside the unit counts whole, without an overlay: most of a large rural
                    // unit's pieces. The box test first keeps small units from paying for the check.
                    if let box = piece.envelope, envelope.contains(box), try inside(geometry).covers(piece) {
                        covered += piece.area
                    } else {
                        covered += try geometry.clipped(to: tile).intersection(piece).area
                    }
                }
                perKind.uncoveredArea = max(0, geometry.area - covered)
            }
            result.kinds.append(perKind)
        }
        return result
    }
    /// The demand points inside a unit (in longitude/latitude), boundary included, ascending. Grid cells wholly inside the unit
    /// are taken whole and cells outside it skipped, so only points near the boundary are tested one by one.
    func demand(inside unit: PreparedGeometry, envelope: Envelope, context: GEOSContext) throws -> [Int] {
        var members: [Int] = []
        try demandIndex.forEachCell(meeting: envelope) { cell, points in
            if points.count > 8 {
                let box = try Geometry(envelope: cell, in: context)
                if unit.covers(box) {
                    members.append(contentsOf: points.lazy.map { Int($0) })
                    return
                }
                if !unit.intersects(box) { return }
            }
            for p in points where envelope.contains(demandIndex.points[Int(p)]) && unit.covers(demandIndex.points[Int(p)]) {
                members.append(Int(p))
            }
        }
        return PointIndex.ascending(members)
    }

    /// The connected parts of an uncovered region, in WGS84, with the uncovered demand inside each.
    func parts(of region: Geometry, uncovered: [Int], projector: Projector) throws -> [UncoveredPart] {
        var result: [UncoveredPart] = []
        for polygon in region.value().polygons {
            let part = try Geometry(.polygon(polygon), in: region.context)
            let prepared = try part.prepared()
            // The box first: a walking gap list has thousands of small parts, each tested against
            // every uncovered point of its unit.
            let box = part.envelope
            let elderly = uncovered.reduce(0.0) { sum, m in
                box?.contains(demandXY[m]) == true && prepared.covers(demandXY[m]) ? sum + demand[m].elderly : sum
            }
            let lonLat = try projector.unproject(.polygon(polygon))
            let snapped = try Geometry(lonLat, in: region.context).snappedValue(toGrid: Self.outputGrid)
            // Snapping to 1 cm can cut a part at a neck thinner than that: keep the main piece.
            guard let main = snapped.polygons.max(by: { $0[0].count < $1[0].count }) else { continue }
            result.append(UncoveredPart(geometry: .polygon(main), areaM2: part.area, elderlyUncovered: elderly))
        }
        return result
    }
}
