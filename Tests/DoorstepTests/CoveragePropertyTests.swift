import DoorstepCRS
@testable import DoorstepCoverage
import DoorstepGeometry
import Foundation
import Testing

/// The coverage model's fast paths (the demand grid that takes whole cells, catchments cut into
/// tiles, per-unit overlays on the tiles' pieces, workers in parallel) against the straightforward
/// computation: every point tested against every unit and every facility, one union of every disc,
/// one difference per unit. Random small cities with holes, multi-part units, and facilities and
/// elderly on unit boundaries and outside every unit.
@Suite("Coverage: optimised paths equal the straightforward computation")
struct CoveragePropertyTests {
    /// All cases lie in the 3° zone of 120°E, so one projection measures them all.
    static let projection = MetricProjection(centralMeridian: 120)

    struct City {
        var layers: Layers
        var radius: Double
    }

    /// A random city of 1–4 units around (120.1°E, 30.1°N): star-shaped polygons, squares with a
    /// hole, and two-part units; canteens and day-care centres inside, on boundaries and far outside;
    /// elderly inside, on unit vertices, in holes and outside.
    static func city(_ random: inout SeededGenerator) -> City {
        let centre = (x: Double.random(in: 120.0...120.3, using: &random), y: Double.random(in: 30.0...30.3, using: &random))
        var units: [PlanningUnit] = []
        var boundary: [Coordinate] = []
        for u in 0..<Int.random(in: 1...4, using: &random) {
            let c = Coordinate(centre.x + .random(in: -0.02...0.02, using: &random), centre.y + .random(in: -0.02...0.02, using: &random))
            let size = Double.random(in: 0.003...0.02, using: &random)
            let geometry: GeometryValue
            switch Int.random(in: 0..<3, using: &random) {
            case 0: geometry = .polygon([star(c, size, &random)])
            case 1: geometry = .polygon([square(c, size), square(c, size * .random(in: 0.2...0.6, using: &random)).reversed()])
            default:
                geometry = .multiPolygon([[star(c, size * 0.5, &random)], [square(Coordinate(c.x + size * 1.5, c.y), size * 0.4)]])
            }
            boundary += geometry.coordinates
            units.append(PlanningUnit(code: "3301060\(10 + u)", name: "街\(u)", level: .street, geometry: geometry))
        }
        func somewhere() -> Coordinate {
            Coordinate(centre.x + .random(in: -0.05...0.05, using: &random), centre.y + .random(in: -0.05...0.05, using: &random))
        }
        var facilities: [Facility] = []
        for f in 0..<Int.random(in: 0...8, using: &random) {
            let location = Bool.random(using: &random) ? boundary.randomElement(using: &random) ?? somewhere() : somewhere()
            let kind = f % 4 == 3 ? "day-care" : "canteen"
            facilities.append(Facility(id: "F\(f)", name: "设施\(f)", kind: kind, capacity: Double(f + 1), location: location))
        }
        var demand: [DemandPoint] = []
        for d in 0..<Int.random(in: 0...80, using: &random) {
            let location = d % 7 == 0 ? boundary.randomElement(using: &random) ?? somewhere() : somewhere()
            demand.append(DemandPoint(id: "D\(d)", elderly: Double(Int.random(in: 1...20, using: &random)), location: location))
        }
        return City(
            layers: Layers(units: units, facilities: facilities, demand: demand), radius: .random(in: 200...1500, using: &random))
    }

    /// A counter-clockwise ring of 5–12 vertices, one in each equal sector around `c`: no two
    /// neighbours are half a turn apart, so `c` sees every edge and the ring is simple.
    static func star(_ c: Coordinate, _ size: Double, _ random: inout SeededGenerator) -> [Coordinate] {
        let count = Int.random(in: 5...12, using: &random)
        let angles = (0..<count).map { 2 * .pi * (Double($0) + .random(in: 0...0.8, using: &random)) / Double(count) }
        let ring = angles.map { a in
            let r = size * .random(in: 0.4...1, using: &random)
            return Coordinate(c.x + r * cos(a), c.y + r * sin(a))
        }
        return ring + [ring[0]]
    }

    static func square(_ c: Coordinate, _ half: Double) -> [Coordinate] {
        [.init(c.x - half, c.y - half), .init(c.x + half, c.y - half), .init(c.x + half, c.y + half), .init(c.x - half, c.y + half),
         .init(c.x - half, c.y - half)]
    }

    /// One unit's figures computed the plain way.
    struct Plain {
        var total = 0.0
        /// Covered elderly, sure (distance < R − 1 mm) and possibly (≤ R + 1 mm): ties at R are the
        /// model's to settle.
        var coveredSure = 0.0, coveredPossibly = 0.0
        var facilities = 0
        var capacity = 0.0
        var uncoveredArea = 0.0
    }

