import CPROJ
import DoorstepGeometry

/// A PROJ transformation between two coordinate reference systems, with its own PROJ context.
///
/// Axis order is always easting/longitude first (`proj_normalize_for_visualization`), as in GeoJSON.
/// Not `Sendable`: make one per task.
///
/// ```swift
/// let gk = try PROJTransform(from: "EPSG:4549", to: "EPSG:4326")
/// let lonLat = try gk.forward([Coordinate(500000, 3_350_000)])
/// ```
public final class PROJTransform {
    private let proj: PROJFunctions
    private let context: OpaquePointer
    private let transform: OpaquePointer
    /// Whether positions are given and taken in degrees for an operation whose angles are radians.
    private let anglesInDegrees: Bool

    /// PROJ's factor from degrees to radians (its `DEG_TO_RAD`, the `unitconvert` step's factor).
    static let radiansPerDegree = 0.017453292519943296

    /// A transformation PROJ builds from a definition alone (`+proj=pipeline …`), without its database.
    ///
    /// With `anglesInDegrees`, a single operation whose angles are radians (`+proj=tmerc …`) takes and
    /// gives degrees: converted here as a `+proj=unitconvert +xy_in=deg +xy_out=rad` step would
    /// (× `DEG_TO_RAD` forward, ÷ inverse), to the same bits, without the pipeline's cost per point of
    /// a second step (a third of the time of projecting).
    ///
    /// ```swift
    /// let tmerc = try PROJTransform(definition: "+proj=tmerc +lon_0=120 +ellps=WGS84", anglesInDegrees: true)
    /// ```
    public init(definition: String, anglesInDegrees: Bool = false) throws(CRSError) {
        let proj = try PROJLibrary.functions()
        guard let context = proj.contextCreate() else { throw CRSError("PROJ: cannot create a context") }
        _ = proj.logLevel(context, PJ_LOG_NONE)
        guard let transform = proj.create(context, definition) else {
            let reason = proj.lastError(context)
            _ = proj.contextDestroy(context)
            throw CRSError("PROJ cannot build \(definition): \(reason)")
        }
        self.proj = proj
        self.context = context
        self.transform = transform
        self.anglesInDegrees = anglesInDegrees
    }

    public init(from source: String, to target: String) throws(CRSError) {
        let proj = try PROJLibrary.functions()
        guard let context = proj.contextCreate() else { throw CRSError("PROJ: cannot create a context") }
        _ = proj.logLevel(context, PJ_LOG_NONE)
        guard let raw = proj.createCRSToCRS(context, source, target, nil) else {
            let reason = proj.lastError(context)
            _ = proj.contextDestroy(context)
            throw CRSError("PROJ cannot transform \(source) to \(target): \(reason)")
        }
        let normalized = proj.normalizeForVisualization(context, raw)
        _ = proj.destroy(raw)
        guard let normalized else {
            _ = proj.contextDestroy(context)
            throw CRSError("PROJ cannot normalise the axis order of \(source) → \(target)")
        }
        self.proj = proj
        self.context = context
        self.transform = normalized
        self.anglesInDegrees = false
    }

    deinit {
        _ = proj.destroy(transform)
        _ = proj.contextDestroy(context)
    }

    public func forward(_ coordinates: [Coordinate]) throws(CRSError) -> [Coordinate] {
        try run(coordinates, PJ_FWD)
    }

    public func inverse(_ coordinates: [Coordinate]) throws(CRSError) -> [Coordinate] {
        try run(coordinates, PJ_INV)
    }

    private func run(_ coordinates: [Coordinate], _ direction: PJ_DIRECTION) throws(CRSError) -> [Coordinate] {
        let toRadians = anglesInDegrees && direction == PJ_FWD, toDegrees = anglesInDegrees && direction == PJ_INV
        var result = toRadians ? coordinates.map { Coordinate($0.x * Self.radiansPerDegree, $0.y * Self.radiansPerDegree) } : coordinates
        let stride = MemoryLayout<Coordinate>.stride
        let count = coordinates.count
        result.withUnsafeMutableBytes { bytes in
            let x = bytes.baseAddress?.assumingMemoryBound(to: Double.self)
            let y = x.map { $0 + 1 }
            _ = proj.transGeneric(transform, direction, x, stride, count, y, stride, count, nil, 0, 0, nil, 0, 0)
        }
        if toDegrees {
            for i in result.indices { result[i] = Coordinate(result[i].x / Self.radiansPerDegree, result[i].y / Self.radiansPerDegree) }
        }
        if let bad = result.firstIndex(where: { !$0.x.isFinite || !$0.y.isFinite || $0.x == .infinity }) {
            let c = coordinates[bad]
            throw CRSError("PROJ cannot transform the position (\(c.x), \(c.y)): it lies outside the coordinate system's area")
        }
        return result
    }
}
