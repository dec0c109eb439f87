import ArgumentParser
import DoorstepCoverage
import DoorstepGDAL
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

    @Argument(help: "The network layer: lines with OSM highway/foot tags (GeoJSON, GeoPackage, Shapefile, .osm.pbf … FILE:LAYER picks a layer).")
    var file: String

    /// The layers and their flags, as every command takes them; without --units, --facilities and
    /// --demand only the network is checked.
    @OptionGroup var input: InputOptions

    @Option(help: "Write the connected pieces here (largest first; GeoJSON, GeoPackage, Shapefile … by extension), to see the islands in QGIS.")
    var output: String?

    func validate() throws {
        if input.network != nil { throw ValidationError("the network is the argument here; leave out --network") }
    }

    func run() throws {
        var input = self.input
        input.network = file
        if let output {
            try OutputFile.checkWritable(output, inputs: try input.inputPaths())
            try VectorOutput.check(output)
        }
        let walking = try input.walkingNetwork()
        var layers: Layers?
        if input.units != nil {
            layers = try input.loadLayers()
            if let layers { try walking.check(covers: layers.units) }
        }
        let check = try NetworkCheck(walking, layers: layers)
        FileHandle.standardOutput.write(Data(check.text().utf8))
        if let output { try VectorOutput.write(check.componentFeatures(), to: output, schema: .networkComponents) }
    }
}
