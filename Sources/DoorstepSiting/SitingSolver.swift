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
    /// adding most given the earlier ones.
    public var chosen: [Int]
    /// What each chosen site adds given the earlier ones.
    public var gains: [Double]
    /// Newly covered (or, with capacities, served) weight.
    public var value: Double
    /// "exact MILP (COIN-OR CBC 2.10.8)" or "lazy greedy + swap local search".
    public var solver: String
    public var status: SolverOutcome.Status
    /// Best proven bound on the objective (covered weight for `add`, number of sites for targets).
    public var bound: Double?
    /// Relative gap between the answer and the bound (0 when optimal).
    public var gap: Double?
    public var seconds: Double
}

/// Solves a `SitingProblem` for an objective, with per-unit minimum counts of new sites.
public struct SitingSolver: Sendable {
    public var problem: SitingProblem
    public var objective: SitingObjective
    /// New sites required inside each unit (index = unit), from `--min-facilities`.
    public var minimumPerUnit: [Int]
    public var choice: SolverChoice
    public var timeLimit: Double
    /// Above this many nonzeros `auto` does not start the exact solver.
    public var exactSizeLimit = 2_000_000

    public init(problem: SitingProblem, objective: SitingObjective, minimumPerUnit: [Int] = [], choice: SolverChoice = .auto, timeLimit: Double = 60) {
        self.problem = problem
        self.objective = objective
        self.minimumPerUnit = minimumPerUnit
        self.choice = choice
        self.timeLimit = timeLimit
    }

    public func solve() throws(SitingError) -> SitingSolution {
        let started = Date()
        let deadline = started.addingTimeInterval(timeLimit)
        let heuristic = try runHeuristic(deadline: deadline)
        var solution = heuristic
        let model = buildModel()
        let useExact = choice == .exact || (choice == .auto && model.model.nonzeros <= exactSizeLimit)
        if useExact {
            let remaining = max(0.5, timeLimit - Date().timeIntervalSince(started))
            let outcome = CBC.minimize(model.model, timeLimit: remaining, start: model.start(heuristic.chosen))
            switch outcome.status {
            case .infeasible:
                if choice == .exact {
                    throw SitingError("the exact solver finds no set of candidates that meets the constraints")
                }
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
                if outcome.status == .optimal { picked.gap = 0 }
                solution = picked
            }
        }
        solution.seconds = Date().timeIntervalSince(started)
        return solution
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
        guard let bound else { return nil }
        switch objective {
        case .add: return solution.value > 0 ? max(0, (bound - solution.value) / bound) : (bound > 0 ? 1 : 0)
        case .cover, .coverPerUnit:
            let count = Double(solution.chosen.count)
            return count > 0 ? max(0, (count - bound.rounded(.up)) / count) : 0
        }
    }

    // MARK: Heuristic

    func units(of j: Int) -> Int { Int(problem.candidateUnit[j]) }

