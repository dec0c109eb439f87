import DoorstepGeometry
import Foundation

/// The GCJ-02 and BD-09 offsets used by Chinese web maps, both ways.
///
/// The forward formulas are the published ones. There is no closed-form inverse; the common
/// one-step inverse (subtract the offset computed at the shifted point) errs by up to a few metres, so
/// ``gcj02ToWGS84(_:)`` and ``bd09ToGCJ02(_:)`` iterate until the forward image of the answer matches
/// the input to about a millimetre.
///
/// ```swift
/// let wgs = ChinaDatum.gcj02ToWGS84(Coordinate(120.1551, 30.2741))
/// ```
public enum ChinaDatum {
    static let semiMajorAxis = 6_378_245.0
    static let eccentricitySquared = 0.006_693_421_622_965_943_23
    static let xPi = Double.pi * 3000.0 / 180.0

    /// Whether GCJ-02 shifts this point: it applies in mainland China's bounding box only.
    public static func isShifted(_ c: Coordinate) -> Bool {
        c.x >= 72.004 && c.x <= 137.8347 && c.y >= 0.8293 && c.y <= 55.8271
    }

    public static func wgs84ToGCJ02(_ c: Coordinate) -> Coordinate {
        guard isShifted(c) else { return c }
        let x = c.x - 105.0, y = c.y - 35.0
        var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
        dLat += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        dLat += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        dLat += (160.0 * sin(y / 12.0 * .pi) + 320 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
        dLon += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        dLon += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        dLon += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        let radLat = c.y / 180.0 * .pi
        var magic = sin(radLat)
        magic = 1 - eccentricitySquared * magic * magic
        let sqrtMagic = sqrt(magic)
        dLat = (dLat * 180.0) / ((semiMajorAxis * (1 - eccentricitySquared)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (semiMajorAxis / sqrtMagic * cos(radLat) * .pi)
        return Coordinate(c.x + dLon, c.y + dLat)
    }

    public static func gcj02ToBD09(_ c: Coordinate) -> Coordinate {
        let z = sqrt(c.x * c.x + c.y * c.y) + 0.000_02 * sin(c.y * xPi)
        let theta = atan2(c.y, c.x) + 0.000_003 * cos(c.x * xPi)
        return Coordinate(z * cos(theta) + 0.0065, z * sin(theta) + 0.006)
    }

    public static func gcj02ToWGS84(_ c: Coordinate) -> Coordinate {
        invert(wgs84ToGCJ02, at: c)
    }

    public static func bd09ToGCJ02(_ c: Coordinate) -> Coordinate {
        invert(gcj02ToBD09, at: c)
    }

    public static func wgs84ToBD09(_ c: Coordinate) -> Coordinate { gcj02ToBD09(wgs84ToGCJ02(c)) }

    public static func bd09ToWGS84(_ c: Coordinate) -> Coordinate { gcj02ToWGS84(bd09ToGCJ02(c)) }

    /// Solves forward(p) = target by fixed-point iteration: the offsets change slowly with position,
    /// so each step shrinks the error about a thousandfold; 1e-9° ≈ 0.1 mm.
    static func invert(_ forward: (Coordinate) -> Coordinate, at target: Coordinate) -> Coordinate {
        var guess = target
        for _ in 0..<10 {
            let image = forward(guess)
            let dx = target.x - image.x, dy = target.y - image.y
            guess = Coordinate(guess.x + dx, guess.y + dy)
            if abs(dx) < 1e-10 && abs(dy) < 1e-10 { break }
        }
        return guess
    }
}
