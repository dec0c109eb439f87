import DoorstepCRS
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNetwork
import Foundation
import Synchronization

/// The property names read from each layer; each can be renamed with a CLI flag.
public struct FieldNames: Sendable, Equatable {
    public var code = "code"
    public var name = "name"
    public var level = "level"
    public var parent = "parent"
    public var id = "id"
    public var kind = "kind"
    public var capacity = "capacity"
    public var weight = "elderly"

    public init() {}
}

/// One input layer: its file, the layer of a multi-layer file, and, when the user said so, its
/// coordinate system and text encoding.
public struct LayerSource: Sendable, Equatable {
    public var path: String
    /// The `--…-crs` flag; `nil` means the file's own (a GeoJSON `crs` member, a `.prj`), or else WGS84.
    public var crs: CoordinateSystem?
    /// The layer of a GeoPackage, File Geodatabase or workbook (`FILE:LAYER`, `--units-layer`).
    public var layer: String?
    /// The text encoding of the attributes (`--encoding`), overriding the file's own.
    public var encoding: String?

    public init(path: String, crs: CoordinateSystem? = nil, layer: String? = nil, encoding: String? = nil) {
        self.path = path
        self.crs = crs
        self.layer = layer
        self.encoding = encoding
    }

    /// `FILE` or `FILE:LAYER` (see ``LayerRequest/init(parsing:)``); a `layer` flag fills in a layer
    /// the text does not name.
    public init(parsing text: String, crs: CoordinateSystem? = nil, layer: String? = nil, encoding: String? = nil) {
        let request = LayerRequest(parsing: text)
        self.init(path: request.path, crs: crs, layer: request.layer ?? layer, encoding: encoding)
    }

    func request(preferring preferred: String? = nil) -> LayerRequest {
        LayerRequest(path: path, layer: layer, encoding: encoding, preferredLayer: preferred)
    }
}

/// Reads the three layers, checks them feature by feature and converts them to WGS84.
///
/// Every problem is an ``InputError`` naming the file, the feature and what is wrong.
/// Self-intersecting unit polygons are repaired with GEOS MakeValid and reported as warnings.
///
/// ```swift
/// let layers = try LayerLoader(fields: FieldNames()).load(
///     units: LayerSource(path: "units.geojson"),
///     facilities: [LayerSource(path: "canteens.csv", crs: .gcj02)],
///     demand: LayerSource(path: "elderly.geojson"))
/// ```
public struct LayerLoader: Sendable {
    /// The property names of each layer: a Chinese-header facility ledger (`名称`) can sit beside units
    /// with `name`.
    public var unitFields: FieldNames
    public var facilityFields: FieldNames
    public var demandFields: FieldNames
    /// The file formats read: GeoJSON and CSV, and every other GDAL format when the program links it.
    public var formats: LayerFormats
    /// How demand counts become points (see ``DemandSource``).
    public var demandOptions = DemandOptions()
    /// Whether points read from a demand layer keep their ids. Analyses that name no point (coverage,
    /// gaps, access without its points) leave them empty and do not read the id column: making
    /// 300,000 strings nobody reads was a fifth of reading the layer.
    public var keepsDemandIDs = true

    /// The same property names for every layer.
    public init(fields: FieldNames = FieldNames(), formats: LayerFormats = .builtIn) {
        self.init(units: fields, facilities: fields, demand: fields, formats: formats)
    }

    public init(units: FieldNames, facilities: FieldNames, demand: FieldNames, formats: LayerFormats = .builtIn) {
        unitFields = units
        facilityFields = facilities
        demandFields = demand
        self.formats = formats
    }

    /// The widest a unit may be, in degrees of longitude or latitude. The largest Chinese county spans
    /// under 10°; a polygon crossing the antimeridian or drawn around the world spans 180° or more and
    /// would silently count nobody.
    public static let maximumUnitSpan = 20.0

    /// A unit with no other unit within this many degrees (about 100 km) is probably a typo.
    public static let isolationDistance = 1.0

