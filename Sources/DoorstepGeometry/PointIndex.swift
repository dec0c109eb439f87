/// A uniform grid over points for "is any point within R of here, and how far is the nearest"
/// queries in projected metres.
///
/// With cells of size R a query looks at no more than 3×3 cells, which makes coverage of hundreds of
/// thousands of demand points a matter of milliseconds; no polygon union is involved.
///
/// ```swift
/// let canteens = PointIndex(points: canteenXY, cellSize: 500)
/// canteens.nearestDistance(to: home, within: 500)  // nil when no canteen is within 500 m
/// ```
public struct PointIndex: Sendable {
    public let points: [Coordinate]
    public let cellSize: Double
    /// A dense grid in compressed-row form: the points of cell c are `order[start[c]..<start[c + 1]]`.
    private let originX: Double, originY: Double
    private let columns: Int, rows: Int
    private let start: [Int32]
    private let order: [Int32]

    public init(points: [Coordinate], cellSize: Double) {
        precondition(cellSize > 0, "cell size must be positive")
        self.points = points
        let bounds = Envelope(of: points) ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
        // A grid wider than the data would mostly hold empty cells; grow the cells instead.
        var size = cellSize
        while ((bounds.maxX - bounds.minX) / size + 1) * ((bounds.maxY - bounds.minY) / size + 1) > Double(4 * points.count + 1024) {
            size *= 2
        }
        self.cellSize = size
        originX = bounds.minX
        originY = bounds.minY
        columns = Int(((bounds.maxX - bounds.minX) / size).rounded(.down)) + 1
        rows = Int(((bounds.maxY - bounds.minY) / size).rounded(.down)) + 1
        var counts = [Int32](repeating: 0, count: columns * rows + 1)
        var cellOf = [Int32](repeating: 0, count: points.count)
        for (index, p) in points.enumerated() {
            let cell = min(Int((p.x - bounds.minX) / size), columns - 1) + min(Int((p.y - bounds.minY) / size), rows - 1) * columns
            cellOf[index] = Int32(cell)
            counts[cell + 1] += 1
        }
        for c in 0..<(columns * rows) { counts[c + 1] += counts[c] }
        var fill = counts
        var order = [Int32](repeating: 0, count: points.count)
        for index in points.indices {
            let cell = Int(cellOf[index])
            order[Int(fill[cell])] = Int32(index)
            fill[cell] += 1
        }
        self.start = counts
        self.order = order
    }

    /// The column and row ranges of the cells meeting `envelope`, clamped to the grid; nil when none.
    private func cellRange(_ envelope: Envelope) -> (ClosedRange<Int>, ClosedRange<Int>)? {
        guard !points.isEmpty else { return nil }
        let i0 = max(0, Int(((envelope.minX - originX) / cellSize).rounded(.down)))
        let i1 = min(columns - 1, Int(((envelope.maxX - originX) / cellSize).rounded(.down)))
        let j0 = max(0, Int(((envelope.minY - originY) / cellSize).rounded(.down)))
        let j1 = min(rows - 1, Int(((envelope.maxY - originY) / cellSize).rounded(.down)))
        guard i0 <= i1, j0 <= j1 else { return nil }
        return (i0...i1, j0...j1)
    }

    private func members(_ i: Int, _ j: Int) -> ArraySlice<Int32> {
        let cell = i + j * columns
        return order[Int(start[cell])..<Int(start[cell + 1])]
    }

    /// The distance to the nearest point no farther than `radius`, or `nil` when there is none.
    public func nearestDistance(to c: Coordinate, within radius: Double) -> Double? {
        nearest(to: c, within: radius).map(\.distance)
    }

    /// The nearest point no farther than `radius` (its index and distance), or `nil`.
    public func nearest(to c: Coordinate, within radius: Double) -> (index: Int, distance: Double)? {
        guard let (columnRange, rowRange) = cellRange(Envelope(around: c, reach: radius)) else {
            return nil
        }
        var best: Int32 = -1
        var bestSquared = radius * radius
        // Raw buffers: a slice of `order` per cell retained and released it nine times a point.
        points.withUnsafeBufferPointer { points in
            start.withUnsafeBufferPointer { start in
                order.withUnsafeBufferPointer { order in
                    for j in rowRange {
                        for i in columnRange {
                            let cell = i + j * columns
                            for k in Int(start[cell])..<Int(start[cell + 1]) {
                                let p = points[Int(order[k])]
                                let dx = p.x - c.x, dy = p.y - c.y
                                let squared = dx * dx + dy * dy
                                if squared <= bestSquared {
                                    bestSquared = squared
                                    best = order[k]
                                }
                            }
                        }
                    }
                }
            }
        }
        return best < 0 ? nil : (Int(best), bestSquared.squareRoot())
    }

    /// The indexes of all points within `radius` of `c`, ascending.
    public func indexes(within radius: Double, of c: Coordinate) -> [Int] {
        let limit = radius * radius
        return indexes(in: Envelope(around: c, reach: radius)).filter {
            let dx = points[$0].x - c.x, dy = points[$0].y - c.y
            return dx * dx + dy * dy <= limit
        }
    }

    /// Calls `body` with the rectangle and the points of every occupied grid cell meeting `envelope`,
    /// so a caller can accept or reject a whole cell with one polygon test.
    public func forEachCell(meeting envelope: Envelope, _ body: (Envelope, ArraySlice<Int32>) throws -> Void) rethrows {
        guard let (columnRange, rowRange) = cellRange(envelope) else { return }
        for j in rowRange {
            for i in columnRange {
                let cellMembers = members(i, j)
                guard !cellMembers.isEmpty else { continue }
                let x = originX + Double(i) * cellSize, y = originY + Double(j) * cellSize
                try body(Envelope(minX: x, minY: y, maxX: x + cellSize, maxY: y + cellSize), cellMembers)
            }
        }
    }

    /// The indexes of all points inside `envelope` (edges included), ascending.
    public func indexes(in envelope: Envelope) -> [Int] {
        var result: [Int] = []
        forEachCell(meeting: envelope) { _, cellMembers in
            for member in cellMembers where envelope.contains(points[Int(member)]) { result.append(Int(member)) }
        }
        return Self.ascending(result)
    }

    /// Distinct indexes (gathered cell by cell) in ascending order: through a bitmap when they lie
    /// close together, as the points of one place mostly do in a file; sorted otherwise.
    ///
    /// ```swift
    /// PointIndex.ascending([40, 41, 7, 8, 9])   // [7, 8, 9, 40, 41]
    /// ```
    public static func ascending(_ indexes: [Int]) -> [Int] {
        guard indexes.count > 32, let low = indexes.min(), let high = indexes.max(), high - low < 64 * indexes.count else {
            return indexes.sorted()
        }
        var words = [UInt64](repeating: 0, count: (high - low) / 64 + 1)
        for i in indexes { words[(i - low) >> 6] |= 1 << UInt64((i - low) & 63) }
        var result: [Int] = []
        result.reserveCapacity(indexes.count)
        for (w, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                result.append(low + (w << 6) + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }
}
