import DoorstepCRS
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

    public init(
        kinds: [String]? = nil, radii: [String: Double] = [:], levels: Set<UnitLevel> = [.street],
        quadrantSegments: Int32 = 16
    ) {
        self.kinds = kinds
        self.radii = radii
        self.levels = levels
        self.quadrantSegments = quadrantSegments
    }

    /// The radius of `kind`: the override, else the default, else an error.
    public func radius(of kind: String) throws(CoverageError) -> Double {
        if let metres = radii[kind] { return metres }
        if let metres = FacilityKind.defaultRadii.first(where: { $0.kind == kind })?.metres { return metres }
        throw CoverageError(
            "facility kind \"\(kind)\" has no default radius; give one with --radius \(kind)=METRES "
                + "(defaults exist for \(FacilityKind.defaultRadii.map(\.kind).joined(separator: ", ")))")
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

    public var elderlyUncovered: Double { elderlyTotal - elderlyCovered }

    /// covered / total, `nil` when nobody lives in the unit.
    public var coverageRatio: Double? { elderlyTotal > 0 ? elderlyCovered / elderlyTotal : nil }
}

/// The result of ``CoverageModel/assess(_:settings:withParts:)``.
public struct CoverageAssessment: Sendable {
    /// Ordered by kind, then level (district first), then code.
    public var rows: [CoverageRow]
    /// WGS84 unit geometries (snapped to 1e-7°), by unit code, for GeoJSON output.
    public var unitGeometries: [String: GeometryValue]
    public var projection: MetricProjection
    public var kinds: [(kind: String, radius: Double)]
}

/// Computes, for every unit and facility kind, the elderly within reach and the uncovered area.
///
/// Point coverage uses a grid index over facilities (nearest facility within R), never a point-in-
/// union test. Uncovered areas subtract, per unit, the union of only the catchment discs that can reach
/// it. Units are spread over all cores, each worker with its own GEOS context and PROJ projector.
///
/// ```swift
/// let assessment = try CoverageModel.assess(layers, settings: CoverageSettings(levels: [.street]))
/// for row in assessment.rows { print(row.code, row.kind, row.coverageRatio ?? 0) }
/// ```
public enum CoverageModel {
    public static func assess(
        _ layers: Layers, settings: CoverageSettings, withParts: Bool = false
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

        guard let extent = Envelope(of: units.lazy.flatMap(\.geometry.coordinates)) else {
            throw CoverageError("the units have no coordinates")
        }
        let projection = MetricProjection(around: extent)
        let projector = try projection.makeProjector()
        let demandXY = try projector.project(layers.demand.map(\.location))
        let facilityXY = try projector.project(layers.facilities.map(\.location))
        var projectedUnits: [GeometryValue] = []
        projectedUnits.reserveCapacity(units.count)
        for unit in units { projectedUnits.append(try projector.project(unit.geometry)) }

        let demandIndex = PointIndex(points: demandXY, cellSize: 250)
        let facilityIndex = PointIndex(points: facilityXY, cellSize: 250)
        let plans = kindRadii.map { entry in
            let members = layers.facilities.indices.filter { layers.facilities[$0].kind == entry.kind }
            let index = PointIndex(points: members.map { facilityXY[$0] }, cellSize: entry.radius)
            let covered = demandXY.map { index.nearestDistance(to: $0, within: entry.radius) != nil }
            return KindPlan(kind: entry.kind, radius: entry.radius, members: members, index: index, covered: covered)
        }

        let work = UnitWork(
            units: units, projectedUnits: projectedUnits, demand: layers.demand, demandIndex: demandIndex,
            facilities: layers.facilities, facilityIndex: facilityIndex, plans: plans, projection: projection,
            quadrantSegments: settings.quadrantSegments, withParts: withParts)
        let results = try work.run()

        var rows: [CoverageRow] = []
        let order = units.indices.sorted { (units[$0].level, units[$0].code) < (units[$1].level, units[$1].code) }
        for (k, plan) in plans.enumerated() {
            for u in order {
                let result = results[u].kinds[k]
                rows.append(
                    CoverageRow(
                        code: units[u].code, name: units[u].name, level: units[u].level, kind: plan.kind,
                        radius: plan.radius, elderlyTotal: results[u].elderlyTotal, elderlyCovered: result.covered,
                        facilities: result.facilities, capacity: result.capacity, uncoveredAreaM2: result.uncoveredArea,
                        uncoveredParts: result.parts))
            }
        }
        var geometries: [String: GeometryValue] = [:]
        for (u, result) in results.enumerated() { geometries[units[u].code] = result.snappedGeometry }
        return CoverageAssessment(rows: rows, unitGeometries: geometries, projection: projection, kinds: kindRadii)
    }
}

/// One facility kind ready for the workers: its facilities and which demand points it covers.
struct KindPlan: Sendable {
    var kind: String
    var radius: Double
    /// Indexes into the facilities layer.
    var members: [Int]
    /// Over the projected positions of `members`.
    var index: PointIndex
    /// Per demand point: is a facility of this kind within the radius?
    var covered: [Bool]
}

