import CGEOS

extension Geometry {
    private func result(_ pointer: OpaquePointer?, _ operation: String) throws(GEOSError) -> Geometry {
        try Geometry(taking: pointer, in: context, operation: operation)
    }

    /// The region within `distance` of this geometry; `quadrantSegments` segments per quarter circle.
    public func buffer(_ distance: Double, quadrantSegments: Int32 = 16) throws(GEOSError) -> Geometry {
        try result(GEOSBuffer_r(context.handle, pointer, distance, quadrantSegments), "buffer")
    }

    /// The lines sewn together where they meet end to end: far fewer, longer lines, which GEOS buffers
    /// much faster than thousands of two-point pieces.
    public func lineMerged() throws(GEOSError) -> Geometry {
        try result(GEOSLineMerge_r(context.handle, pointer), "line merge")
    }

    public func intersection(_ other: Geometry) throws(GEOSError) -> Geometry {
        try result(GEOSIntersection_r(context.handle, pointer, other.pointer), "intersection")
    }

    public func difference(_ other: Geometry) throws(GEOSError) -> Geometry {
        try result(GEOSDifference_r(context.handle, pointer, other.pointer), "difference")
    }

    public func union(_ other: Geometry) throws(GEOSError) -> Geometry {
        try result(GEOSUnion_r(context.handle, pointer, other.pointer), "union")
    }

    /// The part inside a rectangle (GEOS `ClipByRect`: fast, but may return invalid polygons only when
    /// the input is invalid).
    public func clipped(to envelope: Envelope) throws(GEOSError) -> Geometry {
        try result(
            GEOSClipByRect_r(context.handle, pointer, envelope.minX, envelope.minY, envelope.maxX, envelope.maxY),
            "clip by rectangle")
    }

    /// The union of all parts of this geometry (cascaded, fast for many overlapping polygons).
    public func unaryUnion() throws(GEOSError) -> Geometry {
        try result(GEOSUnaryUnion_r(context.handle, pointer), "union")
    }

    /// The union of many geometries, e.g. every catchment disc of a facility kind.
    public static func unionOf(_ geometries: [Geometry], in context: GEOSContext) throws(GEOSError) -> Geometry {
        guard !geometries.isEmpty else {
            return try Geometry(taking: GEOSGeom_createEmptyPolygon_r(context.handle), in: context, operation: "union")
        }
        return try collection(geometries, type: .geometryCollection, in: context).unaryUnion()
    }

    /// A simpler geometry within `tolerance` of this one that keeps its topology (no new crossings,
    /// holes stay inside), for drawing.
    public func simplified(tolerance: Double) throws(GEOSError) -> Geometry {
        try result(GEOSTopologyPreserveSimplify_r(context.handle, pointer, tolerance), "simplify")
    }

    /// The geometry snapped to a grid of `gridSize`, kept valid (GEOS `setPrecision`).
    public func snapped(toGrid gridSize: Double) throws(GEOSError) -> Geometry {
        try result(GEOSGeom_setPrecision_r(context.handle, pointer, gridSize, 0), "set precision")
    }

    /// The geometry as plain coordinates on a grid of `gridSize`, valid, and a one-part
    /// multi-geometry given as its part (GEOS may answer a Polygon with a MultiPolygon): what output
    /// at a fixed number of decimals needs.
    public func snappedValue(toGrid gridSize: Double) throws(GEOSError) -> GeometryValue {
        if let rounded = roundedIfStillValid(toGrid: gridSize) { return rounded.singlePartSimplified }
        do {
            return try snapped(toGrid: gridSize).value().singlePartSimplified
        } catch {
            // A ring unprojected from metres can touch itself where GEOS cannot snap it ("side
            // location conflict", found by the coverage property test): repair it first.
            return try makeValid().snapped(toGrid: gridSize).value().singlePartSimplified
        }
    }

    /// Each coordinate rounded to the grid, repeated positions dropped, when that is still valid:
    /// then it is all that snapping does. Nearly every outline is such; GEOS's snap-rounding, which
    /// the others need, cost a fifth of a rural run's per-unit work.
    func roundedIfStillValid(toGrid gridSize: Double) -> GeometryValue? {
        let scale = 1 / gridSize
        func rounded(_ line: [Coordinate]) -> [Coordinate] {
            var out: [Coordinate] = []
            out.reserveCapacity(line.count)
            for c in line {
                let snapped = Coordinate((c.x * scale).rounded() / scale, (c.y * scale).rounded() / scale)
                if out.last != snapped { out.append(snapped) }
            }
            return out
        }
        let value: GeometryValue
        switch self.value() {
        case .polygon(let rings): value = .polygon(rings.map(rounded))
        case .multiPolygon(let polygons): value = .multiPolygon(polygons.map { $0.map(rounded) })
        default: return nil
        }
        guard let geometry = try? Geometry(value, in: context), geometry.isValid else { return nil }
        return value
    }

