import DoorstepCRS
import DoorstepCoverage
import DoorstepGeometry

/// Which unit of the planning level a point lies in, and the projection the plan measures in.
///
/// Membership is tested in longitude/latitude, where GeoJSON edges are straight, as the coverage model
/// (and QGIS) count it. A unit with no geometry or no area is left out with a warning: nothing can lie
/// in it, and it must not stop the others from being planned. The projection is the 3° zone holding
/// most units, so that a unit typed 18° away does not move the metres of all the others.
struct UnitLocator {
    let projection: MetricProjection
    private let context: GEOSContext
    /// The units that have an area, with their index among the units given.
    private let prepared: [(unit: Int, geometry: PreparedGeometry)]
    private let tree: STRtree

    init(units: [PlanningUnit], warnings: inout [String]) throws {
        let context = GEOSContext()
        var prepared: [(unit: Int, geometry: PreparedGeometry)] = []
        var envelopes: [Envelope] = []
        var unitsPerZone: [MetricProjection: Int] = [:]
        for (u, unit) in units.enumerated() {
            let geometry: Geometry
            do {
                geometry = try Geometry(unit.geometry, in: context)
            } catch {
                throw SitingError("unit \(unit.code) (\(unit.name)): its geometry cannot be used: \(error)")
            }
            guard let envelope = geometry.envelope, geometry.area > 0 else {
                warnings.append("unit \(unit.code) (\(unit.name)) has no area: nothing can lie in it, and no site is placed in it")
                continue
            }
            prepared.append((u, try geometry.prepared()))
            envelopes.append(envelope)
            unitsPerZone[MetricProjection(around: envelope), default: 0] += 1
        }
        // Most units; on a tie the westernmost zone, so that the choice never depends on hashing.
        let zone = unitsPerZone.max { ($0.value, -$0.key.centralMeridian) < ($1.value, -$1.key.centralMeridian) }
        guard let zone else { throw SitingError("none of the units has an area: there is nowhere to plan") }
        projection = zone.key
        self.context = context
        self.prepared = prepared
        tree = try STRtree(envelopes: envelopes, in: context)
    }

    /// The unit (index among those given) of each longitude/latitude point; -1 for none. On a shared
    /// boundary the first unit.
    func units(of points: [Coordinate], clock: inout PhaseClock, phase: String) throws -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(points.count)
        for p in points {
            try clock.check(phase)
            result.append(try unit(of: p))
        }
        return result
    }

    func unit(of p: Coordinate) throws -> Int32 {
        for entry in try tree.query(Envelope(minX: p.x, minY: p.y, maxX: p.x, maxY: p.y)) where prepared[entry].geometry.covers(p) {
            return Int32(prepared[entry].unit)
        }
        return -1
    }

    /// A longitude/latitude point inside unit `u`; nil when the unit has no area.
    func pointInside(_ u: Int) throws -> Coordinate? {
        guard let entry = prepared.first(where: { $0.unit == u }) else { return nil }
        return try entry.geometry.geometry.pointOnSurface().value().coordinates.first
    }
}
