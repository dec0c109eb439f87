import DoorstepCRS
import DoorstepGeometry
import Foundation
import Synchronization

/// Which demand points each site reaches within a limit: per site a run of demand indexes and
/// distances (compressed rows, in no particular order), the shape siting builds its model from.
///
/// ```swift
/// let table = try measure.reach(from: candidateXY, within: 500)
/// for (demand, metres) in table.reached(by: 0) { print(demand, metres) }
/// ```
public struct ReachTable: Sendable, Equatable {
    public private(set) var start: [Int] = [0]
    public private(set) var targets: [Int32] = []
    public private(set) var distances: [Double] = []

    public init() {}

    public var siteCount: Int { start.count - 1 }

    /// Adds the next site's reached points.
    public mutating func append(_ reached: [(target: Int, distance: Double)]) {
        for entry in reached {
            targets.append(Int32(entry.target))
            distances.append(entry.distance)
        }
        start.append(targets.count)
    }

    /// The demand points site `j` reaches, with their distances.
    public func reached(by j: Int) -> Zip2Sequence<ArraySlice<Int32>, ArraySlice<Double>> {
        zip(targets[start[j]..<start[j + 1]], distances[start[j]..<start[j + 1]])
    }

    /// The next sites' rows, after this table's.
    public mutating func append(contentsOf other: ReachTable) {
        let offset = targets.count
        targets += other.targets
        distances += other.distances
        start += other.start.dropFirst().map { $0 + offset }
    }

    /// Capacity allocation of sites that serve together (existing facilities): every (demand, site)
    /// pair nearest first, each site serving as much of the point's demand as it has room for.
    /// Returns what is left of each demand point. See ``CapacityAllocation`` for the rule.
    ///
    /// ```swift
    /// let unserved = table.allocate(demand: elderly, rooms: seats.map { $0 * turnover })
    /// ```
    public func allocate(demand: [Double], rooms: [Double]) -> [Double] {
        var allocation = CapacityAllocation(demand: demand)
        allocation.serveTogether(self, rooms: rooms)
        return allocation.remaining
    }

    /// Every (demand, site, distance) pair, nearest first: the order capacities are allocated in.
    func pairsByDistance() -> [(demand: Int, site: Int, distance: Double)] {
        var pairs: [(demand: Int, site: Int, distance: Double)] = []
        pairs.reserveCapacity(targets.count)
        for j in 0..<siteCount {
            for (i, d) in reached(by: j) { pairs.append((Int(i), j, d)) }
        }
        // Ties keep no promised order, but the same input always gives the same one.
        return pairs.sorted { $0.distance < $1.distance }
    }
}

/// Capacity allocation, the one routine for it (existing facilities, and every new site siting
/// weighs, lists or reports go through it).
///
/// The rule: sites serve in *stages*, one after another; within a stage, the (demand, site) pairs are
/// taken nearest first, and at each pair the site serves as much of what is left of the demand as it
/// has room for. Existing facilities are one stage together (``serveTogether(_:rooms:)``: the
/// demand goes to the nearest facility with room). New sites are each a stage of their own, in the
/// order they are chosen (``serve(_:room:)``, given their demand nearest first). The two orders differ
/// (A reaching points 0 and 1, B only point 0 but nearer: together B serves 0 and A serves 1; A first
/// serves 0 and B finds nothing), and new sites keep the one-by-one order on purpose: a site's gain is
/// then exactly what it serves of the demand the earlier ones left, min(that demand, its room), which
/// is what the lazy greedy ranks candidates by, what each site's `gain_elderly` reports and what the
/// per-unit after-figures add up. Together, a later, nearer site would take demand an earlier one had
/// counted, so a site's gain would no longer be what it serves or what min(left within reach, room)
/// predicts, and every set the swap search weighs would need its pairs sorted again.
///
/// Demand indexes are whatever the caller allocates over: demand points, or siting's groups.
///
/// ```swift
/// var allocation = CapacityAllocation(demand: elderly)
/// allocation.serveTogether(existingReach, rooms: seats.map { $0 * turnover })
/// let served = allocation.serve([4, 2, 9], room: 200)  // a new site's demand points, nearest first
/// ```
public struct CapacityAllocation: Sendable, Equatable {
    /// What is left of each demand's weight.
    public private(set) var remaining: [Double]
    /// The weight served so far, by every stage.
    public private(set) var served = 0.0

