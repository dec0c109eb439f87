import ArgumentParser
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepNames
import DoorstepSample
import Foundation

struct Coverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "How many elderly live within reach of each facility kind, per unit.",
        discussion: "Example: doorstep coverage --level all --kind canteen --format csv --output coverage.csv")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json, geojson }

    @OptionGroup var input: InputOptions

    @Option(help: "Output format: table, csv, json or geojson.")
    var format: Format = .table

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    func run() throws {
        if let output { try OutputFile.checkWritable(output) }
        let layers = try input.loadLayers()
        let assessment = try input.assess(layers, withGeometries: format == .geojson)
        let table = CoverageTable(assessment)
        let bytes: [UInt8] =
            switch format {
            case .table: Array(table.table().utf8)
            case .csv: Array(table.csv().utf8)
            case .json: Array(table.json().utf8)
            case .geojson: table.geojson()
            }
        try emit(bytes, to: output)
    }
}

struct Gaps: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Units that miss their targets and the uncovered areas inside them, as GeoJSON.",
        discussion: "Example: doorstep gaps --kind canteen --level street --output gaps.geojson")

    @OptionGroup var input: InputOptions

    @Option(help: "A unit whose coverage ratio is below this is a gap.")
    var minRatio: Double = 0.9

    @Option(help: "A unit with fewer facilities of the kind than this is a gap.")
    var minFacilities: Int = 1

    @Option(help: "Uncovered parts smaller than this many m² are left out.")
    var minArea: Double = 100

    @Option(help: "Write the GeoJSON here (atomically) instead of standard output.")
    var output: String?

    @Option(help: "A place-name registry: adds the nearest in-use road and the community to every gap.")
    var names: String?

    func validate() throws {
        guard minRatio.isFinite, (0...1).contains(minRatio) else { throw ValidationError("--min-ratio must be between 0 and 1") }
        guard minFacilities >= 0 else { throw ValidationError("--min-facilities must be 0 or more") }
        guard minArea.isFinite, minArea >= 0 else { throw ValidationError("--min-area must be 0 or more") }
    }

    func run() throws {
        if let output { try OutputFile.checkWritable(output) }
        let labeler = try names.map { try PlaceLabeler(registry: try Registry(path: $0, create: false)) }
        let layers = try input.loadLayers()
        let assessment = try input.assess(layers, withParts: true)
        let gaps = GapList(assessment, targets: GapTargets(minRatio: minRatio, minFacilities: minFacilities, minAreaM2: minArea))
        let features = try labeler?.annotate(gaps.features) ?? gaps.features
        try emit(GeoJSONWriter().featureCollection(features), to: output)
        if let output {
            Console.note("\(gaps.unitGaps.count) unit gaps and \(gaps.areaGaps.count) uncovered areas written to \(output)")
        }
    }
}

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the synthetic sample city (units, facilities, demand).",
        discussion: "Example: doorstep sample --output /tmp/city --scale 10")

    @Option(help: "Folder to write units.geojson, facilities.geojson and demand.geojson into.")
    var output: String

    @Option(help: "Random seed; the same seed gives the same city.")
    var seed: UInt64 = 2024

    @Option(help: "Size: 1 ≈ 30,000 demand points and 600 canteens; 10 ≈ 300,000 and 6,000.")
    var scale: Double = 1

    func validate() throws {
        guard scale.isFinite, scale > 0, scale <= 100 else { throw ValidationError("--scale must be above 0 and at most 100") }
    }

    func run() throws {
        let city = try SampleCity.generate(seed: seed, scale: scale)
        try city.write(to: output)
        Console.note(
            "\(city.units.count) units, \(city.facilities.count) facilities, \(city.demand.count) demand points, \(city.roads.count) roads written to \(output)")
    }
}

/// Writes to the file atomically, or to standard output.
func emit(_ bytes: [UInt8], to output: String?) throws {
    if let output {
        try OutputFile.write(bytes, to: output)
    } else {
        FileHandle.standardOutput.write(Data(bytes))
    }
}