    /// A valid geometry covering the same points (GEOS `MakeValid`, structure method).
    public func makeValid() throws(GEOSError) -> Geometry {
        let params = GEOSMakeValidParams_create_r(context.handle)
        defer { GEOSMakeValidParams_destroy_r(context.handle, params) }
        GEOSMakeValidParams_setMethod_r(context.handle, params, GEOS_MAKE_VALID_STRUCTURE)
        GEOSMakeValidParams_setKeepCollapsed_r(context.handle, params, 0)
        return try result(GEOSMakeValidWithParams_r(context.handle, pointer, params), "make valid")
    }

    /// A point guaranteed to lie inside the geometry (on its surface), e.g. to label a polygon.
    public func pointOnSurface() throws(GEOSError) -> Geometry {
        try result(GEOSPointOnSurface_r(context.handle, pointer), "point on surface")
    }

    public var area: Double {
        var area = 0.0
        GEOSArea_r(context.handle, pointer, &area)
        return area
    }

    public func distance(to other: Geometry) throws(GEOSError) -> Double {
        var distance = 0.0
        guard GEOSDistance_r(context.handle, pointer, other.pointer, &distance) == 1 else {
            throw context.error("distance")
        }
        return distance
    }

    /// The point of this geometry nearest to `other`.
    public func nearestPoint(to other: Geometry) throws(GEOSError) -> Coordinate {
        guard let sequence = GEOSNearestPoints_r(context.handle, pointer, other.pointer) else {
            throw context.error("nearest points")
        }
        defer { GEOSCoordSeq_destroy_r(context.handle, sequence) }
        var x = 0.0, y = 0.0
        GEOSCoordSeq_getXY_r(context.handle, sequence, 0, &x, &y)
        return Coordinate(x, y)
    }

    public var isEmpty: Bool { GEOSisEmpty_r(context.handle, pointer) == 1 }

    public var isValid: Bool { GEOSisValid_r(context.handle, pointer) == 1 }

    /// Why the geometry is invalid, e.g. "Self-intersection[0.5 0.5]"; "Valid Geometry" when it is.
    public var validityReason: String {
        guard let reason = GEOSisValidReason_r(context.handle, pointer) else { return "" }
        defer { GEOSFree_r(context.handle, reason) }
        return String(cString: reason)
    }

    /// The bounding rectangle, or `nil` for an empty geometry.
    public var envelope: Envelope? {
        guard !isEmpty else { return nil }
        var minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0
        GEOSGeom_getExtent_r(context.handle, pointer, &minX, &minY, &maxX, &maxY)
        return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    public func intersects(_ other: Geometry) -> Bool {
        GEOSIntersects_r(context.handle, pointer, other.pointer) == 1
    }

    /// Prepares this geometry for many repeated predicate tests.
    public func prepared() throws(GEOSError) -> PreparedGeometry {
        try PreparedGeometry(self)
    }
}

/// A geometry with indexes built for fast repeated predicates (`GEOSPrepare_r`).
///
/// ```swift
/// let unit = try Geometry(wkt: "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", in: context).prepared()
/// unit.covers(Coordinate(10, 5))  // true: the boundary counts
/// ```
public final class PreparedGeometry {
    /// The geometry it indexes, kept alive as long as the prepared form.
    public let geometry: Geometry
    private let pointer: OpaquePointer

    init(_ geometry: Geometry) throws(GEOSError) {
        guard let pointer = GEOSPrepare_r(geometry.context.handle, geometry.pointer) else {
            throw geometry.context.error("prepare")
        }
        self.geometry = geometry
        self.pointer = pointer
    }

    deinit {
        GEOSPreparedGeom_destroy_r(geometry.context.handle, pointer)
    }

    /// Whether the point lies inside or on the boundary.
    public func covers(_ coordinate: Coordinate) -> Bool {
        let handle = geometry.context.handle
        guard let point = GEOSGeom_createPointFromXY_r(handle, coordinate.x, coordinate.y) else { return false }
        defer { GEOSGeom_destroy_r(handle, point) }
        return GEOSPreparedIntersects_r(handle, pointer, point) == 1
    }

    /// For many points at once: which of them lie inside or on the boundary.
    public func covers(_ coordinates: some Sequence<Coordinate>) -> [Bool] {
        coordinates.map(covers)
    }

    public func intersects(_ other: Geometry) -> Bool {
        GEOSPreparedIntersects_r(geometry.context.handle, pointer, other.pointer) == 1
    }

    public func covers(_ other: Geometry) -> Bool {
        GEOSPreparedCovers_r(geometry.context.handle, pointer, other.pointer) == 1
    }
}