    public init(demand: [Double]) {
        remaining = demand
    }

    /// The one step of the rule: a site with `room` serves demand `i` as much as it can.
    @inline(__always)
    private mutating func take(_ i: Int, room: inout Double) -> Double {
        let amount = min(room, remaining[i])
        guard amount > 0 else { return 0 }
        remaining[i] -= amount
        room -= amount
        served += amount
        return amount
    }

    /// One stage of sites serving together: the rows of `table` (site j with `rooms[j]`), every pair
    /// nearest first.
    ///
    /// ```swift
    /// allocation.serveTogether(existingReach, rooms: [120, 80])
    /// ```
    public mutating func serveTogether(_ table: ReachTable, rooms: [Double]) {
        var rooms = rooms
        for (i, j, _) in table.pairsByDistance() where rooms[j] > 0 {
            _ = take(i, room: &rooms[j])
        }
    }

    /// One site serving on its own, after every earlier stage: the demand in `reached` (nearest first)
    /// as far as `room` goes. Returns what it served; `taken(i, amount)` hears each demand it serves.
    ///
    /// ```swift
    /// let gain = allocation.serve(problemGroups, room: 150) { group, amount in perUnit[unit[group]] += amount }
    /// ```
    @discardableResult
    public mutating func serve(_ reached: ArraySlice<Int32>, room: Double, taken: (Int, Double) -> Void) -> Double {
        var room = room, gain = 0.0
        for i in reached {
            guard room > 0 else { break }
            let amount = take(Int(i), room: &room)
            if amount > 0 { taken(Int(i), amount) }
            gain += amount
        }
        return gain
    }

    /// ``serve(_:room:taken:)`` for a caller that needs only the total.
    ///
    /// ```swift
    /// let gain = allocation.serve(problemGroups, room: 150)
    /// ```
    @discardableResult
    public mutating func serve(_ reached: ArraySlice<Int32>, room: Double) -> Double {
        serve(reached, room: room) { _, _ in }
    }
}

/// The area a set of sites reaches, handed out tile by tile: the coverage model asks for the piece over
/// each tile (in parallel, each worker with its own GEOS context).
public protocol Catchment: Sendable {
    /// The catchment's part over `tile` (metres), clipped to it; nil when nothing reaches the tile.
    func piece(over tile: Envelope, in context: GEOSContext) throws -> Geometry?
    /// The side of the tiles to cut the catchment into: a few times its reach.
    var tileSize: Double { get }
}

/// Distances from sites to one fixed set of demand points, in the metres of one zone: the one seam
/// through which coverage, gaps, siting and the report measure reach.
public protocol ReachMeasure: Sendable {
    /// Per demand point: true when nothing can reach it (off the street network). Empty when every
    /// point can be reached, as in a straight line.
    var unreachable: [Bool] { get }
    /// Per demand point, the distance to the nearest site within `limit`, or nil.
    func nearestDistances(from sites: [Coordinate], within limit: Double) throws -> [Double?]
    /// Per site, the demand points within `limit`.
    func reach(from sites: [Coordinate], within limit: Double) throws -> ReachTable
    /// The area the sites reach within `limit`.
    func catchment(of sites: [Coordinate], within limit: Double) throws -> any Catchment
    /// The sites that reach nobody (off the street network).
    func unreachable(sites: [Coordinate]) -> [Int]
}

/// Reach as the crow flies: a grid index for the distances, discs for the catchment.
public struct StraightLineMeasure: ReachMeasure {
    public let demand: [Coordinate]
    /// Segments per quarter circle of a catchment disc.
    public let quadrantSegments: Int32
    /// The index over the demand, built once per limit: siting asks in chunks of candidates.
    private let indexes = IndexCache()

