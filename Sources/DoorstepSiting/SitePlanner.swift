import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// A place where a new facility could go.
public struct SiteCandidate: Sendable, Equatable {
    public var id: String
    public var name: String
    /// WGS84 longitude/latitude.
    public var location: Coordinate
    /// Seats (or beds); `nil` uses the request's default.
    public var capacity: Double?
    public var cost: Double?

    public init(id: String, name: String, location: Coordinate, capacity: Double? = nil, cost: Double? = nil) {
        self.id = id
        self.name = name
        self.location = location
        self.capacity = capacity
        self.cost = cost
    }
}

/// What `doorstep site` is asked.
public struct SitingRequest: Sendable {
    public var kind: String
    public var radius: Double
    public var objective: Objective
    /// Every unit of `level` must hold this many facilities of the kind (existing + new).
    public var minFacilities: Int?
    public var level: UnitLevel
    /// Capacity-aware coverage: a site serves at most capacity × turnover elderly.
    public var capacity: Bool
    public var turnover: Double
    /// Capacity of a generated candidate, or of one without a `capacity`.
    public var defaultCapacity: Double
    /// Grid spacing for generated candidates; `nil` is R/2.
    public var candidateSpacing: Double?
    public var solver: SolverChoice
    public var timeLimit: Double

    public enum Objective: Sendable, Equatable {
        case add(Int)
        case targetRatio(Double, perUnit: Bool)
        /// Only the `--min-facilities` rule.
        case none
    }

    public init(
        kind: String, radius: Double, objective: Objective, minFacilities: Int? = nil, level: UnitLevel = .street,
        capacity: Bool = false, turnover: Double = 1, defaultCapacity: Double = 100, candidateSpacing: Double? = nil,
        solver: SolverChoice = .auto, timeLimit: Double = 60
    ) {
        self.kind = kind
        self.radius = radius
        self.objective = objective
        self.minFacilities = minFacilities
        self.level = level
        self.capacity = capacity
        self.turnover = turnover
        self.defaultCapacity = defaultCapacity
        self.candidateSpacing = candidateSpacing
        self.solver = solver
        self.timeLimit = timeLimit
    }
}

/// A chosen site with what it brings.
public struct ChosenSite: Sendable, Equatable {
    public var rank: Int
    public var candidate: SiteCandidate
    public var gain: Double
    public var cumulativeCovered: Double
    public var coverageRatioAfter: Double?
    public var unitCode: String?
    public var unitName: String?
}

/// Coverage of one unit before and after the new sites.
public struct UnitChange: Sendable, Equatable {
    public var code: String
    public var name: String
    public var total: Double
    public var before: Double
    public var after: Double
}

/// The answer of `doorstep site`.
public struct SitingPlan: Sendable {
    public var sites: [ChosenSite]
    public var totalElderly: Double
    public var coveredBefore: Double
    public var coveredAfter: Double
    public var units: [UnitChange]
    public var solution: SitingSolution
    public var candidateCount: Int
    public var generatedCandidates: Bool
    public var warnings: [String]
    public var request: SitingRequest
}

/// Builds the siting problem from the layers, solves it, and reports before and after.
///
/// Existing facilities of the kind stay: the demand they reach (or, with `capacity`, serve) is
/// covered already, and only the rest is there for new sites to win.
///
/// ```swift
/// let plan = try SitePlanner(layers: layers, request: SitingRequest(kind: "canteen", radius: 500, objective: .add(10))).plan()
/// plan.sites.map(\.candidate.id)
/// ```
public struct SitePlanner: Sendable {
    public var layers: Layers
    public var candidates: [SiteCandidate]?
    public var request: SitingRequest

    public init(layers: Layers, candidates: [SiteCandidate]? = nil, request: SitingRequest) {
        self.layers = layers
        self.candidates = candidates
        self.request = request
    }

