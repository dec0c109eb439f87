import DoorstepCRS
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// A synthetic city for trying Doorstep and for benchmarks, generated deterministically from a seed.
///
/// Districts (区) of 3×2 streets (街道/镇), each of 3×3 communities (社区/村) on a jittered lattice
/// around Hangzhou's latitude, with NBS-style codes (district 3399NN, street +3 digits, community
/// +3 digits; 镇 from 101, 村 from 201 as the NBS numbers them). One community holds a lake (a hole)
/// with an island (a second polygon). Demand points cluster around compounds, denser in the centre;
/// canteens and care institutions follow demand, so the outskirts are where the gaps are.
///
/// A walkable street network (`network.geojson`, OpenStreetMap tags) lies over it: streets every
/// ~200 m in the centre, ~400 m elsewhere, a lane through each village; a river crossed only at
/// bridges every ~1.6 km, an expressway crossed only by overpasses, a few footpaths and a railway.
/// It is drawn from its own random stream, so the other layers are the same with or without it.
///
/// Scale 1 has 4 districts, about 30,000 demand points and 600 canteens; scale 10 ten times that.
///
/// ```swift
/// let city = try SampleCity.generate(seed: 2024, scale: 1)
/// try city.write(to: "geodata/sample")
/// ```
public struct SampleCity: Sendable {
    public var units: [Feature]
    public var facilities: [Feature]
    public var demand: [Feature]
    /// Roads along the lattice lines, named, for a place-name registry.
    public var roads: [Feature]
    /// The walkable street network, with the river, expressway and railway it must respect.
    public var network: [Feature]

    public static let fileNames = (
        units: "units.geojson", facilities: "facilities.geojson", demand: "demand.geojson", roads: "roads.geojson",
        network: "network.geojson"
    )

    /// Writes the layers into `directory`, creating it when needed.
    public func write(to directory: String) throws(InputError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: directory, message: "cannot create the folder: \(error.localizedDescription)")
        }
        let writer = GeoJSONWriter()
        let base = URL(fileURLWithPath: directory)
        let layers = [
            (Self.fileNames.units, units), (Self.fileNames.facilities, facilities), (Self.fileNames.demand, demand),
            (Self.fileNames.roads, roads), (Self.fileNames.network, network),
        ]
        // As one set: a full disk leaves the old city, not half of a new one.
        try OutputFile.writeAll(layers.map { (base.appendingPathComponent($0.0).path, writer.featureCollection($0.1)) })
    }

    // MARK: Layout constants (metres)

    static let cell = 800.0
    static let jitter = 100.0
    static let streetCells = 3
    static let districtStreets = (x: 3, y: 2)
    static let lakeRadius = 250.0
    static let islandRadius = 60.0
    static let centre = Coordinate(120.16, 30.27)

    /// Scale 100 is 3 million demand points; below 0.001 no district is left.
    public static let scaleRange = SettingRange<Double>("--scale", 0.001...100)

    public static func generate(seed: UInt64 = 2024, scale: Double = 1) throws -> SampleCity {
        if let problem = scaleRange.problem(with: scale) { throw CoverageError(problem) }
        var generator = Generator(seed: seed, scale: scale)
        return try generator.run()
    }
}

/// SplitMix64: small, fast and identical on every platform, so a seed always gives the same city.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func uniform(_ range: ClosedRange<Double>) -> Double { range.lowerBound + unit() * (range.upperBound - range.lowerBound) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    /// Standard normal (Box–Muller).
    mutating func normal() -> Double { sqrt(-2 * log(max(unit(), 1e-300))) * cos(2 * .pi * unit()) }
}

private struct Generator {
    var random: SplitMix64
    let seed: UInt64
    let scale: Double

    init(seed: UInt64, scale: Double) {
        self.random = SplitMix64(state: seed)
        self.seed = seed
        self.scale = scale
    }

    typealias Ring = [Coordinate]

    struct Community {
        var code: String
        var name: String
        var rural: Bool
        var ring: Ring  // metres, counter-clockwise quad
        var hasLake: Bool
        var density: Double
        var streetIndex: Int
    }

    struct Street {
        var code: String
        var name: String
        var rural: Bool
        var centre: Coordinate
    }

