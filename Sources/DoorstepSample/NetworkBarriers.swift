import DoorstepGeometry
import Foundation

/// Where a street edge crosses a barrier line: the fraction along the edge, and the sine of the
/// angle between them (a shallow crossing needs a longer cut to clear the barrier).
struct Crossing {
    var t: Double
    var sine: Double
    var kind: Barrier.Kind
}

/// A line streets may not cross at grade (the river, the expressway), in the generator's metres,
/// with its segments bucketed so that tens of thousands of street edges test it quickly.
struct Barrier {
    enum Kind { case river, motorway }

    let kind: Kind
    let points: [Coordinate]
    /// How far from the barrier a cut street ends (a bank, a verge), measured across it.
    let clearance: Double
    private let buckets: [Int64: [Int]]
    static let bucketSize = 400.0

    init(kind: Kind, points: [Coordinate], clearance: Double) {
        self.kind = kind
        self.points = points
        self.clearance = clearance
        var buckets: [Int64: [Int]] = [:]
        for s in 0..<max(0, points.count - 1) {
            for key in Self.keys(points[s], points[s + 1]) { buckets[key, default: []].append(s) }
        }
        self.buckets = buckets
    }

    /// The crossings of the edge a→b with this barrier, in no particular order.
    func crossings(_ a: Coordinate, _ b: Coordinate) -> [Crossing] {
        var seen = Set<Int>()
        var result: [Crossing] = []
        for key in Self.keys(a, b) {
            for s in buckets[key] ?? [] where seen.insert(s).inserted {
                if let hit = segmentCrossing(a, b, points[s], points[s + 1]) {
                    result.append(Crossing(t: hit.t, sine: hit.sine, kind: kind))
                }
            }
        }
        return result
    }

    /// The buckets the bounding box of a→b touches. Coordinates are city metres (well within
    /// ±10⁶ at the largest scale), so the conversions to Int cannot trap.
    private static func keys(_ a: Coordinate, _ b: Coordinate) -> [Int64] {
        let x0 = Int((min(a.x, b.x) / bucketSize).rounded(.down)), x1 = Int((max(a.x, b.x) / bucketSize).rounded(.down))
        let y0 = Int((min(a.y, b.y) / bucketSize).rounded(.down)), y1 = Int((max(a.y, b.y) / bucketSize).rounded(.down))
        var keys: [Int64] = []
        for x in x0...x1 {
            for y in y0...y1 { keys.append(Int64(x) << 32 | Int64(UInt32(truncatingIfNeeded: y))) }
        }
        return keys
    }
}

/// Where segment a→b crosses segment c→d, as the fraction along a→b and the sine of the angle.
/// Parallel segments never cross here: in a jittered city that has probability zero.
func segmentCrossing(_ a: Coordinate, _ b: Coordinate, _ c: Coordinate, _ d: Coordinate) -> (t: Double, sine: Double)? {
    let rx = b.x - a.x, ry = b.y - a.y, sx = d.x - c.x, sy = d.y - c.y
    let denominator = rx * sy - ry * sx
    guard denominator != 0 else { return nil }
    let qx = c.x - a.x, qy = c.y - a.y
    let t = (qx * sy - qy * sx) / denominator
    let u = (qx * ry - qy * rx) / denominator
    guard (0...1).contains(t), (0...1).contains(u) else { return nil }
    return (t, abs(denominator) / ((rx * rx + ry * ry).squareRoot() * (sx * sx + sy * sy).squareRoot()))
}

/// Distance from p to the segment a→b.
func segmentDistance(_ p: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Double {
    let dx = b.x - a.x, dy = b.y - a.y
    let lengthSquared = dx * dx + dy * dy
    let t = lengthSquared > 0 ? min(1, max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared)) : 0
    let fx = a.x + t * dx - p.x, fy = a.y + t * dy - p.y
    return (fx * fx + fy * fy).squareRoot()
}

func lerp(_ a: Coordinate, _ b: Coordinate, _ t: Double) -> Coordinate {
    Coordinate(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
}

func distance(_ a: Coordinate, _ b: Coordinate) -> Double {
    ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
}
