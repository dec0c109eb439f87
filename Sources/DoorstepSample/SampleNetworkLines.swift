import DoorstepGeoJSON
import DoorstepGeometry

/// A street line being collected along a grid line: its vertices, the fine point each one is (nil
/// for the end of a cut street), and its class.
struct StreetRun {
    var points: [Coordinate] = []
    var fine: [Int?] = []
    var highway = ""

    mutating func append(_ point: Coordinate, fine index: Int?) {
        points.append(point)
        fine.append(index)
    }
}

extension NetworkBuilder {
    // MARK: Streets and bridges

    /// Joins a grid line's kept edges into street lines. A line ends where the street class
    /// changes (the next begins at the same point, so they connect) and where a barrier cuts it;
    /// a chosen crossing becomes its own bridge line, sharing the cut ends' vertices.
    func assemble(_ line: GridLine, _ fates: [EdgeFate], degree: [Int], streets: inout [NetworkPiece], bridges: inout [NetworkPiece]) {
        var run = StreetRun()
        for (k, fate) in fates.enumerated() {
            let a = fineIndex(line, k), b = fineIndex(line, k + 1)
            switch fate {
            case .absent:
                flush(&run, line, degree, into: &streets)
            case .whole:
                extend(&run, from: a, highway: highway(line, k), line, degree, into: &streets)
                run.append(points[b], fine: b)
            case .cut(let before, let after, let bridge):
                if let before {
                    extend(&run, from: a, highway: highway(line, k), line, degree, into: &streets)
                    run.append(before, fine: nil)
                }
                flush(&run, line, degree, into: &streets)
                if let bridge {
                    bridges.append(bridgePiece(line, k, from: before ?? points[a], to: after ?? points[b], kind: bridge))
                }
                if let after {
                    run.highway = highway(line, k)
                    run.append(after, fine: nil)
                    run.append(points[b], fine: b)
                }
            }
        }
        flush(&run, line, degree, into: &streets)
    }

    /// Makes sure the run can take an edge of class `highway` starting at fine point `start`.
    private func extend(
        _ run: inout StreetRun, from start: Int, highway: String, _ line: GridLine, _ degree: [Int], into streets: inout [NetworkPiece]
    ) {
        if !run.points.isEmpty, run.highway != highway { flush(&run, line, degree, into: &streets) }
        if run.points.isEmpty {
            run.highway = highway
            run.append(points[start], fine: start)
        }
    }

    /// Emits the run as a street and starts afresh. Vertices where nothing else meets the line and
    /// the line does not bend (it bends only on the lattice lines) are left out: they change nothing.
    private func flush(_ run: inout StreetRun, _ line: GridLine, _ degree: [Int], into streets: inout [NetworkPiece]) {
        defer { run = StreetRun() }
        guard run.points.count >= 2 else { return }
        let last = run.points.count - 1
        let kept = run.points.indices.filter { i in
            guard i > 0, i < last, let f = run.fine[i] else { return true }
            let along = line.vertical ? f % (nj + 1) : f / (nj + 1)
            return degree[f] != 2 || along % Self.quarters == 0
        }
        var properties: JSONObject = ["highway": .string(run.highway)]
        if let name = name(line) { properties["name"] = .string(name) }
        streets.append(NetworkPiece(points: kept.map { run.points[$0] }, properties: properties))
    }

    /// A river bridge (secondary, as the bureau's bridges are) or an expressway overpass (the
    /// street's own class), raised a layer as OpenStreetMap draws them.
    func bridgePiece(_ line: GridLine, _ k: Int, from start: Coordinate, to end: Coordinate, kind: Barrier.Kind) -> NetworkPiece {
        var properties: JSONObject = ["highway": .string(kind == .river ? "secondary" : highway(line, k))]
        if let name = name(line) { properties["name"] = .string(name) }
        properties["bridge"] = "yes"
        properties["layer"] = "1"
        return NetworkPiece(points: [start, end], properties: properties)
    }

    // MARK: Footpaths

