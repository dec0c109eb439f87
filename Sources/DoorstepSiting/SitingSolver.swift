import DoorstepCoverage
import Foundation

/// What the new sites must achieve (existing facilities are always kept).
public enum SitingObjective: Sendable, Equatable {
    /// Choose this many new sites maximising newly covered elderly (MCLP with fixed facilities).
    case add(Int)
    /// The fewest new sites that newly cover at least this weight (LSCP-style, overall).
    case cover(Double)
    /// The fewest new sites that newly cover at least `needs[u]` in every unit u.
    case coverPerUnit([Double])
}

/// Which method to use: `auto` runs the exact MILP when the model is small enough and otherwise the
/// heuristic with a Lagrangian bound.
public enum SolverChoice: String, Sendable, CaseIterable {
    case auto, exact, heuristic
}

/// A problem that has no answer with the candidates given, said in one line.
public struct SitingError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The chosen sites and how good the answer is.
public struct SitingSolution: Sendable, Equatable {
    /// Candidate indexes in choice order: sites forced by `--min-facilities` first, then each the one
    /// adding most given the earlier ones. Sites that would add nothing are never listed, except forced
    /// ones (a unit short of facilities gets its site even where everyone is covered already).
    public var chosen: [Int]
    /// What each chosen site adds given the earlier ones.
    public var gains: [Double]
    /// Newly covered (or, with capacities, served) weight.
    public var value: Double
    /// "exact MILP (COIN-OR CBC 2.10.8)" or "lazy greedy + swap local search".
    public var solver: String
    /// `optimal` only with a proof (CBC's, or the Lagrangian bound meeting the answer).
    public var status: SolverOutcome.Status
    /// Best proven bound on the objective (covered weight for `add`, number of sites for targets).
    public var bound: Double?
    /// Relative gap between the answer and the bound (0 when optimal).
    public var gap: Double?
    public var seconds: Double
    /// How many of `chosen` (the first ones) were forced by the per-unit minimums.
    public var forcedCount = 0
    /// The phases the deadline cut short, e.g. ["swap search", "exact solver"]; empty when none was.
    public var cutShort: [String] = []

    public var timeLimitReached: Bool { !cutShort.isEmpty }
}

/// Solves a `SitingProblem` for an objective, with per-unit minimum counts of new sites.
public struct SitingSolver: Sendable {
    public var problem: SitingProblem
    public var objective: SitingObjective
    /// New sites required inside each unit (index = unit), from `--min-facilities`.
    public var minimumPerUnit: [Int]
    public var choice: SolverChoice
    /// Seconds from `solve()`, used when no `deadline` is given.
    public var timeLimit: Double
    /// When the whole run must end; set by a caller that has spent time before solving.
    public var deadline: Deadline?
    /// Above this many nonzeros `auto` does not start the exact solver.
    public var exactSizeLimit = 2_000_000
    /// Below this many seconds left CBC is not started: loading the model alone would overrun.
    static let shortestExactRun = 0.05

    public init(
        problem: SitingProblem, objective: SitingObjective, minimumPerUnit: [Int] = [], choice: SolverChoice = .auto,
        timeLimit: Double = 60, deadline: Deadline? = nil
    ) {
        self.problem = problem
        self.objective = objective
        self.minimumPerUnit = minimumPerUnit
        self.choice = choice
        self.timeLimit = timeLimit
        self.deadline = deadline
    }

    public func solve() throws(SitingError) -> SitingSolution {
        let started = ContinuousClock.now
        let deadline = self.deadline ?? Deadline(seconds: timeLimit)
        let heuristic = try runHeuristic(deadline: deadline)
        var solution = heuristic
        // CBC must leave time to read and order its answer: less than the whole heuristic took, and
        // about a pass over the matrix.
        let reserve = min(seconds(since: started), 0.1 + Double(estimatedNonzeros) / 5_000_000)
        // For `auto`, an answer the bound has proven optimal needs no MILP.
        let useExact = choice == .exact || (choice == .auto && heuristic.status != .optimal && estimatedNonzeros <= exactSizeLimit)
        if useExact {
            solution = try runExact(improving: heuristic, deadline: deadline, reserve: reserve)
        }
        solution.seconds = seconds(since: started)
        return solution
    }

