import DoorstepCoverage
import Foundation

/// Lazy greedy for maximal covering (with or without capacities), followed by swap local search.
///
/// Greedy adds, one at a time, the candidate with the largest gain given the sites already chosen;
/// gains only shrink as sites are added (submodularity), so a stale gain at the top of the heap that
/// is still the largest after refreshing is the true best (Minoux's lazy evaluation).
struct GreedySolver {
    let problem: SitingProblem
    /// A gain at or below this adds nothing: such a site is never proposed.
    static let nothing = 1e-9

    /// State of the demand while sites are added.
    struct State {
        /// What the chosen sites serve, each in turn (``CapacityAllocation``'s rule for new sites).
        var allocation: CapacityAllocation
        var chosen: [Int] = []
        var isChosen: [Bool]
        var value: Double { allocation.served }
        /// Weight taken so far in each unit (index = unit), for per-unit targets.
        var perUnit: [Double]
    }

    func start(with fixed: [Int] = []) -> State {
        let units = Int(problem.groupUnit.max() ?? -1) + 1
        var state = State(
            allocation: CapacityAllocation(demand: problem.weights), isChosen: [Bool](repeating: false, count: problem.candidateCount),
            perUnit: [Double](repeating: 0, count: max(0, units)))
        for j in fixed { add(j, to: &state) }
        return state
    }

    func gain(_ j: Int, _ state: State) -> Double {
        var total = 0.0
        for g in problem.groups(of: j) { total += state.allocation.remaining[Int(g)] }
        return min(total, problem.capacities[j])
    }

    /// Gain counted only towards units' unmet needs (per-unit targets).
    func gain(_ j: Int, _ state: State, needs: [Double]) -> Double {
        var perUnit: [Int32: Double] = [:]
        for g in problem.groups(of: j) where state.allocation.remaining[Int(g)] > 0 {
            perUnit[problem.groupUnit[Int(g)], default: 0] += state.allocation.remaining[Int(g)]
        }
        var total = 0.0
        for (unit, weight) in perUnit where unit >= 0 && Int(unit) < needs.count { total += min(weight, needs[Int(unit)]) }
        return min(total, problem.capacities[j])
    }

    func add(_ j: Int, to state: inout State) {
        // The allocation reports to a local tally: `state` cannot be lent to it and to the closure at once.
        var perUnit: [Double] = []
        swap(&perUnit, &state.perUnit)
        problem.serve(j, in: &state.allocation) { g, take in
            let u = Int(problem.groupUnit[g])
            if u >= 0 { perUnit[u] += take }
        }
        state.perUnit = perUnit
        state.chosen.append(j)
        state.isChosen[j] = true
    }

    /// Adds sites while `keepGoing` says so, each the best by `score` (default: its gain), and never
    /// one that adds nothing. Returns false when the deadline stopped it first.
    @discardableResult
    func extend(
        _ state: inout State, score: ((Int, State) -> Double)? = nil, deadline: Deadline = Deadline(seconds: Deadline.longest),
        while keepGoing: (State) -> Bool
    ) -> Bool {
        let scoreOf = score ?? { gain($0, $1) }
        var check = DeadlineCheck(deadline, every: 64)
        var heap = MaxHeap()
        for j in 0..<problem.candidateCount where !state.isChosen[j] {
            if check.hasPassed() { return false }
            heap.push(scoreOf(j, state), j)
        }
        while keepGoing(state), let top = heap.pop() {
            if check.hasPassed() { return false }
            let fresh = scoreOf(top.item, state)
            if let next = heap.peek(), fresh < next.priority - 1e-12 {
                heap.push(fresh, top.item)  // stale: put back with its true gain
                continue
            }
            guard fresh > Self.nothing else { break }  // nothing left to gain
            add(top.item, to: &state)
        }
        return true
    }
}

/// Swap local search for `--add N`: exchange a chosen site for an unchosen one while that covers
/// more; the set's size and any forced sites stay.
struct SwapSearch {
    let problem: SitingProblem

