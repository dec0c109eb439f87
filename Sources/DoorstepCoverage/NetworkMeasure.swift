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
        extent = Envelope(of: lines.indices.lazy.filter { verdicts[$0] == .usable }.flatMap { lines[$0].parts.joined() })
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
        guard let box = extent, let unitsBox = Envelope(of: units.lazy.flatMap(\.geometry.coordinates)) else { return }
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
        let lines = GeometryValue.multiLineString(members.map { parts[Int($0)] })
        return try Geometry(lines, in: context).lineMerged().buffer(trim, quadrantSegments: 8).clipped(to: tile)
    }
}