    static func plain(_ city: City, unit: PlanningUnit, kind: String, context: GEOSContext) throws -> Plain {
        let projector = try projection.makeProjector()
        let inside = try Geometry(unit.geometry, in: context).prepared()
        let sites = try projector.project(city.layers.facilities.filter { $0.kind == kind }.map(\.location))
        var result = Plain()
        for point in city.layers.demand where inside.covers(point.location) {
            result.total += point.elderly
            let xy = try #require(try projector.project([point.location]).first)
            let nearest = sites.map { hypot($0.x - xy.x, $0.y - xy.y) }.min() ?? .infinity
            if nearest < city.radius - 1e-3 { result.coveredSure += point.elderly }
            if nearest <= city.radius + 1e-3 { result.coveredPossibly += point.elderly }
        }
        for facility in city.layers.facilities where facility.kind == kind {
            if inside.covers(facility.location) {
                result.facilities += 1
                result.capacity += facility.capacity
            }
        }
        let projected = try Geometry(try projector.project(unit.geometry), in: context)
        let discs = try sites.map { try Geometry(point: $0, in: context).buffer(city.radius, quadrantSegments: 16) }
        result.uncoveredArea = discs.isEmpty ? projected.area : try projected.difference(Geometry.unionOf(discs, in: context)).area
        return result
    }

    @Test("300 random cities: every unit's row equals the straightforward computation, and the gap parts add up")
    func randomCities() throws {
        var random = SeededGenerator(seed: 16)
        let context = GEOSContext()
        var compared = 0
        for _ in 0..<300 {
            let city = Self.city(&random)
            for unit in city.layers.units { #expect(try Geometry(unit.geometry, in: context).isValid, "\(unit.code)") }
            let settings = CoverageSettings(kinds: ["canteen", "day-care"], radii: ["canteen": city.radius, "day-care": city.radius], levels: [.street])
            let rows = try CoverageModel.assess(city.layers, settings: settings).rows
            let withParts = try CoverageModel.assess(city.layers, settings: settings, withParts: true).rows
            #expect(rows.count == city.layers.units.count * 2)
            for (row, partsRow) in zip(rows, withParts) {
                let unit = try #require(city.layers.units.first { $0.code == row.code })
                let plain = try Self.plain(city, unit: unit, kind: row.kind, context: context)
                #expect(row.elderlyTotal == plain.total, "\(row.code) \(row.kind)")
                #expect((plain.coveredSure...plain.coveredPossibly).contains(row.elderlyCovered), "\(row.code) \(row.kind): \(row.elderlyCovered) vs \(plain)")
                #expect(row.facilities == plain.facilities && row.capacity == plain.capacity, "\(row.code) \(row.kind)")
                let tolerance = 1e-7 * max(plain.uncoveredArea, 1) + 1e-3
                #expect(abs(row.uncoveredAreaM2 - plain.uncoveredArea) <= tolerance, "\(row.code) \(row.kind): \(row.uncoveredAreaM2) vs \(plain.uncoveredArea)")
                // The gap list's path: the same area, cut into parts that hold every uncovered elderly person.
                #expect(abs(partsRow.uncoveredAreaM2 - plain.uncoveredArea) <= tolerance, "\(row.code) \(row.kind)")
                #expect(abs(partsRow.uncoveredParts.reduce(0) { $0 + $1.areaM2 } - partsRow.uncoveredAreaM2) <= tolerance)
                #expect(partsRow.uncoveredParts.reduce(0) { $0 + $1.elderlyUncovered } == partsRow.elderlyUncovered, "\(row.code) \(row.kind)")
                compared += 1
            }
        }
        #expect(compared > 600)
    }
}

/// The union of a catchment tile leaves out the discs that lie wholly inside the others: the tile's
/// piece must stay the union of all of them.
@Suite("Coverage: a tile's union leaves out only discs inside the others")
struct DiscPruningTests {
    static let tile = Envelope(minX: 0, minY: 0, maxX: 4000, maxY: 4000)

    /// The plain union of every disc reaching the tile, each cut to the tile.
    static func plainUnion(_ sites: [Coordinate], radius: Double, context: GEOSContext) throws -> Geometry {
        let discs = try sites.map { try Geometry(point: $0, in: context).buffer(radius, quadrantSegments: 16).clipped(to: tile) }
        return try Geometry.unionOf(discs, in: context)
    }