struct UnitResult: Sendable {
    struct PerKind: Sendable {
        var covered = 0.0
        var facilities = 0
        var capacity = 0.0
        var uncoveredArea = 0.0
        var parts: [UncoveredPart] = []
    }
    var elderlyTotal = 0.0
    var kinds: [PerKind] = []
    var snappedGeometry: GeometryValue = .multiPolygon([])
}

/// The per-unit work, shared out to one worker per core.
struct UnitWork: Sendable {
    var units: [PlanningUnit]
    var projectedUnits: [GeometryValue]
    var demand: [DemandPoint]
    var demandIndex: PointIndex
    var facilities: [Facility]
    var facilityIndex: PointIndex
    var plans: [KindPlan]
    var projection: MetricProjection
    var quadrantSegments: Int32
    var withParts: Bool

    /// A grid of 1e-7°, about 1 cm: the precision GeoJSON output is written with.
    static let outputGrid = 1e-7

    func run() throws -> [UnitResult] {
        // Largest units first, so that no worker is left with one big district at the end.
        let queue = projectedUnits.indices.sorted {
            projectedUnits[$0].coordinates.count > projectedUnits[$1].coordinates.count
        }
        let next = Mutex(0)
        let results = Mutex([UnitResult?](repeating: nil, count: units.count))
        let failure = Mutex<(any Error)?>(nil)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, units.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            do {
                let context = GEOSContext()
                let projector = try projection.makeProjector()
                while true {
                    let position = next.withLock { value in
                        defer { value += 1 }
                        return value
                    }
                    guard position < queue.count, failure.withLock({ $0 == nil }) else { return }
                    let u = queue[position]
                    let result = try assess(unit: u, context: context, projector: projector)
                    results.withLock { $0[u] = result }
                }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { $0.map { $0! } }
    }

    func assess(unit u: Int, context: GEOSContext, projector: Projector) throws -> UnitResult {
        let geometry = try Geometry(projectedUnits[u], in: context)
        let prepared = try geometry.prepared()
        guard let envelope = geometry.envelope else { return UnitResult(kinds: plans.map { _ in .init() }) }
        let members = demandIndex.indexes(in: envelope).filter { prepared.covers(demandIndex.points[$0]) }
        let facilitiesInside = Set(
            facilityIndex.indexes(in: envelope).filter { prepared.covers(facilityIndex.points[$0]) })

        var result = UnitResult()
        result.elderlyTotal = members.reduce(0) { $0 + demand[$1].elderly }
        result.snappedGeometry = try Geometry(units[u].geometry, in: context).snapped(toGrid: Self.outputGrid).value()
        let area = geometry.area
        for plan in plans {
            var perKind = UnitResult.PerKind()
            var uncoveredMembers: [Int] = []
            for m in members {
                if plan.covered[m] { perKind.covered += demand[m].elderly } else { uncoveredMembers.append(m) }
            }
            for f in plan.members where facilitiesInside.contains(f) {
                perKind.facilities += 1
                perKind.capacity += facilities[f].capacity
            }
            // Only discs whose centre is within R of the unit's envelope can cut into it.
            let reaching = plan.index.indexes(in: envelope.expanded(by: plan.radius))
            if reaching.isEmpty {
                perKind.uncoveredArea = area
                if withParts { perKind.parts = try parts(of: geometry, uncovered: uncoveredMembers, projector: projector) }
            } else {
                var discs: [Geometry] = []
                discs.reserveCapacity(reaching.count)
                for r in reaching {
                    discs.append(
                        try Geometry(point: plan.index.points[r], in: context)
                            .buffer(plan.radius, quadrantSegments: quadrantSegments))
                }
                let catchment = try Geometry.unionOf(discs, in: context)
                let uncovered = try geometry.difference(catchment)
                perKind.uncoveredArea = uncovered.area
                if withParts { perKind.parts = try parts(of: uncovered, uncovered: uncoveredMembers, projector: projector) }
            }
            result.kinds.append(perKind)
        }
        return result
    }

    /// The connected parts of an uncovered region, in WGS84, with the uncovered demand inside each.
    func parts(of region: Geometry, uncovered: [Int], projector: Projector) throws -> [UncoveredPart] {
        var result: [UncoveredPart] = []
        for polygon in region.value().polygons {
            let part = try Geometry(.polygon(polygon), in: region.context)
            let prepared = try part.prepared()
            let elderly = uncovered.reduce(0.0) { sum, m in
                prepared.covers(demandIndex.points[m]) ? sum + demand[m].elderly : sum
            }
            let lonLat = try projector.unproject(.polygon(polygon))
            let snapped = try Geometry(lonLat, in: region.context).snapped(toGrid: Self.outputGrid).value()
            // Snapping to 1 cm can cut a part at a neck thinner than that: keep the main piece.
            guard let main = snapped.polygons.max(by: { $0[0].count < $1[0].count }) else { continue }
            result.append(UncoveredPart(geometry: .polygon(main), areaM2: part.area, elderlyUncovered: elderly))
        }
        return result
    }
}
