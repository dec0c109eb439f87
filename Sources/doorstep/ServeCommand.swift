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
              doorstep serve --workspace /srv/doorstep/xihu      # units.gpkg, facilities-*.csv, demand.shp, names.sqlite …
            Endpoints: / (landing page), /collections, /api (OpenAPI), /map, POST /api/coverage, /api/gaps,
            /api/scenarios, /api/site (a job), /api/report; with --names, the registry at /names and /api/names
            (writes need a token from `doorstep serve tokens add`).
            """,
        subcommands: [ServeTokens.self])

    @OptionGroup var input: InputOptions
    @OptionGroup var targets: TargetOptions

    @Option(help: "Address to listen on, HOST:PORT (loopback by default; 0.0.0.0:PORT for the intranet).")
    var listen = "127.0.0.1:8080"

    @Option(help: "A place-name registry: served at /names and /api/names (writes with tokens), its in-use names as the collection `names`.")
    var names: String?

    @Option(help: "A folder holding the workspace: units.EXT, facilities.EXT or facilities-NAME.EXT (one per layer), demand.EXT, and optionally network.EXT and names.sqlite (EXT: geojson, csv, gpkg, shp, fgb, kml, xlsx, osm.pbf …). Layer flags given as well win over its files.")
    var workspace: String?

    @Flag(help: "Every request for data needs a bearer token (reads too); needs --names, where the tokens live.")
    var `private` = false

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
        if `private`, names == nil, workspace == nil { throw ValidationError("--private needs --names DB: the tokens are kept in the registry") }
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
        var serve = self
        if let workspace { try serve.take(WorkspaceFolder(workspace)) }
        try serve.start()
    }

    /// The folder's layers, for every role no flag names.
    mutating func take(_ folder: WorkspaceFolder) throws {
        if input.units == nil { input.units = folder.units }
        if input.facilities.isEmpty { input.facilities = folder.facilities }
        if input.demand == nil, input.demandTable == nil { input.demand = folder.demand }
        if input.network == nil { input.network = folder.network }
        if names == nil { names = folder.names }
        if `private`, names == nil {
            throw ValidationError("--private needs a registry: --names DB, or names.sqlite in the --workspace folder")
        }
    }

    func start() throws {
        let (host, port) = try address()
        let service = try names.map { path in
            Console.note("opening the registry \(path)")
            return RegistryService(registry: try RegistryOptions(db: path).openExisting(), keyring: try TokenKeyring(registryPath: path))
        }
        // Read once: the same names answer the first request for the collection.
        let labelerFeatures = try service?.inUseNames().features
        Console.note("reading the layers")
        let layers = try input.loadLayers()
        let settings = try input.settings()
        let workspace = try Workspace(
            layers: layers, settings: settings, targets: targets.gapTargets, names: labelerFeatures, sources: try sources(),
            progress: { Console.note($0) })
        for warning in workspace.warnings.dropFirst(layers.warnings.count) { Console.warn(warning) }
        let configuration = ServerConfiguration(
            host: host, port: port, maxBody: try maxBodyBytes(), tiles: tiles, tilesAttribution: tilesAttribution, maxJobs: maxJobs,
            version: Doorstep.configuration.version, isPrivate: `private`)
        let app = DoorstepServer.application(workspace: workspace, configuration: configuration, names: service) { port in
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

    /// The registry of `serve tokens …`, whose `--names` is this command's.
    func tokenRegistry() throws -> String {
        guard let names else { throw ValidationError("--names DB is required: the registry that keeps the tokens") }
        return names
    }

    func sources() throws -> [(role: String, path: String, crs: String)] {
        let paths = try input.layerPaths()
        return [(role: "units", path: paths.units, crs: input.unitsCrs ?? "wgs84")]
            + paths.facilities.map { (role: "facilities", path: $0, crs: input.facilitiesCrs ?? "wgs84") }
            + [(role: "demand", path: paths.demand, crs: input.demandCrs ?? "wgs84")]
    }
}

struct ServeTokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "The bearer tokens of the registry's service: add, list, revoke (each with --names DB).",
        subcommands: [ServeTokensAdd.self, ServeTokensList.self, ServeTokensRevoke.self])
}

extension TokenRole: ExpressibleByArgument {}

struct ServeTokensAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Issue a token; it is printed once and only its keyed hash is kept.",
        discussion: """
            Roles: viewer reads a --private server; editor proposes and reserves; approver also approves, renames \
            and retires; admin may do everything. --district limits a token to one district's records.
            The hash is an HMAC-SHA256 under a key kept beside the registry (DB.token-key, mode 0600).
            Example: doorstep serve tokens add xihu-office --names hangzhou.sqlite --role editor --district 330106
            """)

    @Argument(help: "The token's name: the actor of every change made with it.") var name: String
    @ParentCommand var serve: Serve
    @Option(help: "viewer, editor, approver or admin.") var role: TokenRole
    @Option(help: "District (county) code, 6 digits: the token writes only there.") var district: String?
    @Option(help: "Who issues it (default: the OS user).") var actor: String?

    func validate() throws {
        try validateName(name, "the token name")
        try validateCodes(district: ("--district", district), town: ("--town", nil))
    }

    func run() throws {
        let options = RegistryOptions(db: try serve.tokenRegistry(), actor: actor)
        let service = RegistryService(registry: try options.openExisting(), keyring: try TokenKeyring(registryPath: options.db))
        let secret = try service.issueToken(AccessToken(name: name, role: role, district: district), actor: options.who)
        print(secret)
        Console.note("token \(name) (\(role.rawValue)\(district.map { ", district \($0)" } ?? "")) issued; it is shown this once, keep it safe")
    }
}

struct ServeTokensList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The tokens: name, role, district, created, last used, revoked.")

    @ParentCommand var serve: Serve
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let tokens = try RegistryOptions(db: try serve.tokenRegistry()).read().tokens()
        switch format {
        case .json:
            printJSON(.array(tokens.map { token in
                .object([
                    "name": .string(token.name), "role": .string(token.role.rawValue), "district": token.district.map(JSONValue.string) ?? .null,
                    "created_at": .string(token.createdAt), "last_used_at": token.lastUsedAt.map(JSONValue.string) ?? .null,
                    "revoked_at": token.revokedAt.map(JSONValue.string) ?? .null,
                ])
            }))
        case .text:
            for token in tokens {
                let state = token.revokedAt.map { "revoked \($0)" } ?? "last used \(token.lastUsedAt ?? "never")"
                print("\(token.name)  \(token.role.rawValue)  \(token.district ?? "city")  created \(token.createdAt)  \(state)")
            }
        }
    }
}

struct ServeTokensRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a token: the next request with it is refused (401).",
        discussion: "Example: doorstep serve tokens revoke xihu-office --names hangzhou.sqlite")

    @Argument(help: "The token's name.") var name: String
    @ParentCommand var serve: Serve
    @Option(help: "Who revokes it (default: the OS user).") var actor: String?

    func run() throws {
        let options = RegistryOptions(db: try serve.tokenRegistry(), actor: actor)
        let token = try options.openExisting().revokeToken(name, actor: options.who)
        print("revoked \(token.name) (\(token.role.rawValue)) at \(token.revokedAt ?? "now")")
    }
}
