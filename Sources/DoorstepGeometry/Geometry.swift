import CGEOS

/// A GEOS geometry owned by this object: it is destroyed exactly once, when the object goes.
///
/// Parts handed out by ``parts`` and ``rings`` are copies, so nothing borrowed is ever freed.
/// Constructors that build a collection hand their parts to GEOS, which owns them from then on,
/// even when the constructor fails.
///
/// ```swift
/// let context = GEOSContext()
/// let unit = try Geometry(wkt: "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", in: context)
/// unit.area  // 100
/// ```
public final class Geometry {
    public let context: GEOSContext
    /// The owned GEOS pointer. Valid while this object lives.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`, or throws GEOS's error when it is NULL.
    init(taking pointer: OpaquePointer?, in context: GEOSContext, operation: String) throws(GEOSError) {
        guard let pointer else { throw context.error(operation) }
        self.context = context
        self.pointer = pointer
    }

    deinit {
        GEOSGeom_destroy_r(context.handle, pointer)
    }

    // MARK: - Construction

    /// A point.
    public convenience init(point: Coordinate, in context: GEOSContext) throws(GEOSError) {
        try self.init(
            taking: GEOSGeom_createPointFromXY_r(context.handle, point.x, point.y),
            in: context, operation: "create point")
    }

    /// A rectangle.
    public convenience init(envelope: Envelope, in context: GEOSContext) throws(GEOSError) {
        try self.init(
            taking: GEOSGeom_createRectangle_r(
                context.handle, envelope.minX, envelope.minY, envelope.maxX, envelope.maxY),
            in: context, operation: "create rectangle")
    }

    /// Builds a GEOS geometry from plain coordinates.
    public convenience init(_ value: GeometryValue, in context: GEOSContext) throws(GEOSError) {
        try self.init(taking: Self.make(value, context), in: context, operation: "create \(value.typeName)")
    }

    /// Parses well-known text.
    public convenience init(wkt: String, in context: GEOSContext) throws(GEOSError) {
        let reader = GEOSWKTReader_create_r(context.handle)
        defer { GEOSWKTReader_destroy_r(context.handle, reader) }
        try self.init(taking: GEOSWKTReader_read_r(context.handle, reader, wkt), in: context, operation: "read WKT")
    }

    /// Parses well-known binary.
    public convenience init(wkb: [UInt8], in context: GEOSContext) throws(GEOSError) {
        let reader = GEOSWKBReader_create_r(context.handle)
        defer { GEOSWKBReader_destroy_r(context.handle, reader) }
        let pointer = wkb.withUnsafeBufferPointer {
            GEOSWKBReader_read_r(context.handle, reader, $0.baseAddress, $0.count)
        }
        try self.init(taking: pointer, in: context, operation: "read WKB")
    }

    /// A collection of copies of `parts`. GEOS owns the copies from the call on, even when it fails,
    /// so they are never freed here; the originals stay with their owners.
    public static func collection(
        _ parts: [Geometry], type: CollectionType, in context: GEOSContext
    ) throws(GEOSError) -> Geometry {
        // GEOS 3.11 does not check part types itself and would build e.g. a "MultiPolygon" of points.
        if let allowed = type.partType, let wrong = parts.first(where: { $0.typeName != allowed }) {
            throw GEOSError(operation: "create collection", message: "a \(type) holds \(allowed)s, not a \(wrong.typeName)")
        }
        var pointers: [OpaquePointer?] = parts.map { GEOSGeom_clone_r(context.handle, $0.pointer) }
        let created = pointers.withUnsafeMutableBufferPointer {
            GEOSGeom_createCollection_r(context.handle, type.geosType, $0.baseAddress, UInt32($0.count))
        }
        return try Geometry(taking: created, in: context, operation: "create collection")
    }

    public enum CollectionType: Sendable {
        case multiPoint, multiLineString, multiPolygon, geometryCollection

        /// The only type of part the collection may hold; `nil` for a GeometryCollection.
        var partType: String? {
            switch self {
            case .multiPoint: "Point"
            case .multiLineString: "LineString"
            case .multiPolygon: "Polygon"
            case .geometryCollection: nil
            }
        }