    func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    /// CBC started from the heuristic's answer, with the time left; the heuristic's answer when CBC
    /// cannot start in time or finds nothing better.
    /// `reserve`: seconds kept back for reading and ordering CBC's answer.
    func runExact(improving heuristic: SitingSolution, deadline: Deadline, reserve: Double) throws(SitingError) -> SitingSolution {
        var unchanged = heuristic
        unchanged.cutShort.append("exact solver")
        // An optimum proven by the bound stays optimal, but a time-out is never reported as one.
        if unchanged.status == .optimal { unchanged.cutShort = [] }
        guard deadline.secondsLeft - reserve >= Self.shortestExactRun, let model = buildModel(deadline: deadline),
            deadline.secondsLeft - reserve >= Self.shortestExactRun, model.model.columns.count < Int(Int32.max),
            model.model.nonzeros < Int(Int32.max)
        else { return unchanged }
        let start = model.start(heuristic.chosen)
        // CBC stops itself at its limit; the deadline's kill is for the root LP, which does not look.
        let stop = Deadline(seconds: deadline.secondsLeft - reserve / 2)
        guard let outcome = try CBC.minimize(model.model, timeLimit: deadline.secondsLeft - reserve, start: start, deadline: stop) else {
            return unchanged
        }
        switch outcome.status {
        case .infeasible:
            if choice == .exact {
                throw SitingError("the exact solver finds no set of candidates that meets the constraints")
            }
            return heuristic
        case .optimal, .feasible:
            let chosen = (0..<problem.candidateCount).filter { outcome.values[$0] > 0.5 }
            let exactValue = problem.value(chosen)
            // A proven optimum is taken as it is; a time-limited answer only when it beats the heuristic's.
            let better = outcome.status == .optimal || isBetter(chosen: chosen, value: exactValue, than: heuristic)
            var picked = better ? ordered(chosen, forced: forcedSites(in: chosen)) : heuristic
            picked.solver = "exact MILP (COIN-OR CBC)"
            picked.status = outcome.status
            picked.bound = outcome.bound.map(modelToObjective)
            picked.gap = gap(picked, bound: picked.bound)
            // CBC ran, so the heuristic's phases ended in time (or CBC replaced them): only CBC can be cut.
            picked.cutShort = outcome.status == .optimal ? [] : ["exact solver"]
            if outcome.status == .optimal { picked.gap = 0 }
            return picked
        }
    }

    /// The exact model's size, counted without building it: a row per group (uncapacitated) or an
    /// allocation column per (group, candidate) pair with two rows' entries (capacitated).
    var estimatedNonzeros: Int {
        problem.isCapacitated
            ? 2 * problem.candidateGroups.count + problem.candidateCount
            : problem.groupCount + problem.candidateGroups.count + problem.candidateCount
    }

    /// For `add`, more covered weight is better; for targets, fewer sites (then more weight).
    func isBetter(chosen: [Int], value: Double, than other: SitingSolution) -> Bool {
        switch objective {
        case .add: value > other.value + 1e-9
        case .cover, .coverPerUnit: chosen.count < other.chosen.count || (chosen.count == other.chosen.count && value > other.value + 1e-9)
        }
    }

    /// The model's objective converted to the report's terms: covered weight (add) or site count.
    func modelToObjective(_ value: Double) -> Double {
        switch objective {
        case .add: -value
        case .cover, .coverPerUnit: value
        }
    }

    func gap(_ solution: SitingSolution, bound: Double?) -> Double? {
        guard let bound, bound.isFinite else { return nil }
        switch objective {
        case .add: return solution.value > 0 ? max(0, (bound - solution.value) / bound) : (bound > 0 ? 1 : 0)
        case .cover, .coverPerUnit:
            let count = Double(solution.chosen.count)
            return count > 0 ? max(0, (count - bound.rounded(.up)) / count) : 0
        }
    }

    // MARK: Heuristic

    func units(of j: Int) -> Int { Int(problem.candidateUnit[j]) }

