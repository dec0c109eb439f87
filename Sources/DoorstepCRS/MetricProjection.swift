import DoorstepGeometry
import Foundation
import Synchronization

/// The projection Doorstep measures in: transverse Mercator on the WGS84 ellipsoid, scale 1 on the
/// central meridian of the CGCS2000 3° Gauss-Krüger zone the data lies in (…, 117°, 120°, 123° …,
/// the zones of EPSG:4534–4554 that Chinese surveying uses).
///
/// The meridian depends only on where the data is, never on what else shares a file: a typo 18° away
/// must not move the figures of every other unit. Its scale error grows as (d/R)²/2 with the distance d
/// from the meridian: 0.012 % at 100 km, 0.03 % at the edge of a zone (1.5°, 167 km at the equator),
/// so distances and areas stay well inside 0.1 % of the geodesic ones.
///
/// ```swift
/// let projection = MetricProjection(around: envelope)    // a Sendable description
/// let projector = try projection.makeProjector()          // one per task
/// let metres = try projector.project(lonLat)
/// ```
public struct MetricProjection: Hashable, Sendable {
    public var centralMeridian: Double

    public init(centralMeridian: Double) {
        self.centralMeridian = centralMeridian
    }

    /// The 3° zone whose central meridian is nearest `longitude`: 120.15 → 120, 118.6 → 120, 118.4 → 117.
    public init(zoneOf longitude: Double) {
        self.init(centralMeridian: 3 * (longitude / 3).rounded())
    }

    /// The 3° zone of the middle of a longitude/latitude envelope.
    public init(around envelope: Envelope) {
        self.init(zoneOf: envelope.center.x)
    }

    /// Edges longer than this (in degrees, about 220 m) are split before projecting. GeoJSON edges are
    /// straight in longitude/latitude, as QGIS, PostGIS and GeoPandas read them; a 10 km edge projected
    /// as one straight line in metres bows ~1.6 m away from that reading, a 0.002° piece by under 1 mm.
    public static let densifyStep = 0.002

    /// The PROJ definition, e.g. `+proj=tmerc +lat_0=0 +lon_0=120.15 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +type=crs`.
    public var definition: String {
        "+proj=tmerc +lat_0=0 +lon_0=\(centralMeridian) +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs"
    }

    /// Longitude/latitude to metres; a large batch is split over all cores, a PROJ object each (one
    /// is not safe to share), so that three million demand points take a fraction of a second.
    ///
    /// ```swift
    /// let metres = try MetricProjection(zoneOf: 120.2).project(demandLonLat)
    /// ```
    public func project(_ coordinates: [Coordinate]) throws(CRSError) -> [Coordinate] {
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        guard cores > 1, coordinates.count >= 2 * Self.parallelBatch else { return try makeProjector().project(coordinates) }
        let chunks = min(cores, coordinates.count / Self.parallelBatch)
        let results = Mutex([Result<[Coordinate], CRSError>?](repeating: nil, count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let part = Array(coordinates[(coordinates.count * chunk / chunks)..<(coordinates.count * (chunk + 1) / chunks)])
            let result = Result { () throws(CRSError) in try makeProjector().project(part) }
            results.withLock { $0[chunk] = result }
        }
        var metres: [Coordinate] = []
        metres.reserveCapacity(coordinates.count)
        for result in results.withLock({ $0 }) {
            switch result {
            case .success(let part)?: metres += part
            case .failure(let error)?: throw error
            case nil: throw CRSError("a projection worker did not finish")
            }
        }
        return metres
    }

    /// Below twice this many points, one core projects them: starting a PROJ object costs more.
    static let parallelBatch = 20_000

    public func makeProjector() throws(CRSError) -> Projector {
        // A definition needs no lookup in proj.db, which would cost each worker milliseconds.
        Projector(
            try PROJTransform(
                definition: "+proj=tmerc +lat_0=0 +lon_0=\(centralMeridian) +k=1 +x_0=0 +y_0=0 +ellps=WGS84", anglesInDegrees: true))
    }
}

/// Converts between WGS84 longitude/latitude and a ``MetricProjection``'s metres. One per task.
public final class Projector {
    private let transform: PROJTransform

    init(_ transform: PROJTransform) {
        self.transform = transform
    }

    public func project(_ coordinates: [Coordinate]) throws(CRSError) -> [Coordinate] {
        try transform.forward(coordinates)
    }

    public func unproject(_ coordinates: [Coordinate]) throws(CRSError) -> [Coordinate] {
        try transform.inverse(coordinates)
    }

    /// A whole geometry to metres, transforming all its coordinates in one PROJ call; long edges are
    /// densified first (``MetricProjection/densifyStep``) so that they keep their longitude/latitude reading.
    public func project(_ geometry: GeometryValue) throws(CRSError) -> GeometryValue {
        try remap(geometry.densified(maxStep: MetricProjection.densifyStep)) { coordinates throws(CRSError) in
            try project(coordinates)
        }
    }

    public func unproject(_ geometry: GeometryValue) throws(CRSError) -> GeometryValue {
        try remap(geometry) { coordinates throws(CRSError) in try unproject(coordinates) }
    }
}

/// Applies a batch transformation to every coordinate of a geometry, keeping its structure.
public func remap(
    _ geometry: GeometryValue, _ batch: ([Coordinate]) throws(CRSError) -> [Coordinate]
) throws(CRSError) -> GeometryValue {
    let transformed = try batch(geometry.coordinates)
    var index = 0
    return geometry.mapCoordinates { _ in
        defer { index += 1 }
        return transformed[index]
    }
}