    public func load(units unitsSource: LayerSource, facilities: [LayerSource], demand: LayerSource) throws(InputError) -> Layers {
        try load(units: unitsSource, facilities: facilities, demand: DemandSource.layer(demand))
    }

    /// The three layers, the demand as points or made from counts (see ``DemandSource``).
    public func load(units unitsSource: LayerSource, facilities: [LayerSource], demand: DemandSource) throws(InputError) -> Layers {
        do { return try loadAll(units: unitsSource, facilities: facilities, demand: demand) } catch { throw onTableLine(error) }
    }

    /// An error about feature N of a table (CSV, a workbook) names the line of its row instead: what a
    /// planner finds in Excel. Only the error path reads the file again.
    func onTableLine(_ error: InputError) -> InputError {
        let tables = [".csv", ".xlsx", ".xls", ".ods"]
        guard error.feature != nil, tables.contains(where: error.file.lowercased().hasSuffix),
            let table = try? formats.read(LayerRequest(path: error.file))
        else { return error }
        return error.onLine(of: table)
    }

    func loadAll(units unitsSource: LayerSource, facilities: [LayerSource], demand: DemandSource) throws(InputError) -> Layers {
        // PROJ, which the next phase needs, is opened meanwhile, and waited for however this ends: an
        // error must not end the process in the middle of a dlopen().
        let openingPROJ = InBackground { PROJLibrary.open() }
        defer { _ = openingPROJ.result(about: unitsSource.path) }
        // The facilities are read on another thread while this one reads the units (whose checks
        // spread over the cores themselves: a nested concurrentPerform would run on one); what they
        // say comes in the order of reading one after the other, an error in the units first. The
        // demand follows: read beside them it gained no time (the two already keep both cores busy)
        // and raised the peak memory by a tenth.
        let facilitiesRead = InBackground { () throws(InputError) in
            var warnings: [String] = []
            var all: [Facility] = []
            for source in facilities { all += try loadFacilities(source, warnings: &warnings) }
            return (facilities: all, warnings: warnings)
        }
        let unitsResult = Result { () throws(InputError) in
            var warnings: [String] = []
            let units = try loadUnits(unitsSource, warnings: &warnings)
            return (units: units, warnings: warnings + isolationWarnings(units, file: unitsSource.path))
        }
        let facilitiesResult = facilitiesRead.result(about: facilities.first?.path ?? unitsSource.path)
        let (units, unitWarnings) = try unitsResult.get()
        let (allFacilities, facilityWarnings) = try facilitiesResult.get()
        var warnings = unitWarnings + facilityWarnings
        let (points, method) = try loadDemand(demand, units: units, warnings: &warnings)
        return Layers(units: units, facilities: allFacilities, demand: points, warnings: warnings, demandMethod: method)
    }

    // MARK: Reading and converting

    /// Reads a layer through ``formats`` and converts it to WGS84.
    func read(_ source: LayerSource, preferring preferred: String? = nil, warnings: inout [String]) throws(InputError) -> [Feature] {
        try read(source, source.request(preferring: preferred), warnings: &warnings).features
    }