    func runHeuristic(deadline: Deadline) throws(SitingError) -> SitingSolution {
        let greedy = GreedySolver(problem: problem)
        var state = greedy.start()
        // 1. Units that must hold more facilities of the kind get their best candidates first.
        try placeForced(&state, greedy: greedy, deadline: deadline)
        let forced = state.chosen
        // 2. The objective.
        switch objective {
        case .add(let asked):
            // No more sites than candidates: keeps `forced.count + count` far from overflow.
            let count = min(max(asked, 0), problem.candidateCount)
            let greedyDone = greedy.extend(&state, deadline: deadline, while: { $0.chosen.count < forced.count + count })
            var solution: SitingSolution
            if greedyDone {
                // The swap search could use all the time left; half of it leaves the bound and CBC theirs.
                let swapDeadline = Deadline(seconds: deadline.secondsLeft / 2)
                let swap = SwapSearch(problem: problem).improve(state.chosen, fixed: Set(forced), deadline: swapDeadline)
                solution = ordered(swap.sites, forced: forced)
                if !swap.finished { solution.cutShort.append("swap search") }
            } else {
                // No site at all is no answer: say so rather than propose nothing.
                guard !state.chosen.isEmpty else { throw timedOut(before: "a first site was chosen", sites: 0) }
                solution = ordered(state.chosen, forced: forced)
                solution.cutShort.append("greedy")
            }
            solution.solver = "lazy greedy + swap local search"
            solution.status = .feasible
            if !problem.isCapacitated, greedyDone {
                let bound = LagrangianBound(problem: problem).bound(p: count, fixed: forced, lowerBound: solution.value, deadline: deadline)
                if let bound {
                    solution.bound = max(bound.value, solution.value)
                    solution.gap = gap(solution, bound: solution.bound)
                    // Proven: whatever the clock cut short could not have done better.
                    if (solution.gap ?? 1) <= 1e-9 {
                        solution.status = .optimal
                        solution.cutShort = []
                    }
                }
                if bound?.finished != true && solution.status != .optimal { solution.cutShort.append("bound") }
            }
            return solution
        case .cover(let needed):
            let done = greedy.extend(&state, deadline: deadline, while: { $0.value < needed - 1e-9 })
            guard state.value >= needed - 1e-9 else {
                if !done { throw timedOut(before: "the target was reached", sites: state.chosen.count) }
                throw SitingError(String(format: "the target cannot be reached with these candidates: all of them together newly cover %.0f of the %.0f elderly needed", problem.value(Array(0..<problem.candidateCount)), needed))
            }
            return pruned(state.chosen, forced: forced, deadline: deadline) { problem.value($0) >= needed - 1e-9 }
        case .coverPerUnit(let targets):
            let total = { (needs: [Double]) in needs.reduce(0) { $0 + max(0, $1) } }
            let done = greedy.extend(&state, score: { greedy.gain($0, $1, needs: self.unmet(targets, covered: $1.perUnit)) }, deadline: deadline) {
                total(self.unmet(targets, covered: $0.perUnit)) > 1e-9
            }
            let unmetNeeds = unmet(targets, covered: state.perUnit)
            guard total(unmetNeeds) <= 1e-9 else {
                if !done { throw timedOut(before: "every unit reached the target", sites: state.chosen.count) }
                let short = unmetNeeds.enumerated().filter { $0.element > 1e-9 }
                let first = short.first ?? (0, 0)
                throw SitingError(String(format: "the target cannot be reached in %d unit(s) with these candidates (%.0f elderly short in all); first: unit #%d, %.0f short", short.count, total(unmetNeeds), first.offset, first.element))
            }
            return pruned(state.chosen, forced: forced, deadline: deadline) { total(self.unmet(targets, sites: $0)) <= 1e-9 }
        }
    }

    func timedOut(before goal: String, sites: Int) -> SitingError {
        SitingError("the time limit ran out before \(goal) (\(sites) site(s) chosen so far); allow more time with --time-limit")
    }

    /// Adds, each time, the candidate adding most among those in units still short of their minimum,
    /// until none is short. Lazy like the greedy: a candidate's gain only shrinks as sites are added.
    func placeForced(_ state: inout GreedySolver.State, greedy: GreedySolver, deadline: Deadline) throws(SitingError) {
        var needs = minimumPerUnit
        guard needs.contains(where: { $0 > 0 }) else { return }
        var available = [Int](repeating: 0, count: needs.count)
        for j in 0..<problem.candidateCount where units(of: j) >= 0 && units(of: j) < needs.count { available[units(of: j)] += 1 }
        for (u, need) in needs.enumerated() where available[u] < need {
            throw SitingError("unit #\(u) needs \(need) new site(s) to reach --min-facilities but has only \(available[u]) candidate(s) inside")
        }
        var heap = MaxHeap()
        for j in 0..<problem.candidateCount where units(of: j) >= 0 && units(of: j) < needs.count && needs[units(of: j)] > 0 {
            heap.push(greedy.gain(j, state), j)
        }
        var check = DeadlineCheck(deadline, every: 16)
        while needs.contains(where: { $0 > 0 }), let top = heap.pop() {
            if check.hasPassed() { throw timedOut(before: "every unit held --min-facilities", sites: state.chosen.count) }
            guard needs[units(of: top.item)] > 0 else { continue }
            let fresh = greedy.gain(top.item, state)
            if let next = heap.peek(), fresh < next.priority - 1e-12 {
                heap.push(fresh, top.item)
                continue
            }
            greedy.add(top.item, to: &state)
            needs[units(of: top.item)] -= 1
        }
    }

