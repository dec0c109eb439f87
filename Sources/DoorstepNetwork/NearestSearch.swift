/// The nearest source of a target and its walking distance.
public struct NearestSource: Sendable, Equatable {
    /// Index into the sources passed.
    public var source: Int
    /// Metres: both access legs and the path along the network.
    public var distance: Double

    public init(source: Int, distance: Double) {
        self.source = source
        self.distance = distance
    }
}

extension StreetNetwork {
    /// For each target, the distance (access legs included) to the nearest source within `limit`,
    /// or nil: off the network (nil join) or farther. One bounded multi-source search, whatever the
    /// number of sources: O((V + E) log V) plus the targets.
    ///
    /// ```swift
    /// let canteens = network.join(canteenXY, snapMax: 300).compactMap { $0 }
    /// let homes = network.join(homeXY, snapMax: 300)
    /// network.nearestDistances(from: canteens, to: homes, within: 500)  // [120.5, nil, …]
    /// ```
    public func nearestDistances(from sources: [Join], to targets: [Join?], within limit: Double) -> [Double?] {
        nearestSources(from: sources, to: targets, within: limit).map { $0?.distance }
    }

    /// As ``nearestDistances(from:to:within:)``, also naming the nearest source (ties to whichever
    /// the search settled first).
    ///
    /// ```swift
    /// network.nearestSources(from: canteens, to: homes, within: 500)[0]  // NearestSource(source: 2, distance: 120.5)
    /// ```
    public func nearestSources(from sources: [Join], to targets: [Join?], within limit: Double) -> [NearestSource?] {
        guard limit >= 0 else { return targets.map { _ in nil } }
        var state = SearchState(nodeCount: nodeCount)
        for (index, source) in sources.enumerated() {
            state.seed(source, label: Int32(index), in: self, limit: limit)
        }
        state.run(on: self, limit: limit)
        let sourcesOnSegment = Dictionary(grouping: sources.indices, by: { sources[$0].segment })
        return targets.map { target in
            guard let target else { return nil }
            var (best, source) = state.arrival(at: target, in: self)
            for index in sourcesOnSegment[target.segment] ?? [] {
                let d = direct(sources[index], target)
                if d < best { (best, source) = (d, Int32(index)) }
            }
            return best <= limit && source >= 0 ? NearestSource(source: Int(source), distance: best) : nil
        }
    }

    /// The walking distance between two joins, or nil when it exceeds `limit` (or they are not connected).
    ///
    /// ```swift
    /// network.distance(from: home, to: canteen, within: 5_000)  // 1_400.0
    /// ```
    public func distance(from source: Join, to target: Join, within limit: Double = .infinity) -> Double? {
        nearestDistances(from: [source], to: [target], within: limit)[0]
    }
}
