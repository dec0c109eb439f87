import DoorstepGeometry

/// Where a point joins the network: the nearest point ("spot") of the nearest usable segment, and
/// the straight access leg from the point to it (issue 9, item 3).
///
/// ```swift
/// if let join = network.join(Coordinate(250, 40), snapMax: 300) {
///     join.segment, join.fraction, join.access   // 3, 0.25, 40.0
/// }
/// ```
public struct Join: Sendable, Equatable {
    /// The segment joined.
    public var segment: Int
    /// Where along it, 0 at ``StreetNetwork/segmentFrom`` to 1 at ``StreetNetwork/segmentTo``.
    public var fraction: Double
    /// The joining spot, metres.
    public var spot: Coordinate
    /// The access leg, metres.
    public var access: Double

    public init(segment: Int, fraction: Double, spot: Coordinate, access: Double) {
        self.segment = segment
        self.fraction = fraction
        self.spot = spot
        self.access = access
    }
}

extension StreetNetwork {
    /// Where a point (metres, in ``projection``) joins: the nearest point of the nearest segment
    /// within `snapMax` metres, or nil when it is off the network.
    ///
    /// ```swift
    /// network.join(home, snapMax: 300)   // Join(segment: 12, fraction: 0.4, spot: …, access: 35.2)
    /// ```
    public func join(_ point: Coordinate, snapMax: Double) -> Join? {
        guard let (segment, access) = grid.nearest(to: point, within: snapMax, measure: { foot(of: point, on: $0).access })
        else { return nil }
        let spot = foot(of: point, on: segment)
        return Join(segment: segment, fraction: spot.fraction, spot: spot.spot, access: access)
    }

    /// The joins of many points, in order (nil for those off the network).
    ///
    /// ```swift
    /// let homes = network.join(demandXY, snapMax: 300)
    /// ```
    public func join(_ points: [Coordinate], snapMax: Double) -> [Join?] {
        points.map { join($0, snapMax: snapMax) }
    }

    /// The joins of points given in longitude/latitude, projected with the network's ``projection``.
    ///
    /// ```swift
    /// let homes = try network.join(lonLat: [Coordinate(120.153, 30.274)], snapMax: 300)
    /// ```
    public func join(lonLat points: [Coordinate], snapMax: Double) throws(NetworkError) -> [Join?] {
        do {
            return join(try projection.makeProjector().project(points), snapMax: snapMax)
        } catch {
            throw NetworkError("cannot project points onto the network: \(error)")
        }
    }

    /// The perpendicular foot of `q` on a segment, or its nearer end.
    func foot(of q: Coordinate, on segment: Int) -> (fraction: Double, spot: Coordinate, access: Double) {
        let a = nodes[Int(segmentFrom[segment])], b = nodes[Int(segmentTo[segment])]
        let dx = b.x - a.x, dy = b.y - a.y
        let squared = dx * dx + dy * dy
        let t = squared > 0 ? min(max(((q.x - a.x) * dx + (q.y - a.y) * dy) / squared, 0), 1) : 0
        let spot = Coordinate(a.x + dx * t, a.y + dy * t)
        return (t, spot, metres(q, spot))
    }
}
