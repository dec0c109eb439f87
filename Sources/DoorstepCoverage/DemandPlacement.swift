import DoorstepCRS
import DoorstepGeometry
import Foundation

/// A polygon with a number of elderly people living in it, e.g. one community of the civil-affairs
/// ledger (村社老年人口数), to be turned into ``DemandPoint``s by ``DemandPlacement``.
///
/// ```swift
/// let area = DemandArea(id: "330106001001", geometry: communityPolygon, count: 412)
/// ```
public struct DemandArea: Sendable, Equatable {
    /// Unique among the areas; the points are called `<id>#1`, `<id>#2` …
    public var id: String
    /// WGS84 longitude/latitude, a Polygon or MultiPolygon.
    public var geometry: GeometryValue
    /// The number of elderly people, a whole number ≥ 0.
    public var count: Int

    public init(id: String, geometry: GeometryValue, count: Int) {
        self.id = id
        self.geometry = geometry
        self.count = count
    }
}

/// A residential building footprint that demand may be placed on.
///
/// ```swift
/// let building = DemandBuilding(geometry: footprint, floors: 6)
/// ```
public struct DemandBuilding: Sendable, Equatable {
    /// WGS84 longitude/latitude, a Polygon or MultiPolygon.
    public var geometry: GeometryValue
    /// Storeys above ground; `nil` when the layer has no such field (the footprint alone weighs).
    public var floors: Double?

    public init(geometry: GeometryValue, floors: Double? = nil) {
        self.geometry = geometry
        self.floors = floors
    }
}

/// Why counts could not be placed, in one line naming the area (or building) at fault.
public struct DemandPlacementError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The id of the area at fault, when one is.
    public var area: String?
    public var message: String
    /// The fault is in the buildings layer, not in the areas: the error names that file.
    public var inBuildings: Bool

    public init(area: String?, _ message: String, inBuildings: Bool = false) {
        self.area = area
        self.message = message
        self.inBuildings = inBuildings
    }

    public var description: String { message }
}

/// What ``DemandPlacement/place(_:buildings:)`` did, for a command to print and a report to state.
public struct DemandPlacementSummary: Sendable, Equatable, CustomStringConvertible {
    /// The number of areas given, and the elderly they hold in all.
    public var areas: Int
    public var elderly: Int
    /// The demand points made.
    public var points: Int
    /// Grid spacing in metres.
    public var spacing: Double
    /// What an area is, for the text: "community", "area" …
    public var areaNoun: String
    /// The number of buildings given (`nil`: placed on the grid only) and how many received demand.
    public var buildings: Int?
    public var buildingsUsed: Int
    /// Ids of areas too small for any grid point, whose count went to one point at their interior point.
    public var onePointAreas: [String]
    /// Ids of areas with no building inside, placed on the grid instead (always empty without buildings).
    public var gridFallbackAreas: [String]

    /// How demand was made, in one line for the report's settings, e.g.
    /// "demand from 5,000 community counts on a 50 m grid".
    public var method: String {
        let grid = "a \(SettingRange<Double>.text(spacing)) m grid"
        let counts = "demand from \(Self.grouped(areas)) \(areaNoun) counts"
        guard let buildings else { return "\(counts) on \(grid)" }
        let fallback = gridFallbackAreas.isEmpty ? "" : " (\(grid) in the \(Self.grouped(gridFallbackAreas.count)) without a building)"
        return "\(counts) spread over \(Self.grouped(buildingsUsed)) of \(Self.counted(buildings, "building")) by footprint area × floors\(fallback)"
    }

    /// E.g. "5,000 areas, 412,345 elderly on 1,283,412 points; 12 areas too small for a grid point got
    /// one point at their interior point (330106001001, …)".
    public var description: String {
        var text = "\(Self.counted(areas, "area")), \(Self.grouped(elderly)) elderly on \(Self.counted(points, "point"))"
        if !onePointAreas.isEmpty {
            text += "; \(Self.grouped(onePointAreas.count)) too small for a grid point got one point at their interior point (\(Self.list(onePointAreas)))"
        }
        if !gridFallbackAreas.isEmpty {
            text += "; \(Self.grouped(gridFallbackAreas.count)) without a building were placed on the grid (\(Self.list(gridFallbackAreas)))"
        }
        return text
    }

