import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// Builds the siting problem from the layers, solves it, and reports before and after.
///
/// Existing facilities of the kind stay: the demand they reach (or, with `capacity`, serve) is
/// covered already, and only the rest is there for new sites to win. Every phase looks at one
/// deadline (``SitingRequest/deadline``): the model building stops with an error when it passes, the
/// solvers with the best answer so far.
///
/// ```swift
/// let plan = try SitePlanner(layers: layers, request: SitingRequest(kind: "canteen", radius: 500, objective: .add(10))).plan()
/// plan.sites.map(\.candidate.id)
/// ```
public struct SitePlanner: Sendable {
    public var layers: Layers
    public var candidates: [SiteCandidate]?
    public var request: SitingRequest
    /// At most this many (group, candidate) links in the model: about 1 GB at the peak, and far above
    /// a city at the default spacing (Hangzhou's 300,000 points: ~4 million).
    public var linkLimit = 25_000_000

    public init(layers: Layers, candidates: [SiteCandidate]? = nil, request: SitingRequest) {
        self.layers = layers
        self.candidates = candidates
        self.request = request
    }

    public func plan() throws -> SitingPlan {
        let deadline = request.deadline ?? Deadline(seconds: request.timeLimit)
        try request.validate()
        var warnings: [String] = []
        let units = layers.units.filter { $0.level == request.level }
        guard !units.isEmpty else { throw SitingError("no units at level \(request.level.rawValue)") }
        try request.distanceModel.check(covers: units)
        let locator = try UnitLocator(units: units, warnings: &warnings)
        let projector = try locator.projection.makeProjector()
        let existing = layers.facilities.filter { $0.kind == request.kind }
        let demandXY = try locator.projection.project(layers.demand.map(\.location))
        let existingXY = try projector.project(existing.map(\.location))
        var clock = PhaseClock(deadline: deadline)

        let demandUnit = try locator.units(of: layers.demand.map(\.location), clock: &clock, phase: "locating the elderly in units")
        // Only the elderly inside a unit count, as `coverage` counts them: its ratios and ours agree.
        let weights = zip(layers.demand, demandUnit).map { $1 >= 0 ? $0.elderly : 0 }
        try clock.checkNow("measuring distances")
        let measure = try request.distanceModel.measure(demand: demandXY, projection: locator.projection, quadrantSegments: 16)
        if let warning = DistanceModel.offNetworkWarning(measure.unreachable(sites: existingXY).map { existing[$0] }) {
            warnings.append(warning)
        }
        let open = try openDemand(weights, measure: measure, existing: existing, existingXY: existingXY, clock: &clock)
        let totalElderly = weights.reduce(0, +)
        let coveredBefore = totalElderly - open.reduce(0, +)

        // Candidates: given, or generated from the demand no facility reaches.
        var siteCandidates: [SiteCandidate]
        let generated = candidates == nil
        if let candidates {
            guard !candidates.isEmpty else { throw SitingError("the candidates file has no candidates") }
            try Self.checkCandidates(candidates)
            siteCandidates = candidates
        } else {
            siteCandidates = try generate(open: open, demandXY: demandXY, projector: projector)
        }
        var candidateXY = try projector.project(siteCandidates.map(\.location))
        var candidateUnit = try locator.units(of: siteCandidates.map(\.location), clock: &clock, phase: "locating the candidates in units")
        if let warning = Self.outsideWarning(siteCandidates, candidateUnit, level: request.level) { warnings.append(warning) }

        // --min-facilities: how many new sites each unit still needs.
        var minimumPerUnit: [Int] = []
        if let minimum = request.minFacilities {
            var count = [Int](repeating: 0, count: units.count)
            for u in try locator.units(of: existing.map(\.location), clock: &clock, phase: "locating the facilities in units") where u >= 0 {
                count[Int(u)] += 1
            }
            minimumPerUnit = count.map { max(0, minimum - $0) }
            if generated {
                let withCandidates = Set(candidateUnit)
                let lacking = minimumPerUnit.indices.filter { minimumPerUnit[$0] > 0 && !withCandidates.contains(Int32($0)) }
                for (u, lonLat) in try unitSites(for: lacking, units: units, open: open, demandUnit: demandUnit, locator: locator) {
                    siteCandidates.append(SiteCandidate(id: "U-\(units[u].code)", name: "\(units[u].name) site", location: lonLat))
                    candidateXY += try projector.project([lonLat])
                    candidateUnit.append(Int32(u))
                }
            }
        }
        guard !siteCandidates.isEmpty else {
            throw SitingError("every elderly person is already within reach of a \(request.kind); there is nothing for new sites to cover")
        }
        var inside = [Int](repeating: 0, count: units.count)
        for u in candidateUnit where u >= 0 { inside[Int(u)] += 1 }
        for (u, need) in minimumPerUnit.enumerated() where need > inside[u] {
            throw SitingError(
                "\(units[u].name) (\(units[u].code)) needs \(need) more \(request.kind) to reach --min-facilities but has \(inside[u]) candidate(s) inside")
        }

        // The problem: groups of open demand reached by the same candidates.
        let capacities = siteCandidates.map { request.capacity ? ($0.capacity ?? request.defaultCapacity) * request.turnover : Double.infinity }
        let reach = try Self.reach(from: candidateXY, measure: measure, radius: request.radius, limit: linkLimit, clock: &clock) { pairs, done in
            let advice = request.candidateSpacing.map { "use a coarser --candidate-spacing than \(SitingRequest.number($0)) m (the default is half the radius)" } ?? "use fewer candidates"
            return SitingError(
                "the model would link more than \(linkLimit) (elderly, candidate) pairs: each candidate is within \(SitingRequest.number(request.radius)) m of about \(pairs / max(1, done)) elderly points; \(advice)")
        }
        let problem = try ProblemBuilder(radius: request.radius, linkLimit: linkLimit, spacing: request.candidateSpacing).build(
            open: open, reach: reach, demandUnit: demandUnit, candidateUnit: candidateUnit, capacities: capacities, clock: &clock)

        let objective = siteObjective(weights: weights, open: open, demandUnit: demandUnit, units: units.count, coveredBefore: coveredBefore)
        if case .add(0) = objective, minimumPerUnit.allSatisfy({ $0 == 0 }) {
            throw SitingError("nothing to do: give --add N, --target-ratio R or --min-facilities N")
        }
        let solver = SitingSolver(
            problem: problem, objective: objective, minimumPerUnit: minimumPerUnit, choice: request.solver,
            timeLimit: request.timeLimit, deadline: deadline)
        let solution = try solver.solve()
        if solution.chosen.isEmpty && !solution.timeLimitReached {
            warnings.append("no candidate is within \(SitingRequest.number(request.radius)) m of an elderly person not yet covered by a \(request.kind): no site is proposed")
        }
        let forcedCount = minimumPerUnit.reduce(0, +)
        let requested: Int? =
            switch request.objective {
            case .add(let n): n + forcedCount
            case .none: forcedCount
            case .targetRatio: nil
            }
        return SitingPlan(
            sites: sites(solution, siteCandidates, candidateUnit, units, coveredBefore: coveredBefore, totalElderly: totalElderly),
            totalElderly: totalElderly, coveredBefore: coveredBefore,
            coveredAfter: coveredBefore + solution.gains.reduce(0, +),
            units: unitChanges(units, solution: solution, problem: problem, weights: weights, open: open, demandUnit: demandUnit),
            solution: solution, candidateCount: siteCandidates.count, generatedCandidates: generated, warnings: warnings, request: request,
            sitesRequested: requested, sitesForced: forcedCount)
    }

