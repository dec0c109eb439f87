import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// A synthetic rural county for trying Doorstep where distances are long, generated
/// deterministically from a seed (`doorstep sample --profile county`).
///
/// Counties (县) of about 257 km² lie side by side in western Zhejiang's hills. Each has 9–12
/// large towns (镇 and 乡, 12–37 km² each) grown from seeds over a grid of jittered hexagons
/// (0.65 km² each), and each town a small seat (镇区, a 社区 of two or three hexagons) and
/// villages (行政村) of about four. Codes are NBS-style: county 33PPCC, 镇 from 101 and 乡 from
/// 201, the seat 001 and villages from 201. Valley roads join the seats (a minimum spanning tree,
/// meandering); villages sit along them, or at the end of a village road; elderly live mostly in
/// the seats and in the villages' clusters, few elsewhere. Canteens, day care and care homes
/// are mostly in the seats and a few large villages, so most of the area is uncovered.
///
/// The first county holds a reservoir (水库, a hole in a village, its town and the county) and an
/// enclave (飞地): one hexagon of a village lies inside a village of the neighbouring town, which
/// has a hole there, so its village and town are MultiPolygons.
///
/// Scale 1 is 3 counties and about 30,000 demand points; scale S about S× that (more counties).
public enum SampleCounty {
    /// Side of a hexagon, metres.
    static let side = 500.0
    static let hexArea = 3 * 3.0.squareRoot() / 2 * side * side
    static let jitter = 80.0
    /// Hexagons per county, across and up.
    static let block = (columns: 22, rows: 18)
    static let centre = Coordinate(119.0, 29.6)
    static let countiesPerScale = 3.0
    /// Town sizes in hexagons (11.7–37.0 km²), so that the reservoir and the enclave leave them within 10–40 km².
    static let townHexes = 18...57
    static let reservoirRadius = 420.0

    public static func generate(seed: UInt64 = 2024, scale: Double = 1) throws -> SampleCity {
        if let problem = SampleCity.scaleRange.problem(with: scale) { throw CoverageError(problem) }
        var generator = CountyGenerator(seed: seed, scale: scale)
        return try generator.run()
    }
}

private struct CountyGenerator {
    var random: SplitMix64
    let seed: UInt64
    let scale: Double

    struct Town {
        var code: String
        var name: String
        var county: Int
        var seatHex: Int
        var seat: Coordinate
        /// Half the side of the seat's street grid.
        var seatHalf: Double
        var countySeat: Bool
        var hexes: [Int] = []
        var communities: [Int] = []
    }

    struct Community {
        var code: String
        var name: String
        var town: Int
        var isSeat: Bool
        var seedHex: Int
        var hexes: [Int] = []
        /// Where its houses cluster: valley vertices, or the end of a village road.
        var clusters: [Coordinate] = []
        var elderly = 0.0
    }

    struct County {
        var code: String
        var name: String
        var parent: String
        var hexes: [Int]
        var towns: [Int] = []
        /// Valley roads, metres, with the towns they join.
        var valleys: [(points: [Coordinate], a: Int, b: Int)] = []
    }

    var grid: HexGrid
    var countyColumns: Int
    var counties: [County] = []
    var towns: [Town] = []
    var communities: [Community] = []
    var townOf: [Int32]
    var communityOf: [Int32]
    var noise: [Double]
    var names: NameBank
    var reservoir: (centre: Coordinate, ring: [Coordinate])?

    init(seed: UInt64, scale: Double) {
        self.seed = seed
        self.scale = scale
        var random = SplitMix64(state: seed ^ 0x636F_756E_7479_2121)
        let countyCount = max(1, Int((SampleCounty.countiesPerScale * scale).rounded()))
        countyColumns = Int(Double(countyCount).squareRoot().rounded(.up))
        let countyRows = (countyCount + countyColumns - 1) / countyColumns
        grid = HexGrid(
            columns: countyColumns * SampleCounty.block.columns, rows: countyRows * SampleCounty.block.rows, side: SampleCounty.side,
            jitter: SampleCounty.jitter, random: &random)
        names = NameBank(random: &random)
        self.random = random
        townOf = [Int32](repeating: -1, count: grid.count)
        communityOf = [Int32](repeating: -1, count: grid.count)
        noise = [Double](repeating: 0, count: grid.count)
        for d in 0..<countyCount {
            let (bx, by) = (d % countyColumns, d / countyColumns)
            var hexes: [Int] = []
            for r in (by * SampleCounty.block.rows)..<((by + 1) * SampleCounty.block.rows) {
                for c in (bx * SampleCounty.block.columns)..<((bx + 1) * SampleCounty.block.columns) { hexes.append(grid.cell(c, r)) }
            }
            // NBS: 33 (Zhejiang), a prefecture from 81, counties from 21 (县).
            let prefecture = 81 + d / 30
            counties.append(
                County(
                    code: String(format: "33%02d%02d", prefecture, 21 + d % 30), name: "", parent: String(format: "33%02d00", prefecture),
                    hexes: hexes))
        }
    }

