import DoorstepGeoJSON
import Foundation
import Hummingbird

/// How `doorstep serve` runs: where it listens, how large a body it takes, the map's base tiles.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Request bodies larger than this many bytes are refused with 413.
    public var maxBody: Int
    /// A tile URL template (`https://tiles.example/{z}/{x}/{y}.png`) for the map's base layer, or nil for none.
    public var tiles: String?
    public var tilesAttribution: String
    /// Site jobs that may run (or wait) at once; more are refused with 429.
    public var maxJobs: Int
    /// The version the pages and the OpenAPI document state.
    public var version: String
    /// Every request for data needs a token (`--private`); otherwise reads are open and writes need one.
    public var isPrivate: Bool

    public static let defaultMaxBody = 64 * 1024 * 1024

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBody: Int = defaultMaxBody, tiles: String? = nil,
        tilesAttribution: String = "", maxJobs: Int = 4, version: String = "0", isPrivate: Bool = false
    ) {
        self.host = host
        self.port = port
        self.maxBody = maxBody
        self.tiles = tiles
        self.tilesAttribution = tilesAttribution
        self.maxJobs = maxJobs
        self.version = version
        self.isPrivate = isPrivate
    }

    /// `HOST:PORT`, `:PORT` or `PORT` (host 127.0.0.1); `[::1]:PORT` for IPv6.
    public static func listenAddress(_ text: String) throws -> (host: String, port: Int) {
        var host = "127.0.0.1", portText = text
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[close...].dropFirst().drop { $0 == ":" })
        } else if let colon = text.lastIndex(of: ":") {
            let before = String(text[..<colon])
            if !before.isEmpty { host = before }
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty else {
            throw Problem(.badRequest, "--listen \(text): write HOST:PORT, e.g. 127.0.0.1:8080")
        }
        return (host, port)
    }
}

/// The routes of `doorstep serve`, over one workspace.
///
/// ```swift
/// let app = DoorstepServer.application(workspace: workspace, configuration: ServerConfiguration(port: 8080))
/// try await app.runService()   // SIGTERM/SIGINT: stop accepting, finish in-flight requests, return
/// ```
public enum DoorstepServer {
    public typealias Context = ServerContext

    /// The router with every route of the service; `names` serves a place-name registry.
    public static func router(workspace: Workspace, configuration: ServerConfiguration, names: RegistryService? = nil) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: ProblemMiddleware())
        if let names { router.add(middleware: TokenAuthenticator(service: names)) }
        if configuration.isPrivate { router.add(middleware: PrivateMiddleware()) }
        let routes = Routes(workspace: workspace, configuration: configuration, jobs: JobStore(limit: configuration.maxJobs), names: names)
        routes.addOGCFeatures(to: router)
        routes.addAnalysis(to: router)
        routes.addJobs(to: router)
        routes.addPages(to: router)
        routes.addNames(to: router)
        routes.addNamesPage(to: router)
        return router
    }

    public static func application(
        workspace: Workspace, configuration: ServerConfiguration, names: RegistryService? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(workspace: workspace, configuration: configuration, names: names),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "doorstep"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) })
    }
}

/// The state every route reads: the workspace, the configuration and the job store.
struct Routes: Sendable {
    let workspace: Workspace
    let configuration: ServerConfiguration
    let jobs: JobStore
    /// The place-name registry, when the server has one.
    let names: RegistryService?

    /// The request body, refused with 413 beyond `--max-body` (by its `Content-Length` before reading).
    func body(of request: Request) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBody {
            throw Problem(.contentTooLarge, "the request body has \(length) bytes; this server takes at most \(configuration.maxBody) (--max-body)")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: configuration.maxBody)
        return Array(buffer.readableBytesView)
    }
}

/// Runs short blocking work (a registry query) on Dispatch's shared threads: no thread is made
/// per request, and the server's event loops and Swift's cooperative pool stay free.
func offloadShort<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
    }
}

/// Runs CPU-heavy library work on a thread of its own, off the server's event loops and Swift's
/// cooperative pool, so that no computation holds up other requests.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
