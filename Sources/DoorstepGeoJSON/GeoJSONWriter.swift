import DoorstepGeometry
import Foundation
import Synchronization

/// Writes RFC 7946 GeoJSON: coordinates rounded to `decimals` places (7 ≈ 1 cm), exterior rings
/// counter-clockwise, holes clockwise, no `crs` member, and every Polygon as a MultiPolygon, so that a
/// layer has one geometry type in QGIS and GDAL whatever its units look like.
///
/// The caller hands in WGS84 longitude/latitude geometries that are valid at that precision
/// (see `Geometry.snappedValue(toGrid:)`); the writer only formats them.
///
/// ```swift
/// let text = GeoJSONWriter().featureCollection([Feature(geometry: .point(.init(120.15, 30.28)))])
/// ```
public struct GeoJSONWriter: Sendable {
    public var decimals: Int

    public init(decimals: Int = 7) {
        self.decimals = decimals
    }

    /// A FeatureCollection, one feature per line so diffs and `head` stay readable. Many features are
    /// formatted on all cores, in runs joined in their order.
    public func featureCollection(_ features: [Feature]) -> [UInt8] {
        let runs = max(1, min(features.count / 16, 4 * ProcessInfo.processInfo.activeProcessorCount))
        let texts = Mutex([[UInt8]](repeating: [], count: runs))
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            var out: [UInt8] = []
            let range = (features.count * run / runs)..<(features.count * (run + 1) / runs)
            out.reserveCapacity(range.count * 256)
            for index in range {
                out.append(contentsOf: index == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                write(features[index], to: &out)
            }
            texts.withLock { $0[run] = out }
        }
        let parts = texts.withLock { $0 }
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(64) { $0 + $1.count })
        out.append(contentsOf: Array(#"{"type":"FeatureCollection","features":["#.utf8))
        for part in parts { out.append(contentsOf: part) }
        out.append(contentsOf: Array("\n]}\n".utf8))
        return out
    }

    public func write(_ feature: Feature, to out: inout [UInt8]) {
        out.append(contentsOf: Array(#"{"type":"Feature","#.utf8))
        if let id = feature.id {
            out.append(contentsOf: Array(#""id":"#.utf8))
            Self.write(id, to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: Array(#""properties":"#.utf8))
        Self.write(.object(feature.properties), to: &out)
        out.append(contentsOf: Array(#","geometry":"#.utf8))
        if let geometry = feature.geometry {
            write(Self.multiPolygonIfPolygon(geometry).orientedForGeoJSON(), to: &out)
        } else {
            out.append(contentsOf: Array("null".utf8))
        }
        out.append(UInt8(ascii: "}"))
    }

    static func multiPolygonIfPolygon(_ geometry: GeometryValue) -> GeometryValue {
        if case .polygon(let rings) = geometry { return .multiPolygon([rings]) }
        return geometry
    }

    public func write(_ geometry: GeometryValue, to out: inout [UInt8]) {
        out.append(contentsOf: Array(#"{"type":""#.utf8))
        out.append(contentsOf: Array(geometry.typeName.utf8))
        if case .geometryCollection(let parts) = geometry {
            out.append(contentsOf: Array(#"","geometries":["#.utf8))
            for (index, part) in parts.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(part, to: &out)
            }
            out.append(contentsOf: Array("]}".utf8))
            return
        }
        out.append(contentsOf: Array(#"","coordinates":"#.utf8))
        switch geometry {
        case .point(let c): write(c, to: &out)
        case .multiPoint(let cs), .lineString(let cs): write(cs, to: &out)
        case .multiLineString(let lines), .polygon(let lines): writeList(lines, to: &out) { write($0, to: &$1) }
        case .multiPolygon(let polygons):
            writeList(polygons, to: &out) { rings, out in writeList(rings, to: &out) { write($0, to: &$1) } }
        case .geometryCollection: break
        }
        out.append(UInt8(ascii: "}"))
    }

    private func writeList<T>(_ items: [T], to out: inout [UInt8], _ body: (T, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            body(item, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private func write(_ coordinates: [Coordinate], to out: inout [UInt8]) {
        writeList(coordinates, to: &out) { write($0, to: &$1) }
    }

    private func write(_ c: Coordinate, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        Self.writeFixed(c.x, decimals: decimals, to: &out)
        out.append(UInt8(ascii: ","))
        Self.writeFixed(c.y, decimals: decimals, to: &out)
        out.append(UInt8(ascii: "]"))
    }

    /// `value` with at most `decimals` decimals and no trailing zeros: 120.1500000 → 120.15.
    static func writeFixed(_ value: Double, decimals: Int, to out: inout [UInt8]) {
        let scale = Cursor.powerOfTen(decimals)
        var scaled = (value * scale).rounded()
        // Beyond what UInt64 holds (never a longitude or latitude): Swift's own shortest form.
        guard (0...18).contains(decimals), scaled.isFinite, abs(scaled) < 1.8e19 else {
            out.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
            return
        }
        if scaled == 0 { scaled = 0 }  // no "-0"
        if scaled < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = UInt64(abs(scaled))
        let divisor = UInt64(scale)
        writeDigits(magnitude / divisor, to: &out)
        var fraction = magnitude % divisor
        guard fraction != 0 else { return }
        var digits = decimals
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        out.append(UInt8(ascii: "."))
        writeDigits(fraction, width: digits, to: &out)
    }

    /// The decimal digits of `n`, at least `width` of them (leading zeros), written in place
    /// without a String per number.
    static func writeDigits(_ n: UInt64, width: Int = 1, to out: inout [UInt8]) {
        var count = 1, rest = n
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        let start = out.count, total = max(count, width)
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: total))
        rest = n
        for at in stride(from: start + total - 1, through: start + total - count, by: -1) {
            out[at] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    /// Any JSON value; integral numbers are written without a fraction.
    public static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .number(let n):
            if !n.isFinite {
                out.append(contentsOf: Array("null".utf8))
            } else if n == n.rounded(), abs(n) < 9e15 {
                if n < 0 { out.append(UInt8(ascii: "-")) }
                writeDigits(UInt64(abs(n)), to: &out)
            } else {
                out.append(contentsOf: Array("\(n)".utf8))
            }
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(entry.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(entry.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: their bytes are copied whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case ..<0x20: out.append(contentsOf: Array(String(format: "\\u%04x", byte).utf8))
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A JSON document for `value`, e.g. the rows of `doorstep coverage --format json`.
    public static func json(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
