import ArgumentParser
import DoorstepCoverage
import DoorstepGDAL
import DoorstepGeoJSON
import DoorstepNames
import DoorstepSample
import Foundation

struct Coverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "How many elderly live within reach of each facility kind, per unit.",
        discussion: "Example: doorstep coverage --level all --kind canteen --format csv --output coverage.csv")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json, geojson
        /// The unit polygons with the rows' columns, in the format the output's extension names
        /// (GeoPackage, Shapefile, FlatGeobuf, KML).
        case layer
    }

    @OptionGroup var input: InputOptions

    @Option(help: "Output format: table, csv, json, geojson, or layer (polygons in the format of --output's extension: .gpkg, .shp, .fgb, .kml). Default: by --output's extension, else table.")
    var format: Format?

    @Option(help: "Write to this file (atomically; - for standard output) instead of standard output.")
    var output: String?

    func validate() throws {
        if format == .layer, output == nil || output == OutputFile.standardOutput {
            throw ValidationError("--format layer needs --output with the layer's extension (.gpkg, .shp, .fgb, .kml)")
        }
    }

    func run() throws {
        let format = try Format.chosen(format, output: output)
        if let output {
            try OutputFile.checkWritable(output, inputs: try input.inputPaths())
            if format == .layer { try VectorOutput.check(output) }
        }
        let layers = try input.loadLayers(keepingDemandIDs: false)  // no point is named
        let assessment = try input.assess(layers, withGeometries: format.needsGeometries)
        try input.timed("write") { try format.write(CoverageTable(assessment), to: output) }
        input.printTimings()
    }
}

extension Coverage.Format {
    /// GeoJSON and layers carry the unit polygons.
    var needsGeometries: Bool { self == .geojson || self == .layer }

    /// Writes `table` in this format, atomically (standard output without `output`).
    func write(_ table: CoverageTable, to output: String?) throws {
        switch self {
        case .table: try emit(Array(table.table().utf8), to: output)
        case .csv: try emit(Array(table.csv().utf8), to: output)
        case .json: try emit(Array(table.json().utf8), to: output)
        case .geojson: try emit(table.geojson(), to: output)
        case .layer: try emitLayer(table.features, to: output, schema: .coverage)
        }
    }

    /// The format asked for, or the one the output's extension implies: `.csv` the CSV table, `.json`
    /// the JSON rows, `.geojson` GeoJSON, `.gpkg`/`.shp`/`.fgb`/`.kml` a layer; a table otherwise.
    static func chosen(_ format: Self?, output: String?) throws -> Self {
        if let format { return format }
        guard let output, output != OutputFile.standardOutput else { return .table }
        switch try VectorOutput.format(of: output) {
        case .csv: return .csv
        case .geojson: return output.lowercased().hasSuffix(".geojson") ? .geojson : .json
        default: return .layer
        }
    }
}

struct Gaps: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Units that miss their targets and the uncovered areas inside them, as GeoJSON.",
        discussion: "Example: doorstep gaps --kind canteen --level street --output gaps.geojson")

    @OptionGroup var input: InputOptions

    @OptionGroup var targets: TargetOptions

    @Option(help: "Write the gaps here (atomically; - for standard output) instead of standard output: GeoJSON, or by extension GeoPackage, Shapefile, FlatGeobuf, KML or CSV (WKT).")
    var output: String?

    @Option(help: "A place-name registry: adds the nearest in-use road and the community to every gap.")
    var names: String?

    @Option(help: "Also a gap: access (a unit whose access_per_1000 is below --norm, as `doorstep access` measures it).")
    var reason: [GapReason] = []

    @OptionGroup var access: AccessOptions

    @Option(help: "Also write the coverage table of the same run here (as `doorstep coverage --output` would, format by extension), so the chain reads and measures once.")
    var coverageOutput: String?

    @Option(help: "With --coverage-output: the table's level (district, street, community or all; default: --level).")
    var coverageLevel: LevelChoice?

    enum GapReason: String, ExpressibleByArgument, CaseIterable { case access }

    func validate() throws {
        if coverageLevel != nil, coverageOutput == nil { throw ValidationError("--coverage-level needs --coverage-output") }
        if let coverageOutput, Self.samePlace(coverageOutput, output ?? OutputFile.standardOutput) {
            throw ValidationError("--coverage-output and the gaps (--output, else standard output) would go to the same place; give each its own")
        }
        if reason.contains(.access), access.norm == nil, !input.kind.contains(where: { AccessSettings.defaultNorms[FacilityKind.normalized($0)] != nil }) {
            throw ValidationError("--reason access needs --norm (supply per 1,000 elderly), or a --kind with a default norm (care-home: 40)")
        }
    }

    /// Whether two outputs would land in one place: the same open descriptor, or the same file.
    static func samePlace(_ a: String, _ b: String) -> Bool {
        let (da, db) = (OutputFile.openDescriptor(a), OutputFile.openDescriptor(b))
        if da != nil || db != nil { return da == db }
        return URL(fileURLWithPath: a).standardizedFileURL == URL(fileURLWithPath: b).standardizedFileURL
    }

    func run() throws {
        let inputs = try input.inputPaths() + [names].compactMap { $0 }
        for path in [output, coverageOutput].compactMap({ $0 }) {
            try OutputFile.checkWritable(path, inputs: inputs)
            try VectorOutput.check(path)
        }
        let coverageFormat = try coverageOutput.map { try Coverage.Format.chosen(nil, output: $0) }
        let labeler = try names.map { try PlaceLabeler(registry: try Registry(path: $0, create: false)) }
        let layers = try input.loadLayers(keepingDemandIDs: false)  // no point is named
        var settings = try input.settings()
        if reason.contains(.access) { settings.access = access.settings(kinds: input.kind.map(FacilityKind.normalized)) }
        // One run for both outputs: every level the table asks for is assessed, parts cut only where gaps are listed.
        let gapLevels = input.level.levels, tableLevels = coverageLevel?.levels ?? gapLevels
        settings.levels = gapLevels.union(tableLevels)
        settings.partsLevels = gapLevels
        let assessment = try CoverageModel.assess(layers, settings: settings, withParts: true, withGeometries: coverageFormat?.needsGeometries == true)
        for warning in assessment.warnings { Console.warn(warning) }
        let gaps = GapList(assessment.at(levels: gapLevels), targets: targets.gapTargets)
        let features = try labeler?.annotate(gaps.features) ?? gaps.features
        try input.timed("write") {
            // The table first: should the gaps fail to write, a re-run finds the table already there.
            if let coverageFormat { try coverageFormat.write(CoverageTable(assessment.at(levels: tableLevels)), to: coverageOutput) }
            try emitLayer(features, to: output, schema: labeler == nil ? .gaps : .gaps.withPlaceLabels)
        }
        input.printTimings()
        if let output, output != OutputFile.standardOutput {
            Console.note("\(gaps.unitGaps.count) unit gaps and \(gaps.areaGaps.count) uncovered areas written to \(output)")
        }
    }
}