    mutating func run() throws -> SampleCity {
        for d in counties.indices { makeCounty(d) }
        let links = makeLinks()
        var demand: [Feature] = []
        demand.reserveCapacity(Int(30_000 * scale * 1.05))
        var number = 0
        for d in counties.indices { makeDemand(d, number: &number, into: &demand) }
        let facilities = makeFacilities()
        let units = makeUnits()
        let (network, roads) = makeNetwork(links: links)

        let projector = try MetricProjection(centralMeridian: SampleCounty.centre.x).makeProjector()
        let origin = try projector.project([SampleCounty.centre])[0]
        func lonLat(_ points: [Coordinate]) throws -> [Coordinate] {
            try projector.unproject(points.map { Coordinate($0.x + origin.x, $0.y + origin.y) })
                .map { Coordinate(($0.x * 1e7).rounded() / 1e7, ($0.y * 1e7).rounded() / 1e7) }
        }
        // Rounded rather than snapped by GEOS: vertices are at least tens of metres apart, so
        // rounding keeps every polygon valid, its orientation, and the shared vertices shared.
        func convert(_ features: [Feature]) throws -> [Feature] {
            var flat: [Coordinate] = []
            for feature in features { flat += feature.geometry?.coordinates ?? [] }
            let converted = try lonLat(flat)
            var position = 0
            return features.map { feature in
                let geometry = feature.geometry?.mapCoordinates { _ in
                    defer { position += 1 }
                    return converted[position]
                }
                return Feature(geometry: geometry, properties: feature.properties)
            }
        }
        return SampleCity(
            units: try convert(units), facilities: try convert(facilities), demand: try convert(demand), roads: try convert(roads),
            network: try convert(network))
    }

    // MARK: Units

    /// Grows labels over `domain` from seeds, each claiming the unclaimed neighbours of what it
    /// holds nearest (weighted distance to its seed, plus noise) first, so that every region is
    /// connected. Seeds in `fixed` keep only the hexagons they start with.
    static func grow(
        _ grid: HexGrid, random: inout SplitMix64, noise: inout [Double], domain: [Int], member: (Int) -> Bool, labels: inout [Int32],
        seeds: [(label: Int32, hexes: [Int], centre: Coordinate, weight: Double)], fixed: Set<Int32>
    ) {
        for h in domain { noise[h] = random.uniform(0...(0.4 * SampleCounty.side)) }
        var heap = GrowthHeap()
        var centres: [Int32: (Coordinate, Double)] = [:]
        for seed in seeds {
            centres[seed.label] = (seed.centre, seed.weight)
            for h in seed.hexes {
                labels[h] = seed.label
                if !fixed.contains(seed.label) { heap.push(0, hex: h, label: seed.label, seed: true) }
            }
        }
        while let entry = heap.pop() {
            if labels[entry.hex] == -1 {
                labels[entry.hex] = entry.label
            } else if !(entry.seed && labels[entry.hex] == entry.label) {
                continue
            }
            let (centre, weight) = centres[entry.label]!
            for k in 0..<6 {
                let n = grid.neighbour(entry.hex, k)
                guard n >= 0, member(n), labels[n] == -1 else { continue }
                heap.push(distance(grid.centre(n), centre) / weight + noise[n], hex: n, label: entry.label)
            }
        }
        // Hexagons reachable only through a fixed seed join a neighbour.
        var changed = true
        while changed {
            changed = false
            for h in domain where labels[h] == -1 {
                if let n = (0..<6).map({ grid.neighbour(h, $0) }).first(where: { $0 >= 0 && member($0) && labels[$0] != -1 }) {
                    labels[h] = labels[n]
                    changed = true
                }
            }
        }
    }