    /// "1 area", "5,000 areas".
    static func counted(_ value: Int, _ noun: String) -> String {
        "\(grouped(value)) \(noun)\(value == 1 ? "" : "s")"
    }

    static func list(_ ids: [String]) -> String {
        ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? ", …" : "")
    }

    /// 5000 → "5,000": the figures a planner reads.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }
}

/// The demand points made from counts, and what was done.
public struct PlacedDemand: Sendable {
    /// Area by area in the order given, each area's points in a fixed order: its counts add up exactly.
    public var points: [DemandPoint]
    public var summary: DemandPlacementSummary
}

/// Turns counts per polygon (the civil-affairs ledger's elderly per community) into demand points.
///
/// - Without buildings, an area's count is spread over the points of a square grid of `spacing`
///   metres that lie in it. The grid is laid in the metric frame of the area's 3° zone (see
///   ``MetricProjection``), at the odd multiples of spacing/2, so that neighbouring areas share one
///   lattice; membership is tested in longitude/latitude, as ``CoverageModel`` tests it, so that
///   every area's points count towards that area when coverage is assessed.
/// - With buildings, each building whose interior point (GEOS PointOnSurface) lies in the area gets
///   one point there, weighted by its footprint area in m² × `floors` (× 1 without floors). An area
///   without a building is placed on the grid, and the summary names it.
///
/// Counts are split into whole numbers by the largest-remainder method (``largestRemainder(_:weights:)``),
/// so every area's points add up to its count exactly; points that receive 0 are dropped. An area too
/// small for a grid point gets one point at its interior point; a count of 0 gives no point.
/// Areas are spread over all cores, each worker with its own GEOS context and PROJ projectors; the
/// result does not depend on how many there are.
///
/// ```swift
/// let areas = [DemandArea(id: "330106001001", geometry: polygon, count: 412)]
/// let placed = try DemandPlacement(spacing: 50, areaNoun: "community").place(areas)
/// print(placed.summary)         // 1 areas, 412 elderly on 212 points
/// print(placed.summary.method)  // demand from 1 community counts on a 50 m grid
/// placed.points[0].id           // "330106001001#1"
/// ```
public struct DemandPlacement: Sendable, Equatable {
    /// Metres between neighbouring grid points.
    public var spacing: Double
    /// What an area is, for the summary's text ("community", "street" …).
    public var areaNoun: String

    public init(spacing: Double = 50, areaNoun: String = "area") {
        self.spacing = spacing
        self.areaNoun = areaNoun
    }

    /// The spacings accepted: below a metre the grid says nothing a building layer would not, and a
    /// city-sized spacing makes every area a single point.
    public static let spacingRange = SettingRange<Double>("--demand-spacing", 1...10_000, unit: "metres")

    /// The most grid positions one area may be tested at (a 150 km × 150 km envelope at 50 m): beyond
    /// that a typo in a coordinate, not a real community, is the likely cause, and memory would run out.
    public static let maximumGridPositions = 9_000_000

    /// The largest count an area may hold: counts stay exact as `Double` weights below 2⁵³.
    public static let largestCount = 1 << 53

    /// Places every area's count as demand points; see the type's description.
    public func place(_ areas: [DemandArea], buildings: [DemandBuilding]? = nil) throws(DemandPlacementError) -> PlacedDemand {
        if let problem = Self.spacingRange.problem(with: spacing) { throw DemandPlacementError(area: nil, problem) }
        try Self.check(areas)
        let sites = try buildings.map { buildings throws(DemandPlacementError) in try BuildingSites(buildings) }

        // Largest envelope first, so that no worker is left with one big area at the end. Degrees only
        // order the work here; nothing is measured in them.
        let sizes = areas.map { area in
            area.geometry.envelope.map { ($0.maxX - $0.minX) * ($0.maxY - $0.minY) } ?? 0
        }
        let order = areas.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        let outcomes: [AreaOutcome]
        do {
            outcomes = try parallelMap(order, count: areas.count, makeState: { PlacementWorker() }) { worker, a in
                do {
                    return .placed(try placeArea(areas[a], worker: worker, sites: sites))
                } catch let error as DemandPlacementError {
                    return .failed(error)
                } catch {
                    return .failed(DemandPlacementError(area: areas[a].id, "area \(areas[a].id): \(error)"))
                }
            }
        } catch {
            throw DemandPlacementError(area: nil, "placing demand failed: \(error)")
        }

        var points: [DemandPoint] = []
        points.reserveCapacity(outcomes.reduce(0) { $0 + $1.pointCount })
        var summary = DemandPlacementSummary(
            areas: areas.count, elderly: areas.reduce(0) { $0 + $1.count }, points: 0, spacing: spacing, areaNoun: areaNoun,
            buildings: buildings?.count, buildingsUsed: 0, onePointAreas: [], gridFallbackAreas: [])
        // In input order, so that the first failure reported is the same on every run.
        for (area, outcome) in zip(areas, outcomes) {
            switch outcome {
            case .failed(let error):
                throw error
            case .placed(let placement):
                points += placement.points
                if placement.onePoint { summary.onePointAreas.append(area.id) }
                if placement.gridFallback { summary.gridFallbackAreas.append(area.id) }
                summary.buildingsUsed += placement.buildingsUsed
            }
        }
        summary.points = points.count
        return PlacedDemand(points: points, summary: summary)
    }

