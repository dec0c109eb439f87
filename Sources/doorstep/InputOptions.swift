import ArgumentParser
import DoorstepCRS
import DoorstepCoverage
import DoorstepGDAL
import DoorstepGeoJSON
import DoorstepSample
import Foundation

/// The three layers, their coordinate systems and property names: shared by `coverage` and `gaps`.
struct InputOptions: ParsableArguments {
    @Option(help: "Planning units: polygons with code, name, level, parent (GeoJSON, Shapefile, GeoPackage … any GDAL format; FILE:LAYER picks a layer).")
    var units: String?

    @Option(help: "Facilities: points (GeoJSON, CSV or Excel with longitude/latitude, any GDAL format); repeat to combine layers.")
    var facilities: [String] = []

    @Option(help: "Elderly demand points with id, elderly (any format --units takes).")
    var demand: String?

    @Option(help: "Counts of elderly per unit instead of --demand: a table (CSV, Excel) with the unit code and a count (--weight-field), placed as points inside each unit.")
    var demandTable: String?

    @Option(help: "The --demand-table column holding the unit code.")
    var demandJoin = "code"

    @Option(help: "Metres between the points a count is spread over, for --demand-table or a --demand of polygons (1 to 10000).")
    var demandSpacing: Double = 50

    @Option(help: "Residential buildings (polygons, optional floors) to spread counts over instead of a grid: weight ∝ footprint area × floors.")
    var buildings: String?

    @Option(help: "Property of --buildings holding the number of floors.")
    var floorsField = "floors"

    @Option(help: "The layer of a multi-layer --units file (GeoPackage, File Geodatabase, workbook); or write FILE:LAYER.")
    var unitsLayer: String?

    @Option(help: "The layer of a multi-layer --demand file.")
    var demandLayer: String?

    @Option(help: "The layer of a multi-layer --network file (an OpenStreetMap extract's lines are taken by default).")
    var networkLayer: String?

    @Option(help: "Text encoding of every input's attributes (e.g. GBK, UTF-8), overriding a Shapefile's .cpg and the UTF-8/GB18030 guess.")
    var encoding: String?

    @Option(help: "Coordinate system of --units: wgs84, cgcs2000, gcj02, bd09 or EPSG:NNNN.")
    var unitsCrs: String?

    @Option(help: "Coordinate system of --facilities.")
    var facilitiesCrs: String?

    @Option(help: "Coordinate system of --demand.")
    var demandCrs: String?

    @Option(help: "Facility kinds to assess (repeatable); default: every kind present.")
    var kind: [String] = []

    @Option(help: "Catchment radius for a kind in metres or minutes of walking, e.g. canteen=500 or canteen=10min (repeatable).")
    var radius: [String] = []

    @Option(help: "A street network (LineStrings with OSM highway/foot tags): measure walking distance on it.")
    var network: String?

    @Option(help: "Coordinate system of --network.")
    var networkCrs: String?

    @Option(help: "With --network: a point farther than this many metres from every usable street is off the network (0 to 5000).")
    var snapMax: Double = 300

    @Option(help: "With --network: the reached streets are buffered by this many metres to draw catchments (0 to 1000).")
    var trim: Double = 100

    @Option(help: "Walking speed in metres per second for radii given in minutes (0.1 to 3; 1.0 is an older person's pace).")
    var walkSpeed: Double = 1.0

    @Flag(help: "Print to standard error where the time went (read, project, index, reach, catchments, per-unit work, write) and the peak memory.")
    var timings = false

    @Option(help: "Unit level: district, street or community; coverage, gaps and access also take all (every level).")
    var level: LevelChoice = .street

    @Option(help: "Property holding the unit code (all layers; see --units-code-field).") var codeField = "code"
    @Option(help: "Property holding the unit or facility name (default for every layer).") var nameField = "name"
    @Option(help: "Property holding the unit level.") var levelField = "level"
    @Option(help: "Property holding the facility kind.") var kindField = "kind"
    @Option(help: "Property holding the facility capacity.") var capacityField = "capacity"
    @Option(help: "Property holding the number of elderly at a demand point.") var weightField = "elderly"