    /// Seeds spread by best candidate: of a few random choices, the one farthest from the seeds so far.
    mutating func spreadSeeds(_ candidates: [Int], count: Int, avoiding taken: [Coordinate] = []) -> [Int] {
        var chosen: [Int] = []
        var points = taken
        guard !candidates.isEmpty else { return [] }
        for _ in 0..<count {
            var best = -1, bestDistance = -1.0
            for _ in 0..<10 {
                let h = candidates[random.int(0...(candidates.count - 1))]
                if chosen.contains(h) { continue }
                let d = points.map { distance($0, grid.centre(h)) }.min() ?? .infinity
                if d > bestDistance { (best, bestDistance) = (h, d) }
            }
            guard best >= 0 else { continue }
            chosen.append(best)
            points.append(grid.centre(best))
        }
        return chosen
    }

    mutating func makeCounty(_ d: Int) {
        let hexes = counties[d].hexes
        counties[d].name = names.next(suffix: "县")
        let (bx, by) = (d % countyColumns, d / countyColumns)
        let c0 = bx * SampleCounty.block.columns, r0 = by * SampleCounty.block.rows
        let interior = hexes.filter { h in
            let (c, r) = (h % grid.columns - c0, h / grid.columns - r0)
            return c >= 2 && c < SampleCounty.block.columns - 2 && r >= 2 && r < SampleCounty.block.rows - 2
        }
        // Towns: grown until every one is 12–37 km² (a few tries at most).
        let firstTown = towns.count
        var seeds: [Int] = []
        for attempt in 0..<200 {
            for h in hexes { townOf[h] = -1 }
            let count = random.int(9...12)
            seeds = spreadSeeds(interior, count: count)
            let weights = seeds.map { _ in random.uniform(0.8...1.25) }
            Self.grow(
                grid, random: &random, noise: &noise, domain: hexes, member: { [grid] h in
                    let (c, r) = (h % grid.columns - c0, h / grid.columns - r0)
                    return c >= 0 && c < SampleCounty.block.columns && r >= 0 && r < SampleCounty.block.rows
                }, labels: &townOf,
                seeds: seeds.enumerated().map { (Int32(firstTown + $0), [$1], grid.centre($1), weights[$0]) }, fixed: [])
            var sizes = [Int](repeating: 0, count: seeds.count)
            for h in hexes { sizes[Int(townOf[h]) - firstTown] += 1 }
            if sizes.allSatisfy(SampleCounty.townHexes.contains) || attempt == 199 { break }
        }
        // The seed nearest the county's middle is the county seat (城关镇); towns far from the
        // valley roads' trunk are 乡.
        let middle = grid.centre(grid.cell(c0 + SampleCounty.block.columns / 2, r0 + SampleCounty.block.rows / 2))
        let seatIndex = seeds.indices.min { distance(grid.centre(seeds[$0]), middle) < distance(grid.centre(seeds[$1]), middle) }!
        var townNumber = 0, xiangNumber = 0
        for (t, h) in seeds.enumerated() {
            let draw = random.unit()
            let remote = t != seatIndex && distance(grid.centre(h), grid.centre(seeds[seatIndex])) > 6500 && draw < 0.6
            let number: Int
            if remote { xiangNumber += 1; number = 200 + xiangNumber } else { townNumber += 1; number = 100 + townNumber }
            let code = counties[d].code + String(format: "%03d", number)
            let name = names.next(suffix: remote ? "乡" : "镇")
            towns.append(
                Town(
                    code: code, name: name, county: d, seatHex: h, seat: grid.centre(h), seatHalf: t == seatIndex ? 320 : 150,
                    countySeat: t == seatIndex))
            counties[d].towns.append(firstTown + t)
        }
        for h in hexes { towns[Int(townOf[h])].hexes.append(h) }
        makeValleys(d)

        // The first county's reservoir and enclave sit in "flowers": a hexagon and its six
        // neighbours, all in one town, given to one village before the villages grow.
        var flowers: [Int: Int] = [:]  // town → flower centre
        var reservoirTown = -1, enclaveTown = -1
        if d == 0 {
            let valleyPoints = counties[d].valleys.flatMap(\.points)
            for t in counties[d].towns where !towns[t].countySeat {
                let candidates = towns[t].hexes.filter { h in
                    (0..<6).allSatisfy { let n = grid.neighbour(h, $0); return n >= 0 && townOf[n] == Int32(t) }
                        && distance(grid.centre(h), towns[t].seat) > 2000
                }
                if reservoirTown < 0 {
                    let clear = candidates.filter { h in valleyPoints.allSatisfy { distance($0, grid.centre(h)) > 900 } }
                    if let h = clear.first { (reservoirTown, flowers[t]) = (t, h) }
                } else if enclaveTown < 0, let h = candidates.first(where: { borderDistance($0, town: t) <= 2 }) {
                    (enclaveTown, flowers[t]) = (t, h)
                }
            }
        }
        for t in counties[d].towns { makeVillages(t, flower: flowers[t]) }
        if let h = flowers[reservoirTown] {
            let centre = grid.centre(h)
            var ring = (0..<40).map { k -> Coordinate in
                let angle = -Double(k) / 40 * 2 * .pi  // clockwise: a hole
                let radius = SampleCounty.reservoirRadius * (1 + 0.12 * sin(3 * angle + 1) + 0.06 * cos(5 * angle))
                return Coordinate(centre.x + radius * cos(angle), centre.y + radius * sin(angle))
            }
            ring.append(ring[0])
            reservoir = (centre, ring)
        }
        if let h = flowers[enclaveTown] {
            // The nearest hexagon of another town, not its seat: its village owns the enclave.
            let owner = towns.indices.filter { towns[$0].county == d && $0 != enclaveTown }.flatMap { towns[$0].hexes }
                .filter { !communities[Int(communityOf[$0])].isSeat }
                .min { distance(grid.centre($0), grid.centre(h)) < distance(grid.centre($1), grid.centre(h)) }!
            let host = Int(communityOf[h]), village = Int(communityOf[owner])
            communities[host].hexes.removeAll { $0 == h }
            communities[village].hexes.append(h)
            towns[enclaveTown].hexes.removeAll { $0 == h }
            towns[communities[village].town].hexes.append(h)
            communityOf[h] = Int32(village)
            townOf[h] = Int32(communities[village].town)
        }
    }

