import DoorstepCRS
import DoorstepGeometry
import DoorstepNetwork
import Synchronization

/// A street network as the user gave it, with the settings of the walking model.
///
/// The graph is built in the metres of each zone the first time a zone asks for it, and kept: the
/// report and `--level all` assess several times with the same network.
public final class WalkingNetwork: Sendable, Equatable {
    /// The usable and unusable lines, in WGS84.
    public let lines: [NetworkLine]
    /// A point farther than this from every usable segment is off the network (metres).
    public let snapMax: Double
    /// The reached streets are buffered by this to draw a catchment (metres, ArcGIS's "trim").
    public let trim: Double
    /// The file, for messages.
    public let source: String
    /// Per line, whether it is walkable and if not why (``WalkRules``).
    public let verdicts: [LineVerdict]
    /// The longitude/latitude box of the usable lines; nil when none is usable.
    public let extent: Envelope?
    private let built = Mutex<[MetricProjection: StreetNetwork]>([:])

    public static let snapMaxRange = SettingRange<Double>("--snap-max", 0...5_000, unit: "metres")
    public static let trimRange = SettingRange<Double>("--trim", 0...1_000, unit: "metres")

    public init(lines: [NetworkLine], snapMax: Double = 300, trim: Double = 100, source: String = "network") throws(CoverageError) {
        if let problem = Self.snapMaxRange.problem(with: snapMax) ?? Self.trimRange.problem(with: trim) { throw CoverageError(problem) }
        self.lines = lines
        self.snapMax = snapMax
        self.trim = trim
        self.source = source
        let verdicts = WalkRules.verdicts(lines)
        self.verdicts = verdicts
        extent = Envelope.around(zip(lines, verdicts).lazy.filter { $0.1 == .usable }.flatMap(\.0.parts).map { Envelope(of: $0) })
    }

    /// Under this share of its length in the largest connected piece, a network gets a warning.
    public static let connectedShareWarning = 0.9

    /// The graph in the metres of `projection`.
    public func network(in projection: MetricProjection) throws(CoverageError) -> StreetNetwork {
        if let network = built.withLock({ $0[projection] }) { return network }
        do {
            let network = try StreetNetwork(lines: lines, projection: projection)
            built.withLock { $0[projection] = network }
            return network
        } catch {
            throw CoverageError("\(source): \(error.message)")
        }
    }

    public static func == (lhs: WalkingNetwork, rhs: WalkingNetwork) -> Bool { lhs === rhs }

    /// The graph in the metres of the 3° zone the network itself lies in: for checks of the network as
    /// a whole, which do not depend on the units.
    public func networkInOwnZone() throws(CoverageError) -> StreetNetwork {
        guard let extent else { throw CoverageError("\(source): the network has no usable line") }
        return try network(in: MetricProjection(around: extent))
    }

    /// Refuses a network that covers none of the units: the wrong file, or the wrong CRS.
    public func check(covers units: [PlanningUnit]) throws(CoverageError) {
        guard let box = extent, let unitsBox = Envelope.around(units.lazy.map(\.geometry.envelope)) else { return }
        guard !box.intersects(unitsBox) else { return }
        throw CoverageError(
            "\(source): the network covers none of the units: its lines span \(Self.text(box)), the units \(Self.text(unitsBox)) (another area, or another coordinate system? see --network-crs)")
    }

    static func text(_ box: Envelope) -> String {
        func f(_ value: Double) -> String { String(format: "%.4f", value) }
        return "\(f(box.minX)), \(f(box.minY)) – \(f(box.maxX)), \(f(box.maxY))"
    }

    /// The share of the usable length in the largest connected piece, and a warning when it is under
    /// 90 %: islands of streets leave their people unreachable.
    public func connectivityWarning() throws(CoverageError) -> String? {
        guard extent != nil else { return nil }
        let network = try networkInOwnZone()
        let share = network.largestComponentShare()
        guard network.totalLength > 0, share < Self.connectedShareWarning else { return nil }
        return "\(source): the largest connected piece of the network holds only \(String(format: "%.1f", share * 100)) % of its length; "
            + "people on the other pieces cannot reach facilities on this one (run `doorstep network check` to see the islands)"
    }
}