        var geosType: Int32 {
            switch self {
            case .multiPoint: Int32(GEOS_MULTIPOINT.rawValue)
            case .multiLineString: Int32(GEOS_MULTILINESTRING.rawValue)
            case .multiPolygon: Int32(GEOS_MULTIPOLYGON.rawValue)
            case .geometryCollection: Int32(GEOS_GEOMETRYCOLLECTION.rawValue)
            }
        }
    }

    private static func sequence(_ coordinates: [Coordinate], _ context: GEOSContext) -> OpaquePointer? {
        coordinates.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: Double.self) {
                GEOSCoordSeq_copyFromBuffer_r(context.handle, $0.baseAddress, UInt32(coordinates.count), 0, 0)
            }
        }
    }

    private static func ring(_ coordinates: [Coordinate], _ context: GEOSContext) -> OpaquePointer? {
        guard let sequence = sequence(coordinates, context) else { return nil }
        return GEOSGeom_createLinearRing_r(context.handle, sequence)  // takes the sequence
    }

    private static func polygon(_ rings: [[Coordinate]], _ context: GEOSContext) -> OpaquePointer? {
        guard let first = rings.first else { return GEOSGeom_createEmptyPolygon_r(context.handle) }
        var holes = rings.dropFirst().map { ring($0, context) }
        guard let shell = ring(first, context), !holes.contains(where: { $0 == nil }) else {
            for hole in holes { if let hole { GEOSGeom_destroy_r(context.handle, hole) } }
            return nil
        }
        // GEOS owns shell and holes from here on, also when it fails.
        return holes.withUnsafeMutableBufferPointer {
            GEOSGeom_createPolygon_r(context.handle, shell, $0.baseAddress, UInt32($0.count))
        }
    }

    private static func collection(_ parts: [OpaquePointer?], type: GEOSGeomTypes, _ context: GEOSContext)
        -> OpaquePointer?
    {
        guard !parts.contains(where: { $0 == nil }) else {
            for part in parts { if let part { GEOSGeom_destroy_r(context.handle, part) } }
            return nil
        }
        var parts = parts
        return parts.withUnsafeMutableBufferPointer {
            GEOSGeom_createCollection_r(context.handle, Int32(type.rawValue), $0.baseAddress, UInt32($0.count))
        }
    }

    private static func make(_ value: GeometryValue, _ context: GEOSContext) -> OpaquePointer? {
        let handle = context.handle
        switch value {
        case .point(let c):
            return GEOSGeom_createPointFromXY_r(handle, c.x, c.y)
        case .multiPoint(let cs):
            return collection(cs.map { GEOSGeom_createPointFromXY_r(handle, $0.x, $0.y) }, type: GEOS_MULTIPOINT, context)
        case .lineString(let cs):
            guard let sequence = sequence(cs, context) else { return nil }
            return GEOSGeom_createLineString_r(handle, sequence)
        case .multiLineString(let lines):
            return collection(lines.map { make(.lineString($0), context) }, type: GEOS_MULTILINESTRING, context)
        case .polygon(let rings):
            return polygon(rings, context)
        case .multiPolygon(let polygons):
            return collection(polygons.map { polygon($0, context) }, type: GEOS_MULTIPOLYGON, context)
        case .geometryCollection(let parts):
            return collection(parts.map { make($0, context) }, type: GEOS_GEOMETRYCOLLECTION, context)
        }
    }

    // MARK: - Reading back

    /// The GEOS type id.
    public var typeName: String {
        switch GEOSGeomTypeId_r(context.handle, pointer) {
        case Int32(GEOS_POINT.rawValue): "Point"
        case Int32(GEOS_LINESTRING.rawValue): "LineString"
        case Int32(GEOS_LINEARRING.rawValue): "LinearRing"
        case Int32(GEOS_POLYGON.rawValue): "Polygon"
        case Int32(GEOS_MULTIPOINT.rawValue): "MultiPoint"
        case Int32(GEOS_MULTILINESTRING.rawValue): "MultiLineString"
        case Int32(GEOS_MULTIPOLYGON.rawValue): "MultiPolygon"
        default: "GeometryCollection"
        }
    }

    /// The geometry as plain coordinates (a ``GeometryValue`` can cross tasks).
    public func value() -> GeometryValue {
        Self.value(of: pointer, context.handle)
    }

    private static func coordinates(of geometry: OpaquePointer?, _ handle: GEOSContextHandle_t) -> [Coordinate] {
        guard let sequence = GEOSGeom_getCoordSeq_r(handle, geometry) else { return [] }  // borrowed
        var size: UInt32 = 0
        GEOSCoordSeq_getSize_r(handle, sequence, &size)
        var result = [Coordinate](repeating: Coordinate(0, 0), count: Int(size))
        result.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: Double.self) {
                _ = GEOSCoordSeq_copyToBuffer_r(handle, sequence, $0.baseAddress, 0, 0)
            }
        }
        return result
    }

    private static func rings(of polygon: OpaquePointer?, _ handle: GEOSContextHandle_t) -> [[Coordinate]] {
        guard GEOSisEmpty_r(handle, polygon) == 0 else { return [] }
        var rings = [coordinates(of: GEOSGetExteriorRing_r(handle, polygon), handle)]
        for i in 0..<GEOSGetNumInteriorRings_r(handle, polygon) {
            rings.append(coordinates(of: GEOSGetInteriorRingN_r(handle, polygon, i), handle))
        }
        return rings
    }

    private static func parts(of geometry: OpaquePointer?, _ handle: GEOSContextHandle_t) -> [OpaquePointer?] {
        (0..<GEOSGetNumGeometries_r(handle, geometry)).map { GEOSGetGeometryN_r(handle, geometry, $0) }
    }

    private static func value(of geometry: OpaquePointer?, _ handle: GEOSContextHandle_t) -> GeometryValue {
        switch GEOSGeomTypeId_r(handle, geometry) {
        case Int32(GEOS_POINT.rawValue):
            let cs = coordinates(of: geometry, handle)
            return cs.isEmpty ? .multiPoint([]) : .point(cs[0])
        case Int32(GEOS_LINESTRING.rawValue), Int32(GEOS_LINEARRING.rawValue):
            return .lineString(coordinates(of: geometry, handle))
        case Int32(GEOS_POLYGON.rawValue):
            return .polygon(rings(of: geometry, handle))
        case Int32(GEOS_MULTIPOINT.rawValue):
            return .multiPoint(parts(of: geometry, handle).flatMap { coordinates(of: $0, handle) })
        case Int32(GEOS_MULTILINESTRING.rawValue):
            return .multiLineString(parts(of: geometry, handle).map { coordinates(of: $0, handle) })
        case Int32(GEOS_MULTIPOLYGON.rawValue):
            return .multiPolygon(parts(of: geometry, handle).map { rings(of: $0, handle) })
        default:
            return .geometryCollection(parts(of: geometry, handle).map { value(of: $0, handle) })
        }
    }

    /// The parts of a collection, each a copy this caller owns (a single geometry is its own part).
    public var parts: [Geometry] {
        let count = GEOSGetNumGeometries_r(context.handle, pointer)
        return (0..<count).compactMap { index in
            let borrowed = GEOSGetGeometryN_r(context.handle, pointer, index)  // never freed here
            return try? Geometry(
                taking: GEOSGeom_clone_r(context.handle, borrowed), in: context, operation: "copy part")
        }
    }

    /// Well-known text, for tests and messages.
    public var wkt: String {
        let writer = GEOSWKTWriter_create_r(context.handle)
        defer { GEOSWKTWriter_destroy_r(context.handle, writer) }
        GEOSWKTWriter_setTrim_r(context.handle, writer, 1)
        guard let text = GEOSWKTWriter_write_r(context.handle, writer, pointer) else { return "" }
        defer { GEOSFree_r(context.handle, text) }
        return String(cString: text)
    }

    /// Well-known binary (little-endian), a compact form to send to another task.
    public var wkb: [UInt8] {
        let writer = GEOSWKBWriter_create_r(context.handle)
        defer { GEOSWKBWriter_destroy_r(context.handle, writer) }
        var size = 0
        guard let bytes = GEOSWKBWriter_write_r(context.handle, writer, pointer, &size) else { return [] }
        defer { GEOSFree_r(context.handle, bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }
}