    /// `total` split in proportion to `weights` into whole numbers that add up to `total` exactly
    /// (Hamilton's largest-remainder method): each gets the whole part of its quota, and the units
    /// left over go to the largest fractional parts, ties to the earlier weight.
    ///
    /// Equal weights (and all-zero weights, read as equal) tie every remainder; the leftover units then
    /// go to evenly spaced positions (the i-th gets one when ⌊(i+1)·r/n⌋ > ⌊i·r/n⌋), so that on a grid
    /// they do not pile up in its first rows. Negative or non-finite weights count as 0. Empty
    /// `weights` give `[]`.
    ///
    /// ```swift
    /// DemandPlacement.largestRemainder(10, weights: [3, 2])       // [6, 4]
    /// DemandPlacement.largestRemainder(10, weights: [1, 1, 1])    // [3, 3, 4]
    /// DemandPlacement.largestRemainder(7, weights: [0.5, 0.3, 0.2])  // quotas 3.5, 2.1, 1.4 → [4, 2, 1]
    /// ```
    public static func largestRemainder(_ total: Int, weights: [Double]) -> [Int] {
        let n = weights.count
        guard n > 0, total > 0 else { return [Int](repeating: 0, count: n) }
        let clean = weights.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        let sum = clean.reduce(0, +)
        guard sum > 0, sum.isFinite, clean.contains(where: { $0 != clean[0] }) else {
            let base = total / n, extra = total % n
            // extra < n, so (i + 1) · extra stays far inside Int for any array that fits in memory.
            return (0..<n).map { i in base + ((i + 1) * extra / n > i * extra / n ? 1 : 0) }
        }
        let quotas = clean.map { Double(total) * ($0 / sum) }
        var shares = quotas.map { Int($0.rounded(.down)) }
        var left = total - shares.reduce(0, +)
        let byRemainder = (0..<n).sorted { a, b in
            let ra = quotas[a] - Double(shares[a]), rb = quotas[b] - Double(shares[b])
            return ra != rb ? ra > rb : a < b
        }
        // Rounding can leave the quotas a hair off `total`: give (or, rarely, take back) units until the
        // sum is exact, largest remainders first (smallest first when taking).
        var k = 0
        while left > 0 {
            shares[byRemainder[k % n]] += 1
            left -= 1
            k += 1
        }
        k = n - 1
        while left < 0 {
            let i = byRemainder[k]
            if shares[i] > 0 {
                shares[i] -= 1
                left += 1
            }
            k = k == 0 ? n - 1 : k - 1
        }
        return shares
    }

    // MARK: - Checks done before any work, in input order

    static func check(_ areas: [DemandArea]) throws(DemandPlacementError) {
        var seen = Set<String>()
        for (position, area) in areas.enumerated() {
            guard !area.id.isEmpty else {
                throw DemandPlacementError(area: area.id, "area \(position + 1) (by position) has no id")
            }
            guard seen.insert(area.id).inserted else {
                throw DemandPlacementError(area: area.id, "area \(area.id) appears more than once; area ids must be unique")
            }
            guard (0...largestCount).contains(area.count) else {
                throw DemandPlacementError(area: area.id, "area \(area.id) has a count of \(area.count); a count must be a whole number from 0 to \(largestCount)")
            }
            if let problem = shapeProblem(area.geometry) {
                throw DemandPlacementError(area: area.id, "area \(area.id) \(problem)")
            }
        }
    }

