import DoorstepCRS
import DoorstepGeometry

/// The demand points in the metres of the 3° zones they are measured in, each point projected once
/// per zone however many steps ask for it: accessibility scores reach over the demand near each
/// facility, then coverage over the demand near each unit, in the same zone.
///
/// ```swift
/// let metres = ProjectedDemand(layers.demand)
/// let near = try metres.metres(of: [0, 5, 9], in: MetricProjection(zoneOf: 120.2))
/// ```
final class ProjectedDemand {
    private let locations: [Coordinate]
    /// The box around every demand point (longitude/latitude); nil without demand.
    private let box: Envelope?
    /// Per zone, every demand point's metres; NaN for those no step has asked for yet.
    private var zones: [MetricProjection: [Coordinate]] = [:]
    /// The zones in which every point is projected.
    private var complete: Set<MetricProjection> = []

    init(_ demand: [DemandPoint]) {
        locations = demand.map(\.location)
        box = Envelope(of: locations)
    }

    /// The demand points inside `envelope` (longitude/latitude, edges included), ascending: all of
    /// them, without testing each, when it holds the whole demand's box (one zone, mostly).
    func indices(inside envelope: Envelope) -> [Int] {
        if let box, envelope.contains(box) { return Array(locations.indices) }
        return locations.indices.filter { envelope.contains(locations[$0]) }
    }

    /// The metres of the points at `indices` (ascending, into the demand given at the start), in their order.
    func metres(of indices: [Int], in projection: MetricProjection) throws(CRSError) -> [Coordinate] {
        // Mostly every point (one zone): projected straight, without gathering, and shared after.
        if indices.count == locations.count {
            if complete.contains(projection), let all = zones[projection] { return all }
            if zones[projection] == nil {
                let all = try projection.project(locations)
                zones[projection] = all
                complete.insert(projection)
                return all
            }
        }
        var zone = zones.removeValue(forKey: projection) ?? [Coordinate](repeating: Coordinate(.nan, .nan), count: locations.count)
        let missing = indices.filter { zone[$0].x.isNaN }
        if !missing.isEmpty {
            let projected = try projection.project(missing.map { locations[$0] })
            for (index, metres) in zip(missing, projected) { zone[index] = metres }
        }
        let result = zone.gathered(at: indices)
        zones[projection] = zone
        return result
    }
}

extension Array {
    /// The elements at `indices` (ascending, distinct), in their order: the array itself, not a copy,
    /// when they are all of it (the demand of one zone, mostly).
    ///
    /// ```swift
    /// [10, 20, 30].gathered(at: [0, 2])   // [10, 30]
    /// ```
    func gathered(at indices: [Int]) -> [Element] {
        indices.count == count ? self : indices.map { self[$0] }
    }
}
