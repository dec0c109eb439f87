import CPROJ
import DoorstepGeometry

/// Geodesic distance and area on the WGS84 ellipsoid (PROJ's geodesic routines, Karney's algorithm):
/// the yardstick the tests check the projected metres against. Only the tests use it, and their
/// target links libproj (Doorstep itself opens PROJ at run time).
enum Geodesic {
    private static func ellipsoid() -> geod_geodesic {
        var g = geod_geodesic()
        geod_init(&g, 6_378_137.0, 1 / 298.257_223_563)
        return g
    }

    /// Metres between two longitude/latitude points.
    static func distance(_ a: Coordinate, _ b: Coordinate) -> Double {
        var g = ellipsoid()
        var s12 = 0.0
        geod_inverse(&g, a.y, a.x, b.y, b.x, &s12, nil, nil)
        return s12
    }

    /// Square metres enclosed by a longitude/latitude ring (sign dropped).
    static func area(ofRing ring: [Coordinate]) -> Double {
        var g = ellipsoid()
        var lats = ring.map(\.y), lons = ring.map(\.x)
        var area = 0.0, perimeter = 0.0
        geod_polygonarea(&g, &lats, &lons, Int32(ring.count), &area, &perimeter)
        return abs(area)
    }
}