/// The targets a unit must meet: shared by `gaps` and `report`.
struct TargetOptions: ParsableArguments {
    @Option(help: "A unit whose coverage ratio is below this misses its target (0 to 1).")
    var minRatio: Double = 0.9

    @Option(help: "A unit with fewer facilities of the kind than this misses its target (0 to 10,000).")
    var minFacilities: Int = 1

    @Option(help: "Uncovered parts smaller than this many m² are left out (0 to 10,000,000).")
    var minArea: Double = 100

    func validate() throws {
        if let problem = gapTargets.problem { throw ValidationError(problem) }
    }

    var gapTargets: GapTargets { GapTargets(minRatio: minRatio, minFacilities: minFacilities, minAreaM2: minArea) }
}

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a synthetic sample: a city (the default) or a rural county (units, facilities, demand, roads, network).",
        discussion: """
            --profile city: districts of streets and communities on a lattice, dense in the centre (geodata/sample).
            --profile county: counties of large towns (10–40 km²), each with a small seat and villages along valley roads; \
            facilities mostly in the seats, so most of the area is uncovered.
            Examples: doorstep sample --output /tmp/city --scale 10
                      doorstep sample --profile county --output /tmp/county
            """)

    @Option(help: "Folder to write units.geojson, facilities.geojson, demand.geojson, roads.geojson and network.geojson into.")
    var output: String

    @Option(help: "What to generate: city (a dense city, the default) or county (a rural county of towns and villages).")
    var profile: SampleProfile = .city

    @Option(help: "Random seed; the same seed gives the same sample.")
    var seed: UInt64 = 2024

    @Option(help: "Size: 1 ≈ 30,000 demand points (a city of 4 districts, or 3 counties); 10 ≈ 300,000.")
    var scale: Double = 1

    func validate() throws {
        if let problem = SampleCity.scaleRange.problem(with: scale) { throw ValidationError(problem) }
    }

    func run() throws {
        let city = try SampleCity.generate(profile: profile, seed: seed, scale: scale)
        try city.write(to: output)
        Console.note(
            "\(city.units.count) units, \(city.facilities.count) facilities, \(city.demand.count) demand points, \(city.roads.count) roads, \(city.network.count) network lines written to \(output)")
    }
}

extension SampleProfile: ExpressibleByArgument {}

/// Writes to the file atomically, or to standard output.
func emit(_ bytes: [UInt8], to output: String?) throws {
    try OutputFile.write(bytes, to: output ?? OutputFile.standardOutput)
}

/// Writes features atomically in the format the output's extension names (GeoJSON on standard output);
/// `schema` is what the layer holds, so an empty one is still a layer of its type with its fields.
func emitLayer(_ features: [Feature], to output: String?, schema: OutputSchema? = nil) throws {
    try VectorOutput.write(features, to: output ?? OutputFile.standardOutput, schema: schema)
}