    /// Reads a layer as `request` asks, converted to WGS84: its features, or its point columns when
    /// the request asked for them and the reader gave them.
    func read(_ source: LayerSource, _ request: LayerRequest, warnings: inout [String]) throws(InputError) -> FeatureCollection {
        let path = source.path
        var collection = try formats.read(request)
        warnings += collection.notes
        if let unusable = collection.unusableCRS, source.crs == nil {
            throw InputError(file: path, message: "\(unusable); give the layer's coordinate system with its --…-crs flag (e.g. EPSG:4549)")
        }
        let declared = collection.declaredEPSG.map(CoordinateSystem.fromEPSG)
        let crs = source.crs ?? declared ?? .wgs84
        if let declared, let flag = source.crs, flag != declared {
            warnings.append("\(path): the file declares \(declared) but the flag says \(flag); using \(flag)")
        }
        let converter: ToWGS84
        do { converter = try ToWGS84(from: crs) } catch { throw InputError(file: path, message: error.message) }
        func converted(_ geometry: GeometryValue, feature index: Int) throws(InputError) -> GeometryValue {
            if crs.isGeographic { try checkLonLat(geometry, crs: crs, feature: index, file: path) }
            guard !converter.isIdentity else { return geometry }  // already checked as lon/lat
            let converted: GeometryValue
            do { converted = try converter.convert(geometry) } catch { throw .feature(index, in: path, "cannot convert from \(crs): \(error.message)") }
            try checkLonLat(converted, crs: .wgs84, feature: index, file: path)
            return converted
        }
        if var points = collection.points {
            collection.points = nil  // moved out, so that the loop changes them in place
            for index in points.locations.indices {
                if converter.isIdentity {  // nearly always: only the check, without a geometry per point
                    try checkLonLat(points.locations[index], crs: crs, feature: index, file: path)
                } else if case .point(let location) = try converted(.point(points.locations[index]), feature: index) {
                    points.locations[index] = location
                }
            }
            collection.points = points
        }
        for index in collection.features.indices {
            guard let geometry = collection.features[index].geometry else { continue }
            collection.features[index].geometry = try converted(geometry, feature: index)
        }
        return collection
    }

    /// Rejects coordinates that cannot be longitude/latitude, and says so when they look swapped.
    func checkLonLat(_ geometry: GeometryValue, crs: CoordinateSystem, feature: Int, file: String) throws(InputError) {
        if case .point(let c) = geometry {  // most features: no array to build
            try checkLonLat(c, crs: crs, feature: feature, file: file)
        } else {
            for c in geometry.coordinates { try checkLonLat(c, crs: crs, feature: feature, file: file) }
        }
    }

    func checkLonLat(_ c: Coordinate, crs: CoordinateSystem, feature: Int, file: String) throws(InputError) {
        guard c.x.isFinite, c.y.isFinite else {
            throw .feature(feature, in: file, "coordinate (\(c.x), \(c.y)) is not a finite number")
        }
        let lonOK = (-180...180).contains(c.x), latOK = (-90...90).contains(c.y)
        if !latOK, lonOK, (-180...180).contains(c.y), (-90...90).contains(c.x) {
            throw .feature(
                feature, in: file,
                "latitude \(c.y) is out of range; latitude and longitude look swapped (GeoJSON is [longitude, latitude])")
        }
        guard lonOK, latOK else {
            throw .feature(
                feature, in: file,
                "coordinate (\(c.x), \(c.y)) is out of range for \(crs) longitude/latitude; if the layer is projected, give its EPSG code")
        }
        // Chinese data swapped: x looks like a Chinese latitude and y like a Chinese longitude.
        if (crs == .gcj02 || crs == .bd09 || crs == .cgcs2000), (3...54).contains(c.x), (73...136).contains(c.y) {
            throw .feature(
                feature, in: file,
                "(\(c.x), \(c.y)) lies outside China for \(crs); latitude and longitude look swapped (GeoJSON is [longitude, latitude])")
        }
    }

    func text(_ feature: Feature, _ field: String) -> String? { Self.text(Self.value(feature, field)) }

    /// A property's text without surrounding spaces; `nil` when absent, empty or not text-like.
    static func text(_ value: JSONValue?) -> String? {
        guard let text = value?.textValue?.trimmingSpaces(), !text.isEmpty else { return nil }
        return text
    }

    /// The property `field`, or one whose name differs only in case (``JSONObject/value(forField:)``).
    static func value(_ feature: Feature, _ field: String) -> JSONValue? {
        feature.properties.value(forField: field)
    }

    /// The most a count in a layer may be: no building houses ten million elderly and no canteen seats
    /// them. Beyond it a sum could overflow to infinity and every ratio read NaN.
    public static let largestCount = 10_000_000.0

    /// A number from 0 to ``largestCount`` from `field`, `fallback` when the field is absent or empty.
    func number(_ feature: Feature, _ field: String, fallback: Double, index: Int, file: String) throws(InputError) -> Double {
        try Self.number(Self.value(feature, field), field, fallback: fallback, index: index, file: file)
    }

