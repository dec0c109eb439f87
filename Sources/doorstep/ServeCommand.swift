import ArgumentParser
import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepNames
import DoorstepServer
import Foundation
import Synchronization

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the layers as OGC API Features, with analysis endpoints and a planning map.",
        discussion: """
            The layers are read and assessed once at start; every request reuses them. Stop with Ctrl-C or SIGTERM.
            Examples:
              doorstep serve                                   # the sample city on http://127.0.0.1:8080
              doorstep serve --units u.gpkg --facilities f.csv --demand d.geojson --level all --listen 0.0.0.0:8080
            Endpoints: / (landing page), /collections, /api (OpenAPI), /map, POST /api/coverage, /api/gaps,
            /api/scenarios, /api/site (a job), /api/report.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var targets: TargetOptions

    @Option(help: "Address to listen on, HOST:PORT (loopback by default; 0.0.0.0:PORT for the intranet).")
    var listen = "127.0.0.1:8080"

    @Option(help: "A place-name registry: its in-use names are served as the collection `names`.")
    var names: String?

    @Option(help: "Largest request body taken, in bytes or with K, M or G (e.g. 64M); larger ones get 413.")
    var maxBody = "64M"

    @Option(help: "A tile URL template for the map's base layer, e.g. http://tiles.bureau.local/{z}/{x}/{y}.png (default: none).")
    var tiles: String?

    @Option(help: "The attribution shown with --tiles.")
    var tilesAttribution = ""

    @Option(help: "Site jobs that may run at once (1 to 64); more are refused with 429.")
    var maxJobs = 2

    func validate() throws {
        _ = try address()
        _ = try maxBodyBytes()
        guard (1...64).contains(maxJobs) else { throw ValidationError("--max-jobs \(maxJobs): must be between 1 and 64") }
        if let tiles, !(tiles.contains("{z}") && tiles.contains("{x}") && tiles.contains("{y}")) {
            throw ValidationError("--tiles \(tiles): a URL template with {z}, {x} and {y}")
        }
    }

    func address() throws -> (host: String, port: Int) {
        do { return try ServerConfiguration.listenAddress(listen) } catch { throw ValidationError("--listen \(listen): write HOST:PORT, e.g. 127.0.0.1:8080") }
    }

    func maxBodyBytes() throws -> Int {
        let text = maxBody.trimmingCharacters(in: .whitespaces).uppercased().replacingOccurrences(of: "B", with: "")
        let scale: Double = switch text.last {
        case "K": 1024
        case "M": 1024 * 1024
        case "G": 1024 * 1024 * 1024
        default: 1
        }
        let digits = scale == 1 ? text : String(text.dropLast())
        guard let value = Double(digits), value.isFinite, value >= 1, value * scale <= 4 * 1024 * 1024 * 1024 else {
            throw ValidationError("--max-body \(maxBody): a size from 1 byte to 4G, e.g. 64M")
        }
        return Int(value * scale)
    }

    func run() throws {
        let (host, port) = try address()
        let labelerFeatures = try names.map { path in
            Console.note("reading the in-use names of \(path)")
            return try Registry(path: path, create: false).exportFeatures(status: .inUse, geometry: .point)
        }
        Console.note("reading the layers")
        let layers = try input.loadLayers()
        let settings = try input.settings()
        let workspace = try Workspace(
            layers: layers, settings: settings, targets: targets.gapTargets, names: labelerFeatures, sources: try sources(),
            progress: { Console.note($0) })
        for warning in workspace.warnings.dropFirst(layers.warnings.count) { Console.warn(warning) }
        let configuration = ServerConfiguration(
            host: host, port: port, maxBody: try maxBodyBytes(), tiles: tiles, tilesAttribution: tilesAttribution, maxJobs: maxJobs,
            version: Doorstep.configuration.version)
        let app = DoorstepServer.application(workspace: workspace, configuration: configuration) { port in
            let shown = host.contains(":") ? "[\(host)]" : host
            Console.note("serving on http://\(shown):\(port)/ (map: /map); stop with Ctrl-C or SIGTERM")
        }
        // The command line is synchronous: the server runs on Swift's tasks while this thread waits.
        let failure = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await app.runService() } catch { failure.withLock { $0 = "\(error)" } }
            done.signal()
        }
        done.wait()
        if let message = failure.withLock({ $0 }) { throw CLIError("the server stopped: \(message)") }
        Console.note("stopped")
    }

    func sources() throws -> [(role: String, path: String, crs: String)] {
        let paths = try input.layerPaths()
        return [(role: "units", path: paths.units, crs: input.unitsCrs ?? "wgs84")]
            + paths.facilities.map { (role: "facilities", path: $0, crs: input.facilitiesCrs ?? "wgs84") }
            + [(role: "demand", path: paths.demand, crs: input.demandCrs ?? "wgs84")]
    }
}