    /// What makes a geometry unusable as a WGS84 polygon, or nil.
    static func shapeProblem(_ geometry: GeometryValue) -> String? {
        guard geometry.isPolygonal else { return "is a \(geometry.typeName), not a Polygon or MultiPolygon" }
        let coordinates = geometry.coordinates
        guard !coordinates.isEmpty else { return "has an empty polygon" }
        for c in coordinates where !(c.x.isFinite && c.y.isFinite && abs(c.x) <= 180 && abs(c.y) <= 90) {
            return "has the coordinate (\(c.x), \(c.y)), which is no WGS84 longitude/latitude"
        }
        return nil
    }

    // MARK: - One area

    func placeArea(_ area: DemandArea, worker: PlacementWorker, sites: BuildingSites?) throws -> AreaPlacement {
        let context = worker.context
        var geometry = try Geometry(area.geometry, in: context)
        var value = area.geometry
        // A self-touching ring from a digitiser would make the contains test answer nonsense: repair it,
        // as the units loader does.
        if !geometry.isValid {
            geometry = try geometry.makeValid()
            value = geometry.value()
        }
        // The area in square degrees only tells a ring with room inside from a flat one.
        guard !geometry.isEmpty, geometry.area > 0, let envelope = geometry.envelope else {
            throw DemandPlacementError(area: area.id, "area \(area.id) has an empty polygon (no area inside its rings)")
        }
        guard area.count > 0 else { return AreaPlacement() }
        let prepared = try geometry.prepared()

        var placement = AreaPlacement()
        if let sites {
            let inside = sites.index.indexes(in: envelope).filter { prepared.covers(sites.index.points[$0]) }
            let weights = inside.map { sites.weights[$0] }
            if weights.contains(where: { $0 > 0 }) {
                let shares = Self.largestRemainder(area.count, weights: weights)
                placement.points = Self.points(of: area, at: inside.map { sites.index.points[$0] }, shares: shares)
                placement.buildingsUsed = placement.points.count
                return placement
            }
            placement.gridFallback = true
        }

        let projector = try worker.projector(for: MetricProjection(around: envelope))
        let metric = try projector.project(value)
        guard let box = metric.envelope else {
            throw DemandPlacementError(area: area.id, "area \(area.id) has an empty polygon")
        }
        let grid = try gridPoints(in: box, of: area, inside: prepared, projector: projector)
        if grid.isEmpty {
            // Smaller than the grid: the whole count at one point that is surely inside.
            let point = try geometry.pointOnSurface().value()
            guard case .point(let location) = point else {
                throw DemandPlacementError(area: area.id, "area \(area.id): GEOS found no interior point")
            }
            placement.points = [DemandPoint(id: "\(area.id)#1", elderly: Double(area.count), location: location)]
            placement.onePoint = true
        } else {
            let shares = Self.largestRemainder(area.count, weights: [Double](repeating: 1, count: grid.count))
            placement.points = Self.points(of: area, at: grid, shares: shares)
        }
        return placement
    }

    /// The grid positions (odd multiples of spacing/2 in the zone's metres) inside the area, south to
    /// north and west to east, in longitude/latitude.
    func gridPoints(in box: Envelope, of area: DemandArea, inside prepared: PreparedGeometry, projector: Projector) throws -> [Coordinate] {
        let first = (i: Int((box.minX / spacing - 0.5).rounded(.up)), j: Int((box.minY / spacing - 0.5).rounded(.up)))
        let last = (i: Int((box.maxX / spacing - 0.5).rounded(.down)), j: Int((box.maxY / spacing - 0.5).rounded(.down)))
        guard first.i <= last.i, first.j <= last.j else { return [] }
        let columns = last.i - first.i + 1, rows = last.j - first.j + 1
        guard columns <= Self.maximumGridPositions / rows else {
            throw DemandPlacementError(
                area: area.id,
                "area \(area.id) spans \(DemandPlacementSummary.grouped(columns)) × \(DemandPlacementSummary.grouped(rows)) grid points at \(SettingRange<Double>.text(spacing)) m; "
                    + "check its coordinates or use a larger spacing")
        }
        var inside: [Coordinate] = []
        // A few hundred rows at a time: one PROJ call per batch, without holding a whole county in memory.
        let rowsPerBatch = max(1, 65_536 / columns)
        var row = first.j
        while row <= last.j {
            let upTo = min(last.j, row + rowsPerBatch - 1)
            var metres: [Coordinate] = []
            metres.reserveCapacity((upTo - row + 1) * columns)
            for j in row...upTo {
                let y = (Double(j) + 0.5) * spacing
                for i in first.i...last.i { metres.append(Coordinate((Double(i) + 0.5) * spacing, y)) }
            }
            for location in try projector.unproject(metres) where prepared.covers(location) {
                inside.append(location)
            }
            row = upTo + 1
        }
        return inside
    }

