import ArgumentParser
import DoorstepCRS
import DoorstepCoverage
import DoorstepGDAL
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
import DoorstepReport
import Foundation

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One self-contained HTML report (maps, summary, tables, settings) for planners to hand on.",
        discussion: """
            Examples:
              doorstep report --output report.html
              doorstep report --kind canteen --compare geodata/sample/facilities.geojson --compare sites.geojson --tables tables/ --lang en
            """)

    @OptionGroup var input: InputOptions

    @Option(help: "The HTML file to write.") var output = "report.html"
    @Option(help: "Language: zh or en.") var lang = "zh"
    @Option(help: "Facilities of a scenario to compare (repeatable), e.g. the existing ones and the proposed sites.") var compare: [String] = []
    @Option(help: "Also write the tables into this folder: coverage.csv, gaps.csv, gaps.geojson (or tables.gpkg, see --tables-format).") var tables: String?
    @Option(help: "csv: coverage.csv, gaps.csv and gaps.geojson; gpkg: one tables.gpkg with a layer per table (coverage, gaps).")
    var tablesFormat: TablesFormat = .csv

    enum TablesFormat: String, ExpressibleByArgument, CaseIterable { case csv, gpkg }
    @Option(help: "A place-name registry: names the top uncovered areas.") var names: String?
    @OptionGroup var targets: TargetOptions
    @Flag(help: "Add a section per kind on capacity-aware accessibility (2SFCA; see doorstep access and --method, --supply, --norm).")
    var access = false
    @OptionGroup var accessOptions: AccessOptions
    @Flag(help: "No progress messages.") var quiet = false

    func validate() throws {
        guard ReportLanguage(rawValue: lang) != nil else { throw ValidationError("--lang must be zh or en") }
        _ = try input.singleLevel(for: "a report")
    }

    func run() throws {
        let showProgress = !quiet && isatty(STDERR_FILENO) == 1
        func progress(_ step: String) { if showProgress { FileHandle.standardError.write(Data("… \(step)\n".utf8)) } }
        // Everything is read and checked before anything is written.
        let inputs = try input.inputPaths() + compare + [names].compactMap { $0 }
        try OutputFile.checkWritable(output, inputs: inputs)
        if let tables {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: tables, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw CLIError("\(tables): --tables must be a folder") }
                for name in tableNames { try OutputFile.checkWritable(tables + "/" + name, inputs: inputs) }
            } else {
                try OutputFile.checkWritable(tables, allowFolder: true)  // created in its parent
            }
        }
        progress("reading")
        let labeler = try names.map { try PlaceLabeler(registry: try Registry(path: $0, create: false)) }
        let layers = try input.loadLayers()
        var scenario: [Facility]?
        if !compare.isEmpty {
            let crs = try InputOptions.crs(input.facilitiesCrs, flag: "--facilities-crs")
            var facilities: [Facility] = []
            for path in compare {
                let loaded = try input.loader.loadFacilities(LayerSource(parsing: path, crs: crs, encoding: input.encoding))
                facilities += loaded.facilities
                for warning in loaded.warnings { Console.warn(warning) }
            }
            scenario = facilities
        }
        let sources = try reportSources()
        var settings = try input.settings()
        if access { settings.access = accessOptions.settings(kinds: input.kind.map(FacilityKind.normalized)) }
        let data = try ReportData.build(
            layers: layers, settings: settings, level: try input.singleLevel(for: "a report"),
            targets: targets.gapTargets, compare: scenario,
            labeler: labeler.map { labeler in { try labeler.label(inside: $0)?.text } }, sources: sources, progress: progress)
        for warning in data.warnings.dropFirst(layers.warnings.count) { Console.warn(warning) }
        progress("writing \(output)")
        let html = ReportHTML(data: data, language: ReportLanguage(rawValue: lang)!, version: Doorstep.configuration.version).render()
        // The report and its tables appear together or not at all.
        var files: [(path: String, bytes: [UInt8])] = []
        if let tables {
            var assessmentRows = data.districtRows + data.rows
            assessmentRows.sort { ($0.kind, $0.level, $0.code) < ($1.kind, $1.level, $1.code) }
            let coverage = CoverageTable(rows: assessmentRows)
            switch tablesFormat {
            case .csv:
                let contents = [Array(coverage.csv().utf8), Array(data.gaps.csv().utf8), GeoJSONWriter().featureCollection(data.gaps.features)]
                files = zip(tableNames, contents).map { (tables + "/" + $0, $1) }
            case .gpkg:
                files = try VectorOutput.files(
                    [
                        VectorOutput.Layer(name: "coverage", features: coverage.features, schema: .coverageTable),
                        VectorOutput.Layer(name: "gaps", features: data.gaps.features, schema: .gaps),
                    ], for: tables + "/" + tableNames[0])
            }
        }
        files.append((output, Array(html.utf8)))
        let createdFolder = try tables.map(Self.createFolder) ?? false
        do {
            try input.timed("write") { try OutputFile.writeAll(files) }
        } catch {
            if createdFolder, let tables { try? FileManager.default.removeItem(atPath: tables) }
            throw error
        }
        progress("done")
        input.printTimings()
    }

    var tableNames: [String] { tablesFormat == .gpkg ? ["tables.gpkg"] : ["coverage.csv", "gaps.csv", "gaps.geojson"] }

    /// Creates the tables folder when it is missing; true when this run created it.
    static func createFolder(_ path: String) throws -> Bool {
        guard !FileManager.default.fileExists(atPath: path) else { return false }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        } catch {
            throw CLIError("\(path): cannot create the folder: \(error.localizedDescription)")
        }
        return true
    }

    func reportSources() throws -> [ReportSource] {
        let paths = try input.layerPaths()
        return [ReportSource(role: "units", path: paths.units, crs: input.unitsCrs ?? "wgs84")]
            + paths.facilities.map { ReportSource(role: "facilities", path: $0, crs: input.facilitiesCrs ?? "wgs84") }
            + [ReportSource(role: "demand", path: paths.demand, crs: input.demandCrs ?? "wgs84")]
            + compare.map { ReportSource(role: "scenario", path: $0, crs: input.facilitiesCrs ?? "wgs84") }
    }
}
