import DoorstepCRS
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// Names a location the way a planner says it: the nearest in-use road, which side of it, and the
/// community it lies in — "文三路以北, 古荡社区" rather than coordinates.
///
/// ```swift
/// let labeler = try PlaceLabeler(registry: registry)
/// let label = try labeler.label(Coordinate(120.13, 30.28))
/// label.text  // "文三路以北, 古荡社区"
/// ```
public final class PlaceLabeler {
    public struct Label: Sendable, Equatable {
        public var road: String?
        public var roadDistanceM: Double?
        public var community: String?
        public var text: String
    }

    /// How far a community centre may be when communities have points, not polygons.
    static let communityReach = 2000.0

    let context = GEOSContext()
    let projector: Projector
    let roads: [(name: String, geometry: Geometry)]
    let roadIndex: STRtree?
    let communityAreas: [(name: String, area: PreparedGeometry)]
    let communityPoints: [(name: String, point: Coordinate)]

    public init(registry: Registry) throws {
        // A geometry with no positions (a Polygon without rings, a MultiPolygon of no parts) locates
        // nothing: such a place is left out, as one without geometry is.
        let located = try registry.all(status: .inUse).compactMap { place in
            place.geometry.flatMap { $0.coordinates.isEmpty ? nil : (name: place.name, type: place.type, geometry: $0) }
        }
        let extent = Envelope(of: located.flatMap { $0.geometry.coordinates }) ?? Envelope(minX: 120, minY: 30, maxX: 120, maxY: 30)
        projector = try MetricProjection(around: extent).makeProjector()
        var roads: [(String, Geometry, Envelope)] = []
        var areas: [(String, PreparedGeometry)] = []
        var points: [(String, Coordinate)] = []
        for place in located {
            let metric = try projector.project(place.geometry)
            if PlaceType.roadTypes.contains(place.type) {
                let road = try Geometry(metric, in: context)
                if let envelope = road.envelope { roads.append((place.name, road, envelope)) }
            } else if PlaceType.communityTypes.contains(place.type) {
                if metric.isPolygonal {
                    areas.append((place.name, try Geometry(metric, in: context).prepared()))
                } else if case .point(let c) = metric {
                    points.append((place.name, c))
                }
            }
        }
        self.roads = roads.map { ($0.0, $0.1) }
        self.roadIndex = roads.isEmpty ? nil : try STRtree(envelopes: roads.map(\.2), in: context)
        self.communityAreas = areas
        self.communityPoints = points
    }

    /// The features with `place_label` ("文三路以北, 古荡社区"), `road`, `road_distance_m` (−1 when no
    /// road is found) and `community` added, each for a point inside the feature's geometry.
    public func annotate(_ features: [Feature]) throws -> [Feature] {
        try features.map { feature in
            guard let geometry = feature.geometry, !geometry.coordinates.isEmpty, let label = try label(inside: geometry) else { return feature }
            var feature = feature
            feature.properties["place_label"] = .string(label.text)
            feature.properties["road"] = label.road.map(JSONValue.string) ?? .null
            // −1 when no road is found (none in the registry, or none within 100 km), never null: a field
            // null in every feature (a registry without roads) would reach GIS as text, not a number.
            feature.properties["road_distance_m"] = .number(label.roadDistanceM ?? -1)
            feature.properties["community"] = label.community.map(JSONValue.string) ?? .null
            return feature
        }
    }

    /// The label of a point inside a WGS84 geometry (its GEOS point on surface).
    public func label(inside geometry: GeometryValue) throws -> Label? {
        let shape = try Geometry(geometry, in: context)
        guard !shape.isEmpty, case .point(let inside) = try shape.pointOnSurface().value() else { return nil }
        return try label(inside)
    }

    /// The label of a WGS84 point.
    public func label(_ lonLat: Coordinate) throws -> Label {
        let p = try projector.project([lonLat])[0]
        let point = try Geometry(point: p, in: context)
        var road: (name: String, distance: Double, side: String)?
        if let roadIndex {
            // Widen the search box until it holds a road, then measure exactly.
            var reach = 200.0
            var candidates: [Int] = []
            while candidates.isEmpty, reach < 100_000 {
                candidates = try roadIndex.query(Envelope(around: p, reach: reach))
                reach *= 2
            }
            // A road whose box is near may still be farther than one found later: check within the box's reach.
            if !candidates.isEmpty {
                candidates = try roadIndex.query(Envelope(around: p, reach: reach))
            }
            for index in candidates {
                let distance = try point.distance(to: roads[index].geometry)
                if distance < road?.distance ?? .infinity {
                    road = (roads[index].name, distance, try side(of: p, from: roads[index].geometry))
                }
            }
        }
        var community = communityAreas.first { $0.area.covers(p) }?.name
        if community == nil {
            community = communityPoints.map { ($0.name, hypot($0.point.x - p.x, $0.point.y - p.y)) }
                .filter { $0.1 <= Self.communityReach }.min { $0.1 < $1.1 }?.0
        }
        var parts: [String] = []
        if let road { parts.append(road.distance < 30 ? "沿\(road.name)" : road.name + road.side) }
        if let community { parts.append(community) }
        return Label(road: road?.name, roadDistanceM: road.map { ($0.distance * 10).rounded() / 10 }, community: community, text: parts.joined(separator: ", "))
    }

    /// 以北/以南/以东/以西: where the point lies seen from the nearest point of the road.
    func side(of p: Coordinate, from road: Geometry) throws -> String {
        let nearest = try road.nearestPoint(to: Geometry(point: p, in: context))
        let dx = p.x - nearest.x, dy = p.y - nearest.y
        if abs(dy) >= abs(dx) { return dy >= 0 ? "以北" : "以南" }
        return dx >= 0 ? "以东" : "以西"
    }
}
