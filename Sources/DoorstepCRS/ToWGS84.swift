import DoorstepGeometry

/// Converts coordinates of a ``CoordinateSystem`` to WGS84 longitude/latitude. One per task.
///
/// ```swift
/// let converter = try ToWGS84(from: .gcj02)
/// let wgs = try converter.convert([Coordinate(120.1551, 30.2741)])
/// ```
public final class ToWGS84 {
    public let source: CoordinateSystem
    private let proj: PROJTransform?

    public init(from source: CoordinateSystem) throws(CRSError) {
        self.source = source
        if case .epsg(let code) = source {
            proj = try PROJTransform(from: "EPSG:\(code)", to: "EPSG:4326")
        } else {
            proj = nil
        }
    }

    /// Whether conversion leaves coordinates as they are: CGCS2000 and WGS84 differ by centimetres,
    /// far below what a catchment notices.
    public var isIdentity: Bool { source == .wgs84 || source == .cgcs2000 }

    public func convert(_ coordinates: [Coordinate]) throws(CRSError) -> [Coordinate] {
        switch source {
        case .wgs84, .cgcs2000: coordinates
        case .gcj02: coordinates.map(ChinaDatum.gcj02ToWGS84)
        case .bd09: coordinates.map(ChinaDatum.bd09ToWGS84)
        case .epsg: try proj!.forward(coordinates)
        }
    }

    public func convert(_ geometry: GeometryValue) throws(CRSError) -> GeometryValue {
        if isIdentity { return geometry }
        return try remap(geometry) { coordinates throws(CRSError) in try convert(coordinates) }
    }
}