    /// The number a property holds (see ``number(_:_:fallback:index:file:)``).
    static func number(_ value: JSONValue?, _ field: String, fallback: Double, index: Int, file: String) throws(InputError) -> Double {
        if case .number(let number)? = value, number >= 0, number <= Self.largestCount { return number }
        guard let value, value != .null, value.textValue?.trimmingSpaces() != "" else { return fallback }
        guard let number = value.numberValue else {
            throw .feature(index, in: file, "\"\(field)\" is \(GeoJSONWriter.json(value)), not a number")
        }
        guard number.isFinite, number >= 0 else { throw .feature(index, in: file, "\"\(field)\" is \(number); it must be 0 or more") }
        guard number <= Self.largestCount else {
            throw .feature(index, in: file, "\"\(field)\" is \(number); it must be at most 10000000")
        }
        return number
    }

    func point(_ feature: Feature, index: Int, file: String, layer: String) throws(InputError) -> Coordinate {
        switch feature.geometry {
        case .point(let c)?: return c
        case .multiPoint(let cs)? where cs.count == 1: return cs[0]
        case nil: throw .feature(index, in: file, "has no geometry; a \(layer) needs a Point")
        case let geometry?: throw .feature(index, in: file, "is a \(geometry.typeName); a \(layer) must be a Point")
        }
    }

    // MARK: Layers

    /// A facilities layer on its own, e.g. a scenario's (existing + proposed sites).
    public func loadFacilities(_ source: LayerSource) throws(InputError) -> (facilities: [Facility], warnings: [String]) {
        var warnings: [String] = []
        do {
            let facilities = try loadFacilities(source, warnings: &warnings)
            return (facilities, warnings)
        } catch {
            throw onTableLine(error)
        }
    }

    /// Point features of a layer in WGS84 (GeoJSON or CSV), each with its location; for layers other
    /// than the three of an assessment, such as siting candidates.
    public func loadPoints(_ source: LayerSource, layer: String) throws(InputError) -> [(feature: Feature, location: Coordinate)] {
        var warnings: [String] = []
        do {
            return try read(source, warnings: &warnings).enumerated().map { index, feature throws(InputError) in
                (feature, try point(feature, index: index, file: source.path, layer: layer))
            }
        } catch {
            throw onTableLine(error)
        }
    }

    func loadUnits(_ source: LayerSource, warnings: inout [String]) throws(InputError) -> [PlanningUnit] {
        let file = source.path
        let features = try read(source, warnings: &warnings)
        guard !features.isEmpty else { throw InputError(file: file, message: "the units layer has no features") }
        // Each unit's own fields in order, up to the first that is wrong; then the polygons' validity
        // (GEOS, most of the work: thousands of large rural towns) on all cores. Errors and warnings
        // come as one pass in order would give them.
        var units: [PlanningUnit] = []
        var fieldError: InputError?
        var firstFeatureOfCode: [String: Int] = [:]
        for (index, feature) in features.enumerated() {
            do throws(InputError) {
                units.append(try unit(feature, index: index, file: file, firstFeatureOfCode: &firstFeatureOfCode))
            } catch {
                fieldError = error
                break
            }
        }
        let checked = units
        let repairs: [Result<(geometry: GeometryValue, warning: String?), InputError>]
        do {
            repairs = try parallelMap(Array(checked.indices), count: checked.count, makeState: { GEOSContext() }) { context, u in
                Result { () throws(InputError) in try repaired(checked[u].geometry, context: context, code: checked[u].code, index: u, file: file) }
            }
        } catch {
            throw InputError(file: file, message: "the units could not be checked: \(error)")
        }
        for (u, repair) in repairs.enumerated() {
            let (geometry, warning) = try repair.get()
            units[u].geometry = geometry
            if let warning { warnings.append(warning) }
        }
        if let fieldError { throw fieldError }
        return units
    }

