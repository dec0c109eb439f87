import DoorstepCoverage
import DoorstepGeometry
import Foundation

/// A maximal-covering siting problem in compact form: demand groups with weights, candidates, and
/// which candidates reach which groups (sparse, both ways).
///
/// Demand points reached by exactly the same candidates are merged into one group, which is what keeps
/// the exact model small: a city's 300,000 points typically become a few tens of thousands of groups.
public struct SitingProblem: Sendable {
    /// Weight (elderly not yet covered) of each group.
    public var weights: [Double]
    /// Candidates reaching group g: `groupCandidates[groupStart[g]..<groupStart[g + 1]]`.
    public var groupStart: [Int]
    public var groupCandidates: [Int32]
    /// Groups reached by candidate j: `candidateGroups[candidateStart[j]..<candidateStart[j + 1]]`.
    public var candidateStart: [Int]
    public var candidateGroups: [Int32]
    /// Elderly a candidate can serve (capacity × turnover); `.infinity` when capacity is not modelled.
    public var capacities: [Double]
    /// The unit (at the planning level) of each group and each candidate; -1 for none.
    public var groupUnit: [Int32]
    public var candidateUnit: [Int32]

    public var groupCount: Int { weights.count }
    public var candidateCount: Int { capacities.count }
    public var isCapacitated: Bool { capacities.contains { $0.isFinite } }

    /// Builds the problem from each candidate's list of (group) indexes it reaches.
    public init(weights: [Double], reach: [[Int]], capacities: [Double]? = nil, groupUnit: [Int32]? = nil, candidateUnit: [Int32]? = nil) {
        self.weights = weights
        self.capacities = capacities ?? Array(repeating: .infinity, count: reach.count)
        self.groupUnit = groupUnit ?? Array(repeating: -1, count: weights.count)
        self.candidateUnit = candidateUnit ?? Array(repeating: -1, count: reach.count)
        candidateStart = [0]
        candidateGroups = []
        var perGroup = [[Int32]](repeating: [], count: weights.count)
        for (j, groups) in reach.enumerated() {
            for g in groups {
                candidateGroups.append(Int32(g))
                perGroup[g].append(Int32(j))
            }
            candidateStart.append(candidateGroups.count)
        }
        groupStart = [0]
        groupCandidates = []
        for list in perGroup {
            groupCandidates += list
            groupStart.append(groupCandidates.count)
        }
    }

    func groups(of j: Int) -> ArraySlice<Int32> { candidateGroups[candidateStart[j]..<candidateStart[j + 1]] }
    func candidates(of g: Int) -> ArraySlice<Int32> { groupCandidates[groupStart[g]..<groupStart[g + 1]] }

    /// Newly covered weight of a set of sites, without capacities.
    public func coveredWeight(_ sites: some Sequence<Int>) -> Double {
        var covered = [Bool](repeating: false, count: groupCount)
        var total = 0.0
        for j in sites {
            for g in groups(of: j) where !covered[Int(g)] {
                covered[Int(g)] = true
                total += weights[Int(g)]
            }
        }
        return total
    }

    /// Weight served by a set of sites with capacities: each site in turn serves the groups it reaches,
    /// nearer groups first (groups are listed nearest first per candidate), up to its capacity — the
    /// rule of ``CapacityAllocation``, each site a stage of its own in the order given.
    public func servedWeight(_ sites: [Int]) -> Double {
        var allocation = CapacityAllocation(demand: weights)
        for j in sites { allocation.serve(groups(of: j), room: capacities[j]) }
        return allocation.served
    }

    /// Site `j` serving after those already in `allocation`: its groups nearest first, up to its
    /// capacity. `taken(group, weight)` hears what it serves.
    @discardableResult
    func serve(_ j: Int, in allocation: inout CapacityAllocation, taken: (Int, Double) -> Void) -> Double {
        allocation.serve(groups(of: j), room: capacities[j], taken: taken)
    }

    /// The objective of a solution: served weight with capacities, covered weight without.
    public func value(_ sites: [Int]) -> Double {
        isCapacitated ? servedWeight(sites) : coveredWeight(sites)
    }
}