    /// The improved sites, and whether the search ended by itself (false: the deadline stopped it).
    func improve(_ chosen: [Int], fixed: Set<Int>, deadline: Deadline) -> (sites: [Int], finished: Bool) {
        guard !problem.isCapacitated else { return improveCapacitated(chosen, fixed: fixed, deadline: deadline) }
        var sites = chosen
        var count = [Int32](repeating: 0, count: problem.groupCount)
        for j in sites { for g in problem.groups(of: j) { count[Int(g)] += 1 } }
        var isChosen = [Bool](repeating: false, count: problem.candidateCount)
        for j in sites { isChosen[j] = true }
        // gain[c]: what candidate c adds to the current set. Removing a site raises the gain of the
        // candidates that share the groups only it reaches, and only theirs: so one pass over the
        // matrix per swap, not one per site tried.
        func gains() -> [Double] {
            var gain = [Double](repeating: 0, count: problem.candidateCount)
            for c in 0..<problem.candidateCount where !isChosen[c] {
                for g in problem.groups(of: c) where count[Int(g)] == 0 { gain[c] += problem.weights[Int(g)] }
            }
            return gain
        }
        var gain = gains()
        var delta = [Double](repeating: 0, count: problem.candidateCount)
        var improved = true
        while improved {
            improved = false
            // One look at the clock per site tried: each try reads every candidate once.
            for (position, out) in sites.enumerated() where !fixed.contains(out) {
                if deadline.hasPassed { return (sites, false) }
                var loss = 0.0
                var touched: [Int] = []
                for g in problem.groups(of: out) where count[Int(g)] == 1 {
                    loss += problem.weights[Int(g)]
                    for c in problem.candidates(of: Int(g)) where !isChosen[Int(c)] {
                        if delta[Int(c)] == 0 { touched.append(Int(c)) }
                        delta[Int(c)] += problem.weights[Int(g)]
                    }
                }
                var best = (gain: loss + 1e-9, candidate: -1)
                for c in 0..<problem.candidateCount where !isChosen[c] && gain[c] + delta[c] > best.gain {
                    best = (gain[c] + delta[c], c)
                }
                for c in touched { delta[c] = 0 }
                guard best.candidate >= 0 else { continue }
                for g in problem.groups(of: out) { count[Int(g)] -= 1 }
                for g in problem.groups(of: best.candidate) { count[Int(g)] += 1 }
                isChosen[out] = false
                isChosen[best.candidate] = true
                sites[position] = best.candidate
                gain = gains()
                improved = true
            }
        }
        return (sites, true)
    }

    /// With capacities the value of a set is recomputed for each trial swap (fine for the sizes where
    /// capacities are used; bounded by the deadline).
    func improveCapacitated(_ chosen: [Int], fixed: Set<Int>, deadline: Deadline) -> (sites: [Int], finished: Bool) {
        var sites = chosen
        var value = problem.servedWeight(sites)
        var improved = true
        while improved {
            improved = false
            for position in sites.indices where !fixed.contains(sites[position]) {
                for j in 0..<problem.candidateCount where !sites.contains(j) {
                    var trial = sites
                    trial[position] = j
                    let trialValue = problem.servedWeight(trial)
                    if trialValue > value + 1e-9 {
                        sites = trial
                        value = trialValue
                        improved = true
                    }
                    if deadline.hasPassed { return (sites, false) }
                }
            }
        }
        return (sites, true)
    }
}

/// An upper bound on the best coverage with `p` sites (uncapacitated), by Lagrangian relaxation of
/// "a group counts only if a chosen site reaches it", improved by subgradient steps.
struct LagrangianBound {
    let problem: SitingProblem

