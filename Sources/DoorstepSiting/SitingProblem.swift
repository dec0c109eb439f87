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

    /// Weight served by a set of sites with capacities: each site serves the groups it reaches, up to
    /// its capacity, nearer groups first (groups are listed nearest first per candidate).
    public func servedWeight(_ sites: [Int]) -> Double {
        var remaining = weights
        var total = 0.0
        for j in sites {
            var room = capacities[j]
            for g in groups(of: j) where room > 0 {
                let take = min(room, remaining[Int(g)])
                remaining[Int(g)] -= take
                room -= take
                total += take
            }
        }
        return total
    }

    /// The objective of a solution: served weight with capacities, covered weight without.
    public func value(_ sites: [Int]) -> Double {
        isCapacitated ? servedWeight(sites) : coveredWeight(sites)
    }
}
