import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// How densely a lattice cell (one community) is cut by local streets.
enum CellTier: Sendable {
    /// Blocks of about 200 m: the centre.
    case dense
    /// Blocks of about 400 m: the rest of the city.
    case medium
    /// One lane through the middle of a village, north–south or east–west: blocks of 400 × 800 m,
    /// so that no house is more than about 200 m from a street.
    case villageNS, villageEW

    var isVillage: Bool { self == .villageNS || self == .villageEW }

    /// Whether the cell has a local street `offset` quarters (1…3) across it, running north–south
    /// (`vertical`) or east–west.
    func hasStreet(offset: Int, vertical: Bool) -> Bool {
        switch self {
        case .dense: true
        case .medium: offset == 2
        case .villageNS: vertical && offset == 2
        case .villageEW: !vertical && offset == 2
        }
    }
}

/// One line of the network in the generator's metres, with its OpenStreetMap tags.
struct NetworkPiece {
    var points: [Coordinate]
    var properties: JSONObject
}

/// What the street network is laid over: the city's lattice and names, all in metres from the centre.
struct NetworkInput {
    /// `lattice[i][j]`, the corners of the communities (the unit boundaries run along its lines).
    var lattice: [[Coordinate]]
    /// `tiers[ci][cj]`, one per community cell.
    var tiers: [[CellTier]]
    /// The names of roads.geojson: the nx + 1 north–south lattice lines, then the ny + 1 east–west ones.
    var roadNames: [String]
    var riverName: String
    var lakeCentre: Coordinate
    var lakeRadius: Double
    var seed: UInt64
}

/// A grid line of the fine lattice: `index` is the fine column (north–south lines) or row.
struct GridLine {
    var vertical: Bool
    var index: Int
    var edgeCount: Int
}

/// What becomes of one edge of the fine lattice.
enum EdgeFate {
    case absent
    case whole
    /// Cut by the river or the expressway: the piece from the edge's start to `before` and the one
    /// from `after` to its end are kept when at least ``NetworkBuilder/shortest`` long; `bridge` says the edge is one of
    /// the chosen crossings, whose middle becomes a separate bridge line.
    case cut(before: Coordinate?, after: Coordinate?, bridge: Barrier.Kind?)
}

/// Lays a street network over the sample city: a fine lattice of four quarters per community cell
/// whose lines are streets where the cell's tier wants them, the lattice lines themselves as the
/// main roads (they carry roads.geojson's names), a river and an expressway that cut every street
/// except the chosen bridges and overpasses, a few footpaths and a railway.
///
/// Streets meet only at fine-lattice points, which every line through them keeps as a vertex, so
/// the network connects exactly where it should; bridges and overpasses share no vertex with what
/// they cross.
struct NetworkBuilder {
    static let quarters = 4
    /// Across the barrier (metres) from where a cut street ends.
    static let riverClearance = 20.0
    static let motorwayClearance = 25.0
    /// Streets keep this far (metres) from the lake's water.
    static let lakeShore = 15.0
    /// The sine of the shallowest angle (about 20°) at which a street is cut rather than left out.
    static let steepest = 0.35
    /// Stubs of cut streets shorter than this (metres) are left out.
    static let shortest = 10.0

    let input: NetworkInput
    let nx: Int, ny: Int
    /// The last fine column and row.
    let ni: Int, nj: Int
    let points: [Coordinate]
    let river: Barrier
    /// The fine row the river flows along instead of a street.
    let riverRow: Int
    let motorway: Barrier
    let railway: [Coordinate]
    /// The fine row the railway runs along instead of a street.
    let railwayRow: Int
    let bridgeParity: Int
    var random: SplitMix64

    init(_ input: NetworkInput) {
        self.input = input
        nx = max(1, input.lattice.count - 1)
        ny = max(1, (input.lattice.first?.count ?? 2) - 1)
        ni = nx * Self.quarters
        nj = ny * Self.quarters
        // Its own stream, drawn from the seed, so that the other layers keep theirs byte for byte.
        random = SplitMix64(state: input.seed ^ 0x6E65_7477_6F72_6B21)
        points = Self.finePoints(input.lattice, nx: nx, ny: ny)
        let half = Coordinate(Double(nx) * SampleCity.cell / 2, Double(ny) * SampleCity.cell / 2)
        riverRow = (ny / 2 - random.int(0...1)) * Self.quarters + 1
        river = Barrier(
            kind: .river, points: Self.riverLine(half: half, row: riverRow, random: &random), clearance: Self.riverClearance)
        motorway = Barrier(kind: .motorway, points: Self.motorwayLine(half: half, random: &random), clearance: Self.motorwayClearance)
        railwayRow = (ny * 3 / 4 - random.int(0...1)) * Self.quarters + 3
        railway = Self.railwayLine(half: half, row: railwayRow)
        bridgeParity = random.int(0...1)
    }

