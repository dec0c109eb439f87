/// The coordinate system of an input layer.
///
/// ```swift
/// try CoordinateSystem(parsing: "gcj02")      // .gcj02
/// try CoordinateSystem(parsing: "EPSG:4549")  // .epsg(4549)
/// ```
public enum CoordinateSystem: Hashable, Sendable, CustomStringConvertible {
    /// WGS84 longitude/latitude (EPSG:4326), what GPS and RFC 7946 GeoJSON use.
    case wgs84
    /// China Geodetic Coordinate System 2000 longitude/latitude (EPSG:4490): official survey data.
    case cgcs2000
    /// GCJ-02, the obfuscated datum of Amap (高德) and Tencent maps.
    case gcj02
    /// BD-09, Baidu's datum (GCJ-02 shifted once more).
    case bd09
    /// Any other EPSG code, converted through PROJ.
    case epsg(Int)

    public init(parsing text: String) throws(CRSError) {
        let key = text.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        switch key {
        case "wgs84", "epsg:4326", "4326", "crs84": self = .wgs84
        case "cgcs2000", "epsg:4490", "4490": self = .cgcs2000
        case "gcj02", "amap", "gaode", "tencent": self = .gcj02
        case "bd09", "bd09ll", "baidu": self = .bd09
        default:
            let parts = key.split(separator: ":")
            guard parts.count == 2, parts[0] == "epsg", let code = Int(parts[1]), code > 0 else {
                throw CRSError("unknown coordinate system \"\(text)\"; use wgs84, cgcs2000, gcj02, bd09 or EPSG:NNNN")
            }
            self = .epsg(code)
        }
    }

    /// The system an EPSG code names, folding the ones Doorstep knows by name.
    public static func fromEPSG(_ code: Int) -> CoordinateSystem {
        switch code {
        case 4326: .wgs84
        case 4490: .cgcs2000
        default: .epsg(code)
        }
    }

    /// Whether coordinates are longitude/latitude degrees (as opposed to projected metres, or unknown).
    public var isGeographic: Bool {
        switch self {
        case .wgs84, .cgcs2000, .gcj02, .bd09: true
        case .epsg: false
        }
    }

    public var description: String {
        switch self {
        case .wgs84: "wgs84"
        case .cgcs2000: "cgcs2000"
        case .gcj02: "gcj02"
        case .bd09: "bd09"
        case .epsg(let code): "EPSG:\(code)"
        }
    }
}

/// A coordinate-system problem: an unknown name, or PROJ failing to build or run a transformation.
public struct CRSError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