    /// The sites that meet the per-unit minimums: in each unit needing n sites, n of those inside it.
    func forcedSites(in chosen: [Int]) -> [Int] {
        var forced: [Int] = []
        for (u, need) in minimumPerUnit.enumerated() where need > 0 {
            forced += chosen.filter { units(of: $0) == u }.prefix(need)
        }
        return forced
    }

    /// What each unit still lacks of its target given what is covered in each unit.
    func unmet(_ targets: [Double], covered: [Double]) -> [Double] {
        targets.indices.map { u in max(0, targets[u] - (u < covered.count ? covered[u] : 0)) }
    }

    /// What each unit still lacks of its target after `sites`.
    func unmet(_ targets: [Double], sites: [Int]) -> [Double] {
        let greedy = GreedySolver(problem: problem)
        var state = greedy.start()
        for j in sites { greedy.add(j, to: &state) }
        return unmet(targets, covered: state.perUnit)
    }

    /// Drops sites (last chosen first) while the target stays met, then orders the rest; when the
    /// deadline passes the rest are kept (the target is still met, by perhaps more sites than needed).
    func pruned(_ chosen: [Int], forced: [Int], deadline: Deadline, meets: ([Int]) -> Bool) -> SitingSolution {
        var sites = chosen
        var finished = true
        let isForced = Set(forced)
        for j in chosen.reversed() where !isForced.contains(j) {
            if deadline.hasPassed {
                finished = false
                break
            }
            let without = sites.filter { $0 != j }
            if meets(without) { sites = without }
        }
        var solution = ordered(sites, forced: forced)
        solution.solver = "lazy greedy"
        solution.status = .feasible
        if !finished { solution.cutShort.append("pruning") }
        return solution
    }

    /// Orders a set of sites: forced ones first, then greedily by what each adds (lazily: a site's
    /// gain only shrinks as others are added). Sites that add nothing are dropped unless forced.
    func ordered(_ chosen: [Int], forced: [Int] = []) -> SitingSolution {
        let sites = withoutRedundant(chosen, forced: Set(forced))
        let greedy = GreedySolver(problem: problem)
        var state = greedy.start()
        var gains: [Double] = []
        let forcedHere = forced.filter(sites.contains)
        for j in forcedHere {
            let before = state.value
            greedy.add(j, to: &state)
            gains.append(state.value - before)
        }
        let isForced = Set(forcedHere)
        var heap = MaxHeap()
        for j in sites where !isForced.contains(j) { heap.push(greedy.gain(j, state), j) }
        while let top = heap.pop() {
            let fresh = greedy.gain(top.item, state)
            if let next = heap.peek(), fresh < next.priority - 1e-12 {
                heap.push(fresh, top.item)
                continue
            }
            guard fresh > GreedySolver.nothing else { break }  // the rest add nothing either
            let before = state.value
            greedy.add(top.item, to: &state)
            gains.append(state.value - before)
        }
        return SitingSolution(
            chosen: state.chosen, gains: gains, value: state.value, solver: "", status: .feasible, bound: nil, gap: nil,
            seconds: 0, forcedCount: forcedHere.count)
    }

    /// Without the sites each group of which another kept site reaches too (uncapacitated): the set
    /// covers the same without them, although each may have come early in the greedy order (with
    /// `--add` beyond what is useful, the exact solver's answer holds many). Forced sites stay; the
    /// last listed go first.
    func withoutRedundant(_ sites: [Int], forced: Set<Int>) -> [Int] {
        guard !problem.isCapacitated else { return sites }
        var count = [Int32](repeating: 0, count: problem.groupCount)
        for j in sites { for g in problem.groups(of: j) { count[Int(g)] += 1 } }
        var dropped = Set<Int>()
        for j in sites.reversed() where !forced.contains(j) && problem.groups(of: j).allSatisfy({ count[Int($0)] >= 2 }) {
            for g in problem.groups(of: j) { count[Int(g)] -= 1 }
            dropped.insert(j)
        }
        return sites.filter { !dropped.contains($0) }
    }

    // MARK: Exact model

    struct Built {
        var model: LinearModel
        /// Column of each candidate's x.
        var x: [Int]
        let problem: SitingProblem
        /// Column(s) of the coverage or allocation variables, for the warm start.
        var coverageColumns: [(column: Int, group: Int, candidate: Int?)]