/// Reach by walking: along the network between the spots where the points join it, plus the access
/// legs (issue 9's network model). Points off the network reach nobody and are reached by nobody.
public struct NetworkMeasure: ReachMeasure {
    public let network: StreetNetwork
    public let demandJoins: [Join?]
    let snapMax: Double
    let trim: Double
    let targets: TargetIndex

    public init(network: StreetNetwork, demand: [Coordinate], snapMax: Double, trim: Double) throws {
        self.network = network
        self.snapMax = snapMax
        self.trim = trim
        demandJoins = try Self.join(demand, on: network, snapMax: snapMax)
        targets = TargetIndex(demandJoins, segmentCount: network.segmentCount)
    }

    public var unreachable: [Bool] { demandJoins.map { $0 == nil } }

    public func unreachable(sites: [Coordinate]) -> [Int] {
        sites.indices.filter { network.join(sites[$0], snapMax: snapMax) == nil }
    }

    public func nearestDistances(from sites: [Coordinate], within limit: Double) -> [Double?] {
        network.nearestDistances(from: network.join(sites, snapMax: snapMax).compactMap { $0 }, to: demandJoins, within: limit)
    }

    public func reach(from sites: [Coordinate], within limit: Double) throws -> ReachTable {
        // Bounded searches from thousands of candidates: in chunks, one search buffer per worker.
        let chunks = stride(from: 0, to: sites.count, by: 256).map { $0..<min($0 + 256, sites.count) }
        let (network, snapMax, targets) = (self.network, self.snapMax, self.targets)
        let found = try parallelMap(Array(chunks.indices), count: chunks.count, makeState: { ReachSearch(network: network) }) { search, c in
            chunks[c].map { j -> [Reach] in
                guard let join = network.join(sites[j], snapMax: snapMax) else { return [] }
                return search.reach(from: join, targets: targets, within: limit)
            }
        }
        var table = ReachTable()
        for chunk in found {
            for reached in chunk { table.append(reached.map { ($0.target, $0.distance) }) }
        }
        return table
    }

    /// The joins of many points, on every core.
    static func join(_ points: [Coordinate], on network: StreetNetwork, snapMax: Double) throws -> [Join?] {
        let chunks = stride(from: 0, to: points.count, by: 4096).map { $0..<min($0 + 4096, points.count) }
        return try parallelMap(Array(chunks.indices), count: chunks.count, makeState: {}) { _, c in
            network.join(Array(points[chunks[c]]), snapMax: snapMax)
        }.flatMap { $0 }
    }

    public func catchment(of sites: [Coordinate], within limit: Double) throws -> any Catchment {
        let joins = network.join(sites, snapMax: snapMax).compactMap { $0 }
        return StreetCatchment(parts: network.reachedParts(from: joins, within: limit), trim: trim, reach: limit)
    }
}

/// The reached parts of the streets buffered by the trim distance, with round caps: ArcGIS's trimmed
/// service area.
struct StreetCatchment: Catchment {
    let parts: [[Coordinate]]
    let trim: Double
    let tileSize: Double
    /// The parts meeting each tile (grown by the trim), by tile.
    let partsByTile: [CatchmentTiles.Key: [Int32]]

    init(parts: [[Coordinate]], trim: Double, reach: Double) {
        self.parts = parts
        self.trim = trim
        // Smaller tiles than for discs: a tile's buffer holds every street part in it.
        let size = max(2 * (reach + trim), 500)
        tileSize = size
        var byTile: [CatchmentTiles.Key: [Int32]] = [:]
        for (p, part) in parts.enumerated() {
            guard let box = Envelope(of: part)?.expanded(by: trim) else { continue }
            for key in CatchmentTiles.keys(meeting: box, size) { byTile[key, default: []].append(Int32(p)) }
        }
        partsByTile = byTile
    }