    public init(demand: [Coordinate], quadrantSegments: Int32 = 16) {
        self.demand = demand
        self.quadrantSegments = quadrantSegments
    }

    func demandIndex(_ limit: Double) -> PointIndex {
        indexes.built.withLock { built in
            if let index = built[limit] { return index }
            let index = PointIndex(points: demand, cellSize: limit)
            built[limit] = index
            return index
        }
    }

    public var unreachable: [Bool] { [] }

    public func unreachable(sites: [Coordinate]) -> [Int] { [] }

    public func nearestDistances(from sites: [Coordinate], within limit: Double) -> [Double?] {
        let index = PointIndex(points: sites, cellSize: limit), demand = self.demand
        return parallelArray(count: demand.count) { index.nearestDistance(to: demand[$0], within: limit) }
    }

    public func reach(from sites: [Coordinate], within limit: Double) -> ReachTable {
        let index = demandIndex(limit), demand = self.demand
        // Runs of sites on every core, their rows joined in order.
        let partCount = min(4 * ProcessInfo.processInfo.activeProcessorCount, max(1, sites.count / 16))
        let parts = parallelArray(count: partCount, minimumPart: 1) { part in
            var table = ReachTable()
            for site in sites[sites.count * part / partCount..<sites.count * (part + 1) / partCount] {
                table.append(
                    index.indexes(within: limit, of: site).map { i in
                        (i, ((demand[i].x - site.x) * (demand[i].x - site.x) + (demand[i].y - site.y) * (demand[i].y - site.y)).squareRoot())
                    })
            }
            return table
        }
        guard var table = parts.first else { return ReachTable() }
        for part in parts.dropFirst() { table.append(contentsOf: part) }
        return table
    }

    public func catchment(of sites: [Coordinate], within limit: Double) throws -> any Catchment {
        try DiscCatchment(sites: PointIndex(points: sites, cellSize: limit), radius: limit, quadrantSegments: quadrantSegments)
    }
}

/// Indexes built once and shared by the copies of a measure.
final class IndexCache: Sendable {
    let built = Mutex<[Double: PointIndex]>([:])
}

/// The union of the discs of radius R around the sites.
struct DiscCatchment: Catchment {
    let sites: PointIndex
    let radius: Double
    /// GEOS's buffer of a point is the same polygon wherever the point is: built once, then moved.
    let template: [Coordinate]
    /// The radius of the circle inside the disc's polygon (its edges' nearest approach to the centre),
    /// a hair less: a point this near a site is inside its disc for certain.
    let inradius: Double

    init(sites: PointIndex, radius: Double, quadrantSegments: Int32) throws {
        self.sites = sites
        self.radius = radius
        let disc = try Geometry(point: Coordinate(0, 0), in: GEOSContext()).buffer(radius, quadrantSegments: quadrantSegments)
        guard let ring = disc.value().polygons.first?.first, ring.count >= 4 else { throw CoverageError("cannot draw a disc of \(radius) m") }
        template = ring
        inradius = zip(ring, ring.dropFirst()).map { Self.distanceFromOrigin(to: $0, $1) }.min().map { $0 * (1 - 1e-9) } ?? 0
    }

