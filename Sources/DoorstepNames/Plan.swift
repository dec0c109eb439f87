import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import GRDB

/// A numbered series of names such as 文一路, 文二路, 文三路: `文{n}路`, `{n}` a Chinese numeral (一 … 九十九).
///
/// ```swift
/// let series = try SeriesPattern("文{n}路")
/// series.number(in: "文三路")   // 3
/// series.name(4)               // "文四路"
/// ```
public struct SeriesPattern: Sendable, Equatable, CustomStringConvertible {
    public var prefix: String
    public var suffix: String
    /// The largest number a series runs to.
    public static let maxNumber = 99

    /// Reads `文{n}路`; a pattern without exactly one `{n}`, or with nothing around it, is an error.
    public init(_ pattern: String) throws {
        let parts = pattern.components(separatedBy: "{n}")
        guard parts.count == 2 else {
            throw RegistryError("the series \(RegistryInput.shown(pattern)) needs exactly one {n} where the number goes, e.g. 文{n}路")
        }
        guard !(parts[0] + parts[1]).isEmpty else { throw RegistryError("the series {n} has no words around the number, e.g. 文{n}路") }
        if let problem = RegistryInput.nameProblem(parts[0] + "一" + parts[1]) { throw RegistryError("the series \(RegistryInput.shown(pattern)) \(problem)") }
        prefix = parts[0]
        suffix = parts[1]
    }

    public var description: String { prefix + "{n}" + suffix }

    /// The name with number `n` (1 … 99).
    public func name(_ n: Int) -> String { prefix + ChineseNumeral.text(n) + suffix }

    /// The number of `name` in this series, or nil when it is not one of it.
    public func number(in name: String) -> Int? {
        guard name.count > prefix.count + suffix.count, name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        let middle = String(name.dropFirst(prefix.count).dropLast(suffix.count))
        return ChineseNumeral.value(middle)
    }
}

/// Chinese numerals 一 … 九十九, as street series write them (十一, 二十, 二十三).
public enum ChineseNumeral {
    static let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    static let values: [String: Int] = Dictionary(uniqueKeysWithValues: (1...SeriesPattern.maxNumber).map { (text($0), $0) })

    /// `text(23)` is 二十三.
    public static func text(_ n: Int) -> String {
        guard n >= 1, n <= SeriesPattern.maxNumber else { return String(n) }
        if n < 10 { return digits[n] }
        return (n >= 20 ? digits[n / 10] : "") + "十" + digits[n % 10]
    }

    public static func value(_ text: String) -> Int? { values[text] }
}

/// One naming area of the place-name plan: a polygon with a theme its names draw on.
///
/// ```swift
/// let area = PlanArea(id: 1, name: "文教区", district: "330106", theme: ["文", "学", "书"],
///                     series: try SeriesPattern("文{n}路"), geometry: polygon)
/// area.conforms("文华路")   // true: uses the theme word 文
/// ```
public struct PlanArea: Sendable, Equatable {
    public var id: Int64
    /// The area's name (`area`).
    public var name: String
    public var district: String?
    /// The 专名 words or characters the area's names draw on.
    public var theme: [String]
    public var series: SeriesPattern?
    /// WGS84 Polygon or MultiPolygon.
    public var geometry: GeometryValue

    public init(id: Int64, name: String, district: String?, theme: [String], series: SeriesPattern?, geometry: GeometryValue) {
        self.id = id
        self.name = name
        self.district = district
        self.theme = theme
        self.series = series
        self.geometry = geometry
    }

    /// The theme words a 专名 uses.
    public func themeWords(in proper: String) -> [String] { theme.filter { !$0.isEmpty && proper.holds($0) } }

    /// Whether a name uses the theme (in its 专名) or is a member of the series.
    public func conforms(_ name: String, proper: String? = nil) -> Bool {
        !themeWords(in: proper ?? name).isEmpty || series?.number(in: name) != nil
    }

