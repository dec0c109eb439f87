import ArgumentParser
import DoorstepCoverage
import DoorstepGDAL
import DoorstepGeoJSON
import Foundation

extension AccessMethod: ExpressibleByArgument {}
extension SupplyMeasure: ExpressibleByArgument {}

/// `--method`, `--supply` and `--norm`: shared by `access`, `gaps --reason access` and `report --access`.
struct AccessOptions: ParsableArguments {
    @Option(help: "2sfca (everyone within R counts fully) or e2sfca (Gaussian decay, cut at R).")
    var method: AccessMethod = .twoStep

    @Option(help: "capacity (the capacity field) or count (every facility counts 1).")
    var supply: SupplyMeasure = .capacity

    @Option(help: "Supply per 1,000 elderly a unit should reach (0 to 100000); default 40 for care-home, none otherwise.")
    var norm: Double?

    func validate() throws {
        if let norm, let problem = AccessSettings.normRange.problem(with: norm) { throw ValidationError(problem) }
    }

    /// The settings for `kinds` (every kind when none is named): the norm given applies to each.
    func settings(kinds: [String]) -> AccessSettings {
        let kinds = kinds.isEmpty ? FacilityKind.catalogue.map(\.id) : kinds
        return AccessSettings(method: method, supply: supply, norms: norm.map { norm in Dictionary(kinds.map { ($0, norm) }, uniquingKeysWith: { a, _ in a }) } ?? [:])
    }
}

struct Access: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enough places, not just near places: supply per 1,000 elderly within reach (2SFCA / E2SFCA), per unit.",
        discussion: "Example: doorstep access --kind care-home --level street --method e2sfca --format csv --output access.csv")

    @OptionGroup var input: InputOptions
    @OptionGroup var access: AccessOptions

    @Option(help: "Output format: table, csv, json, geojson, or layer (polygons in the format of --output's extension). Default: by --output's extension, else table.")
    var format: Coverage.Format?

    @Option(help: "Write to this file (atomically; - for standard output) instead of standard output.")
    var output: String?

    @Option(help: "Write every demand point with its score (access_per_1000) here, for mapping (GeoJSON, or by extension).")
    var pointsOutput: String?

    func validate() throws {
        guard input.kind.count == 1 else { throw ValidationError("give one --kind to measure access for (e.g. --kind care-home)") }
    }

    func run() throws {
        let format = try Coverage.Format.chosen(format, output: output)
        let inputs = try input.inputPaths()
        for path in [output, pointsOutput].compactMap({ $0 }) {
            try OutputFile.checkWritable(path, inputs: inputs)
        }
        if format == .layer, let output { try VectorOutput.check(output) }
        if let pointsOutput { try VectorOutput.check(pointsOutput) }
        let layers = try input.loadLayers(keepingDemandIDs: pointsOutput != nil)  // ids name the points
        var settings = try input.settings()
        let kind = FacilityKind.normalized(input.kind[0])
        settings.access = access.settings(kinds: [kind])
        settings.measuresArea = false  // access reports no area, and no coverage
        settings.countsCovered = false
        let assessment = try CoverageModel.assess(layers, settings: settings, withGeometries: format == .geojson || format == .layer)
        for warning in assessment.warnings { Console.warn(warning) }
        let table = AccessTable(assessment)
        try input.timed("write") {
            switch format {
            case .table: try emit(Array(table.table().utf8), to: output)
            case .csv: try emit(Array(table.csv().utf8), to: output)
            case .json: try emit(Array(table.json().utf8), to: output)
            case .geojson, .layer: try emitLayer(table.features, to: output, schema: .access)
            }
        }
        if let pointsOutput {
            let scores = assessment.accessScores[kind] ?? []
            let points = zip(layers.demand, scores).map { point, score in
                Feature(
                    geometry: .point(point.location),
                    properties: ["id": .string(point.id), "elderly": .number(point.elderly), "kind": .string(kind), "access_per_1000": .number(1000 * score)])
            }
            try input.timed("write") { try emitLayer(points, to: pointsOutput, schema: .accessPoints) }
        }
        input.printTimings()
    }
}