    /// The distance from (0, 0) to the segment from `a` to `b`.
    static func distanceFromOrigin(to a: Coordinate, _ b: Coordinate) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let along = dx * dx + dy * dy > 0 ? min(max(-(a.x * dx + a.y * dy) / (dx * dx + dy * dy), 0), 1) : 0
        let x = a.x + along * dx, y = a.y + along * dy
        return (x * x + y * y).squareRoot()
    }

    var tileSize: Double { max(8 * radius, 1000) }

    func piece(over tile: Envelope, in context: GEOSContext) throws -> Geometry? {
        let reaching = sites.indexes(in: tile.expanded(by: radius))
        guard !reaching.isEmpty else { return nil }
        let centres = reaching.map { sites.points[$0] }
        var discs: [Geometry] = []
        discs.reserveCapacity(reaching.count)
        for centre in necessary(centres, over: tile) {
            let disc = try Geometry(.polygon([template.map { Coordinate($0.x + centre.x, $0.y + centre.y) }]), in: context)
            // Each disc is cut to the tile before the union, which then handles only the tile's part
            // of the discs that cross its edge; the tile's edges stay clean (a covered tile is just
            // its square), which keeps the unions and differences of the units cheap.
            discs.append(tile.contains(Envelope(around: centre, reach: radius)) ? disc : try disc.clipped(to: tile))
        }
        return try Geometry.unionOf(discs, in: context)
    }

    /// The centres whose discs the union over `tile` needs, in their order. Where sites crowd, most
    /// discs lie wholly inside the others (in a dense city tile, more than half): leaving them out
    /// halves the union's work and changes nothing of it. A disc is left out when every cell of a
    /// grid that its polygon may meet lies inside the inscribed circle of a disc still kept.
    func necessary(_ centres: [Coordinate], over tile: Envelope) -> [Coordinate] {
        guard centres.count > 2 else { return centres }
        let grid = TileGrid(tile, cell: max(radius / 16, (tile.maxX - tile.minX) / 256))
        // A cell is inside a disc when its farthest corner is within the inscribed circle.
        func covers(_ centre: Coordinate, _ i: Int, _ j: Int) -> Bool {
            let cell = grid.cell(i, j)
            let dx = max(abs(cell.minX - centre.x), abs(cell.maxX - centre.x)), dy = max(abs(cell.minY - centre.y), abs(cell.maxY - centre.y))
            return dx * dx + dy * dy <= inradius * inradius
        }
        // A cell may meet a disc when its nearest point is within the radius (the polygon's corners).
        func mayMeet(_ centre: Coordinate, _ i: Int, _ j: Int) -> Bool {
            let cell = grid.cell(i, j)
            let dx = max(cell.minX - centre.x, 0, centre.x - cell.maxX), dy = max(cell.minY - centre.y, 0, centre.y - cell.maxY)
            return dx * dx + dy * dy <= radius * radius * (1 + 1e-9)
        }
        // Both tests hold on one run of columns per row (a cell's distances to the centre fall, then
        // rise, along a row), so each row's run is counted or checked as a whole: the same cells as
        // testing each, at a fraction of the tests. The run is guessed from the circle's half-width at
        // the row and confirmed by testing its ends and the columns beside them; found by bisection
        // when the guess misses.
        func coveredRun(_ centre: Coordinate, _ j: Int, _ columns: ClosedRange<Int>, _ middle: Int) -> ClosedRange<Int>? {
            let row = grid.cell(0, j)
            let dy = max(abs(row.minY - centre.y), abs(row.maxY - centre.y))
            guard dy * dy <= inradius * inradius else { return nil }  // no cell of the row can be covered
            let half = (inradius * inradius - dy * dy).squareRoot()
            let guess = (Int(((centre.x - half - grid.tile.minX) / grid.cell).rounded(.up)), Int(((centre.x + half - grid.tile.minX) / grid.cell).rounded(.down)) - 1)
            return TileGrid.run(of: columns, guess: guess, around: middle) { covers(centre, $0, j) }
        }
        func meetingRun(_ centre: Coordinate, _ j: Int, _ columns: ClosedRange<Int>, _ middle: Int) -> ClosedRange<Int>? {
            let row = grid.cell(0, j)
            let dy = max(row.minY - centre.y, 0, centre.y - row.maxY), reach = radius * radius * (1 + 1e-9)
            guard dy * dy <= reach else { return nil }  // no cell of the row can meet the disc
            let half = (reach - dy * dy).squareRoot()
            let guess = (Int(((centre.x - half - grid.tile.minX) / grid.cell).rounded(.up)) - 1, Int(((centre.x + half - grid.tile.minX) / grid.cell).rounded(.down)))
            return TileGrid.run(of: columns, guess: guess, around: middle) { mayMeet(centre, $0, j) }
        }
        // The counts through a raw buffer: checked and unique-tested per cell, they cost most of the time.
        var counts = [Int32](repeating: 0, count: grid.columns * grid.rows)
        var kept: [Coordinate] = []
        counts.withUnsafeMutableBufferPointer { count in
            for centre in centres {
                grid.forEachRow(meeting: Envelope(around: centre, reach: radius)) { j, columns, middle in
                    guard let run = coveredRun(centre, j, columns, middle) else { return }
                    for i in run { count[grid.index(i, j)] += 1 }
                }
            }
            for centre in centres {
                let square = Envelope(around: centre, reach: radius)
                var redundant = true
                grid.forEachRow(meeting: square) { j, columns, middle in
                    guard redundant, let meets = meetingRun(centre, j, columns, middle) else { return }
                    let inside = coveredRun(centre, j, meets, middle).map(Range.init) ?? 0..<0
                    for i in meets where count[grid.index(i, j)] - (inside.contains(i) ? 1 : 0) < 1 {
                        redundant = false
                        return
                    }
                }
                if redundant {
                    grid.forEachRow(meeting: square) { j, columns, middle in
                        guard let run = coveredRun(centre, j, columns, middle) else { return }
                        for i in run { count[grid.index(i, j)] -= 1 }
                    }
                } else {
                    kept.append(centre)
                }
            }
        }
        return kept
    }
}