    func piece(over tile: Envelope, in context: GEOSContext) throws -> Geometry? {
        let centre = tile.center
        let (i, j) = CatchmentTiles.key(centre.x, centre.y, tileSize)
        // Lines alone have no area.
        guard trim > 0, let members = partsByTile[CatchmentTiles.Key(i: i, j: j)], !members.isEmpty else { return nil }
        // Only what lies within the trim of the tile can reach into it: a long part is cut a metre
        // beyond that (so that no cap at a cut end reaches the tile), which keeps every buffer small.
        let window = tile.expanded(by: trim + 1)
        let lines = members.compactMap { Self.clip(parts[Int($0)], to: window) }
        guard !lines.isEmpty else { return nil }
        // One buffer per street, then one cascaded union. Buffering all the parts at once noded every
        // offset curve against every other: in a dense grid (blocks narrower than twice the trim) that
        // took most of the run, and often failed at full precision and ran again at a reduced one.
        // Chained parts have round joins where separate ones have round caps: the same region to
        // within the polygons' chords (a few m² per tile).
        let buffers = try Self.chains(of: lines).map { try Geometry(.lineString($0), in: context).buffer(trim, quadrantSegments: 8) }
        return try Geometry.unionOf(buffers, in: context).clipped(to: tile)
    }

    /// Parts chained through their shared ends into polylines, each continuing along the
    /// straightest unused part that turns by less than 45°: a street becomes one line, not one per
    /// block, so the union has a few long buffers to merge instead of a cap at every crossing.
    static func chains(of parts: [[Coordinate]]) -> [[Coordinate]] {
        var partsAt: [Coordinate: [Int]] = [:]
        for (p, part) in parts.enumerated() {
            partsAt[part[0], default: []].append(p)
            partsAt[part[part.count - 1], default: []].append(p)
        }
        var used = [Bool](repeating: false, count: parts.count)
        let straightEnough = (0.5).squareRoot()  // cos 45°
        func extend(_ line: inout [Coordinate]) {
            while let end = line.last, line.count >= 2 {
                let previous = line[line.count - 2]
                let dx = end.x - previous.x, dy = end.y - previous.y
                var best: (cosine: Double, part: Int, onward: [Coordinate])?
                for p in partsAt[end] ?? [] where !used[p] {
                    let onward = parts[p][0] == end ? Array(parts[p].dropFirst()) : Array(parts[p].reversed().dropFirst())
                    let ex = onward[0].x - end.x, ey = onward[0].y - end.y
                    // NaN for a zero-length part, which then never continues a line.
                    let cosine = (dx * ex + dy * ey) / ((dx * dx + dy * dy) * (ex * ex + ey * ey)).squareRoot()
                    if cosine > straightEnough, cosine > best?.cosine ?? -1 { best = (cosine, p, onward) }
                }
                guard let best else { return }
                used[best.part] = true
                line += best.onward
            }
        }
        var lines: [[Coordinate]] = []
        for p in parts.indices where !used[p] {
            used[p] = true
            var line = parts[p]
            extend(&line)
            line.reverse()
            extend(&line)
            lines.append(line)
        }
        return lines
    }

    /// The stretch of a two-point part inside `window` (Liang–Barsky), or nil when none of it is, or
    /// only a point.
    static func clip(_ part: [Coordinate], to window: Envelope) -> [Coordinate]? {
        guard part.count == 2 else { return part }
        let a = part[0], b = part[1]
        let dx = b.x - a.x, dy = b.y - a.y
        var lower = 0.0, upper = 1.0
        for (p, q) in [(-dx, a.x - window.minX), (dx, window.maxX - a.x), (-dy, a.y - window.minY), (dy, window.maxY - a.y)] {
            if p == 0 {
                if q < 0 { return nil }  // parallel to this edge and outside it
                continue
            }
            let t = q / p
            if p < 0 { lower = max(lower, t) } else { upper = min(upper, t) }
            if lower >= upper { return nil }
        }
        // Ends inside the window stay exactly as they were.
        return [
            lower == 0 ? a : Coordinate(a.x + lower * dx, a.y + lower * dy),
            upper == 1 ? b : Coordinate(a.x + upper * dx, a.y + upper * dy),
        ]
    }
}
