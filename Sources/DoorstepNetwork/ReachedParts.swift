import DoorstepGeometry

extension StreetNetwork {
    /// The parts of segments within `limit` network metres of some source (its access leg counted):
    /// reached from either end, and along the sources' own segments. Each part is a two-point
    /// polyline in metres; a whole segment is one part. Buffered by the trim distance, their union is
    /// the catchment (issue 9, item 6).
    ///
    /// ```swift
    /// // A 1,000 m segment with a source at one end, limit 300: one 300 m part.
    /// network.reachedParts(from: [canteen], within: 300)  // [[(0, 0), (300, 0)]]
    /// ```
    public func reachedParts(from sources: [Join], within limit: Double) -> [[Coordinate]] {
        guard limit >= 0 else { return [] }
        var state = SearchState(nodeCount: nodeCount)
        for (index, source) in sources.enumerated() {
            state.seed(source, label: Int32(index), in: self, limit: limit)
        }
        state.run(on: self, limit: limit)
        let sourcesOnSegment = Dictionary(grouping: sources, by: \.segment)
        var parts: [[Coordinate]] = []
        for segment in 0..<segmentCount {
            let reached = reachedIntervals(segment, state: state, sources: sourcesOnSegment[segment] ?? [], limit: limit)
            for (lower, upper) in reached where upper > lower {
                parts.append([point(on: segment, at: lower), point(on: segment, at: upper)])
            }
        }
        return parts
    }

    /// The reached stretches of one segment as merged [lower, upper] offsets from its `from` node.
    private func reachedIntervals(_ segment: Int, state: SearchState, sources: [Join], limit: Double) -> [(Double, Double)] {
        let length = segmentLength[segment]
        var intervals: [(Double, Double)] = []
        let fromA = limit - state.distance[Int(segmentFrom[segment])]
        if fromA >= 0 { intervals.append((0, min(length, fromA))) }
        let fromB = limit - state.distance[Int(segmentTo[segment])]
        if fromB >= 0 { intervals.append((max(0, length - fromB), length)) }
        for source in sources where source.access <= limit {
            let spot = source.fraction * length, left = limit - source.access
            intervals.append((max(0, spot - left), min(length, spot + left)))
        }
        return merged(intervals)
    }
}

/// Overlapping or touching intervals joined into one.
func merged(_ intervals: [(Double, Double)]) -> [(Double, Double)] {
    var result: [(Double, Double)] = []
    for (lower, upper) in intervals.sorted(by: { $0.0 < $1.0 }) {
        if let last = result.last, lower <= last.1 {
            result[result.count - 1].1 = max(last.1, upper)
        } else {
            result.append((lower, upper))
        }
    }
    return result
}