    /// The bound for choosing `p` sites beyond `fixed` ones, and `lowerBound`, a known solution's value;
    /// nil when the deadline passed before a first bound; `finished` false when it stopped the steps.
    func bound(p: Int, fixed: [Int], lowerBound: Double, iterations: Int = 300, deadline: Deadline) -> (value: Double, finished: Bool)? {
        let n = problem.groupCount, m = problem.candidateCount
        // Groups already covered by the fixed sites contribute their weight outright.
        var fixedCover = [Bool](repeating: false, count: n)
        for j in fixed { for g in problem.groups(of: j) { fixedCover[Int(g)] = true } }
        let isFixed = Set(fixed)
        var base = 0.0
        for g in 0..<n where fixedCover[g] { base += problem.weights[g] }
        var lambda = (0..<n).map { fixedCover[$0] ? 0 : problem.weights[$0] / 2 }
        // No bound can exceed all the weight there is.
        let openWeight = (0..<n).reduce(0.0) { $0 + (fixedCover[$1] ? 0 : problem.weights[$1]) }
        var best = Double.infinity
        var stalled = 0
        var step = 2.0
        var scores = [Double](repeating: 0, count: m)
        var steps = 0
        var finished = true
        for _ in 0..<iterations {
            // Each step reads the whole matrix: look at the clock every time.
            if deadline.hasPassed {
                finished = false
                break
            }
            var value = base
            for g in 0..<n where !fixedCover[g] { value += max(0, problem.weights[g] - lambda[g]) }
            for j in 0..<m {
                var s = 0.0
                for g in problem.groups(of: j) where !fixedCover[Int(g)] { s += lambda[Int(g)] }
                scores[j] = isFixed.contains(j) ? -1 : s
            }
            let top = topIndices(scores, p)
            for j in top { value += scores[j] }
            let previous = best
            best = min(best, value, base + openWeight)
            if best - lowerBound <= 1e-9 * max(1, best) { break }
            // Stop when the bound has stopped improving: more steps would only cost time.
            stalled = best < previous - 1e-6 * max(1, best) ? 0 : stalled + 1
            if stalled >= 40 { break }
            // Subgradient: y_g − Σ x_j over g's candidates.
            var chosenCount = [Int32](repeating: 0, count: n)
            for j in top { for g in problem.groups(of: j) { chosenCount[Int(g)] += 1 } }
            var norm = 0.0
            var sub = [Double](repeating: 0, count: n)
            for g in 0..<n where !fixedCover[g] {
                let y = problem.weights[g] - lambda[g] > 0 ? 1.0 : 0.0
                sub[g] = y - Double(chosenCount[g])
                norm += sub[g] * sub[g]
            }
            guard norm > 0 else { break }
            let t = step * (value - lowerBound) / norm
            for g in 0..<n where !fixedCover[g] { lambda[g] = min(problem.weights[g], max(0, lambda[g] + t * sub[g])) }
            if steps % 30 == 29 { step /= 2 }
            steps += 1
        }
        return best.isFinite ? (best, finished) : nil
    }

    func topIndices(_ values: [Double], _ k: Int) -> [Int] {
        guard k > 0 else { return [] }
        if k >= values.count { return Array(values.indices) }
        return values.indices.sorted { values[$0] > values[$1] }.prefix(k).map { $0 }
    }
}

/// A binary max-heap of (priority, item).
struct MaxHeap {
    private var storage: [(priority: Double, item: Int)] = []

    mutating func push(_ priority: Double, _ item: Int) {
        storage.append((priority, item))
        var i = storage.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard storage[parent].priority < storage[i].priority else { break }
            storage.swapAt(parent, i)
            i = parent
        }
    }

    func peek() -> (priority: Double, item: Int)? { storage.first }

    mutating func pop() -> (priority: Double, item: Int)? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let top = storage.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var largest = i
            if l < storage.count, storage[l].priority > storage[largest].priority { largest = l }
            if r < storage.count, storage[r].priority > storage[largest].priority { largest = r }
            guard largest != i else { break }
            storage.swapAt(i, largest)
            i = largest
        }
        return top
    }
}