/// Builds a ``SitingProblem`` from the distance model's reach table: open demand points reached by
/// exactly the same candidates (and in the same unit) become one group; each candidate lists its
/// groups nearest first (by the group's first point).
struct ProblemBuilder {
    var radius: Double
    /// At most this many (group, candidate) links: the model's memory grows with them.
    var linkLimit: Int
    /// The spacing of generated candidates, for the advice when the model is too large.
    var spacing: Double?

    func build(
        open: [Double], reach: ReachTable, demandUnit: [Int32], candidateUnit: [Int32], capacities: [Double], clock: inout PhaseClock
    ) throws(SitingError) -> SitingProblem {
        let phase = "linking the elderly to the candidates within \(SitingRequest.number(radius)) m"
        let reaching = try candidatesReaching(open: open, reach: reach, clock: &clock, phase: phase)
        var groupOf: [[Int32]: Int] = [:]
        var weights: [Double] = [], groupUnit: [Int32] = []
        var links = [[(group: Int, distance: Double)]](repeating: [], count: reach.siteCount)
        var linkCount = 0
        for i in open.indices where open[i] > 0 && reaching.start[i] < reaching.start[i + 1] {
            try clock.check(phase)
            let range = reaching.start[i]..<reaching.start[i + 1]
            let key = Array(reaching.sites[range]) + [demandUnit[i]]
            if let g = groupOf[key] {
                weights[g] += open[i]
                continue
            }
            linkCount += range.count
            guard linkCount <= linkLimit else { throw tooLarge(links: linkCount, groups: weights.count + 1) }
            let g = weights.count
            groupOf[key] = g
            weights.append(open[i])
            groupUnit.append(demandUnit[i])
            for k in range { links[Int(reaching.sites[k])].append((g, reaching.distances[k])) }
        }
        // Nearest first matters only to capacities (a site serves its nearest groups first); the sort
        // is the costliest step after linking, so it is skipped without them.
        var ordered: [[Int]] = []
        ordered.reserveCapacity(links.count)
        let capacitated = capacities.contains { $0.isFinite }
        for list in links {
            try clock.check(phase)
            ordered.append(capacitated ? list.sorted { $0.distance < $1.distance }.map(\.group) : list.map(\.group))
        }
        return SitingProblem(weights: weights, reach: ordered, capacities: capacities, groupUnit: groupUnit, candidateUnit: candidateUnit)
    }

    /// The reach table turned round: per open demand point, the candidates reaching it (ascending) and
    /// their distances, in compressed rows.
    func candidatesReaching(
        open: [Double], reach: ReachTable, clock: inout PhaseClock, phase: String
    ) throws(SitingError) -> (start: [Int], sites: [Int32], distances: [Double]) {
        var start = [Int](repeating: 0, count: open.count + 1)
        for j in 0..<reach.siteCount {
            try clock.check(phase)
            for (i, _) in reach.reached(by: j) where open[Int(i)] > 0 { start[Int(i) + 1] += 1 }
        }
        for i in open.indices { start[i + 1] += start[i] }
        var fill = start
        var sites = [Int32](repeating: 0, count: start[open.count]), distances = [Double](repeating: 0, count: start[open.count])
        for j in 0..<reach.siteCount {
            try clock.check(phase)
            for (i, d) in reach.reached(by: j) where open[Int(i)] > 0 {
                sites[fill[Int(i)]] = Int32(j)
                distances[fill[Int(i)]] = d
                fill[Int(i)] += 1
            }
        }
        return (start, sites, distances)
    }

    func tooLarge(links: Int, groups: Int) -> SitingError {
        let perPoint = links / max(1, groups)
        let advice =
            spacing.map { "use a coarser --candidate-spacing than \(SitingRequest.number($0)) m (the default is half the radius)" }
            ?? "use fewer candidates"
        return SitingError(
            "the model would link more than \(linkLimit) (elderly, candidate) pairs: each elderly point is within \(SitingRequest.number(radius)) m of about \(perPoint) candidates; \(advice)")
    }
}