    /// A unit from its feature's fields, its geometry as the file gives it.
    func unit(_ feature: Feature, index: Int, file: String, firstFeatureOfCode: inout [String: Int]) throws(InputError) -> PlanningUnit {
        let fields = unitFields
        guard let code = text(feature, fields.code) else {
            throw .feature(index, in: file, "unit has no \"\(fields.code)\" (use --units-code-field to name the code property)")
        }
        if let earlier = firstFeatureOfCode[code] {
            throw .feature(index, in: file, "unit code \(code) is already used by feature \(earlier); codes must be unique")
        }
        firstFeatureOfCode[code] = index
        let level: UnitLevel
        if let label = text(feature, fields.level) {
            guard let parsed = UnitLevel(rawValue: label) ?? Self.chineseLevels[label] else {
                throw .feature(index, in: file, "unit \(code) has level \"\(label)\"; expected district, street or community")
            }
            level = parsed
        } else if let inferred = UnitLevel(codeLength: code.count) {
            level = inferred
        } else {
            throw .feature(
                index, in: file,
                "unit \(code) has no \"\(fields.level)\" and its code is not 6, 9 or 12 digits to tell the level")
        }
        guard let geometry = feature.geometry else {
            throw .feature(index, in: file, "unit \(code) has no geometry; a unit needs a Polygon or MultiPolygon")
        }
        guard geometry.isPolygonal else {
            throw .feature(index, in: file, "unit \(code) is a \(geometry.typeName); a unit must be a Polygon or MultiPolygon")
        }
        try checkExtent(geometry, code: code, index: index, file: file)
        return PlanningUnit(code: code, name: text(feature, fields.name) ?? code, level: level, parent: text(feature, fields.parent), geometry: geometry)
    }

    /// Refuses a unit with no coordinates, or one wider than any Chinese unit (see ``maximumUnitSpan``).
    func checkExtent(_ geometry: GeometryValue, code: String, index: Int, file: String) throws(InputError) {
        guard let box = geometry.envelope else {
            throw .feature(index, in: file, "unit \(code) has an empty \(geometry.typeName) (no coordinates); a unit needs an area")
        }
        let width = box.maxX - box.minX, height = box.maxY - box.minY
        guard max(width, height) <= Self.maximumUnitSpan else {
            throw .feature(
                index, in: file,
                "unit \(code) spans \(Self.degrees(width))° of longitude and \(Self.degrees(height))° of latitude; no planning unit "
                    + "spans more than \(Int(Self.maximumUnitSpan))° (a polygon crossing the antimeridian or around the world?)")
        }
    }