    /// Every quarter point of every cell, bilinear between the cell's corners, so that the lattice
    /// lines (the main roads) stay straight between the jittered corners. Index: `i * (nj + 1) + j`.
    static func finePoints(_ lattice: [[Coordinate]], nx: Int, ny: Int) -> [Coordinate] {
        var points: [Coordinate] = []
        for i in 0...(nx * quarters) {
            for j in 0...(ny * quarters) {
                let ci = min(i / quarters, nx - 1), cj = min(j / quarters, ny - 1)
                let u = Double(i - ci * quarters) / Double(quarters), v = Double(j - cj * quarters) / Double(quarters)
                let bottom = lerp(lattice[ci][cj], lattice[ci + 1][cj], u)
                let top = lerp(lattice[ci][cj + 1], lattice[ci + 1][cj + 1], u)
                points.append(lerp(bottom, top, v))
            }
        }
        return points
    }

    /// A gently meandering river from west to east near the middle, past both edges.
    ///
    /// It takes the place of the first quarter row above a lattice line near the middle, so that
    /// the streets on either side (200 m away, jittered by up to 100 m) stay clear of its 80 m
    /// meanders: east–west streets run along its banks, and only north–south ones meet it.
    static func riverLine(half: Coordinate, row: Int, random: inout SplitMix64) -> [Coordinate] {
        let middle = Double(row) * SampleCity.cell / Double(quarters) - half.y
        let wavelength = random.uniform(3000...5000), phase = random.uniform(0...(2 * .pi))
        return evenly(from: -half.x - 300, to: half.x + 300, step: 100).map { x in
            Coordinate(x, middle + 80 * sin(2 * .pi * x / wavelength + phase))
        }
    }

    /// A straight expressway from south-west to north-east, east of the centre (the lake is in the
    /// south-west corner), a vertex every 500 m.
    static func motorwayLine(half: Coordinate, random: inout SplitMix64) -> [Coordinate] {
        let x0 = 2 * half.x * random.uniform(0.08...0.2)
        let angle = random.uniform(50...65) * .pi / 180
        let reach = (half.y + 300) / sin(angle)
        return evenly(from: -reach, to: reach, step: 500).map { s in Coordinate(x0 + s * cos(angle), s * sin(angle)) }
    }

    /// A straight railway across the north, in the place of a quarter row as the river is, so
    /// that it runs between the streets rather than along one.
    static func railwayLine(half: Coordinate, row: Int) -> [Coordinate] {
        let y = Double(row) * SampleCity.cell / Double(quarters) - half.y
        return evenly(from: -half.x - 300, to: half.x + 300, step: 500).map { x in Coordinate(x, y) }
    }

    /// Positions from `start` to `end` inclusive, at most `step` apart; unlike `stride`, the last is
    /// exactly `end`, so a barrier always reaches past the city's edge.
    static func evenly(from start: Double, to end: Double, step: Double) -> [Double] {
        let count = max(1, Int(((end - start) / step).rounded(.up)))
        return (0...count).map { start + (end - start) * Double($0) / Double(count) }
    }

    /// Every line of the network, streets first, then bridges, overpasses, footpaths, and the
    /// lines that are not walkable.
    mutating func build() -> [NetworkPiece] {
        let lines = (0...ni).map { GridLine(vertical: true, index: $0, edgeCount: nj) }
            + (0...nj).map { GridLine(vertical: false, index: $0, edgeCount: ni) }
        let fates = lines.map { line in (0..<line.edgeCount).map { fate(line, $0) } }
        var degree = degrees(lines, fates)
        let footpaths = makeFootpaths(degree: &degree)
        let islandBridge = makeIslandBridge(lines, fates, footpaths: footpaths, degree: &degree)
        var streets: [NetworkPiece] = [], bridges: [NetworkPiece] = []
        for (line, lineFates) in zip(lines, fates) {
            assemble(line, lineFates, degree: degree, streets: &streets, bridges: &bridges)
        }
        return streets + bridges + footpaths + islandBridge + barriers()
    }

    func barriers() -> [NetworkPiece] {
        [
            NetworkPiece(points: river.points, properties: ["waterway": "river", "name": .string(input.riverName)]),
            NetworkPiece(points: motorway.points, properties: ["highway": "motorway", "name": "绕城高速", "ref": "G2504"]),
            NetworkPiece(points: railway, properties: ["railway": "rail", "name": "沪杭铁路"]),
        ]
    }

    // MARK: The fine lattice

    func fineIndex(_ line: GridLine, _ k: Int) -> Int {
        line.vertical ? line.index * (nj + 1) + k : k * (nj + 1) + line.index
    }