    mutating func run() throws -> SampleCity {
        let districtCount = max(1, Int((4 * scale).rounded()))
        let columns = Int(Double(districtCount).squareRoot().rounded(.up))
        let rows = (districtCount + columns - 1) / columns
        let sx = SampleCity.districtStreets.x * SampleCity.streetCells
        let sy = SampleCity.districtStreets.y * SampleCity.streetCells
        let nx = columns * sx, ny = rows * sy
        let width = Double(nx) * SampleCity.cell, height = Double(ny) * SampleCity.cell

        // The lattice: shared vertices keep neighbouring units' boundaries identical.
        var lattice = [[Coordinate]](repeating: [], count: nx + 1)
        for i in 0...nx {
            for j in 0...ny {
                let edge = i == 0 || j == 0 || i == nx || j == ny
                let dx = edge ? 0 : random.uniform(-SampleCity.jitter...SampleCity.jitter)
                let dy = edge ? 0 : random.uniform(-SampleCity.jitter...SampleCity.jitter)
                lattice[i].append(Coordinate(Double(i) * SampleCity.cell - width / 2 + dx, Double(j) * SampleCity.cell - height / 2 + dy))
            }
        }
        func block(_ i0: Int, _ j0: Int, _ i1: Int, _ j1: Int) -> Ring {
            var ring: Ring = []
            for i in i0..<i1 { ring.append(lattice[i][j0]) }
            for j in j0..<j1 { ring.append(lattice[i1][j]) }
            for i in stride(from: i1, to: i0, by: -1) { ring.append(lattice[i][j1]) }
            for j in stride(from: j1, to: j0, by: -1) { ring.append(lattice[i0][j]) }
            ring.append(ring[0])
            return ring
        }

        var names = NameBank(random: &random)
        // The lake sits in the middle community of the first street, clear of the jittered edges.
        let lakeCentre: Coordinate = {
            let a = lattice[1][1], b = lattice[2][2]
            return Coordinate((a.x + b.x) / 2, (a.y + b.y) / 2)
        }()
        let lake = circle(lakeCentre, SampleCity.lakeRadius, clockwise: true)
        let island = circle(lakeCentre, SampleCity.islandRadius, clockwise: false)

        var unitFeatures: [Feature] = []
        var communities: [Community] = []
        var tiers = [[CellTier]](repeating: [CellTier](repeating: .medium, count: ny), count: nx)
        var streets: [Street] = []
        let farthest = (width * width + height * height).squareRoot() / 2
        for d in 0..<districtCount {
            let di = (d % columns) * sx, dj = (d / columns) * sy
            let districtCode = String(format: "3399%02d", d + 1)
            let districtRing = block(di, dj, di + sx, dj + sy)
            let districtCentre = centreOf(districtRing)
            let rural = (districtCentre.x * districtCentre.x + districtCentre.y * districtCentre.y).squareRoot() > farthest * 0.62
            let districtName = names.next(suffix: rural && districtCount > 2 ? "县" : "区")
            unitFeatures.append(
                unit(districtCode, districtName, "district", parent: "339900", rings: districtRing, lake: d == 0 ? (lake, island) : nil))
            var townNumber = 0, streetNumber = 0
            for s in 0..<(SampleCity.districtStreets.x * SampleCity.districtStreets.y) {
                let si = di + (s % SampleCity.districtStreets.x) * SampleCity.streetCells
                let sj = dj + (s / SampleCity.districtStreets.x) * SampleCity.streetCells
                let streetRing = block(si, sj, si + SampleCity.streetCells, sj + SampleCity.streetCells)
                let streetCentre = centreOf(streetRing)
                let streetDistance = (streetCentre.x * streetCentre.x + streetCentre.y * streetCentre.y).squareRoot()
                let town = rural || streetDistance > farthest * 0.55
                let number: Int
                if town { townNumber += 1; number = 100 + townNumber } else { streetNumber += 1; number = streetNumber }
                let streetCode = districtCode + String(format: "%03d", number)
                let streetName = names.next(suffix: town ? "镇" : "街道")
                let hasLake = d == 0 && s == 0
                unitFeatures.append(
                    unit(streetCode, streetName, "street", parent: districtCode, rings: streetRing, lake: hasLake ? (lake, island) : nil))
                streets.append(Street(code: streetCode, name: streetName, rural: town, centre: streetCentre))
                var communityNumber = 0, villageNumber = 0
                for c in 0..<(SampleCity.streetCells * SampleCity.streetCells) {
                    let ci = si + c % SampleCity.streetCells, cj = sj + c / SampleCity.streetCells
                    let ring = block(ci, cj, ci + 1, cj + 1)
                    let centre = centreOf(ring)
                    let distance = (centre.x * centre.x + centre.y * centre.y).squareRoot()
                    let village = town && c != 4  // a town's seat is a 社区, the rest 村
                    let n: Int
                    if village { villageNumber += 1; n = 200 + villageNumber } else { communityNumber += 1; n = communityNumber }
                    let code = streetCode + String(format: "%03d", n)
                    let name = names.next(suffix: village ? "村" : "社区")
                    let communityLake = hasLake && c == 4
                    unitFeatures.append(
                        unit(code, name, "community", parent: streetCode, rings: ring, lake: communityLake ? (lake, island) : nil))
                    let density = exp(-distance / 4000) + (village ? 0.05 : 0.2)
                    tiers[ci][cj] = Self.tier(village: village, distance: distance, ci: ci, cj: cj)
                    communities.append(
                        Community(code: code, name: name, rural: village, ring: ring, hasLake: communityLake, density: density, streetIndex: streets.count - 1))
                }
            }
        }

        let demand = makeDemand(communities, lakeCentre: lakeCentre)
        let facilities = makeFacilities(demand: demand, communities: communities, streets: streets)
        // Roads run along the lattice lines: 路 north-south, 街 east-west.
        var roads: [Feature] = []
        for i in 0...nx {
            roads.append(SampleFeatures.road(names.next(suffix: "路"), Array(lattice[i])))
        }
        for j in 0...ny {
            roads.append(SampleFeatures.road(names.next(suffix: "街"), (0...nx).map { lattice[$0][j] }))
        }
        let projector = try MetricProjection(centralMeridian: SampleCity.centre.x).makeProjector()
        let origin = try projector.project([Coordinate(SampleCity.centre.x, SampleCity.centre.y)])[0]
        let context = GEOSContext()
        func toLonLat(_ geometry: GeometryValue) throws -> GeometryValue {
            let shifted = geometry.mapCoordinates { Coordinate($0.x + origin.x, $0.y + origin.y) }
            let lonLat = try projector.unproject(shifted)
            return try Geometry(lonLat, in: context).snappedValue(toGrid: 1e-7)
        }
        func convert(_ features: [Feature]) throws -> [Feature] {
            // Points need no GEOS snapping: the writer rounds them, and a point is always valid.
            let points = features.compactMap { feature -> Coordinate? in
                if case .point(let c)? = feature.geometry { return Coordinate(c.x + origin.x, c.y + origin.y) }
                return nil
            }
            if points.count == features.count {
                let lonLat = try projector.unproject(points)
                return zip(features, lonLat).map { Feature(id: $0.id, geometry: .point($1), properties: $0.properties) }
            }
            return try features.map { Feature(id: $0.id, geometry: try $0.geometry.map(toLonLat), properties: $0.properties) }
        }
        // The network comes last and from its own stream: nothing above may depend on it.
        let roadNames = roads.compactMap { feature -> String? in
            if case .string(let name)? = feature.properties["name"] { return name }
            return nil
        }
        let input = NetworkInput(
            lattice: lattice, tiers: tiers, roadNames: roadNames, riverName: names.next(suffix: "河"), lakeCentre: lakeCentre,
            lakeRadius: SampleCity.lakeRadius, seed: seed)
        var builder = NetworkBuilder(input)
        let network = try lonLatLines(builder.build(), projector: projector, origin: origin)
        return SampleCity(
            units: try convert(unitFeatures), facilities: try convert(facilities), demand: try convert(demand), roads: try convert(roads),
            network: network)
    }

