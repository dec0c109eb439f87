import ArgumentParser
import DoorstepCoverage
import DoorstepGeoJSON
import Foundation

struct Network: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Street networks for walking distance.", subcommands: [NetworkCheckCommand.self])
}

struct NetworkCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "What a planner needs to trust a network: features used and left out, size, connected pieces, who is off it.",
        discussion: """
            Examples:
              doorstep network check geodata/sample/network.geojson --units geodata/sample/units.geojson \\
                  --facilities geodata/sample/facilities.geojson --demand geodata/sample/demand.geojson
              doorstep network check streets.geojson --network-crs gcj02 --output islands.geojson
            """)

    @Argument(help: "The network layer (LineStrings with OSM highway/foot tags).")
    var file: String

    @Option(help: "Coordinate system of the network.") var networkCrs: String?
    @Option(help: "Units (with --facilities and --demand: count who is off the network).") var units: String?
    @Option(help: "Facilities.") var facilities: [String] = []
    @Option(help: "Elderly demand points.") var demand: String?
    @Option(help: "Coordinate system of --units.") var unitsCrs: String?
    @Option(help: "Coordinate system of --facilities.") var facilitiesCrs: String?
    @Option(help: "Coordinate system of --demand.") var demandCrs: String?
    @Option(help: "A point farther than this many metres from every usable street is off the network (0 to 5000).")
    var snapMax: Double = 300
    @Option(help: "Write the connected pieces as GeoJSON here (largest first), to see the islands in QGIS.")
    var output: String?

    func validate() throws {
        if let problem = WalkingNetwork.snapMaxRange.problem(with: snapMax) { throw ValidationError(problem) }
        let given = [units != nil, !facilities.isEmpty, demand != nil]
        if given.contains(true) && given.contains(false) { throw ValidationError("give --units, --facilities and --demand together, or none") }
    }

    func run() throws {
        let inputs = [file] + (units.map { [$0] } ?? []) + facilities + (demand.map { [$0] } ?? [])
        if let output { try OutputFile.checkWritable(output, inputs: inputs) }
        let loader = LayerLoader()
        let loaded = try loader.loadNetwork(LayerSource(path: file, crs: try InputOptions.crs(networkCrs, flag: "--network-crs")))
        for warning in loaded.warnings { Console.warn(warning) }
        let walking = try WalkingNetwork(lines: loaded.lines, snapMax: snapMax, source: file)
        var layers: Layers?
        if let units, let demand {
            let facilitiesCRS = try InputOptions.crs(facilitiesCrs, flag: "--facilities-crs")
            layers = try loader.load(
                units: LayerSource(path: units, crs: try InputOptions.crs(unitsCrs, flag: "--units-crs")),
                facilities: facilities.map { LayerSource(path: $0, crs: facilitiesCRS) },
                demand: LayerSource(path: demand, crs: try InputOptions.crs(demandCrs, flag: "--demand-crs")))
            if let layers { try walking.check(covers: layers.units) }
        }
        let check = try NetworkCheck(walking, layers: layers)
        FileHandle.standardOutput.write(Data(check.text().utf8))
        if let output { try OutputFile.write(GeoJSONWriter().featureCollection(check.componentFeatures()), to: output) }
    }
}