    /// Diagonal footways across about 3 % of the centre's blocks (the first one private, `foot=no`)
    /// and paths across about 5 % of the villages, each from corner to corner of a block, so that it
    /// meets the streets at their shared corners and crosses none.
    mutating func makeFootpaths(degree: inout [Int]) -> [NetworkPiece] {
        var paths: [NetworkPiece] = []
        var privateMade = false
        for ci in 0..<nx {
            for cj in 0..<ny {
                for (a, b) in footpathCandidates(ci, cj) where accepts(a, b, degree) {
                    let properties: JSONObject
                    if input.tiers[ci][cj].isVillage {
                        properties = ["highway": "path"]
                    } else if !privateMade {
                        properties = ["highway": "footway", "foot": "no", "access": "private"]
                        privateMade = true
                    } else {
                        properties = ["highway": "footway"]
                    }
                    degree[a] += 1
                    degree[b] += 1
                    paths.append(NetworkPiece(points: [points[a], points[b]], properties: properties))
                }
            }
        }
        return paths
    }

    /// The fine points a footpath would join in cell (ci, cj). Draws the same random numbers
    /// whatever it chooses, so that one cell's choice does not move the next cell's.
    private mutating func footpathCandidates(_ ci: Int, _ cj: Int) -> [(Int, Int)] {
        let i0 = ci * Self.quarters, j0 = cj * Self.quarters
        func at(_ i: Int, _ j: Int) -> Int { i * (nj + 1) + j }
        switch input.tiers[ci][cj] {
        case .dense:
            return (0..<(Self.quarters * Self.quarters)).compactMap { block in
                let chosen = random.unit() < 0.03, flip = random.unit() < 0.5
                guard chosen else { return nil }
                let i = i0 + block % Self.quarters, j = j0 + block / Self.quarters
                return flip ? (at(i + 1, j), at(i, j + 1)) : (at(i, j), at(i + 1, j + 1))
            }
        case .villageNS, .villageEW:
            let chosen = random.unit() < 0.05, half = random.int(0...1) * 2
            guard chosen else { return [] }
            return input.tiers[ci][cj] == .villageNS ? [(at(i0 + half, j0), at(i0 + half + 2, j0 + 4))] : [(at(i0, j0 + half), at(i0 + 4, j0 + half + 2))]
        case .medium:
            return []
        }
    }

    /// A footpath must start and end on a street and cross neither the river, the expressway nor the lake.
    private func accepts(_ a: Int, _ b: Int, _ degree: [Int]) -> Bool {
        let p = points[a], q = points[b]
        return degree[a] > 0 && degree[b] > 0 && !inLake(p, q) && river.crossings(p, q).isEmpty && motorway.crossings(p, q).isEmpty
    }

    /// A footbridge (湖心桥) from the lake's island to the nearest street corner it can reach
    /// without crossing a street, so that the island's houses are on the network.
    mutating func makeIslandBridge(_ lines: [GridLine], _ fates: [[EdgeFate]], footpaths: [NetworkPiece], degree: inout [Int]) -> [NetworkPiece] {
        let centre = input.lakeCentre
        let candidates = points.indices.filter { degree[$0] > 0 }
            .sorted { (distance(points[$0], centre), $0) < (distance(points[$1], centre), $1) }
        let kept = keptSegments(lines, fates) + footpaths.map { ($0.points[0], $0.points[$0.points.count - 1]) }
        for c in candidates.prefix(40) {
            let p = points[c], length = distance(centre, p)
            guard river.crossings(centre, p).isEmpty, motorway.crossings(centre, p).isEmpty else { continue }
            // Lines ending at the corner itself meet the bridge there; any other hit is a crossing.
            let blocked = kept.contains { segment in
                guard let hit = segmentCrossing(centre, p, segment.0, segment.1) else { return false }
                return (1 - hit.t) * length > 0.01
            }
            guard !blocked else { continue }
            degree[c] += 1
            return [NetworkPiece(points: [centre, p], properties: ["highway": "footway", "name": "湖心桥", "bridge": "yes"])]
        }
        return []
    }

    /// Every kept piece of street and bridge as a segment.
    func keptSegments(_ lines: [GridLine], _ fates: [[EdgeFate]]) -> [(Coordinate, Coordinate)] {
        var segments: [(Coordinate, Coordinate)] = []
        for (line, lineFates) in zip(lines, fates) {
            for (k, fate) in lineFates.enumerated() {
                let a = points[fineIndex(line, k)], b = points[fineIndex(line, k + 1)]
                switch fate {
                case .absent: break
                case .whole: segments.append((a, b))
                case .cut(let before, let after, let bridge):
                    if let before { segments.append((a, before)) }
                    if let after { segments.append((after, b)) }
                    if bridge != nil { segments.append((before ?? a, after ?? b)) }
                }
            }
        }
        return segments
    }
}