    // Per layer: a Chinese-header ledger (名称, 类型) beside units with `name` needs its own names.
    @Option(help: "Property holding the unit code (overrides --code-field).") var unitsCodeField: String?
    @Option(help: "Property holding the unit name (overrides --name-field).") var unitsNameField: String?
    @Option(help: "Property holding the unit level (overrides --level-field).") var unitsLevelField: String?
    @Option(help: "Property holding the parent unit's code.") var unitsParentField: String?
    @Option(help: "Property holding the facility id.") var facilitiesIdField: String?
    @Option(help: "Property holding the facility name (overrides --name-field).") var facilitiesNameField: String?
    @Option(help: "Property holding the facility kind (overrides --kind-field).") var facilitiesKindField: String?
    @Option(help: "Property holding the facility capacity (overrides --capacity-field).") var facilitiesCapacityField: String?
    @Option(help: "Property holding the demand point id.") var demandIdField: String?
    @Option(help: "Property holding the elderly at a demand point (overrides --weight-field).") var demandWeightField: String?

    func validate() throws {
        if demand != nil, demandTable != nil { throw ValidationError("give --demand or --demand-table, not both") }
        let given = [units != nil, !facilities.isEmpty, demand != nil || demandTable != nil]
        if given.contains(true) && given.contains(false) {
            throw ValidationError("give --units, --facilities and --demand (or --demand-table) together, or none of them to use the sample city")
        }
        if let problem = DemandPlacement.spacingRange.problem(with: demandSpacing) { throw ValidationError(problem) }
        _ = try radii()
        for problem in [
            WalkingNetwork.snapMaxRange.problem(with: snapMax), WalkingNetwork.trimRange.problem(with: trim),
            CoverageSettings.walkSpeedRange.problem(with: walkSpeed),
        ] {
            if let problem { throw ValidationError(problem) }
        }
    }

    /// The one level of a command that works on one (`site`, `report`).
    func singleLevel(for command: String) throws -> UnitLevel {
        guard let single = level.single else { throw ValidationError("--level must be district, street or community for \(command)") }
        return single
    }

    func radii() throws -> [String: Double] {
        var radii: [String: Double] = [:]
        for entry in radius {
            do {
                let (kind, metres) = try CoverageSettings.radiusOverride(entry, walkSpeed: walkSpeed)
                radii[kind] = metres
            } catch {
                throw ValidationError(error.message)
            }
        }
        return radii
    }

    /// The settings of the flags; with `--network`, reads the network (and warns about it).
    func settings() throws -> CoverageSettings {
        var settings = CoverageSettings(
            kinds: kind.isEmpty ? nil : kind.map(FacilityKind.normalized), radii: try radii(), levels: level.levels,
            distanceModel: network == nil ? .straightLine : try timed("network") { try distanceModel() })
        settings.timings = recorder
        return settings
    }

    func distanceModel() throws -> DistanceModel {
        guard network != nil else { return .straightLine }
        let walking = try walkingNetwork()
        if let warning = try walking.connectivityWarning() { Console.warn(warning) }
        return .network(walking)
    }

    /// The `--network` layer read (with its warnings printed) into a walking network.
    func walkingNetwork() throws -> WalkingNetwork {
        let source = LayerSource(parsing: network ?? "", crs: try Self.crs(networkCrs, flag: "--network-crs"), layer: networkLayer, encoding: encoding)
        let loaded = try loader.loadNetwork(source)
        for warning in loaded.warnings { Console.warn(warning) }
        return try WalkingNetwork(lines: loaded.lines, snapMax: snapMax, trim: trim, source: source.path)
    }

    /// The shared field flags, overridden per layer by the `--units-…`, `--facilities-…` and `--demand-…` ones.
    var loader: LayerLoader {
        var shared = FieldNames()
        shared.code = codeField
        shared.name = nameField
        shared.level = levelField
        shared.kind = kindField
        shared.capacity = capacityField
        shared.weight = weightField
        var units = shared, facilities = shared, demand = shared
        units.code = unitsCodeField ?? units.code
        units.name = unitsNameField ?? units.name
        units.level = unitsLevelField ?? units.level
        units.parent = unitsParentField ?? units.parent
        facilities.id = facilitiesIdField ?? facilities.id
        facilities.name = facilitiesNameField ?? facilities.name
        facilities.kind = facilitiesKindField ?? facilities.kind
        facilities.capacity = facilitiesCapacityField ?? facilities.capacity
        demand.id = demandIdField ?? demand.id
        demand.weight = demandWeightField ?? demand.weight
        var loader = LayerLoader(units: units, facilities: facilities, demand: demand, formats: .withGDAL)
        loader.demandOptions = DemandOptions(
            spacing: demandSpacing, buildings: buildings.map { LayerSource(parsing: $0, encoding: encoding) }, floorsField: floorsField)
        return loader
    }