    public func plan() throws -> SitingPlan {
        var warnings: [String] = []
        let units = layers.units.filter { $0.level == request.level }
        guard !units.isEmpty else { throw SitingError("no units at level \(request.level.rawValue)") }
        if case .add(let n) = request.objective, n <= 0 { throw SitingError("--add must be 1 or more (got \(n))") }
        let existing = layers.facilities.filter { $0.kind == request.kind }
        guard let extent = Envelope(of: units.lazy.flatMap(\.geometry.coordinates)) else { throw SitingError("the units have no coordinates") }
        let projector = try MetricProjection(around: extent).makeProjector()
        let demandXY = try projector.project(layers.demand.map(\.location))
        let existingXY = try projector.project(existing.map(\.location))
        let weights = layers.demand.map(\.elderly)
        let radius = request.radius

        // Which unit each demand point and candidate lies in (the first, on shared boundaries).
        let context = GEOSContext()
        var prepared: [(PreparedGeometry, Envelope)] = []
        for unit in units {
            let geometry = try Geometry(try projector.project(unit.geometry), in: context)
            prepared.append((try geometry.prepared(), geometry.envelope!))
        }
        let unitIndex = try STRtree(envelopes: prepared.map(\.1), in: context)
        func unit(of p: Coordinate) throws -> Int32 {
            for u in try unitIndex.query(Envelope(minX: p.x, minY: p.y, maxX: p.x, maxY: p.y)) where prepared[u].0.covers(p) { return Int32(u) }
            return -1
        }
        let demandUnit = try demandXY.map(unit)

        // Demand left for new sites: unreached by existing facilities, or (capacities) unserved.
        var open = weights
        let existingIndex = PointIndex(points: existingXY, cellSize: radius)
        if request.capacity {
            var room = existing.map { $0.capacity * request.turnover }
            for (i, j, _) in Self.pairsByDistance(demandXY, existingIndex, radius) where open[i] > 0 && room[j] > 0 {
                let take = min(open[i], room[j])
                open[i] -= take
                room[j] -= take
            }
        } else {
            for i in demandXY.indices where existingIndex.nearestDistance(to: demandXY[i], within: radius) != nil { open[i] = 0 }
        }
        let totalElderly = weights.reduce(0, +)
        let coveredBefore = totalElderly - open.reduce(0, +)

        // Candidates: given, or generated from the demand no facility reaches.
        var siteCandidates: [SiteCandidate]
        let generated = candidates == nil
        if let candidates {
            guard !candidates.isEmpty else { throw SitingError("the candidates file has no candidates") }
            siteCandidates = candidates
        } else {
            siteCandidates = try generate(open: open, demandXY: demandXY, projector: projector)
        }
        var candidateXY = try projector.project(siteCandidates.map(\.location))
        var candidateUnit = try candidateXY.map(unit)
        let outside = candidateUnit.enumerated().filter { $0.element < 0 }.map { siteCandidates[$0.offset].id }
        if !outside.isEmpty {
            warnings.append("\(outside.count) candidate(s) lie outside every \(request.level.rawValue) (kept): \(outside.prefix(5).joined(separator: ", "))\(outside.count > 5 ? " …" : "")")
        }

        // --min-facilities: how many new sites each unit still needs.
        var minimumPerUnit: [Int] = []
        if let minimum = request.minFacilities {
            var count = [Int](repeating: 0, count: units.count)
            for p in existingXY { let u = try unit(of: p); if u >= 0 { count[Int(u)] += 1 } }
            minimumPerUnit = count.map { max(0, minimum - $0) }
            if generated {
                // A unit without any candidate gets one at its most populous uncovered spot, or inside it.
                for (u, need) in minimumPerUnit.enumerated() where need > 0 && !candidateUnit.contains(Int32(u)) {
                    let inside = demandXY.indices.filter { demandUnit[$0] == Int32(u) }
                    var spot: Coordinate
                    if let densest = inside.max(by: { open[$0] < open[$1] }) {
                        spot = demandXY[densest]
                    } else {
                        spot = try Geometry(try projector.project(units[u].geometry), in: context).pointOnSurface().value().coordinates[0]
                    }
                    let lonLat = try projector.unproject([spot])[0]
                    siteCandidates.append(SiteCandidate(id: "U-\(units[u].code)", name: "\(units[u].name) site", location: lonLat))
                    candidateXY.append(spot)
                    candidateUnit.append(Int32(u))
                }
            }
        }

        for (u, need) in minimumPerUnit.enumerated() where need > candidateUnit.filter({ $0 == Int32(u) }).count {
            throw SitingError(
                "\(units[u].name) (\(units[u].code)) needs \(need) more \(request.kind) to reach --min-facilities but has \(candidateUnit.filter { $0 == Int32(u) }.count) candidate(s) inside")
        }

        // The problem: groups of open demand reached by the same candidates.
        let capacities = siteCandidates.map { request.capacity ? ($0.capacity ?? request.defaultCapacity) * request.turnover : Double.infinity }
        let problem = Self.problem(
            open: open, demandXY: demandXY, demandUnit: demandUnit, candidateXY: candidateXY, candidateUnit: candidateUnit,
            capacities: capacities, radius: radius)

        let objective: SitingObjective
        switch request.objective {
        case .add(let n): objective = .add(n)
        case .none: objective = .add(0)
        case .targetRatio(let ratio, perUnit: false):
            objective = .cover(max(0, ratio * totalElderly - coveredBefore))
        case .targetRatio(let ratio, perUnit: true):
            var needs = [Double](repeating: 0, count: units.count)
            for i in weights.indices where demandUnit[i] >= 0 { needs[Int(demandUnit[i])] += ratio * weights[i] - (weights[i] - open[i]) }
            objective = .coverPerUnit(needs.map { max(0, $0) })
        }
        let solver = SitingSolver(
            problem: problem.problem, objective: objective, minimumPerUnit: minimumPerUnit, choice: request.solver, timeLimit: request.timeLimit)
        if case .add(0) = objective, minimumPerUnit.allSatisfy({ $0 == 0 }) {
            throw SitingError("nothing to do: give --add N, --target-ratio R or --min-facilities N")
        }
        let solution = try solver.solve()

        // Report: the chosen sites in order, and coverage per unit before and after.
        var sites: [ChosenSite] = []
        var cumulative = coveredBefore
        for (rank, (j, gain)) in zip(solution.chosen, solution.gains).enumerated() {
            cumulative += gain
            let u = Int(candidateUnit[j])
            sites.append(
                ChosenSite(
                    rank: rank + 1, candidate: siteCandidates[j], gain: gain, cumulativeCovered: cumulative,
                    coverageRatioAfter: totalElderly > 0 ? cumulative / totalElderly : nil,
                    unitCode: u >= 0 ? units[u].code : nil, unitName: u >= 0 ? units[u].name : nil))
        }
        var remaining = open
        var rooms = capacities
        for j in solution.chosen {
            for g in problem.problem.groups(of: j) {
                for i in problem.members[Int(g)] where remaining[i] > 0 && rooms[j] > 0 {
                    let take = min(remaining[i], rooms[j])
                    remaining[i] -= take
                    rooms[j] -= take
                }
            }
        }
        var changes = units.map { UnitChange(code: $0.code, name: $0.name, total: 0, before: 0, after: 0) }
        for i in weights.indices where demandUnit[i] >= 0 {
            let u = Int(demandUnit[i])
            changes[u].total += weights[i]
            changes[u].before += weights[i] - open[i]
            changes[u].after += weights[i] - remaining[i]
        }
        return SitingPlan(
            sites: sites, totalElderly: totalElderly, coveredBefore: coveredBefore, coveredAfter: cumulative,
            units: changes, solution: solution, candidateCount: siteCandidates.count, generatedCandidates: generated,
            warnings: warnings, request: request)
    }

