import DoorstepGeometry

/// A grid of jittered hexagons (pointy top, odd rows shifted half a hexagon east), in metres
/// around the origin: the cells the county's units are made of.
///
/// Three hexagons meet at every vertex, so a connected set of hexagons always has a valid outline:
/// it cannot touch itself at a point. Neighbouring hexagons share their vertices, so units built
/// from them share their edges exactly.
struct HexGrid {
    let columns: Int, rows: Int
    let side: Double
    /// Subtracted from the regular positions, so that the grid is centred on the origin.
    let offset: Coordinate
    /// Two per (c, r) for c in -1...columns and r in -1...rows: the north corner, then the south one.
    private(set) var vertices: [Coordinate] = []
    /// Six per hexagon, in edge order (see ``neighbour(_:_:)``), -1 off the grid.
    private(set) var neighbours: [Int] = []

    var count: Int { columns * rows }

    init(columns: Int, rows: Int, side: Double, jitter: Double, random: inout SplitMix64) {
        self.columns = columns
        self.rows = rows
        self.side = side
        offset = Coordinate(side * 3.0.squareRoot() * (Double(columns) - 0.5) / 2, 1.5 * side * Double(rows - 1) / 2)
        vertices.reserveCapacity((columns + 2) * (rows + 2) * 2)
        for r in -1...rows {
            for c in -1...columns {
                let centre = regularCentre(c, r)
                for dy in [side, -side] {
                    let dx = random.uniform(-jitter...jitter), jy = random.uniform(-jitter...jitter)
                    vertices.append(Coordinate(centre.x + dx, centre.y + dy + jy))
                }
            }
        }
        neighbours.reserveCapacity(count * 6)
        for h in 0..<count {
            let (c, r) = (h % columns, h / columns)
            for (nc, nr) in Self.neighbourCells(c, r) {
                neighbours.append(nc >= 0 && nc < columns && nr >= 0 && nr < rows ? nr * columns + nc : -1)
            }
        }
    }

    func regularCentre(_ c: Int, _ r: Int) -> Coordinate {
        Coordinate(side * 3.0.squareRoot() * (Double(c) + (r & 1 == 1 ? 0.5 : 0)) - offset.x, 1.5 * side * Double(r) - offset.y)
    }

    func centre(_ h: Int) -> Coordinate { regularCentre(h % columns, h / columns) }

    func cell(_ c: Int, _ r: Int) -> Int { r * columns + c }

    /// The cells across edges 0…5: north-east, north-west, west, south-west, south-east, east.
    static func neighbourCells(_ c: Int, _ r: Int) -> [(Int, Int)] {
        let odd = r & 1 == 1 ? 1 : 0
        return [(c + odd, r + 1), (c - 1 + odd, r + 1), (c - 1, r), (c - 1 + odd, r - 1), (c + odd, r - 1), (c + 1, r)]
    }

    func neighbour(_ h: Int, _ edge: Int) -> Int { neighbours[h * 6 + edge] }

    private func vertexIndex(_ c: Int, _ r: Int, south: Bool) -> Int { ((r + 1) * (columns + 2) + (c + 1)) * 2 + (south ? 1 : 0) }

    /// The six corners counter-clockwise from the one at 30°, as vertex indexes: edge k runs from
    /// corner k to corner k + 1 and is shared with neighbour k.
    func corners(_ h: Int) -> [Int] {
        let (c, r) = (h % columns, h / columns)
        let n = Self.neighbourCells(c, r)
        return [
            vertexIndex(n[0].0, n[0].1, south: true), vertexIndex(c, r, south: false), vertexIndex(n[1].0, n[1].1, south: true),
            vertexIndex(n[3].0, n[3].1, south: false), vertexIndex(c, r, south: true), vertexIndex(n[4].0, n[4].1, south: false),
        ]
    }

    func vertex(_ index: Int) -> Coordinate { vertices[index] }

    func contains(_ h: Int, _ p: Coordinate) -> Bool { GeometryValue.ringsEnclose([corners(h).map { vertices[$0] }], p) }

    /// The hexagon holding `p`, or nil off the grid: one of the nine around the regular one.
    func hex(at p: Coordinate) -> Int? {
        let r0 = Int(((p.y + offset.y) / (1.5 * side)).rounded())
        for r in (r0 - 1)...(r0 + 1) where r >= 0 && r < rows {
            let c0 = Int(((p.x + offset.x) / (side * 3.0.squareRoot()) - (r & 1 == 1 ? 0.5 : 0)).rounded())
            for c in (c0 - 1)...(c0 + 1) where c >= 0 && c < columns {
                if contains(cell(c, r), p) { return cell(c, r) }
            }
        }
        return nil
    }

    /// The outline of a set of hexagons: closed rings, exteriors counter-clockwise and holes
    /// clockwise, as a Polygon or (for a set in several pieces) a MultiPolygon.
    func outline(of hexes: [Int], inside: (Int) -> Bool) -> GeometryValue {
        var next: [Int: Int] = [:]
        var starts: [Int] = []
        for h in hexes {
            let corners = corners(h)
            for k in 0..<6 {
                let n = neighbour(h, k)
                guard n < 0 || !inside(n) else { continue }
                next[corners[k]] = corners[(k + 1) % 6]
                starts.append(corners[k])
            }
        }
        var rings: [[Coordinate]] = []
        for start in starts where next[start] != nil {
            var ring: [Coordinate] = []
            var v = start
            while let w = next.removeValue(forKey: v) {
                ring.append(vertices[v])
                v = w
            }
            ring.append(ring[0])
            rings.append(ring)
        }
        let exteriors = rings.filter { GeometryValue.signedArea($0) > 0 }
        let holes = rings.filter { GeometryValue.signedArea($0) <= 0 }
        var polygons = exteriors.map { [$0] }
        for hole in holes {
            let owner = polygons.count == 1 ? 0 : polygons.firstIndex { GeometryValue.ringsEnclose([$0[0]], hole[0]) } ?? 0
            polygons[owner].append(hole)
        }
        return polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons)
    }
}


/// A min-heap of hexagons to claim, ordered by priority and then by insertion, so that growth
/// is the same on every platform.
struct GrowthHeap {
    struct Entry {
        var priority: Double
        var order: Int
        var hex: Int
        var label: Int32
        var seed: Bool
        func precedes(_ other: Entry) -> Bool { (priority, order) < (other.priority, other.order) }
    }
    private var items: [Entry] = []
    private var counter = 0

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ priority: Double, hex: Int, label: Int32, seed: Bool = false) {
        counter += 1
        items.append(Entry(priority: priority, order: counter, hex: hex, label: label, seed: seed))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].precedes(items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < items.count, items[l].precedes(items[best]) { best = l }
                if r < items.count, items[r].precedes(items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return first
    }
}