/// Square cells over a catchment tile, for telling which discs the tile's union needs.
struct TileGrid {
    let tile: Envelope
    let cell: Double
    let columns: Int
    let rows: Int

    init(_ tile: Envelope, cell: Double) {
        self.tile = tile
        self.cell = cell
        columns = max(1, Int(((tile.maxX - tile.minX) / cell).rounded(.up)))
        rows = max(1, Int(((tile.maxY - tile.minY) / cell).rounded(.up)))
    }

    func index(_ i: Int, _ j: Int) -> Int { j * columns + i }

    func cell(_ i: Int, _ j: Int) -> Envelope {
        Envelope(
            minX: tile.minX + Double(i) * cell, minY: tile.minY + Double(j) * cell, maxX: tile.minX + Double(i + 1) * cell,
            maxY: tile.minY + Double(j + 1) * cell)
    }

    /// Calls `body` with every row of cells that meets `envelope`, the columns there that meet it,
    /// and the column of the envelope's centre.
    func forEachRow(meeting envelope: Envelope, _ body: (_ row: Int, _ columns: ClosedRange<Int>, _ middle: Int) -> Void) {
        let i0 = max(0, Int(((envelope.minX - tile.minX) / cell).rounded(.down)))
        let i1 = min(columns - 1, Int(((envelope.maxX - tile.minX) / cell).rounded(.down)))
        let j0 = max(0, Int(((envelope.minY - tile.minY) / cell).rounded(.down)))
        let j1 = min(rows - 1, Int(((envelope.maxY - tile.minY) / cell).rounded(.down)))
        guard i0 <= i1, j0 <= j1 else { return }
        let middle = Int(((envelope.center.x - tile.minX) / cell).rounded(.down))
        for j in j0...j1 { body(j, i0...i1, middle) }
    }

    /// The run of `columns` where `holds` is true, given that it is true on one run at most, whose
    /// ends are guessed: taken when `holds` is true at both and false beside them (or the ends are
    /// those of `columns`), else found by bisection around `middle`.
    static func run(
        of columns: ClosedRange<Int>, guess: (first: Int, last: Int), around middle: Int, where holds: (Int) -> Bool
    ) -> ClosedRange<Int>? {
        let first = max(guess.first, columns.lowerBound), last = min(guess.last, columns.upperBound)
        if first <= last, holds(first), holds(last), first == columns.lowerBound || !holds(first - 1),
            last == columns.upperBound || !holds(last + 1)
        {
            return first...last
        }
        return run(of: columns, around: middle, where: holds)
    }