    /// The points that received a share, numbered from 1 in their order.
    static func points(of area: DemandArea, at locations: [Coordinate], shares: [Int]) -> [DemandPoint] {
        var points: [DemandPoint] = []
        for (location, share) in zip(locations, shares) where share > 0 {
            points.append(DemandPoint(id: "\(area.id)#\(points.count + 1)", elderly: Double(share), location: location))
        }
        return points
    }
}

/// What one area received.
struct AreaPlacement: Sendable {
    var points: [DemandPoint] = []
    var onePoint = false
    var gridFallback = false
    var buildingsUsed = 0
}

/// One area's result or its error, so that the error reported is the first in input order, whichever
/// worker met it first.
enum AreaOutcome: Sendable {
    case placed(AreaPlacement)
    case failed(DemandPlacementError)

    var pointCount: Int {
        if case .placed(let placement) = self { placement.points.count } else { 0 }
    }
}

/// What one worker keeps: its GEOS context and a projector per 3° zone it has met.
final class PlacementWorker {
    let context = GEOSContext()
    private var projectors: [MetricProjection: Projector] = [:]

    func projector(for projection: MetricProjection) throws -> Projector {
        if let projector = projectors[projection] { return projector }
        let projector = try projection.makeProjector()
        projectors[projection] = projector
        return projector
    }
}

/// Every building's interior point and weight (footprint m² × floors), with an index over the points.
struct BuildingSites: Sendable {
    /// Over the interior points, in WGS84.
    let index: PointIndex
    let weights: [Double]

    init(_ buildings: [DemandBuilding]) throws(DemandPlacementError) {
        for (position, building) in buildings.enumerated() {
            if let problem = DemandPlacement.shapeProblem(building.geometry) {
                throw DemandPlacementError(area: nil, "building \(position + 1) (by position) \(problem)", inBuildings: true)
            }
            if let floors = building.floors, !(floors.isFinite && floors > 0) {
                throw DemandPlacementError(area: nil, "building \(position + 1) (by position) has \(floors) floors; floors must be a positive number", inBuildings: true)
            }
        }
        let measured: [BuildingSite]
        do {
            measured = try parallelMap(Array(buildings.indices), count: buildings.count, makeState: { PlacementWorker() }) { worker, b in
                try BuildingSite(buildings[b], position: b + 1, worker: worker)
            }
        } catch let error as DemandPlacementError {
            throw error
        } catch {
            throw DemandPlacementError(area: nil, "reading the buildings failed: \(error)", inBuildings: true)
        }
        index = PointIndex(points: measured.map(\.interior), cellSize: 0.002)
        weights = zip(measured, buildings).map { $0.footprint * ($1.floors ?? 1) }
    }
}

struct BuildingSite: Sendable {
    var interior: Coordinate
    /// Square metres, in the building's own 3° zone.
    var footprint: Double

    init(_ building: DemandBuilding, position: Int, worker: PlacementWorker) throws {
        var geometry = try Geometry(building.geometry, in: worker.context)
        if !geometry.isValid { geometry = try geometry.makeValid() }
        guard !geometry.isEmpty, let envelope = geometry.envelope,
            case .point(let interior) = try geometry.pointOnSurface().value()
        else {
            throw DemandPlacementError(area: nil, "building \(position) (by position) has an empty polygon", inBuildings: true)
        }
        let projector = try worker.projector(for: MetricProjection(around: envelope))
        self.interior = interior
        footprint = try Geometry(projector.project(geometry.value()), in: worker.context).area
    }
}