    /// Whether the point lies inside (even–odd over every ring; a point exactly on an edge may fall either way).
    public func contains(_ point: Coordinate) -> Bool { PlanGeometry.contains(geometry, point) }

    /// The theme as the plan writes it: 文|学|书.
    public var themeText: String { theme.joined(separator: "|") }
}

/// A planned road of the 2024–2035 plan: a line with a class, waiting for a name.
public struct PlannedRoad: Sendable, Equatable {
    public var id: Int64
    /// A key of ``NameSettings/roadClasses`` (arterial, secondary, branch, lane …).
    public var roadClass: String
    public var widthM: Double?
    public var district: String?
    public var plannedYear: Int?
    public var geometry: GeometryValue
    /// The record that names it, once named; `nil` while it is still unnamed.
    public var placeID: Int64?
    /// That record's current name.
    public var name: String?

    public init(
        id: Int64, roadClass: String, widthM: Double? = nil, district: String? = nil, plannedYear: Int? = nil, geometry: GeometryValue,
        placeID: Int64? = nil, name: String? = nil
    ) {
        self.id = id
        self.roadClass = roadClass
        self.widthM = widthM
        self.district = district
        self.plannedYear = plannedYear
        self.geometry = geometry
        self.placeID = placeID
        self.name = name
    }

    /// `planned` while unnamed, else `named`.
    public var status: String { placeID == nil ? "planned" : "named" }
}

/// Plain-coordinate geometry the plan needs: point in polygon and a representative point.
///
/// ```swift
/// PlanGeometry.representativePoint(.lineString([.init(0, 0), .init(2, 0)]))   // (1, 0)
/// ```
public enum PlanGeometry {
    public static func contains(_ geometry: GeometryValue, _ p: Coordinate) -> Bool { geometry.encloses(p) }

    /// A point of the geometry: a point itself, halfway along a line (in degrees), a polygon's
    /// envelope centre when inside it, else its first vertex.
    public static func representativePoint(_ geometry: GeometryValue) -> Coordinate? {
        switch geometry {
        case .point(let c): return c
        case .multiPoint(let cs): return cs.first
        case .lineString(let cs): return halfway([cs])
        case .multiLineString(let lines): return halfway(lines)
        case .polygon, .multiPolygon:
            guard let envelope = geometry.envelope else { return nil }
            let centre = Coordinate((envelope.minX + envelope.maxX) / 2, (envelope.minY + envelope.maxY) / 2)
            return contains(geometry, centre) ? centre : geometry.coordinates.first
        case .geometryCollection(let parts): return parts.lazy.compactMap(representativePoint).first
        }
    }

    static func halfway(_ lines: [[Coordinate]]) -> Coordinate? {
        func length(_ a: Coordinate, _ b: Coordinate) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }
        let total = lines.reduce(0.0) { sum, line in sum + zip(line, line.dropFirst()).reduce(0.0) { $0 + length($1.0, $1.1) } }
        var left = total / 2
        for line in lines {
            for (a, b) in zip(line, line.dropFirst()) {
                let step = length(a, b)
                if step >= left, step > 0 {
                    let t = left / step
                    return Coordinate(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
                }
                left -= step
            }
        }
        return lines.first?.first
    }
}