    /// Dense streets within 3 km of the centre, sparser beyond, a single lane through a village
    /// (alternating north–south and east–west, so the villages' lanes do not line up into roads).
    static func tier(village: Bool, distance: Double, ci: Int, cj: Int) -> CellTier {
        if village { return (ci + cj) % 2 == 0 ? .villageNS : .villageEW }
        return distance < 3000 ? .dense : .medium
    }

    /// The network lines in longitude/latitude, rounded to 7 decimals here rather than by the
    /// writer, so that the vertices two lines share are equal in the features too, not only in the file.
    func lonLatLines(_ pieces: [NetworkPiece], projector: Projector, origin: Coordinate) throws -> [Feature] {
        let flat = pieces.flatMap(\.points).map { Coordinate($0.x + origin.x, $0.y + origin.y) }
        let lonLat = try projector.unproject(flat).map { Coordinate(($0.x * 1e7).rounded() / 1e7, ($0.y * 1e7).rounded() / 1e7) }
        var start = 0
        return pieces.map { piece in
            defer { start += piece.points.count }
            return Feature(geometry: .lineString(Array(lonLat[start..<(start + piece.points.count)])), properties: piece.properties)
        }
    }

    func centreOf(_ ring: Ring) -> Coordinate {
        let body = ring.dropLast()
        return Coordinate(body.map(\.x).reduce(0, +) / Double(body.count), body.map(\.y).reduce(0, +) / Double(body.count))
    }