    func runHeuristic(deadline: Date) throws(SitingError) -> SitingSolution {
        let greedy = GreedySolver(problem: problem)
        var state = greedy.start()
        // 1. Units that must hold more facilities of the kind get their best candidates first.
        var needs = minimumPerUnit
        for (u, need) in needs.enumerated() where need > 0 {
            let available = (0..<problem.candidateCount).filter { units(of: $0) == u }.count
            if available < need {
                throw SitingError("unit #\(u) needs \(need) new site(s) to reach --min-facilities but has only \(available) candidate(s) inside")
            }
        }
        // Each time the candidate adding most among those in units still short, until none is short.
        while needs.contains(where: { $0 > 0 }) {
            var best: (gain: Double, candidate: Int)?
            for j in 0..<problem.candidateCount where !state.isChosen[j] {
                let u = units(of: j)
                guard u >= 0, u < needs.count, needs[u] > 0 else { continue }
                let gain = greedy.gain(j, state)
                if best == nil || gain > best!.gain { best = (gain, j) }
            }
            guard let best else { break }  // cannot happen: availability was checked above
            greedy.add(best.candidate, to: &state)
            needs[units(of: best.candidate)] -= 1
        }
        let forced = state.chosen
        // 2. The objective.
        switch objective {
        case .add(let count):
            greedy.extend(&state, while: { $0.chosen.count < forced.count + count })
            let improved = SwapSearch(problem: problem).improve(state.chosen, fixed: Set(forced), deadline: deadline)
            var solution = ordered(improved, forced: forced)
            solution.solver = "lazy greedy + swap local search"
            if !problem.isCapacitated {
                let bound = LagrangianBound(problem: problem).bound(p: count, fixed: forced, lowerBound: solution.value, deadline: deadline.addingTimeInterval(-0.001))
                solution.bound = max(bound, solution.value)
                solution.gap = gap(solution, bound: solution.bound)
                solution.status = (solution.gap ?? 1) <= 1e-9 ? .optimal : .feasible
            } else {
                solution.status = .feasible
            }
            return solution
        case .cover(let needed):
            greedy.extend(&state, while: { $0.value < needed - 1e-9 })
            guard state.value >= needed - 1e-9 else {
                throw SitingError(String(format: "the target cannot be reached with these candidates: all of them together newly cover %.0f of the %.0f elderly needed", problem.value(Array(0..<problem.candidateCount)), needed))
            }
            return pruned(state.chosen, forced: forced) { problem.value($0) >= needed - 1e-9 }
        case .coverPerUnit(let targets):
            var remainingNeeds = targets
            let total = { (needs: [Double]) in needs.reduce(0) { $0 + max(0, $1) } }
            greedy.extend(&state, score: { greedy.gain($0, $1, needs: remainingNeeds) }) { state in
                remainingNeeds = self.unmet(targets, sites: state.chosen)
                return total(remainingNeeds) > 1e-9
            }
            let unmetNeeds = unmet(targets, sites: state.chosen)
            guard total(unmetNeeds) <= 1e-9 else {
                let short = unmetNeeds.enumerated().filter { $0.element > 1e-9 }
                throw SitingError(String(format: "the target cannot be reached in %d unit(s) with these candidates (%.0f elderly short in all); first: unit #%d, %.0f short", short.count, total(unmetNeeds), short[0].offset, short[0].element))
            }
            return pruned(state.chosen, forced: forced) { total(self.unmet(targets, sites: $0)) <= 1e-9 }
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

    /// What each unit still lacks of its target after `sites`.
    func unmet(_ targets: [Double], sites: [Int]) -> [Double] {
        var covered = [Double](repeating: 0, count: targets.count)
        var remaining = problem.weights
        for j in sites {
            var room = problem.capacities[j]
            for g in problem.groups(of: j) where room > 0 {
                let take = min(room, remaining[Int(g)])
                remaining[Int(g)] -= take
                room -= take
                let u = Int(problem.groupUnit[Int(g)])
                if u >= 0 && u < covered.count { covered[u] += take }
            }
        }
        return zip(targets, covered).map { max(0, $0 - $1) }
    }

    /// Drops sites (last chosen first) while the target stays met, then orders the rest.
    func pruned(_ chosen: [Int], forced: [Int], meets: ([Int]) -> Bool) -> SitingSolution {
        var sites = chosen
        for j in chosen.reversed() where !forced.contains(j) {
            let without = sites.filter { $0 != j }
            if meets(without) { sites = without }
        }
        var solution = ordered(sites, forced: forced)
        solution.solver = "lazy greedy"
        solution.status = .feasible
        return solution
    }

    /// Orders a set of sites: forced ones first, then greedily by what each adds.
    func ordered(_ sites: [Int], forced: [Int] = []) -> SitingSolution {
        let greedy = GreedySolver(problem: problem)
        var state = greedy.start()
        var gains: [Double] = []
        let forcedHere = forced.filter(sites.contains)
        for j in forcedHere {
            let before = state.value
            greedy.add(j, to: &state)
            gains.append(state.value - before)
        }
        var rest = sites.filter { !forcedHere.contains($0) }
        while !rest.isEmpty {
            let best = rest.indices.max { greedy.gain(rest[$0], state) < greedy.gain(rest[$1], state) }!
            let before = state.value
            greedy.add(rest[best], to: &state)
            gains.append(state.value - before)
            rest.remove(at: best)
        }
        return SitingSolution(chosen: state.chosen, gains: gains, value: state.value, solver: "", status: .feasible, bound: nil, gap: nil, seconds: 0)
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
                var remaining = problem.weights
                var room = problem.capacities
                for entry in coverageColumns {
                    guard let j = entry.candidate, values[x[j]] > 0.5 else { continue }
                    let take = min(room[j], remaining[entry.group])
                    values[entry.column] = take
                    room[j] -= take
                    remaining[entry.group] -= take
                }
            } else {
                var covered = [Bool](repeating: false, count: problem.groupCount)
                for j in chosen { for g in problem.groups(of: j) { covered[Int(g)] = true } }
                for entry in coverageColumns where covered[entry.group] { values[entry.column] = 1 }
            }
            return values
        }
    }

    func buildModel() -> Built {
        var model = LinearModel()
        let minimizeSites: Bool = if case .add = objective { false } else { true }
        let x = (0..<problem.candidateCount).map { _ in model.addColumn(objective: minimizeSites ? 1 : 0, integer: true) }
        var coverage: [(column: Int, group: Int, candidate: Int?)] = []
        // served[g] terms: y_g (uncapacitated) or Σ_j z_gj (capacitated).
        var servedTerms = [[(column: Int, value: Double)]](repeating: [], count: problem.groupCount)
        if problem.isCapacitated {
            var perCandidate = [[(column: Int, value: Double)]](repeating: [], count: problem.candidateCount)
            for j in 0..<problem.candidateCount {
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
            model.addRow(upper: Double(count + forcedCount), x.map { ($0, 1.0) })
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