    /// A site for each unit that lacks a candidate: its most populous uncovered spot, or (nobody
    /// living there) a point inside it. One pass over the demand for all units.
    func unitSites(
        for lacking: [Int], units: [PlanningUnit], open: [Double], demandUnit: [Int32], locator: UnitLocator
    ) throws -> [(unit: Int, location: Coordinate)] {
        guard !lacking.isEmpty else { return [] }
        var densest = [Int?](repeating: nil, count: units.count)
        for i in demandUnit.indices where demandUnit[i] >= 0 {
            let u = Int(demandUnit[i])
            if densest[u].map({ open[i] > open[$0] }) ?? true { densest[u] = i }
        }
        return try lacking.map { u in
            if let i = densest[u] { return (u, layers.demand[i].location) }
            guard let spot = try locator.pointInside(u) else {
                throw SitingError("\(units[u].name) (\(units[u].code)) has no area: no \(request.kind) can be placed in it for --min-facilities")
            }
            return (u, spot)
        }
    }

    /// Demand left for new sites: unreached by existing facilities, or (capacities) unserved.
    func openDemand(
        _ weights: [Double], measure: any ReachMeasure, existing: [Facility], existingXY: [Coordinate], clock: inout PhaseClock
    ) throws -> [Double] {
        try clock.checkNow("finding the elderly existing facilities reach")
        if request.capacity {
            let served = try Self.reach(from: existingXY, measure: measure, radius: request.radius, limit: linkLimit, clock: &clock) { _, _ in
                SitingError(
                    "more than \(linkLimit) (elderly, facility) pairs lie within \(SitingRequest.number(request.radius)) m: too many to allocate capacities; use a smaller --radius")
            }
            return served.allocate(demand: weights, rooms: existing.map { $0.capacity * request.turnover })
        }
        let nearest = try measure.nearestDistances(from: existingXY, within: request.radius)
        return zip(weights, nearest).map { weight, distance in distance == nil ? weight : 0 }
    }