    /// The files of the three layers: those the flags name, or the embedded sample city's.
    func layerPaths() throws -> (units: String, facilities: [String], demand: String) {
        if let units, let demand = demand ?? demandTable { return (units, facilities, demand) }
        let sample = try SampleLocation.directory()
        return (
            sample + "/" + SampleCity.fileNames.units, [sample + "/" + SampleCity.fileNames.facilities],
            sample + "/" + SampleCity.fileNames.demand
        )
    }

    /// Every file the command reads, which no output may replace.
    func inputPaths() throws -> [String] {
        let paths = try layerPaths()
        let others = [network, buildings].compactMap { $0 }
        return ([paths.units, paths.demand] + paths.facilities + others).map { LayerRequest(parsing: $0).path }
    }

    /// Reads the layers the flags name, or the embedded sample city when none are named; the demand
    /// points' ids only when the command names points.
    func loadLayers(keepingDemandIDs: Bool = true) throws -> Layers {
        let unitsCRS = try Self.crs(unitsCrs, flag: "--units-crs"), facilitiesCRS = try Self.crs(facilitiesCrs, flag: "--facilities-crs")
        let demandCRS = try Self.crs(demandCrs, flag: "--demand-crs")
        let paths = try layerPaths()
        let layers = try timed("read") {
            var loader = self.loader
            loader.keepsDemandIDs = keepingDemandIDs
            return try loader.load(
                units: LayerSource(parsing: paths.units, crs: unitsCRS, layer: unitsLayer, encoding: encoding),
                facilities: paths.facilities.map { LayerSource(parsing: $0, crs: facilitiesCRS, encoding: encoding) },
                demand: demandSource(paths.demand, crs: demandCRS))
        }
        HeldUntilExit.hold(layers)
        for warning in layers.warnings { Console.warn(warning) }
        if demandTable != nil || !layers.demand.isEmpty && layers.demandMethod.hasPrefix("demand from") { Console.note(layers.demandMethod) }
        return layers
    }

    /// The run's recorder with `--timings`: one per process, as a run is one command.
    static let recorder = Timings()

    var recorder: Timings? { timings ? Self.recorder : nil }

    /// Runs `body`, timed as `phase` with `--timings`.
    func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        guard let recorder else { return try body() }
        return try recorder.measure(phase, body)
    }

    /// With `--timings`, prints where the time went: call at the end of a command.
    func printTimings() {
        if let recorder { Console.note("timings: \(recorder.summary)") }
    }

    /// The demand layer, or the table of counts joined to the units.
    func demandSource(_ path: String, crs: CoordinateSystem?) -> DemandSource {
        let source = LayerSource(parsing: path, crs: crs, layer: demandLayer, encoding: encoding)
        return demandTable == nil ? .layer(source) : .table(source, join: demandJoin)
    }

    /// The coordinate system a `--…-crs` flag names, or nil without the flag.
    static func crs(_ text: String?, flag: String) throws -> CoordinateSystem? {
        guard let text else { return nil }
        do { return try CoordinateSystem(parsing: text) } catch { throw CLIError("\(flag): \(error.message)") }
    }

    /// Assesses the layers with the flags' settings, printing what the planner should know.
    func assess(_ layers: Layers, withParts: Bool = false, withGeometries: Bool = false) throws -> CoverageAssessment {
        let assessment = try CoverageModel.assess(layers, settings: try settings(), withParts: withParts, withGeometries: withGeometries)
        for warning in assessment.warnings { Console.warn(warning) }
        return assessment
    }
}

/// Finds the embedded sample: `geodata/sample` under the working directory, beside the executable's
/// package, or in the source tree this binary was built from.
enum SampleLocation {
    static func directory() throws -> String {
        let relative = "geodata/sample"
        var candidates = [FileManager.default.currentDirectoryPath + "/" + relative]
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(url.appendingPathComponent(relative).path)
            url.deleteLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(source.appendingPathComponent(relative).path)
        let units = SampleCity.fileNames.units
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/" + units) }) else {
            throw ValidationError("no input flags and no sample city found (looked for \(relative)/\(units)); run `doorstep sample --output \(relative)`")
        }
        return found
    }
}

/// `--level`: one administrative level, or all of them.
enum LevelChoice: String, ExpressibleByArgument, CaseIterable {
    case district, street, community, all

    var levels: Set<UnitLevel> { self == .all ? Set(UnitLevel.allCases) : [single ?? .street] }
    var single: UnitLevel? { UnitLevel(rawValue: rawValue) }

    /// The help text lists the values: `site` and `report` share this option but take one level, so
    /// the generated list (which would offer `all` to them too) is left out.
    static var allValueStrings: [String] { [] }
}

/// A problem with the command line that is reported in one line, without the usage text.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Console {
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}
