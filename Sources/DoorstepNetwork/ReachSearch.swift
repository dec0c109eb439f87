/// Targets (demand points) grouped by the segment they join, so a search finds the targets of a
/// segment when it settles one of the segment's ends.
///
/// ```swift
/// let homes = TargetIndex(network.join(homeXY, snapMax: 300), segmentCount: network.segmentCount)
/// ```
public struct TargetIndex: Sendable {
    /// The joins, in the caller's order (nil: off the network, never reached).
    public let targets: [Join?]
    /// The targets on segment s are `members[start[s]..<start[s + 1]]`.
    private let start: [Int32]
    private let members: [Int32]

    public init(_ targets: [Join?], segmentCount: Int) {
        var start = [Int32](repeating: 0, count: segmentCount + 1)
        for case let join? in targets where join.segment < segmentCount { start[join.segment + 1] += 1 }
        for s in 0..<segmentCount { start[s + 1] += start[s] }
        var cursor = start
        var members = [Int32](repeating: 0, count: Int(start[segmentCount]))
        for (index, target) in targets.enumerated() {
            guard let join = target, join.segment < segmentCount else { continue }
            members[Int(cursor[join.segment])] = Int32(index)
            cursor[join.segment] += 1
        }
        self.targets = targets
        self.start = start
        self.members = members
    }

    /// The indexes of the targets joined to `segment`.
    public func targets(on segment: Int) -> ArraySlice<Int32> {
        guard segment + 1 < start.count else { return [] }
        return members[Int(start[segment])..<Int(start[segment + 1])]
    }
}

/// One target reached from a source: its index and the walking distance.
public struct Reach: Sendable, Equatable {
    public var target: Int
    public var distance: Double

    public init(target: Int, distance: Double) {
        self.target = target
        self.distance = distance
    }
}

/// Bounded single-source searches that reuse their buffers, for building a sparse reach table
/// from thousands of candidate sites. Clearing costs only what the previous search reached.
/// One per task: it is a value, so tasks each make their own.
///
/// ```swift
/// var search = ReachSearch(network: network)
/// let homes = TargetIndex(homeJoins, segmentCount: network.segmentCount)
/// for candidate in candidateJoins {
///     let reached = search.reach(from: candidate, targets: homes, within: 500)  // [Reach(target: 4, distance: 212.0), …]
/// }
/// ```
public struct ReachSearch: Sendable {
    public let network: StreetNetwork
    private var state: SearchState
    private var best: [Double] = []
    private var touchedTargets: [Int32] = []

    public init(network: StreetNetwork) {
        self.network = network
        state = SearchState(nodeCount: network.nodeCount)
    }

    /// The targets within `limit` of `source` (access legs included), ascending by target index.
    public mutating func reach(from source: Join, targets: TargetIndex, within limit: Double) -> [Reach] {
        guard limit >= 0 else { return [] }
        prepare(targetCount: targets.targets.count)
        state.seed(source, label: 0, in: network, limit: limit)
        state.run(on: network, limit: limit)
        for target in targets.targets(on: source.segment) {
            if let join = targets.targets[Int(target)] { offer(target, network.direct(source, join)) }
        }
        for node in state.touched {
            for e in network.adjacency.range(Int(node)) {
                for target in targets.targets(on: Int(network.adjacency.via[e])) {
                    if let join = targets.targets[Int(target)] { offer(target, state.arrival(at: join, in: network).distance) }
                }
            }
        }
        let result = touchedTargets.sorted().compactMap { target in
            best[Int(target)] <= limit ? Reach(target: Int(target), distance: best[Int(target)]) : nil
        }
        return result
    }

    /// Clears what the previous search left; grows the target buffer when the targets changed.
    private mutating func prepare(targetCount: Int) {
        state.reset()
        for target in touchedTargets { best[Int(target)] = .infinity }
        touchedTargets.removeAll(keepingCapacity: true)
        if best.count != targetCount { best = [Double](repeating: .infinity, count: targetCount) }
    }

    private mutating func offer(_ target: Int32, _ d: Double) {
        let t = Int(target)
        if best[t] == .infinity { touchedTargets.append(target) }
        best[t] = min(best[t], d)
    }
}