    @Test("crowded, sparse and coinciding sites: the piece is the union of every disc, with fewer discs where they crowd")
    func pruning() throws {
        var random = SeededGenerator(seed: 7)
        let context = GEOSContext()
        let crowded = (0..<300).map { _ in Coordinate(.random(in: -500...4500, using: &random), .random(in: -500...4500, using: &random)) }
        let sparse = [Coordinate(500, 500), Coordinate(3500, 500), Coordinate(2000, 3600)]
        // A disc ringed by six others 400 m away lies inside them.
        let ringed = [Coordinate(2000, 2000)] + (0..<6).map { k in
            Coordinate(2000 + 400 * cos(Double(k) * .pi / 3), 2000 + 400 * sin(Double(k) * .pi / 3))
        }
        #expect(try DiscCatchment(sites: PointIndex(points: ringed, cellSize: 500), radius: 500, quadrantSegments: 16)
            .necessary(ringed, over: Self.tile) == Array(ringed.dropFirst()))
        for (sites, fewer) in [(crowded, true), (sparse, false), (ringed, true)] {
            let catchment = try DiscCatchment(sites: PointIndex(points: sites, cellSize: 500), radius: 500, quadrantSegments: 16)
            let kept = catchment.necessary(sites, over: Self.tile)
            #expect(fewer ? kept.count < sites.count : kept == sites)
            let piece = try #require(try catchment.piece(over: Self.tile, in: context))
            let plain = try Self.plainUnion(sites, radius: 500, context: context)
            #expect(abs(piece.area - plain.area) < 1e-6)
            #expect(try piece.difference(plain).area < 1e-6 && plain.difference(piece).area < 1e-6)
        }
        // Crowded: most discs are left out.
        let catchment = try DiscCatchment(sites: PointIndex(points: crowded, cellSize: 500), radius: 500, quadrantSegments: 16)
        #expect(catchment.necessary(crowded, over: Self.tile).count < 150)
    }

    /// The rule cell by cell, as ``DiscCatchment/necessary(_:over:)`` was first written: every cell of
    /// each disc's square tested, no runs.
    static func necessaryByCells(_ catchment: DiscCatchment, _ centres: [Coordinate], over tile: Envelope) -> [Coordinate] {
        guard centres.count > 2 else { return centres }
        let grid = TileGrid(tile, cell: max(catchment.radius / 16, (tile.maxX - tile.minX) / 256))
        func covers(_ c: Coordinate, _ i: Int, _ j: Int) -> Bool {
            let cell = grid.cell(i, j)
            let dx = max(abs(cell.minX - c.x), abs(cell.maxX - c.x)), dy = max(abs(cell.minY - c.y), abs(cell.maxY - c.y))
            return dx * dx + dy * dy <= catchment.inradius * catchment.inradius
        }
        func mayMeet(_ c: Coordinate, _ i: Int, _ j: Int) -> Bool {
            let cell = grid.cell(i, j)
            let dx = max(cell.minX - c.x, 0, c.x - cell.maxX), dy = max(cell.minY - c.y, 0, c.y - cell.maxY)
            return dx * dx + dy * dy <= catchment.radius * catchment.radius * (1 + 1e-9)
        }
        func eachCell(around c: Coordinate, _ body: (Int, Int) -> Void) {
            grid.forEachRow(meeting: Envelope(around: c, reach: catchment.radius)) { j, columns, _ in for i in columns { body(i, j) } }
        }
        var count = [Int32](repeating: 0, count: grid.columns * grid.rows)
        for c in centres { eachCell(around: c) { i, j in if covers(c, i, j) { count[grid.index(i, j)] += 1 } } }
        var kept: [Coordinate] = []
        for c in centres {
            var redundant = true
            eachCell(around: c) { i, j in
                if mayMeet(c, i, j), count[grid.index(i, j)] - (covers(c, i, j) ? 1 : 0) < 1 { redundant = false }
            }
            if redundant {
                eachCell(around: c) { i, j in if covers(c, i, j) { count[grid.index(i, j)] -= 1 } }
            } else {
                kept.append(c)
            }
        }
        return kept
    }

    @Test("runs of cells found by bisection keep exactly the discs that testing every cell keeps", arguments: [250.0, 500, 1000])
    func runsAsCells(radius: Double) throws {
        var random = SeededGenerator(seed: UInt64(radius))
        for round in 0..<40 {
            // Sites inside the tile, around it (their discs reach in), on cell edges, and doubled.
            var sites = (0..<(20 + 10 * round)).map { _ in
                Coordinate(.random(in: -radius...(4000 + radius), using: &random), .random(in: -radius...(4000 + radius), using: &random))
            }
            sites += sites.prefix(5).map { Coordinate(($0.x / 62.5).rounded() * 62.5, ($0.y / 62.5).rounded() * 62.5) } + sites.prefix(3)
            let catchment = try DiscCatchment(sites: PointIndex(points: sites, cellSize: radius), radius: radius, quadrantSegments: 16)
            #expect(catchment.necessary(sites, over: Self.tile) == Self.necessaryByCells(catchment, sites, over: Self.tile))
        }
    }

    @Test("a run is where the test holds, whatever column the search starts beside")
    func runBisection() {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            let columns = 0...Int.random(in: 0...40, using: &random)
            let low = Int.random(in: -5...45, using: &random), high = low + Int.random(in: -1...20, using: &random)
            let holds = { (i: Int) in i >= low && i <= high }
            let expected = columns.filter(holds)
            let middle = expected.isEmpty ? Int.random(in: -3...45, using: &random) : Int.random(in: (low - 1)...(high + 1), using: &random)
            let run = TileGrid.run(of: columns, around: middle, where: holds)
            #expect(run.map(Array.init) ?? [] == expected, "\(columns) \(low)...\(high) around \(middle)")
        }
    }
}
