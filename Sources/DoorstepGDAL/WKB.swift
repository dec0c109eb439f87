import DoorstepGeometry

/// Well-known binary to and from plain geometry values: how geometries cross between GDAL and
/// Doorstep without a GEOS object per feature.
///
/// ```swift
/// let value = try WKB.decode(bytes)         // ISO WKB, either byte order, Z/M dropped
/// let bytes = WKB.encode(.point(Coordinate(120.1, 30.2)))
/// ```
enum WKB {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Collections nested deeper than this are refused: no place needs them, and decoding recurses.
    static let depthLimit = 8

    static func decode(_ bytes: [UInt8]) throws(Malformed) -> GeometryValue {
        var reader = Reader(bytes: bytes)
        return try reader.geometry(depth: 0)
    }

    struct Reader {
        var bytes: [UInt8]
        var offset = 0
        var littleEndian = true

        mutating func byte() throws(Malformed) -> UInt8 {
            guard offset < bytes.count else { throw Malformed(description: "well-known binary ends early") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func uint32() throws(Malformed) -> UInt32 {
            guard offset + 4 <= bytes.count else { throw Malformed(description: "well-known binary ends early") }
            var value: UInt32 = 0
            for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * index) }
            offset += 4
            return littleEndian ? value : value.byteSwapped
        }

        mutating func double() throws(Malformed) -> Double {
            guard offset + 8 <= bytes.count else { throw Malformed(description: "well-known binary ends early") }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * index) }
            offset += 8
            return Double(bitPattern: littleEndian ? value : value.byteSwapped)
        }

        /// A count that the remaining bytes can hold (each item takes at least `itemSize` bytes), so a
        /// hostile count cannot make us reserve gigabytes.
        mutating func count(itemSize: Int) throws(Malformed) -> Int {
            let count = Int(try uint32())
            guard count * itemSize <= bytes.count - offset else { throw Malformed(description: "well-known binary claims \(count) items it does not hold") }
            return count
        }

        mutating func geometry(depth: Int) throws(Malformed) -> GeometryValue {
            guard depth <= WKB.depthLimit else { throw Malformed(description: "geometry collections nested too deeply") }
            littleEndian = try byte() == 1
            let code = try uint32()
            let dimensions = 2 + (code / 1000 == 1 || code / 1000 == 2 ? 1 : code / 1000 == 3 ? 2 : 0)
            let width = 8 * Int(dimensions)
            func point(_ reader: inout Reader) throws(Malformed) -> Coordinate {
                let x = try reader.double(), y = try reader.double()
                for _ in 2..<dimensions { _ = try reader.double() }
                return Coordinate(x, y)
            }
            func points(_ reader: inout Reader) throws(Malformed) -> [Coordinate] {
                let count = try reader.count(itemSize: width)
                var result: [Coordinate] = []
                result.reserveCapacity(count)
                for _ in 0..<count { result.append(try point(&reader)) }
                return result
            }
            func rings(_ reader: inout Reader) throws(Malformed) -> [[Coordinate]] {
                let count = try reader.count(itemSize: 4)
                var result: [[Coordinate]] = []
                for _ in 0..<count { result.append(try points(&reader)) }
                return result
            }
            func parts(_ reader: inout Reader) throws(Malformed) -> [GeometryValue] {
                let count = try reader.count(itemSize: 5)
                var result: [GeometryValue] = []
                for _ in 0..<count { result.append(try reader.geometry(depth: depth + 1)) }
                return result
            }
            switch code % 1000 {
            case 1: return .point(try point(&self))
            case 2: return .lineString(try points(&self))
            case 3: return .polygon(try rings(&self))
            case 4: return .multiPoint(try parts(&self).flatMap(\.coordinates))
            case 5:
                return .multiLineString(
                    try parts(&self).map { part throws(Malformed) in
                        guard case .lineString(let line) = part else { throw Malformed(description: "a MultiLineString holds a \(part.typeName)") }
                        return line
                    })
            case 6: return .multiPolygon(try parts(&self).flatMap(\.polygons))
            case 7: return .geometryCollection(try parts(&self))
            default: throw Malformed(description: "geometry type \(code) is not a point, line or polygon")
            }
        }
    }

    static func encode(_ geometry: GeometryValue) -> [UInt8] {
        var out: [UInt8] = []
        encode(geometry, into: &out)
        return out
    }

    static func encode(_ geometry: GeometryValue, into out: inout [UInt8]) {
        func uint32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { out += $0 } }
        func point(_ c: Coordinate) {
            withUnsafeBytes(of: c.x.bitPattern.littleEndian) { out += $0 }
            withUnsafeBytes(of: c.y.bitPattern.littleEndian) { out += $0 }
        }
        func points(_ cs: [Coordinate]) {
            uint32(cs.count)
            cs.forEach(point)
        }
        func header(_ code: Int) {
            out.append(1)
            uint32(code)
        }
        switch geometry {
        case .point(let c): header(1); point(c)
        case .lineString(let cs): header(2); points(cs)
        case .polygon(let rings): header(3); uint32(rings.count); rings.forEach(points)
        case .multiPoint(let cs): header(4); uint32(cs.count); for c in cs { encode(.point(c), into: &out) }
        case .multiLineString(let lines): header(5); uint32(lines.count); for line in lines { encode(.lineString(line), into: &out) }
        case .multiPolygon(let polygons): header(6); uint32(polygons.count); for polygon in polygons { encode(.polygon(polygon), into: &out) }
        case .geometryCollection(let parts): header(7); uint32(parts.count); for part in parts { encode(part, into: &out) }
        }
    }
}