    /// Candidates from the open demand, one per occupied grid cell: the open point nearest the
    /// cell's centre, so every candidate stands where elderly people live.
    func generate(open: [Double], demandXY: [Coordinate], projector: Projector) throws -> [SiteCandidate] {
        let spacing = request.candidateSpacing ?? request.radius / 2
        var best: [Int64: (index: Int, distance: Double)] = [:]
        for i in demandXY.indices where open[i] > 0 {
            let p = demandXY[i]
            let cx = (p.x / spacing).rounded(.down), cy = (p.y / spacing).rounded(.down)
            let key = Int64(cx) << 32 ^ (Int64(cy) & 0xFFFF_FFFF)
            let d = hypot(p.x - (cx + 0.5) * spacing, p.y - (cy + 0.5) * spacing)
            if d < best[key]?.distance ?? .infinity { best[key] = (i, d) }
        }
        let picks = best.values.map(\.index).sorted()
        guard !picks.isEmpty else {
            throw SitingError("every elderly person is already within reach of a \(request.kind); there is nothing for new sites to cover")
        }
        let lonLat = try projector.unproject(picks.map { demandXY[$0] })
        return zip(picks, lonLat).enumerated().map { n, pair in
            SiteCandidate(id: String(format: "G-%05d", n + 1), name: "demand point \(layers.demand[pair.0].id)", location: pair.1)
        }
    }

    /// Pairs (demand, facility, distance) within `radius`, nearest first.
    static func pairsByDistance(_ demand: [Coordinate], _ index: PointIndex, _ radius: Double) -> [(Int, Int, Double)] {
        var pairs: [(Int, Int, Double)] = []
        for (i, p) in demand.enumerated() {
            for j in index.indexes(within: radius, of: p) {
                pairs.append((i, j, hypot(index.points[j].x - p.x, index.points[j].y - p.y)))
            }
        }
        return pairs.sorted { $0.2 < $1.2 }
    }

    /// Groups open demand points by the candidates that reach them and their unit, listing each
    /// candidate's groups nearest first (by the group's first point).
    static func problem(
        open: [Double], demandXY: [Coordinate], demandUnit: [Int32], candidateXY: [Coordinate], candidateUnit: [Int32],
        capacities: [Double], radius: Double
    ) -> (problem: SitingProblem, members: [[Int]]) {
        let candidateIndex = PointIndex(points: candidateXY, cellSize: radius)
        var groupOf: [[Int32]: Int] = [:]
        var weights: [Double] = [], members: [[Int]] = [], groupUnit: [Int32] = []
        var reach = [[(group: Int, distance: Double)]](repeating: [], count: candidateXY.count)
        for i in demandXY.indices where open[i] > 0 {
            let reaching = candidateIndex.indexes(within: radius, of: demandXY[i]).map { Int32($0) }
            guard !reaching.isEmpty else { continue }
            let key = reaching + [demandUnit[i]]
            let g: Int
            if let existing = groupOf[key] {
                g = existing
                weights[g] += open[i]
                members[g].append(i)
            } else {
                g = weights.count
                groupOf[key] = g
                weights.append(open[i])
                members.append([i])
                groupUnit.append(demandUnit[i])
                for j in reaching {
                    let c = candidateXY[Int(j)]
                    reach[Int(j)].append((g, hypot(c.x - demandXY[i].x, c.y - demandXY[i].y)))
                }
            }
        }
        let ordered = reach.map { $0.sorted { $0.distance < $1.distance }.map(\.group) }
        return (
            SitingProblem(weights: weights, reach: ordered, capacities: capacities, groupUnit: groupUnit, candidateUnit: candidateUnit),
            members
        )
    }
}