        func start(_ chosen: [Int]) -> [Double] {
            var values = [Double](repeating: 0, count: model.columns.count)
            for j in chosen { values[x[j]] = 1 }
            if problem.isCapacitated {
                // The chosen sites serve in index order, the columns' order: a warm start only has to
                // be feasible, and this order is the one CBC has always been started from.
                var firstEntry = [Int](repeating: coverageColumns.count, count: problem.candidateCount)
                for (k, entry) in coverageColumns.enumerated().reversed() { if let j = entry.candidate { firstEntry[j] = k } }
                var allocation = CapacityAllocation(demand: problem.weights)
                for j in chosen.sorted() {
                    // A candidate's columns follow its groups, nearest first, the order it serves them in.
                    var k = firstEntry[j]
                    problem.serve(j, in: &allocation) { g, take in
                        while k < coverageColumns.count, coverageColumns[k].group != g { k += 1 }
                        if k < coverageColumns.count { values[coverageColumns[k].column] = take }
                    }
                }
            } else {
                var covered = [Bool](repeating: false, count: problem.groupCount)
                for j in chosen { for g in problem.groups(of: j) { covered[Int(g)] = true } }
                for entry in coverageColumns where covered[entry.group] { values[entry.column] = 1 }
            }
            return values
        }
    }

    /// The MILP, or nil when the deadline passes while building it (it is as large as the coverage sets).
    func buildModel(deadline: Deadline) -> Built? {
        var check = DeadlineCheck(deadline, every: 1024)
        var model = LinearModel()
        let minimizeSites: Bool = if case .add = objective { false } else { true }
        let x = (0..<problem.candidateCount).map { _ in model.addColumn(objective: minimizeSites ? 1 : 0, integer: true) }
        var coverage: [(column: Int, group: Int, candidate: Int?)] = []
        // served[g] terms: y_g (uncapacitated) or Σ_j z_gj (capacitated).
        var servedTerms = [[(column: Int, value: Double)]](repeating: [], count: problem.groupCount)
        if problem.isCapacitated {
            var perCandidate = [[(column: Int, value: Double)]](repeating: [], count: problem.candidateCount)
            for j in 0..<problem.candidateCount {
                if check.hasPassed() { return nil }
                for g in problem.groups(of: j) {
                    let z = model.addColumn(upper: problem.weights[Int(g)], objective: minimizeSites ? 0 : -1, integer: false)
                    coverage.append((z, Int(g), j))
                    servedTerms[Int(g)].append((z, 1))
                    perCandidate[j].append((z, 1))
                }
            }
            for g in 0..<problem.groupCount where !servedTerms[g].isEmpty {
                model.addRow(upper: problem.weights[g], servedTerms[g])
            }
            for j in 0..<problem.candidateCount where problem.capacities[j].isFinite {
                model.addRow(upper: 0, perCandidate[j] + [(x[j], -problem.capacities[j])])
            }
        } else {
            for g in 0..<problem.groupCount {
                if check.hasPassed() { return nil }
                let y = model.addColumn(objective: minimizeSites ? 0 : -problem.weights[g], integer: false)
                coverage.append((y, g, nil))
                servedTerms[g] = [(y, problem.weights[g])]
                model.addRow(upper: 0, [(y, 1)] + problem.candidates(of: g).map { (x[Int($0)], -1.0) })
            }
        }
        // Per-unit minimum numbers of new sites.
        for (u, need) in minimumPerUnit.enumerated() where need > 0 {
            let inside = (0..<problem.candidateCount).filter { units(of: $0) == u }.map { (x[$0], 1.0) }
            model.addRow(lower: Double(need), inside)
        }
        let forcedCount = minimumPerUnit.reduce(0, +)
        switch objective {
        case .add(let count):
            model.addRow(upper: Double(min(count, problem.candidateCount)) + Double(forcedCount), x.map { ($0, 1.0) })
        case .cover(let needed):
            model.addRow(lower: needed - 1e-6, servedTerms.flatMap { $0 })
        case .coverPerUnit(let targets):
            var perUnit = [[(column: Int, value: Double)]](repeating: [], count: targets.count)
            for g in 0..<problem.groupCount {
                let u = Int(problem.groupUnit[g])
                if u >= 0 && u < targets.count { perUnit[u] += servedTerms[g] }
            }
            for (u, target) in targets.enumerated() where target > 1e-9 {
                model.addRow(lower: target - 1e-6, perUnit[u])
            }
        }
        return Built(model: model, x: x, problem: problem, coverageColumns: coverage)
    }
}