    /// Which demand each site reaches, in chunks so that the deadline is looked at between them; more
    /// than `limit` (demand, site) pairs is refused with `tooMany(pairs, sites done)` before memory
    /// runs out (a 10 m grid with a 1 km radius puts 30,000 candidates around every point).
    static func reach(
        from sites: [Coordinate], measure: any ReachMeasure, radius: Double, limit: Int, clock: inout PhaseClock,
        tooMany: (Int, Int) -> SitingError
    ) throws -> ReachTable {
        var table = ReachTable()
        // Each call indexes all the demand again: chunks large enough for that to be a small part.
        let chunk = 1024
        for start in stride(from: 0, to: sites.count, by: chunk) {
            try clock.checkNow("linking the sites to the elderly within \(SitingRequest.number(radius)) m")
            let end = min(start + chunk, sites.count)
            table.append(contentsOf: try measure.reach(from: Array(sites[start..<end]), within: radius))
            if table.targets.count > limit { throw tooMany(table.targets.count, end) }
        }
        return table
    }

    func siteObjective(weights: [Double], open: [Double], demandUnit: [Int32], units: Int, coveredBefore: Double) -> SitingObjective {
        let totalElderly = weights.reduce(0, +)
        switch request.objective {
        case .add(let n): return .add(n)
        case .none: return .add(0)
        case .targetRatio(let ratio, perUnit: false):
            return .cover(max(0, ratio * totalElderly - coveredBefore))
        case .targetRatio(let ratio, perUnit: true):
            var needs = [Double](repeating: 0, count: units)
            for i in weights.indices where demandUnit[i] >= 0 { needs[Int(demandUnit[i])] += ratio * weights[i] - (weights[i] - open[i]) }
            return .coverPerUnit(needs.map { max(0, $0) })
        }
    }

    /// The chosen sites in order, with what each adds.
    func sites(
        _ solution: SitingSolution, _ candidates: [SiteCandidate], _ candidateUnit: [Int32], _ units: [PlanningUnit],
        coveredBefore: Double, totalElderly: Double
    ) -> [ChosenSite] {
        var sites: [ChosenSite] = []
        var cumulative = coveredBefore
        for (rank, (j, gain)) in zip(solution.chosen, solution.gains).enumerated() {
            cumulative += gain
            let u = Int(candidateUnit[j])
            sites.append(
                ChosenSite(
                    rank: rank + 1, candidate: candidates[j], gain: gain, cumulativeCovered: cumulative,
                    coverageRatioAfter: totalElderly > 0 ? cumulative / totalElderly : nil,
                    unitCode: u >= 0 ? units[u].code : nil, unitName: u >= 0 ? units[u].name : nil, forced: rank < solution.forcedCount))
        }
        return sites
    }

    /// Coverage of each unit before and after: the chosen sites serve the open demand of their groups
    /// in choice order, as the solver counted them (``SitingProblem/servedWeight(_:)``); a group lies
    /// in one unit, so what it is served is that unit's.
    func unitChanges(
        _ units: [PlanningUnit], solution: SitingSolution, problem: SitingProblem, weights: [Double], open: [Double], demandUnit: [Int32]
    ) -> [UnitChange] {
        var servedIn = [Double](repeating: 0, count: units.count)
        var allocation = CapacityAllocation(demand: problem.weights)
        for j in solution.chosen {
            problem.serve(j, in: &allocation) { g, take in
                let u = Int(problem.groupUnit[g])
                if u >= 0 { servedIn[u] += take }
            }
        }
        var changes = units.map { UnitChange(code: $0.code, name: $0.name, total: 0, before: 0, after: 0) }
        for i in weights.indices where demandUnit[i] >= 0 {
            let u = Int(demandUnit[i])
            changes[u].total += weights[i]
            changes[u].before += weights[i] - open[i]
        }
        for u in changes.indices { changes[u].after = changes[u].before + servedIn[u] }
        return changes
    }