extension Registry {
    /// The plan's tables (a migration of its own, after v1).
    static func registerPlanMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-plan") { db in
            try db.execute(
                sql: """
                    CREATE TABLE plan_area (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      name TEXT NOT NULL, district TEXT, theme TEXT NOT NULL, series TEXT,
                      geometry TEXT NOT NULL, min_x REAL, min_y REAL, max_x REAL, max_y REAL);
                    CREATE TABLE planned_road (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      class TEXT NOT NULL, width_m REAL, district TEXT, planned_year INTEGER,
                      geometry TEXT NOT NULL, min_x REAL, min_y REAL, max_x REAL, max_y REAL,
                      place_id INTEGER REFERENCES place(id), source TEXT, created_at TEXT NOT NULL);
                    CREATE INDEX planned_road_by_place ON planned_road(place_id);
                    """)
        }
    }

    // MARK: Reading plan files

    /// The plan areas of a layer (polygons with `area`, `theme`, optional `district`, `series`),
    /// every feature checked, without touching a registry. Overlapping areas are an error naming
    /// both: a place belongs to one naming area (areas that only share edges are fine).
    ///
    /// ```swift
    /// let areas = try Registry.readPlanAreas("plan-areas.geojson")
    /// try registry.replacePlanAreas(areas, from: "plan-areas.geojson", actor: "lin")
    /// ```
    public static func readPlanAreas(_ path: String, formats: LayerFormats = .builtIn) throws -> [PlanArea] {
        let (features, locations, _) = try importRows(LayerRequest(parsing: path), formats: formats)
        let file = LayerRequest(parsing: path).path
        guard !features.isEmpty else { throw InputError(file: file, message: "holds no plan area") }
        var areas: [PlanArea] = []
        for (index, feature) in features.enumerated() {
            do {
                areas.append(try planArea(from: feature, id: Int64(index + 1)))
            } catch let error as RegistryError {
                throw InputError(file: file, location: locations[index], message: error.message)
            }
        }
        if let (i, j, problem) = try overlap(areas) {
            throw InputError(
                file: file, location: locations[j],
                message: "plan area \(areas[j].name) \(problem) plan area \(areas[i].name) (\(locations[i])); plan areas must not overlap (shared edges are fine)")
        }
        return areas
    }

    static func planArea(from feature: Feature, id: Int64) throws -> PlanArea {
        guard let name = text(feature, "area") else { throw RegistryError("a plan area needs `area` (its name)") }
        if let problem = RegistryInput.nameProblem(name) { throw RegistryError("area \(RegistryInput.shown(name)) \(problem)") }
        guard let themeText = text(feature, "theme") else { throw RegistryError("plan area \(name) has no `theme` (its 专名 words, |-separated)") }
        let theme = themeText.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !theme.isEmpty, theme.allSatisfy({ !$0.isEmpty }) else {
            throw RegistryError("plan area \(name): the theme \(RegistryInput.shown(themeText)) has an empty word; write words separated by |, e.g. 文|学|书")
        }
        for word in theme {
            if let problem = RegistryInput.nameProblem(word) { throw RegistryError("plan area \(name): the theme word \(RegistryInput.shown(word)) \(problem)") }
        }
        let series: SeriesPattern?
        do { series = try text(feature, "series").map(SeriesPattern.init) } catch let error as RegistryError {
            throw RegistryError("plan area \(name): \(error.message)")
        }
        let district = try code(feature, ["district"], lengths: [6])
        guard let geometry = feature.geometry else { throw RegistryError("plan area \(name) has no geometry; a plan area is a polygon") }
        switch geometry {
        case .polygon, .multiPolygon: break
        default: throw RegistryError("plan area \(name) is a \(geometry.typeName); a plan area is a Polygon or MultiPolygon")
        }
        do { try validate(geometry) } catch let error as RegistryError { throw RegistryError("plan area \(name): \(error.message)") }
        return PlanArea(id: id, name: name, district: district, theme: theme, series: series, geometry: geometry)
    }

    /// The first pair of areas whose interiors meet (in degrees², more than ~1 m²), or an invalid one.
    static func overlap(_ areas: [PlanArea]) throws -> (Int, Int, String)? {
        let context = GEOSContext()
        var geometries: [Geometry] = []
        for (index, area) in areas.enumerated() {
            let geometry = try Geometry(area.geometry, in: context)
            guard geometry.isValid else { return (index, index, "is not a valid polygon (\(geometry.validityReason)); so is") }
            geometries.append(geometry)
        }
        let envelopes = areas.map { $0.geometry.envelope }
        for j in areas.indices {
            for i in 0..<j {
                guard let a = envelopes[i], let b = envelopes[j], a.intersects(b) else { continue }
                guard geometries[i].intersects(geometries[j]) else { continue }
                if try geometries[i].intersection(geometries[j]).area > 1e-10 { return (i, j, "overlaps") }
            }
        }
        return nil
    }

    /// The planned roads of a layer (lines with `class`, optional `width_m`, `district`,
    /// `planned_year`); a class must be one of `classes` (``NameSettings/roadClasses``).
    public static func readPlannedRoads(_ path: String, classes: [String: [String]], formats: LayerFormats = .builtIn) throws -> [PlannedRoad] {
        let (features, locations, _) = try importRows(LayerRequest(parsing: path), formats: formats)
        let file = LayerRequest(parsing: path).path
        guard !features.isEmpty else { throw InputError(file: file, message: "holds no planned road") }
        var roads: [PlannedRoad] = []
        for (index, feature) in features.enumerated() {
            do {
                roads.append(try plannedRoad(from: feature, classes: classes))
            } catch let error as RegistryError {
                throw InputError(file: file, location: locations[index], message: error.message)
            }
        }
        return roads
    }

    static func plannedRoad(from feature: Feature, classes: [String: [String]]) throws -> PlannedRoad {
        guard let roadClass = text(feature, "class") else {
            throw RegistryError("a planned road needs `class` (one of \(classes.keys.sorted().joined(separator: ", ")))")
        }
        guard classes[roadClass] != nil else {
            throw RegistryError("the class \(RegistryInput.shown(roadClass)) is not a road class of the settings (\(classes.keys.sorted().joined(separator: ", ")))")
        }
        var width: Double?
        if let value = feature.properties["width_m"], value != .null {
            guard let number = value.numberValue ?? value.textValue.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), number.isFinite,
                number > 0, number <= 1000
            else { throw RegistryError("width_m \(RegistryInput.shown(value.textValue ?? "\(value)")) is not a width in metres (0–1000)") }
            width = number
        }
        var year: Int?
        if let value = feature.properties["planned_year"], value != .null {
            let number = value.numberValue ?? value.textValue.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard let number, number == number.rounded(), (2000...2100).contains(number) else {
                throw RegistryError("planned_year \(RegistryInput.shown(value.textValue ?? "\(value)")) is not a year like 2027")
            }
            year = Int(number)
        }
        let district = try code(feature, ["district"], lengths: [6])
        guard let geometry = feature.geometry else { throw RegistryError("a planned road needs a line geometry") }
        switch geometry {
        case .lineString, .multiLineString: break
        default: throw RegistryError("a planned road is a LineString or MultiLineString, not a \(geometry.typeName)")
        }
        try validate(geometry)
        return PlannedRoad(id: 0, roadClass: roadClass, widthM: width, district: district, plannedYear: year, geometry: geometry)
    }

    // MARK: Writing

    /// Replaces every plan area with `areas` in one transaction, with one `plan-import` event that
    /// keeps the names of the areas before and after.
    public func replacePlanAreas(_ areas: [PlanArea], from path: String, actor: String, reason: String? = nil) throws {
        try write { db in
            let before = try String.fetchAll(db, sql: "SELECT name FROM plan_area ORDER BY id")
            try db.execute(sql: "DELETE FROM plan_area")
            for area in areas {
                let envelope = area.geometry.envelope
                try db.execute(
                    sql: "INSERT INTO plan_area (name, district, theme, series, geometry, min_x, min_y, max_x, max_y) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        area.name, area.district, area.themeText, area.series?.description, Self.geometryText(area.geometry), envelope?.minX,
                        envelope?.minY, envelope?.maxX, envelope?.maxY,
                    ])
            }
            try recordEvent(
                db, place: nil, action: "plan-import", actor: actor, reason: reason ?? "plan areas from \(URL(fileURLWithPath: path).lastPathComponent)",
                before: ["plan_areas": .array(before.map(JSONValue.string))], after: ["plan_areas": .array(areas.map { .string($0.name) })])
        }
    }

    /// Adds planned roads (unnamed) in one transaction with one `planned-import` event; returns their ids.
    @discardableResult
    public func addPlannedRoads(_ roads: [PlannedRoad], from path: String, actor: String, reason: String? = nil) throws -> [Int64] {
        let classes = try settings().roadClasses
        for road in roads where classes[road.roadClass] == nil {
            throw RegistryError("the class \(RegistryInput.shown(road.roadClass)) is not a road class of the settings (\(classes.keys.sorted().joined(separator: ", ")))")
        }
        return try write { db in
            var ids: [Int64] = []
            let now = Self.now()
            for road in roads {
                let envelope = road.geometry.envelope
                try db.execute(
                    sql: """
                        INSERT INTO planned_road (class, width_m, district, planned_year, geometry, min_x, min_y, max_x, max_y, source, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        road.roadClass, road.widthM, road.district, road.plannedYear, Self.geometryText(road.geometry), envelope?.minX,
                        envelope?.minY, envelope?.maxX, envelope?.maxY, URL(fileURLWithPath: path).lastPathComponent, now,
                    ])
                ids.append(db.lastInsertedRowID)
            }
            try recordEvent(
                db, place: nil, action: "planned-import", actor: actor, reason: reason ?? "planned roads from \(URL(fileURLWithPath: path).lastPathComponent)",
                before: nil, after: ["planned_roads": .number(Double(ids.count)), "first_id": ids.first.map { .number(Double($0)) } ?? .null])
            return ids
        }
    }

    /// Creates the record that names planned road `road` and links the two, in one transaction with
    /// the record's event: the record takes the road's line, and its district unless `draft` has one.
    @discardableResult
    public func namePlannedRoad(_ road: Int64, _ draft: PlaceDraft, action: String, actor: String, reason: String? = nil) throws -> Int64 {
        try write { db in try namePlannedRoad(road, draft, action: action, actor: actor, reason: reason, in: db) }
    }

    func namePlannedRoad(_ road: Int64, _ draft: PlaceDraft, action: String, actor: String, reason: String?, in db: Database) throws -> Int64 {
        let planned = try Self.plannedRoad(db, road)
        if let placeID = planned.placeID {
            throw RegistryError("planned road \(road) is named already (record \(placeID), \(planned.name ?? "?"))", kind: .conflict)
        }
        var draft = draft
        draft.geometry = draft.geometry.flatMap { if case .point = $0 { return nil } else { return $0 } } ?? planned.geometry
        draft.district = draft.district ?? planned.district
        let id = try Self.insert(draft, types: try Self.types(db), in: db)
        try db.execute(sql: "UPDATE planned_road SET place_id = ? WHERE id = ?", arguments: [id, road])
        var after = Self.snapshot(draft)
        after["planned_road"] = .number(Double(road))
        try recordEvent(db, place: id, action: action, actor: actor, reason: reason, before: nil, after: after)
        return id
    }

    // MARK: Reading the plan

    public func planAreas() throws -> [PlanArea] {
        try read { db in try Self.planAreas(db) }
    }

    static func planAreas(_ db: Database) throws -> [PlanArea] {
        try Row.fetchAll(try db.cachedStatement(sql: "SELECT id, name, district, theme, series, geometry FROM plan_area ORDER BY id")).map { row in
            let id: Int64 = try row.stored("id", of: "a plan area")
            let name: String = try row.stored("name", of: "plan area \(id)")
            let theme: String = try row.stored("theme", of: "plan area \(name)")
            let series: SeriesPattern?
            do { series = try (row["series"] as String?).map(SeriesPattern.init) } catch let error as RegistryError {
                throw RegistryError("plan area \(name): the stored series is corrupt (\(error.message)); import the plan areas again")
            }
            guard let geometry = try planGeometry(row["geometry"], what: "plan area \(name)") else {
                throw RegistryError("plan area \(name): the stored geometry is missing; import the plan areas again")
            }
            return PlanArea(id: id, name: name, district: row["district"], theme: theme.split(separator: "|").map(String.init), series: series, geometry: geometry)
        }
    }

    static func planGeometry(_ text: String?, what: String) throws -> GeometryValue? {
        guard let text else { return nil }
        let wrapped = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":"# + text + "}]}"
        do {
            return try GeoJSONReader.parse(Array(wrapped.utf8), file: "registry").features.first?.geometry ?? nil
        } catch {
            throw RegistryError("\(what): the stored geometry does not read (\(error.message))")
        }
    }

    /// Every planned road, named or not, in id order.
    public func plannedRoads() throws -> [PlannedRoad] {
        try read { db in try Self.plannedRoads(db, where: "1") }
    }

    /// One planned road, or an error saying there is none with that id.
    public func plannedRoad(_ id: Int64) throws -> PlannedRoad {
        try read { db in try Self.plannedRoad(db, id) }
    }

    static func plannedRoad(_ db: Database, _ id: Int64) throws -> PlannedRoad {
        guard let road = try plannedRoads(db, where: "r.id = ?", [id]).first else {
            throw RegistryError("\(id) is not a planned road (import them with `doorstep names planned import`; `doorstep names plan` lists them)")
        }
        return road
    }

    static func plannedRoads(_ db: Database, where condition: String, _ arguments: StatementArguments = []) throws -> [PlannedRoad] {
        try Row.fetchAll(
            try db.cachedStatement(sql: """
                SELECT r.id, r.class, r.width_m, r.district, r.planned_year, r.geometry, r.place_id, p.name
                FROM planned_road r LEFT JOIN place p ON p.id = r.place_id WHERE \(condition) ORDER BY r.id
                """), arguments: arguments
        ).map { row in
            let id: Int64 = try row.stored("id", of: "a planned road")
            guard let geometry = try planGeometry(row["geometry"], what: "planned road \(id)") else {
                throw RegistryError("planned road \(id): the stored geometry is missing")
            }
            return PlannedRoad(
                id: id, roadClass: try row.stored("class", of: "planned road \(id)"), widthM: row["width_m"], district: row["district"],
                plannedYear: row["planned_year"], geometry: geometry, placeID: row["place_id"], name: row["name"])
        }
    }

    /// The planned road a record names, if any.
    static func plannedRoad(namedBy record: Int64, _ db: Database) throws -> PlannedRoad? {
        try plannedRoads(db, where: "r.place_id = ?", [record]).first
    }
}

/// Planned roads counted by district and planned year (`doorstep names plan`).
public struct PlannedRoadCount: Sendable, Equatable {
    /// `nil` when the road has no district / year.
    public var district: String?
    public var year: Int?
    public var named: Int
    public var unnamed: Int

    public init(district: String?, year: Int?, named: Int, unnamed: Int) {
        self.district = district
        self.year = year
        self.named = named
        self.unnamed = unnamed
    }
}

extension Registry {
    /// Planned roads by district and year, named and still unnamed, sorted by district then year.
    public func plannedRoadCounts() throws -> [PlannedRoadCount] {
        try read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT district, planned_year, SUM(place_id IS NOT NULL) AS named, SUM(place_id IS NULL) AS unnamed
                    FROM planned_road GROUP BY district, planned_year ORDER BY district IS NULL, district, planned_year IS NULL, planned_year
                    """
            ).map { PlannedRoadCount(district: $0["district"], year: $0["planned_year"], named: $0["named"], unnamed: $0["unnamed"]) }
        }
    }
}
