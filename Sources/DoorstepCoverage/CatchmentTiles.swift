import DoorstepCRS
import DoorstepGeometry
import Foundation

/// The catchment of one kind, cut into square tiles.
///
/// Every unit at every level needs "its part of the union". Building the union once per tile (in
/// parallel) and giving each unit the few tiles it overlaps shares that work between all units and
/// levels, and keeps every overlay small: no unit is ever differenced against the whole city's union.
struct CatchmentTiles: Sendable {
    struct Key: Hashable, Sendable {
        var i: Int
        var j: Int
    }

    let size: Double
    /// WKB of each tile's clipped catchment; tiles nothing reaches are absent.
    let pieces: [Key: [UInt8]]

    static func key(_ x: Double, _ y: Double, _ size: Double) -> (Int, Int) {
        (Int((x / size).rounded(.down)), Int((y / size).rounded(.down)))
    }

    static func envelope(_ key: Key, _ size: Double) -> Envelope {
        Envelope(
            minX: Double(key.i) * size, minY: Double(key.j) * size, maxX: Double(key.i + 1) * size,
            maxY: Double(key.j + 1) * size)
    }

    /// The tiles of side `size` that meet `envelope`.
    static func keys(meeting envelope: Envelope, _ size: Double) -> [Key] {
        let (i0, j0) = key(envelope.minX, envelope.minY, size)
        let (i1, j1) = key(envelope.maxX, envelope.maxY, size)
        return (i0...i1).flatMap { i in (j0...j1).map { Key(i: i, j: $0) } }
    }

    func keys(meeting envelope: Envelope) -> [Key] { Self.keys(meeting: envelope, size) }

    init(_ catchment: any Catchment, covering unitEnvelopes: [Envelope]) throws {
        let size = catchment.tileSize
        self.size = size
        var keys = Set<Key>()
        for envelope in unitEnvelopes { keys.formUnion(Self.keys(meeting: envelope, size)) }
        let order = Array(keys)
        let wkb = try parallelMap(Array(order.indices), count: order.count, makeState: { GEOSContext() }) { context, item in
            guard let piece = try catchment.piece(over: Self.envelope(order[item], size), in: context), !piece.isEmpty else { return [UInt8]() }
            return piece.wkb
        }
        var pieces: [Key: [UInt8]] = [:]
        for (key, bytes) in zip(order, wkb) where !bytes.isEmpty { pieces[key] = bytes }
        self.pieces = pieces
    }
}

/// What one worker keeps: its GEOS context, its projector and the catchment tiles it has decoded.
final class Worker {
    let context = GEOSContext()
    let projector: Projector
    private var decoded: [Int: [CatchmentTiles.Key: Geometry]] = [:]

    init(projection: MetricProjection) throws {
        projector = try projection.makeProjector()
    }

    /// The catchment pieces of kind `k` in the tiles that meet `envelope`, each with its tile.
    func pieces(_ tiles: CatchmentTiles, kind k: Int, over envelope: Envelope) throws -> [(tile: Envelope, piece: Geometry)] {
        var pieces: [(tile: Envelope, piece: Geometry)] = []
        for key in tiles.keys(meeting: envelope) {
            if let cached = decoded[k]?[key] {
                pieces.append((CatchmentTiles.envelope(key, tiles.size), cached))
            } else if let wkb = tiles.pieces[key] {
                let piece = try Geometry(wkb: wkb, in: context)
                decoded[k, default: [:]][key] = piece
                pieces.append((CatchmentTiles.envelope(key, tiles.size), piece))
            }
        }
        return pieces
    }

    /// The catchment of kind `k` within `envelope` (a unit's box): the union of the pieces of the
    /// tiles it meets, each cut to the box first, so that the union sees only what the unit can
    /// meet; nil when no tile has a piece.
    func catchment(_ tiles: CatchmentTiles, kind k: Int, over envelope: Envelope) throws -> Geometry? {
        let pieces = try pieces(tiles, kind: k, over: envelope).map { try $0.piece.clipped(to: envelope) }
        if pieces.count <= 1 { return pieces.first }
        // Neighbouring tiles share their border exactly (both clipped on the same line), so they merge.
        return try Geometry.unionOf(pieces, in: context)
    }
}