    static func degrees(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Warns, naming them, about units with no other unit within ``isolationDistance``: one longitude
    /// typo puts a community in another province. Units are bucketed by whole degrees of their
    /// envelope's corner, so each looks only at its neighbours and stops at the first near one.
    func isolationWarnings(_ units: [PlanningUnit], file: String) -> [String] {
        guard units.count > 1 else { return [] }
        let boxes = units.map { $0.geometry.envelope }
        struct Cell: Hashable { var x: Int, y: Int }
        func cell(_ box: Envelope) -> Cell { Cell(x: Int(box.minX.rounded(.down)), y: Int(box.minY.rounded(.down))) }
        var buckets: [Cell: [Int]] = [:]
        for (u, box) in boxes.enumerated() { if let box { buckets[cell(box), default: []].append(u) } }
        // Units span at most `maximumUnitSpan` degrees, so a near unit's corner is within that plus one.
        let reach = Int(Self.maximumUnitSpan) + Int(Self.isolationDistance) + 1
        // Nearest cells first: in a city the first look finds a neighbour.
        let offsets = (-reach...reach).flatMap { dx in (-reach...reach).map { (dx, $0) } }.sorted { max(abs($0.0), abs($0.1)) < max(abs($1.0), abs($1.1)) }
        var warnings: [String] = []
        for (u, box) in boxes.enumerated() {
            guard let box else { continue }
            let grown = box.expanded(by: Self.isolationDistance), home = cell(box)
            let near = offsets.lazy.map { Cell(x: home.x + $0.0, y: home.y + $0.1) }
                .contains { key in
                    buckets[key]?.contains { v in
                        guard v != u, let other = boxes[v] else { return false }
                        return other.intersects(grown)
                    } ?? false
                }
            guard !near else { continue }
            let centre = box.center
            warnings.append(
                "\(file): unit \(units[u].code) (\(units[u].name)) at \(Self.degrees(centre.x)), \(Self.degrees(centre.y)) lies more "
                    + "than 1° (about 100 km) from every other unit; check its coordinates")
        }
        return warnings
    }

    static let chineseLevels: [String: UnitLevel] = [
        "区": .district, "县": .district, "区县": .district, "镇街": .street, "街道": .street, "乡镇": .street,
        "镇": .street, "乡": .street, "社区": .community, "村": .community, "村社": .community, "village": .community,
        "town": .street, "county": .district, "subdistrict": .street,
    ]

    /// The polygon, or its MakeValid repair with a warning: a hand-drawn boundary that crosses itself
    /// still describes the area the planner meant, and refusing the whole layer helps nobody.
    func repaired(
        _ geometry: GeometryValue, context: GEOSContext, code: String, index: Int, file: String
    ) throws(InputError) -> (geometry: GeometryValue, warning: String?) {
        do {
            let geos = try Geometry(geometry, in: context)
            if geos.isValid {
                guard geos.area > 0 else { throw InputError.feature(index, in: file, "unit \(code) has no area (a zero-area polygon)") }
                return (geometry, nil)
            }
            let reason = geos.validityReason
            let fixed = try geos.makeValid()
            let polygons = fixed.value().polygons
            guard !polygons.isEmpty, fixed.area > 0 else {
                throw InputError.feature(index, in: file, "unit \(code) is invalid (\(reason)) and has no area after repair")
            }
            return (
                polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons),
                "\(file): feature \(index): unit \(code) is invalid (\(reason)); repaired with MakeValid"
            )
        } catch let error as InputError {
            throw error
        } catch {
            throw .feature(index, in: file, "unit \(code) cannot be read as a polygon: \(error)")
        }
    }

    func loadFacilities(_ source: LayerSource, warnings: inout [String]) throws(InputError) -> [Facility] {
        let file = source.path, fields = facilityFields
        let features = try read(source, warnings: &warnings)
        var facilities: [Facility] = []
        facilities.reserveCapacity(features.count)
        for (index, feature) in features.enumerated() {
            let location = try point(feature, index: index, file: file, layer: "facility")
            guard let kind = text(feature, fields.kind) else {
                throw .feature(index, in: file, "facility has no \"\(fields.kind)\" (use --facilities-kind-field to name the kind property)")
            }
            let id = text(feature, fields.id) ?? feature.id?.textValue ?? "\(URL(fileURLWithPath: file).lastPathComponent)#\(index)"
            facilities.append(
                Facility(
                    id: id, name: text(feature, fields.name) ?? id, kind: FacilityKind.normalized(kind),
                    capacity: try number(feature, fields.capacity, fallback: 0, index: index, file: file),
                    location: location))
        }
        return facilities
    }