    /// The run of `columns` where `holds` is true, given that it is true on one run at most, which
    /// (when there is one) includes `middle` or a column beside it: found by bisection.
    ///
    /// ```swift
    /// TileGrid.run(of: 0...31, around: 16, where: { abs($0 - 16) <= 5 })   // 11...21
    /// ```
    static func run(of columns: ClosedRange<Int>, around middle: Int, where holds: (Int) -> Bool) -> ClosedRange<Int>? {
        var inside = min(max(middle, columns.lowerBound), columns.upperBound)
        if !holds(inside) {
            if inside > columns.lowerBound, holds(inside - 1) {
                inside -= 1
            } else if inside < columns.upperBound, holds(inside + 1) {
                inside += 1
            } else {
                return nil
            }
        }
        var low = columns.lowerBound, high = inside
        while low < high {
            let mid = (low + high) / 2
            if holds(mid) { high = mid } else { low = mid + 1 }
        }
        let first = low
        (low, high) = (inside, columns.upperBound)
        while low < high {
            let mid = (low + high + 1) / 2
            if holds(mid) { low = mid } else { high = mid - 1 }
        }
        return first...low
    }
}

/// How reach is measured: as the crow flies, or walking on a street network.
public enum DistanceModel: Sendable, Equatable {
    case straightLine
    case network(WalkingNetwork)

    /// `straight` or `network`, as outputs name it.
    public var name: String {
        switch self {
        case .straightLine: "straight"
        case .network: "network"
        }
    }

    /// Refuses a walking network that covers none of `units` (another area, or another coordinate
    /// system): every number measured on it would be zero.
    public func check(covers units: [PlanningUnit]) throws(CoverageError) {
        if case .network(let walking) = self { try walking.check(covers: units) }
    }

    /// The warning naming the facilities that are off the street network (they reach nobody), or nil.
    public static func offNetworkWarning(_ facilities: [Facility]) -> String? {
        guard !facilities.isEmpty else { return nil }
        let count = facilities.count
        return "\(count) \(facilities.allSatisfy { $0.kind == facilities[0].kind } ? facilities[0].kind + " " : "")"
            + "facilit\(count == 1 ? "y is" : "ies are") off the street network and reach nobody: \(Facility.listed(facilities))"
    }

    /// The measure for demand points at `demand` (metres of `projection`).
    public func measure(demand: [Coordinate], projection: MetricProjection, quadrantSegments: Int32) throws -> any ReachMeasure {
        switch self {
        case .straightLine:
            StraightLineMeasure(demand: demand, quadrantSegments: quadrantSegments)
        case .network(let walking):
            try NetworkMeasure(network: try walking.network(in: projection), demand: demand, snapMax: walking.snapMax, trim: walking.trim)
        }
    }
}

extension CoverageModel {
    /// The area `sites` (WGS84) reach within `radius`, measured with the settings' distance model in
    /// the 3° zone of `extent`, as a WGS84 geometry for maps: discs without a network, trimmed street
    /// service areas with one. Nil when the sites reach nothing.
    ///
    /// ```swift
    /// let reach = try CoverageModel.catchment(of: canteens.map(\.location), radius: 500, settings: settings, around: cityBox)
    /// ```
    public static func catchment(
        of sites: [Coordinate], radius: Double, settings: CoverageSettings, around extent: Envelope
    ) throws -> GeometryValue? {
        let projection = MetricProjection(around: extent)
        let projector = try projection.makeProjector()
        let sitesXY = try projector.project(sites)
        guard let box = Envelope(of: sitesXY) else { return nil }
        let measure = try settings.distanceModel.measure(demand: [], projection: projection, quadrantSegments: settings.quadrantSegments)
        let catchment = try measure.catchment(of: sitesXY, within: radius)
        let tiles = try CatchmentTiles(catchment, covering: [box.expanded(by: radius + 1_000)])
        let context = GEOSContext()
        let pieces = try tiles.pieces.values.map { try Geometry(wkb: $0, in: context) }
        guard !pieces.isEmpty else { return nil }
        let union = try Geometry.unionOf(pieces, in: context)
        return try projector.unproject(union.value())
    }
}
