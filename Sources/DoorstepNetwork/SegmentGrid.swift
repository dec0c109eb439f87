import DoorstepGeometry

/// A uniform grid over segments (metres) for nearest-segment queries. Each segment is listed in the
/// cells it passes through, not in every cell of its bounding box, so a long diagonal road costs
/// cells in proportion to its length.
struct SegmentGrid: Sendable {
    let originX: Double, originY: Double
    let cellSize: Double
    let columns: Int, rows: Int
    /// The segments of cell c are `members[start[c]..<start[c + 1]]`.
    let start: [Int32]
    let members: [Int32]

    init(nodes: [Coordinate], from: [Int32], to: [Int32], lengths: [Double]) {
        let bounds = Envelope(of: nodes) ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
        // Cells of half a segment's mean length: a point near a street then finds it in the few cells
        // around its own, testing a handful of segments. At most about four cells per segment, so the
        // grid of a sparse network stays small.
        var size = max(1, lengths.reduce(0, +) / Double(max(lengths.count, 1)) / 2)
        let budget = Double(4 * lengths.count + 1024)
        while ((bounds.maxX - bounds.minX) / size + 1) * ((bounds.maxY - bounds.minY) / size + 1) > budget {
            size *= 2
        }
        originX = bounds.minX
        originY = bounds.minY
        cellSize = size
        columns = Int((bounds.maxX - bounds.minX) / size) + 1
        rows = Int((bounds.maxY - bounds.minY) / size) + 1
        var layout = GridLayout(originX: originX, originY: originY, cellSize: size, columns: columns, rows: rows)
        let ends = from.indices.map { (nodes[Int(from[$0])], nodes[Int(to[$0])]) }
        (start, members) = layout.fill(ends)
    }

    /// The nearest segment within `radius` of `q` by `measure` (distance from q to a segment),
    /// ties to the lower index; rings of cells are searched outwards until no unseen segment can be nearer.
    func nearest(to q: Coordinate, within radius: Double, measure: (Int) -> Double) -> (segment: Int, distance: Double)? {
        guard q.x.isFinite, q.y.isFinite, radius >= 0, !members.isEmpty else { return nil }
        let width = Double(columns) * cellSize, height = Double(rows) * cellSize
        let dx = max(originX - q.x, 0, q.x - (originX + width))
        let dy = max(originY - q.y, 0, q.y - (originY + height))
        guard dx * dx + dy * dy <= radius * radius else { return nil }
        // A point outside the grid searches from the cell just outside it, nearest to it: every cell
        // is then at least as far from the point as the ring bound says, and the numbers fit an Int.
        let ci = Int(min(max(((q.x - originX) / cellSize).rounded(.down), -1), Double(columns)))
        let cj = Int(min(max(((q.y - originY) / cellSize).rounded(.down), -1), Double(rows)))
        let lastRing = Int(min(radius / cellSize + 2, Double(columns + rows + 2)))
        // Inside its cell, q is this far from the cell's nearest side (less a hair for rounding); outside
        // the grid, nothing is known beyond the ring count.
        let inside = ci >= 0 && ci < columns && cj >= 0 && cj < rows
        let margin = inside
            ? max(0, min(q.x - (originX + Double(ci) * cellSize), originX + Double(ci + 1) * cellSize - q.x,
                         q.y - (originY + Double(cj) * cellSize), originY + Double(cj + 1) * cellSize - q.y) - cellSize * 1e-9)
            : 0
        var best: (segment: Int, distance: Double)?
        for k in 0...lastRing {
            // Every segment not yet seen lies outside the (2k-1)² block around q's cell: at least
            // (k-1) cells plus q's margin in its own cell away.
            let bound = Double(k - 1) * cellSize + margin
            if k > 0, bound > radius || (best.map { $0.distance <= bound } ?? false) { break }
            forEachCell(ring: k, around: ci, cj) { cell in
                for member in members[Int(start[cell])..<Int(start[cell + 1])] {
                    let segment = Int(member)
                    let d = measure(segment)
                    guard d <= radius else { continue }
                    if let current = best, d > current.distance || (d == current.distance && segment >= current.segment) { continue }
                    best = (segment, d)
                }
            }
        }
        return best
    }

    /// The cells at Chebyshev distance exactly `k` from (ci, cj), clipped to the grid.
    private func forEachCell(ring k: Int, around ci: Int, _ cj: Int, _ body: (Int) -> Void) {
        let j0 = max(cj - k, 0), j1 = min(cj + k, rows - 1)
        guard j0 <= j1 else { return }
        let i0 = max(ci - k, 0), i1 = min(ci + k, columns - 1)
        guard i0 <= i1 else { return }
        for j in j0...j1 {
            if j == cj - k || j == cj + k {
                for i in i0...i1 { body(i + j * columns) }
            } else {
                if ci - k >= 0 { body(ci - k + j * columns) }
                if ci + k < columns, k > 0 { body(ci + k + j * columns) }
            }
        }
    }
}

/// The cells a segment passes through, column by column.
private struct GridLayout {
    let originX: Double, originY: Double, cellSize: Double, columns: Int, rows: Int

    private func column(_ x: Double) -> Int { min(max(Int(((x - originX) / cellSize).rounded(.down)), 0), columns - 1) }
    private func row(_ y: Double) -> Int { min(max(Int(((y - originY) / cellSize).rounded(.down)), 0), rows - 1) }

    func forEachCell(_ a: Coordinate, _ b: Coordinate, _ body: (Int) -> Void) {
        let (left, right) = a.x <= b.x ? (a, b) : (b, a)
        let slope = right.x > left.x ? (right.y - left.y) / (right.x - left.x) : 0
        // A hair of slack so that rounding never drops a cell the segment grazes.
        let slack = cellSize * 1e-9
        for i in column(left.x)...column(right.x) {
            let x0 = max(left.x, originX + Double(i) * cellSize)
            let x1 = min(right.x, originX + Double(i + 1) * cellSize)
            let y0: Double, y1: Double
            if right.x > left.x {
                (y0, y1) = (left.y + (x0 - left.x) * slope, left.y + (x1 - left.x) * slope)
            } else {
                (y0, y1) = (left.y, right.y)
            }
            for j in row(min(y0, y1) - slack)...row(max(y0, y1) + slack) { body(i + j * columns) }
        }
    }

    /// Lists each segment in its cells: a count pass, then a fill pass, into compressed rows.
    mutating func fill(_ ends: [(Coordinate, Coordinate)]) -> (start: [Int32], members: [Int32]) {
        var start = [Int32](repeating: 0, count: columns * rows + 1)
        for (a, b) in ends { forEachCell(a, b) { start[$0 + 1] += 1 } }
        for c in 0..<(columns * rows) { start[c + 1] += start[c] }
        var cursor = start
        var members = [Int32](repeating: 0, count: Int(start[columns * rows]))
        for (s, (a, b)) in ends.enumerated() {
            forEachCell(a, b) { cell in
                members[Int(cursor[cell])] = Int32(s)
                cursor[cell] += 1
            }
        }
        return (start, members)
    }
}