    /// A street network layer: LineString and MultiLineString features with their `highway` and
    /// `foot` tags (`foot` also from GDAL's `other_tags`). Lines of fewer than two distinct points are
    /// left out with a warning naming them; a layer with no usable line is an error.
    public func loadNetwork(_ source: LayerSource) throws(InputError) -> (lines: [NetworkLine], warnings: [String]) {
        let file = source.path
        var warnings: [String] = []
        // An OpenStreetMap extract's ways are its `lines` layer.
        let features = try read(source, preferring: "lines", warnings: &warnings)
        guard !features.isEmpty else { throw InputError(file: file, message: "the network layer has no features") }
        var lines: [NetworkLine] = []
        lines.reserveCapacity(features.count)
        for (index, feature) in features.enumerated() {
            let parts: [[Coordinate]]
            switch feature.geometry {
            case .lineString(let line)?: parts = [line]
            case .multiLineString(let many)?: parts = many
            case nil: throw .feature(index, in: file, "has no geometry; a network feature needs a LineString or MultiLineString")
            case let geometry?:
                throw .feature(index, in: file, "is a \(geometry.typeName); a network feature must be a LineString or MultiLineString")
            }
            let foot = text(feature, "foot") ?? text(feature, "other_tags").flatMap { WalkRules.tag("foot", inOtherTags: $0) }
            lines.append(NetworkLine(parts: parts, highway: text(feature, "highway"), foot: foot, feature: index))
        }
        let verdicts = WalkRules.verdicts(lines)
        let short = lines.indices.filter { verdicts[$0] == .tooShort }
        if !short.isEmpty {
            warnings.append(
                "\(file): \(short.count) line\(short.count == 1 ? " has" : "s have") fewer than two distinct points and \(short.count == 1 ? "is" : "are") left out: feature "
                    + short.prefix(10).map(String.init).joined(separator: ", ") + (short.count > 10 ? " …" : ""))
        }
        guard verdicts.contains(.usable) else {
            let reasons = Dictionary(grouping: verdicts, by: \.reason).map { "\($0.value.count) \($0.key)" }.sorted()
            throw InputError(file: file, message: "the network has no usable line (\(reasons.joined(separator: ", ")))")
        }
        return (lines, warnings)
    }

    /// Demand points with their weights from a layer of points.
    func demandPoints(_ features: [Feature], file: String) throws(InputError) -> [DemandPoint] {
        var demand: [DemandPoint] = []
        demand.reserveCapacity(features.count)
        // By index, so that each feature is borrowed, not copied (a retain and a release each).
        for index in features.indices {
            let location = try point(features[index], index: index, file: file, layer: "demand point")
            demand.append(
                try demandPoint(
                    at: location, id: Self.value(features[index], demandFields.id), weight: Self.value(features[index], demandFields.weight),
                    featureID: features[index].id, index: index, file: file))
        }
        return demand
    }

    /// Demand points from a layer read as columns of the id and weight fields (in that order; the
    /// weight alone without ``keepsDemandIDs``), made on all cores; an error is that of the first bad
    /// point, as one pass would find it.
    func demandPoints(_ columns: PointColumns, file: String) throws(InputError) -> [DemandPoint] {
        guard let weights = columns.values.last else { throw InputError(file: file, message: "the demand layer was read without its weight field") }
        let ids = keepsDemandIDs ? columns.values.first : nil
        return try parallelArray(count: columns.locations.count) { index throws(InputError) in
            try demandPoint(at: columns.locations[index], id: ids?[index], weight: weights[index], featureID: nil, index: index, file: file)
        }
    }

    /// One demand point: its id from the id field, else the feature's own id, else its index (empty
    /// without ``keepsDemandIDs``); its weight 1 when the weight field is absent.
    func demandPoint(
        at location: Coordinate, id: JSONValue?, weight: JSONValue?, featureID: JSONValue?, index: Int, file: String
    ) throws(InputError) -> DemandPoint {
        DemandPoint(
            id: keepsDemandIDs ? Self.text(id) ?? featureID?.textValue ?? String(index) : "",
            elderly: try Self.number(weight, demandFields.weight, fallback: 1, index: index, file: file),
            location: location)
    }
}

/// Work started on a thread of its own, whose result is waited for once.
///
/// ```swift
/// let facilities = InBackground { () throws(InputError) in try loadFacilities(source, warnings: &warnings) }
/// let read = facilities.result(about: source.path)   // waits
/// ```
final class InBackground<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, InputError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws(InputError) -> Value) {
        DispatchQueue.global().async { [self] in
            let result = Result(catching: work)
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    /// The work's result, once it is there; an error about `file` should the work end without one.
    func result(about file: String) -> Result<Value, InputError> {
        done.wait()
        return outcome.withLock { $0 } ?? .failure(InputError(file: file, message: "was not read (a reading thread did not finish)"))
    }
}