    func circle(_ centre: Coordinate, _ radius: Double, clockwise: Bool) -> Ring {
        var ring = (0..<32).map { k -> Coordinate in
            let angle = Double(k) / 32 * 2 * .pi * (clockwise ? -1 : 1)
            return Coordinate(centre.x + radius * cos(angle), centre.y + radius * sin(angle))
        }
        ring.append(ring[0])
        return ring
    }

    func unit(_ code: String, _ name: String, _ level: String, parent: String, rings: Ring, lake: (hole: Ring, island: Ring)?) -> Feature {
        let geometry: GeometryValue =
            if let lake { .multiPolygon([[rings, lake.hole], [lake.island]]) } else { .polygon([rings]) }
        return SampleFeatures.unit(code, name, level, parent: parent, geometry)
    }

    static func contains(_ ring: Ring, _ p: Coordinate) -> Bool { GeometryValue.ringsEnclose([ring], p) }

    mutating func makeDemand(_ communities: [Community], lakeCentre: Coordinate) -> [Feature] {
        let total = Int((30_000 * scale).rounded())
        let weightSum = communities.map(\.density).reduce(0, +)
        var features: [Feature] = []
        features.reserveCapacity(total)
        var number = 0
        for community in communities {
            let count = max(3, Int((Double(total) * community.density / weightSum).rounded()))
            let compounds = (0..<random.int(2...5)).map { _ in
                let c = centreOf(community.ring)
                return Coordinate(c.x + random.uniform(-300...300), c.y + random.uniform(-300...300))
            }
            var placed = 0, attempts = 0
            while placed < count, attempts < count * 50 {
                attempts += 1
                let compound = compounds[random.int(0...(compounds.count - 1))]
                let p = Coordinate(compound.x + random.normal() * 120, compound.y + random.normal() * 120)
                guard Self.contains(community.ring, p) else { continue }
                if community.hasLake {
                    let r = ((p.x - lakeCentre.x) * (p.x - lakeCentre.x) + (p.y - lakeCentre.y) * (p.y - lakeCentre.y)).squareRoot()
                    if r < SampleCity.lakeRadius + 5, r > SampleCity.islandRadius - 5 { continue }
                }
                placed += 1
                number += 1
                features.append(SampleFeatures.demand(number, elderly: random.elderly(rural: community.rural), at: p))
            }
        }
        return features
    }