    /// The tier of the cell `across` (counted across the line) that edge `k` runs through or beside.
    func tier(_ line: GridLine, _ k: Int, across: Int) -> CellTier {
        let along = min(k / Self.quarters, (line.vertical ? ny : nx) - 1)
        let (ci, cj) = line.vertical ? (across, along) : (along, across)
        return input.tiers[ci][cj]
    }

    func exists(_ line: GridLine, _ k: Int) -> Bool {
        if !line.vertical, line.index == riverRow || line.index == railwayRow { return false }
        let offset = line.index % Self.quarters
        return offset == 0 || tier(line, k, across: line.index / Self.quarters).hasStreet(offset: offset, vertical: line.vertical)
    }

    /// Lattice lines are the main roads: every third (a street's boundary) primary, the rest
    /// secondary, one class lower where only villages lie on either side. Quarter lines are residential.
    func highway(_ line: GridLine, _ k: Int) -> String {
        guard line.index % Self.quarters == 0 else { return "residential" }
        let number = line.index / Self.quarters
        let cells = (number - 1)...number
        let rural = cells.filter { (0..<(line.vertical ? nx : ny)).contains($0) }.allSatisfy { tier(line, k, across: $0).isVillage }
        let major = number % SampleCity.streetCells == 0
        return major ? (rural ? "secondary" : "primary") : (rural ? "tertiary" : "secondary")
    }

    /// A main road has its roads.geojson name; a quarter line is numbered after the main road
    /// before it, as Hangzhou's 文一路, 文二路, 文三路: 清云路 → 清云一路.
    func name(_ line: GridLine) -> String? {
        let number = line.index / Self.quarters, offset = line.index % Self.quarters
        let position = line.vertical ? number : nx + 1 + number
        guard input.roadNames.indices.contains(position) else { return nil }
        let road = input.roadNames[position]
        guard offset > 0, let suffix = road.last else { return road }
        return String(road.dropLast()) + ["一", "二", "三"][offset - 1] + String(suffix)
    }

    func isRiverBridge(_ line: GridLine) -> Bool {
        line.vertical && line.index % Self.quarters == 0 && (line.index / Self.quarters) % 2 == bridgeParity
    }

    func isOverpass(_ line: GridLine) -> Bool {
        line.index % Self.quarters == 0 && (line.index / Self.quarters) % SampleCity.streetCells == 0
    }

    func inLake(_ a: Coordinate, _ b: Coordinate) -> Bool {
        segmentDistance(input.lakeCentre, a, b) < input.lakeRadius + Self.lakeShore
    }

    // MARK: Edges

    func fate(_ line: GridLine, _ k: Int) -> EdgeFate {
        guard exists(line, k) else { return .absent }
        let a = points[fineIndex(line, k)], b = points[fineIndex(line, k + 1)]
        let length = distance(a, b)
        guard length > 0, !inLake(a, b) else { return .absent }
        let crossings = (river.crossings(a, b) + motorway.crossings(a, b)).sorted { $0.t < $1.t }
        guard let first = crossings.first, let last = crossings.last else { return .whole }
        // A street meeting the river or the expressway at a glancing angle would run along it,
        // half in the water: it is left out instead of cut.
        guard crossings.allSatisfy({ $0.sine >= Self.steepest }) else { return .absent }
        // A slanting crossing needs a longer cut to keep the same distance from the barrier.
        let before = first.t - clearance(first.kind) / (length * first.sine)
        let after = last.t + clearance(last.kind) / (length * last.sine)
        let kinds = Set(crossings.map(\.kind))
        let bridge: Barrier.Kind? =
            if kinds == [.river], isRiverBridge(line) { .river } else if kinds == [.motorway], isOverpass(line) { .motorway } else { nil }
        return .cut(
            before: before * length >= Self.shortest ? lerp(a, b, before) : nil,
            after: (1 - after) * length >= Self.shortest ? lerp(a, b, after) : nil,
            bridge: bridge)
    }

    func clearance(_ kind: Barrier.Kind) -> Double {
        kind == .river ? river.clearance : motorway.clearance
    }

    /// How many kept pieces end at each fine point: a point where only its own line passes
    /// (two pieces) and the line does not bend can be left out of the line's vertices.
    func degrees(_ lines: [GridLine], _ fates: [[EdgeFate]]) -> [Int] {
        var degree = [Int](repeating: 0, count: points.count)
        for (line, lineFates) in zip(lines, fates) {
            for (k, fate) in lineFates.enumerated() {
                let a = fineIndex(line, k), b = fineIndex(line, k + 1)
                switch fate {
                case .absent: break
                case .whole:
                    degree[a] += 1
                    degree[b] += 1
                case .cut(let before, let after, let bridge):
                    if before != nil || bridge != nil { degree[a] += 1 }
                    if after != nil || bridge != nil { degree[b] += 1 }
                }
            }
        }
        return degree
    }
}