    /// Capacities and costs a library caller hands in must be numbers the model can use.
    static func checkCandidates(_ candidates: [SiteCandidate]) throws(SitingError) {
        for candidate in candidates {
            for (what, value) in [("capacity", candidate.capacity), ("cost", candidate.cost)] {
                guard let value else { continue }
                guard SitingRequest.candidateNumberRange.contains(value) else {
                    throw SitingError("candidate \(candidate.id): \(what) \(value) must be between 0 and \(SitingRequest.number(SitingRequest.candidateNumberRange.upperBound))")
                }
            }
            guard candidate.location.x.isFinite, candidate.location.y.isFinite else {
                throw SitingError("candidate \(candidate.id) has no usable location")
            }
        }
    }

    static func outsideWarning(_ candidates: [SiteCandidate], _ candidateUnit: [Int32], level: UnitLevel) -> String? {
        let outside = candidateUnit.indices.filter { candidateUnit[$0] < 0 }.map { candidates[$0].id }
        guard !outside.isEmpty else { return nil }
        let list = outside.prefix(5).joined(separator: ", ") + (outside.count > 5 ? " …" : "")
        if outside.count == candidates.count {
            return "all \(outside.count) candidate(s) lie outside every \(level.rawValue) (kept: they may still reach elderly inside): \(list)"
        }
        return "\(outside.count) candidate(s) lie outside every \(level.rawValue) (kept): \(list)"
    }

    /// Candidates from the open demand, one per occupied grid cell: the open point nearest the
    /// cell's centre, so every candidate stands where elderly people live. None when all are covered
    /// (`--min-facilities` may still place sites).
    func generate(open: [Double], demandXY: [Coordinate], projector: Projector) throws -> [SiteCandidate] {
        let spacing = request.candidateSpacing ?? request.radius / 2
        struct Cell: Hashable { var x, y: Int64 }
        var best: [Cell: (index: Int, distance: Double)] = [:]
        for i in demandXY.indices where open[i] > 0 {
            let p = demandXY[i]
            let cx = (p.x / spacing).rounded(.down), cy = (p.y / spacing).rounded(.down)
            // Projected metres are within ±2e7 and the spacing at least 1 m: a cell number that does
            // not fit is a point PROJ could not place, not one to build a grid on.
            guard let x = Int64(exactly: cx), let y = Int64(exactly: cy) else {
                throw SitingError("elderly point \(layers.demand[i].id) cannot be placed on the candidate grid (projected to \(p.x), \(p.y))")
            }
            let d = hypot(p.x - (cx + 0.5) * spacing, p.y - (cy + 0.5) * spacing)
            if d < best[Cell(x: x, y: y)]?.distance ?? .infinity { best[Cell(x: x, y: y)] = (i, d) }
        }
        let picks = best.values.map(\.index).sorted()
        return picks.enumerated().map { n, i in
            SiteCandidate(id: String(format: "G-%05d", n + 1), name: "demand point \(layers.demand[i].id)", location: layers.demand[i].location)
        }
    }

}

/// Looks at the deadline every few hundred steps of a model-building phase and stops the run with a
/// clear error when it has passed: before the solvers there is no answer to return.
struct PhaseClock {
    var check: DeadlineCheck

    init(deadline: Deadline) { check = DeadlineCheck(deadline, every: 512) }

    mutating func check(_ phase: String) throws(SitingError) {
        if check.hasPassed() { throw Self.timedOut(phase) }
    }

    /// Looks at the clock now: for a phase that calls between long steps, not in a tight loop.
    func checkNow(_ phase: String) throws(SitingError) {
        if check.deadline.hasPassed { throw Self.timedOut(phase) }
    }

    static func timedOut(_ phase: String) -> SitingError {
        SitingError("the time limit ran out while \(phase), before any site could be chosen; allow more time with --time-limit")
    }
}