    mutating func makeFacilities(demand: [Feature], communities: [Community], streets: [Street]) -> [Feature] {
        var features: [Feature] = []
        let points = demand.compactMap { feature -> (Coordinate, Double)? in
            guard case .point(let c)? = feature.geometry, case .number(let w)? = feature.properties["elderly"] else { return nil }
            return (c, w)
        }
        let cumulative = points.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1.1) }
        func nearDemand(_ spread: Double) -> Coordinate {
            let target = random.unit() * cumulative.last!
            var low = 0, high = cumulative.count - 1
            while low < high {
                let mid = (low + high) / 2
                if cumulative[mid] < target { low = mid + 1 } else { high = mid }
            }
            let c = points[low].0
            return Coordinate(c.x + random.normal() * spread, c.y + random.normal() * spread)
        }
        // The first community holding p, as a scan of all of them would find it, but from those whose
        // envelope's cells (800 m) include p's: a ring holds only points of its closed envelope, so
        // none is missed, and at scale 100 (21,600 communities) placing is not quadratic.
        let size = SampleCity.cell
        func key(_ x: Double, _ y: Double) -> Int64 {
            Int64((x / size).rounded(.down)) << 32 | Int64(UInt32(truncatingIfNeeded: Int64((y / size).rounded(.down))))
        }
        var buckets: [Int64: [Int]] = [:]
        for (index, community) in communities.enumerated() {
            guard let box = Envelope(of: community.ring) else { continue }
            for x in Int64((box.minX / size).rounded(.down))...Int64((box.maxX / size).rounded(.down)) {
                for y in Int64((box.minY / size).rounded(.down))...Int64((box.maxY / size).rounded(.down)) {
                    buckets[x << 32 | Int64(UInt32(truncatingIfNeeded: y)), default: []].append(index)
                }
            }
        }
        func community(at p: Coordinate) -> Community? {
            (buckets[key(p.x, p.y)] ?? []).first { Self.contains(communities[$0].ring, p) }.map { communities[$0] }
        }
        let plan: [(kind: String, prefix: String, count: Int, suffix: String, capacity: ClosedRange<Int>)] = [
            ("canteen", "CT", Int((600 * scale).rounded()), "老年食堂", 20...120),
            ("day-care", "DC", Int((100 * scale).rounded()), "日间照料中心", 10...40),
            ("embedded-care", "EC", Int((30 * scale).rounded()), "嵌入式养老机构", 30...150),
            ("care-home", "CH", Int((15 * scale).rounded()), "养老院", 100...500),
        ]
        let bounds = Envelope(of: communities.flatMap(\.ring))!
        for entry in plan {
            var n = 0
            while n < entry.count {
                // Canteens favour dense places even more than people do: that is what leaves rural gaps.
                let p = nearDemand(entry.kind == "canteen" ? 150 : 300)
                guard bounds.contains(p), let home = community(at: p), !(entry.kind == "canteen" && home.rural && random.unit() < 0.6) else { continue }
                n += 1
                features.append(
                    SampleFeatures.facility(
                        entry.prefix, n, name: home.name + entry.suffix, kind: entry.kind, capacity: random.int(entry.capacity), at: p))
            }
        }
        // One home-care service centre per street, but some streets still lack theirs.
        var n = 0
        for street in streets where random.unit() < 0.85 {
            n += 1
            let p = Coordinate(street.centre.x + random.uniform(-200...200), street.centre.y + random.uniform(-200...200))
            features.append(
                SampleFeatures.facility("HC", n, name: street.name + "居家养老服务中心", kind: "home-care-center", capacity: random.int(50...200), at: p))
        }
        return features
    }
}

/// Unique two-character Chinese place names, drawn without repetition.
struct NameBank {
    static let first = Array("清云望临翠明东南西北湖江溪桂梅荷松竹兰枫安和宁兴福康乐嘉丰瑞祥文德仁新华春秋金玉石")
    static let second = Array("湖江溪山苑塘桥浦港岭林园泉湾洲坞庄岗亭坊门")
    var pool: [String]
    var position = 0

    init(random: inout SplitMix64) {
        var pool = Self.first.flatMap { a in Self.second.filter { $0 != a }.map { String(a) + String($0) } }
        for i in stride(from: pool.count - 1, to: 0, by: -1) { pool.swapAt(i, random.int(0...i)) }
        self.pool = pool
    }

    mutating func next(suffix: String) -> String {
        defer { position += 1 }
        // Past the pool (very large scales) a numeral keeps names unique.
        let base = pool[position % pool.count]
        return position < pool.count ? base + suffix : base + String(position / pool.count + 1) + suffix
    }
}