    /// Steps (hexagon rings) from `h` to the nearest hexagon of another town, up to 3.
    func borderDistance(_ h: Int, town t: Int) -> Int {
        var frontier: Set<Int> = [h], seen: Set<Int> = [h]
        for step in 1...3 {
            var next: Set<Int> = []
            for f in frontier {
                for k in 0..<6 {
                    let n = grid.neighbour(f, k)
                    guard n >= 0, seen.insert(n).inserted else { continue }
                    if townOf[n] != Int32(t) { return step }
                    next.insert(n)
                }
            }
            frontier = next
        }
        return 4
    }

    mutating func makeVillages(_ t: Int, flower: Int?) {
        let town = towns[t]
        let townLabels = townOf
        let member = { (h: Int) in townLabels[h] == Int32(t) }
        // The seat: its hexagon and one or two neighbours in the town.
        var seat = [town.seatHex]
        let around = (0..<6).map { grid.neighbour(town.seatHex, $0) }.filter { $0 >= 0 && member($0) }
        let start = random.int(0...5)
        for k in 0..<around.count where seat.count < (town.countySeat ? 3 : 2) {
            seat.append(around[(k + start) % around.count])
        }
        let first = communities.count
        var seeds: [(label: Int32, hexes: [Int], centre: Coordinate, weight: Double)] = [(Int32(first), seat, town.seat, 1)]
        var taken = Set(seat)
        var flowerHexes: [Int] = []
        if let flower {
            flowerHexes = [flower] + (0..<6).map { grid.neighbour(flower, $0) }
            seeds.append((Int32(first + 1), flowerHexes, grid.centre(flower), 1))
            taken.formUnion(flowerHexes)
        }
        let free = town.hexes.filter { h in !taken.contains(h) && !(0..<6).contains { taken.contains(grid.neighbour(h, $0)) } }
        let villageCount = max(2, Int((Double(town.hexes.count - seat.count - flowerHexes.count) / 4.4).rounded()))
        let spread = spreadSeeds(free.isEmpty ? town.hexes.filter { !taken.contains($0) } : free, count: villageCount, avoiding: seeds.map(\.centre))
        for h in spread { seeds.append((Int32(first + seeds.count), [h], grid.centre(h), random.uniform(0.75...1.3))) }
        for h in town.hexes { communityOf[h] = -1 }
        Self.grow(grid, random: &random, noise: &noise, domain: town.hexes, member: member, labels: &communityOf, seeds: seeds, fixed: [Int32(first)])
        var villageNumber = 0
        for (k, seedEntry) in seeds.enumerated() {
            let isSeat = k == 0
            let number: Int
            if isSeat { number = 1 } else { villageNumber += 1; number = 200 + villageNumber }
            communities.append(
                Community(
                    code: town.code + String(format: "%03d", number), name: names.next(suffix: isSeat ? "社区" : "村"), town: t, isSeat: isSeat,
                    seedHex: seedEntry.hexes[0]))
            towns[t].communities.append(first + k)
        }
        for h in town.hexes { communities[Int(communityOf[h])].hexes.append(h) }
    }

    func makeUnits() -> [Feature] {
        var features: [Feature] = []
        func unit(_ code: String, _ name: String, _ level: String, parent: String, _ geometry: GeometryValue) -> Feature {
            var geometry = geometry
            if let reservoir {
                // The reservoir is a hole in every unit around it.
                var polygons = geometry.polygons
                if let p = polygons.firstIndex(where: { GeometryValue.ringsEnclose([$0[0]], reservoir.centre) }),
                    !polygons[p].dropFirst().contains(where: { GeometryValue.ringsEnclose([$0], reservoir.centre) })
                {
                    polygons[p].append(reservoir.ring)
                    geometry = polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons)
                }
            }
            return SampleFeatures.unit(code, name, level, parent: parent, geometry)
        }
        for (d, county) in counties.enumerated() {
            let (c0, r0) = ((d % countyColumns) * SampleCounty.block.columns, (d / countyColumns) * SampleCounty.block.rows)
            let outline = grid.outline(of: county.hexes) { h in
                let (c, r) = (h % grid.columns - c0, h / grid.columns - r0)
                return c >= 0 && c < SampleCounty.block.columns && r >= 0 && r < SampleCounty.block.rows
            }
            features.append(unit(county.code, county.name, "district", parent: county.parent, outline))
            for t in county.towns.sorted(by: { towns[$0].code < towns[$1].code }) {
                let town = towns[t]
                features.append(unit(town.code, town.name, "street", parent: county.code, grid.outline(of: town.hexes) { townOf[$0] == Int32(t) }))
                for c in town.communities.sorted(by: { communities[$0].code < communities[$1].code }) {
                    let community = communities[c]
                    features.append(
                        unit(community.code, community.name, "community", parent: town.code, grid.outline(of: community.hexes) { communityOf[$0] == Int32(c) }))
                }
            }
        }
        return features
    }

    // MARK: Valleys and roads

    /// A meandering line from a to b, a vertex about every 100 m, straight at both ends.
    mutating func meander(_ a: Coordinate, _ b: Coordinate) -> [Coordinate] {
        let length = distance(a, b)
        let n = max(2, Int((length / 100).rounded(.up)))
        let amplitude = min(350, 0.08 * length) * random.uniform(0.4...1), waves = Double(random.int(1...3))
        let phase = random.uniform(0...(2 * .pi))
        let (ux, uy) = ((b.y - a.y) / max(length, 1), -(b.x - a.x) / max(length, 1))
        return (0...n).map { i in
            let t = Double(i) / Double(n)
            if i == 0 { return a }
            if i == n { return b }
            let off = amplitude * sin(.pi * t) * sin(waves * .pi * t + phase)
            return Coordinate(a.x + (b.x - a.x) * t + ux * off, a.y + (b.y - a.y) * t + uy * off)
        }
    }

    /// Where a road leaves a seat's street grid towards `target`: the end of a middle street.
    func exit(_ t: Int, towards target: Coordinate) -> Coordinate {
        let seat = towns[t].seat, half = towns[t].seatHalf
        let dx = target.x - seat.x, dy = target.y - seat.y
        return abs(dx) >= abs(dy) ? Coordinate(seat.x + (dx >= 0 ? half : -half), seat.y) : Coordinate(seat.x, seat.y + (dy >= 0 ? half : -half))
    }

    /// Valleys join the county's seats: a minimum spanning tree (Prim), each edge a meandering road.
    mutating func makeValleys(_ d: Int) {
        let members = counties[d].towns
        var inTree = [members[0]]
        var rest = Array(members.dropFirst())
        while !rest.isEmpty {
            var best = (0, 0, Double.infinity)
            for a in inTree {
                for (k, b) in rest.enumerated() {
                    let length = distance(towns[a].seat, towns[b].seat)
                    if length < best.2 { best = (a, k, length) }
                }
            }
            let b = rest.remove(at: best.1)
            inTree.append(b)
            let from = exit(best.0, towards: towns[b].seat), to = exit(b, towards: towns[best.0].seat)
            counties[d].valleys.append((meander(from, to), best.0, b))
        }
    }

    /// Provincial roads between neighbouring counties: from the nearest pair of seats.
    mutating func makeLinks() -> [[Coordinate]] {
        var links: [[Coordinate]] = []
        for d in counties.indices {
            for other in [d + 1, d + countyColumns] where other < counties.count {
                if other == d + 1, (d + 1) % countyColumns == 0 { continue }
                var best = (0, 0, Double.infinity)
                for a in counties[d].towns {
                    for b in counties[other].towns where distance(towns[a].seat, towns[b].seat) < best.2 {
                        best = (a, b, distance(towns[a].seat, towns[b].seat))
                    }
                }
                links.append(meander(exit(best.0, towards: towns[best.1].seat), exit(best.1, towards: towns[best.0].seat)))
            }
        }
        return links
    }

    // MARK: Demand

    mutating func makeDemand(_ d: Int, number: inout Int, into features: inout [Feature]) {
        let countyCount = counties.count
        let total = Int((30_000 * scale).rounded())
        let share = total / countyCount + (d < total % countyCount ? 1 : 0)
        // Village clusters: valley vertices in the village, else its middle (a road is built to it).
        var onValley: [Int: [Coordinate]] = [:]
        for valley in counties[d].valleys {
            for p in valley.points.dropFirst().dropLast() {
                guard let h = grid.hex(at: p), !isInReservoir(p, margin: 150) else { continue }
                let c = Int(communityOf[h])
                if !communities[c].isSeat { onValley[c, default: []].append(p) }
            }
        }
        let villages = counties[d].towns.flatMap { towns[$0].communities }.filter { !communities[$0].isSeat }
        var villageWeights: [Double] = []
        for v in villages {
            let size = Double(communities[v].hexes.count)
            if let points = onValley[v] {
                let k = min(points.count, random.int(1...3))
                var chosen: [Coordinate] = []
                for i in 0..<k { chosen.append(points[(i * points.count) / k + random.int(0...(points.count / k - 1))]) }
                communities[v].clusters = chosen
                villageWeights.append(size * random.uniform(0.8...1.6))
            } else {
                let c = grid.centre(communities[v].seedHex)
                var p = Coordinate(c.x + random.uniform(-120...120), c.y + random.uniform(-120...120))
                if isInReservoir(p, margin: 150) { p = c }
                communities[v].clusters = [p]
                villageWeights.append(size * random.uniform(0.5...1.2))
            }
        }
        let seats = counties[d].towns
        let seatShare = 0.42, scatteredShare = 0.05
        let seatWeights = seats.map { towns[$0].countySeat ? 3.0 : Double(towns[$0].hexes.count) / 40 }
        func emit(_ count: Int, spread: Double, rural: Bool, around centres: [Coordinate]) {
            var placed = 0, attempts = 0
            while placed < count, attempts < count * 50 {
                attempts += 1
                let c = centres[random.int(0...(centres.count - 1))]
                let p = Coordinate(c.x + random.normal() * spread, c.y + random.normal() * spread)
                guard let h = grid.hex(at: p), isInCounty(h, d), !isInReservoir(p, margin: 5) else { continue }
                placed += 1
                number += 1
                let elderly = random.elderly(rural: rural)
                communities[Int(communityOf[h])].elderly += Double(elderly)
                features.append(SampleFeatures.demand(number, elderly: elderly, at: p))
            }
        }
        let seatSum = seatWeights.reduce(0, +), villageSum = villageWeights.reduce(0, +)
        for (t, weight) in zip(seats, seatWeights) {
            let count = max(3, Int((Double(share) * seatShare * weight / seatSum).rounded()))
            emit(count, spread: towns[t].countySeat ? 300 : 200, rural: false, around: [towns[t].seat])
        }
        for (v, weight) in zip(villages, villageWeights) {
            let count = max(2, Int((Double(share) * (1 - seatShare - scatteredShare) * weight / villageSum).rounded()))
            emit(count, spread: 110, rural: true, around: communities[v].clusters)
        }
        // A few houses anywhere in the hills.
        let scattered = Int((Double(share) * scatteredShare).rounded())
        let anywhere = counties[d].hexes.map { grid.centre($0) }
        emit(scattered, spread: 300, rural: true, around: anywhere)
    }

    func isInCounty(_ h: Int, _ d: Int) -> Bool {
        let (c0, r0) = ((d % countyColumns) * SampleCounty.block.columns, (d / countyColumns) * SampleCounty.block.rows)
        let (c, r) = (h % grid.columns - c0, h / grid.columns - r0)
        return c >= 0 && c < SampleCounty.block.columns && r >= 0 && r < SampleCounty.block.rows
    }

    func isInReservoir(_ p: Coordinate, margin: Double) -> Bool {
        guard let reservoir, distance(p, reservoir.centre) < SampleCounty.reservoirRadius * 1.2 + margin else { return false }
        if GeometryValue.ringsEnclose([reservoir.ring], p) { return true }
        return zip(reservoir.ring, reservoir.ring.dropFirst()).contains { segmentDistance(p, $0.0, $0.1) < margin }
    }

    // MARK: Facilities

    mutating func makeFacilities() -> [Feature] {
        // Elderly per community, for the large villages.
        let elderly = communities.map(\.elderly)
        typealias Plan = (kind: String, prefix: String, capacity: ClosedRange<Int>)
        let canteen: Plan = ("canteen", "CT", 20...120), dayCare: Plan = ("day-care", "DC", 10...40)
        let embedded: Plan = ("embedded-care", "EC", 30...150), home: Plan = ("care-home", "CH", 100...500)
        let centre: Plan = ("home-care-center", "HC", 50...200)
        var byKind: [String: [(Coordinate, String, Int)]] = [:]
        func place(_ plan: Plan, near c: Coordinate, spread: Double, suffix: String) {
            var p = c
            for _ in 0..<20 {
                let q = Coordinate(c.x + random.normal() * spread, c.y + random.normal() * spread)
                if grid.hex(at: q) != nil, !isInReservoir(q, margin: 5) { p = q; break }
            }
            let h = grid.hex(at: p) ?? grid.hex(at: c)!
            byKind[plan.kind, default: []].append((p, communities[Int(communityOf[h])].name + suffix, random.int(plan.capacity)))
        }
        for county in counties {
            for t in county.towns {
                let town = towns[t]
                let seat = town.seat
                for _ in 0..<(town.countySeat ? 3 : (random.unit() < 0.3 ? 2 : 1)) { place(canteen, near: seat, spread: 150, suffix: "老年食堂") }
                for _ in 0..<(town.countySeat ? 2 : (random.unit() < 0.75 ? 1 : 0)) { place(dayCare, near: seat, spread: 150, suffix: "日间照料中心") }
                for _ in 0..<(town.countySeat ? 2 : (random.unit() < 0.1 ? 1 : 0)) { place(embedded, near: seat, spread: 120, suffix: "嵌入式养老机构") }
                if town.countySeat || random.unit() < 0.75 { place(home, near: seat, spread: 200, suffix: town.countySeat ? "养老院" : "敬老院") }
                if random.unit() < 0.85 { place(centre, near: seat, spread: 100, suffix: "居家养老服务中心") }
            }
            // The largest villages (by elderly) have a meal point (助餐点); a few a day-care room.
            let villages = county.towns.flatMap { towns[$0].communities }.filter { !communities[$0].isSeat }
            let ranked = villages.sorted { (elderly[$0], $1) > (elderly[$1], $0) }
            for (rank, v) in ranked.enumerated() {
                guard let cluster = communities[v].clusters.first else { continue }
                if rank < ranked.count * 12 / 100 { place(canteen, near: cluster, spread: 60, suffix: "助餐点") }
                if rank < ranked.count * 4 / 100 { place(dayCare, near: cluster, spread: 60, suffix: "日间照料站") }
            }
        }
        var features: [Feature] = []
        for plan in [canteen, dayCare, embedded, home, centre] {
            for (n, entry) in (byKind[plan.kind] ?? []).enumerated() {
                features.append(SampleFeatures.facility(plan.prefix, n + 1, name: entry.1, kind: plan.kind, capacity: entry.2, at: entry.0))
            }
        }
        return features
    }

    // MARK: Network

    /// The walkable network and the named roads: seat street grids, valley roads between seats,
    /// provincial roads between counties, village roads to the clusters off the valleys, and lanes.
    mutating func makeNetwork(links: [[Coordinate]]) -> (network: [Feature], roads: [Feature]) {
        var random = SplitMix64(state: seed ^ 0x6E65_7477_6F72_6B21)
        var network: [Feature] = []
        var roads: [Feature] = []
        func line(_ points: [Coordinate], _ properties: JSONObject) -> Feature { Feature(geometry: .lineString(points), properties: properties) }
        let road = SampleFeatures.road
        for county in counties {
            // Seat grids: streets 2 × half / (n − 1) apart, every crossing a vertex of both.
            for t in county.towns {
                let town = towns[t]
                let n = town.countySeat ? 5 : 3, half = town.seatHalf
                let step = 2 * half / Double(n - 1)
                let xs = (0..<n).map { town.seat.x - half + Double($0) * step }, ys = (0..<n).map { town.seat.y - half + Double($0) * step }
                for (i, x) in xs.enumerated() {
                    var properties: JSONObject = ["highway": .string(i == n / 2 ? "tertiary" : "residential")]
                    if i == n / 2 {
                        let name = names.next(suffix: "路")
                        properties["name"] = .string(name)
                        roads.append(road(name, ys.map { Coordinate(x, $0) }))
                    }
                    network.append(line(ys.map { Coordinate(x, $0) }, properties))
                }
                for (j, y) in ys.enumerated() {
                    var properties: JSONObject = ["highway": .string(j == n / 2 ? "tertiary" : "residential")]
                    if j == n / 2 {
                        let name = names.next(suffix: "街")
                        properties["name"] = .string(name)
                        roads.append(road(name, xs.map { Coordinate($0, y) }))
                    }
                    network.append(line(xs.map { Coordinate($0, y) }, properties))
                }
            }
            // Village roads from clusters off the valleys to the nearest valley vertex, which the
            // valley road keeps, so they join.
            var valleyPoints: [(Coordinate, Int)] = []
            for (k, valley) in county.valleys.enumerated() { valleyPoints += valley.points.map { ($0, k) } }
            var spurs: [[Coordinate]] = []
            var lanes: [[Coordinate]] = []
            for t in county.towns {
                for c in towns[t].communities where !communities[c].isSeat {
                    for cluster in communities[c].clusters {
                        let nearest = valleyPoints.min { distance($0.0, cluster) < distance($1.0, cluster) }
                        if let nearest, distance(nearest.0, cluster) > 1 { spurs.append([cluster, nearest.0]) }
                        for _ in 0..<random.int(2...3) {
                            let angle = random.uniform(0...(2 * .pi)), length = random.uniform(120...260)
                            lanes.append([cluster, Coordinate(cluster.x + length * cos(angle), cluster.y + length * sin(angle))])
                        }
                    }
                }
            }
            for valley in county.valleys {
                let trunk = towns[valley.a].countySeat || towns[valley.b].countySeat
                let name = names.next(suffix: "线")
                roads.append(road(name, valley.points))
                network.append(line(valley.points, ["highway": .string(trunk ? "secondary" : "tertiary"), "name": .string(name)]))
            }
            network += spurs.map { line($0, ["highway": "unclassified"]) }
            network += lanes.enumerated().map { line($1, ["highway": .string($0 % 3 == 2 ? "track" : "residential")]) }
        }
        for link in links {
            let name = names.next(suffix: "公路")
            roads.append(road(name, link))
            network.append(line(link, ["highway": "primary", "name": .string(name)]))
        }
        return (network, roads)
    }
}
