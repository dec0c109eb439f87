import Crypto
import DoorstepNames
import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import Synchronization

/// The key that turns a token's secret into the digest the registry stores: HMAC-SHA256.
///
/// Why an HMAC and not a slow salted hash: a token is 256 random bits, so there is nothing to guess
/// and slowness would only cost every request (a 100 ms hash per read of a `--private` server); the
/// key lives in a file of its own beside the registry (`REGISTRY.token-key`, mode 0600), so a copy of
/// the registry sent to another office or left in a backup cannot even be used to test a token.
///
/// ```swift
/// let keyring = try TokenKeyring(registryPath: "names.sqlite")
/// let secret = TokenKeyring.newSecret()          // shown once to its holder
/// let digest = keyring.digest(of: secret)        // what the registry keeps
/// ```
public struct TokenKeyring: Sendable {
    let key: SymmetricKey
    public let path: String

    /// Reads the registry's key file, creating it (32 random bytes, readable by its owner only) when missing.
    public init(registryPath: String) throws {
        path = registryPath + ".token-key"
        key = SymmetricKey(data: try Self.readOrCreate(path))
    }

    static func readOrCreate(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor >= 0 {
            defer { close(descriptor) }
            let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
                unlink(path)
                throw RegistryError("\(path): cannot write the token key")
            }
            return bytes
        }
        guard errno == EEXIST, let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError("\(path): cannot create or read the token key (\(String(cString: strerror(errno))))")
        }
        guard data.count == 32 else { throw RegistryError("\(path): not a token key (it has \(data.count) bytes, a key has 32)") }
        return Array(data)
    }

    /// The hex HMAC-SHA256 of a secret under this key.
    public func digest(of secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(secret.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    /// A new secret: `dst_` and 256 random bits in base64url.
    public static func newSecret() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let text = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return "dst_" + text.replacingOccurrences(of: "=", with: "")
    }
}

/// The registry as the server offers it: the file, its token key, and the sign-in bookkeeping.
///
/// ```swift
/// let service = RegistryService(registry: try Registry(path: "names.sqlite"), keyring: try TokenKeyring(registryPath: "names.sqlite"))
/// let secret = try service.issueToken(AccessToken(name: "xihu-office", role: .editor, district: "330106"), actor: "admin")
/// let app = DoorstepServer.application(workspace: workspace, configuration: ServerConfiguration(), names: service)
/// ```
public final class RegistryService: Sendable {
    public let registry: Registry
    let keyring: TokenKeyring
    let limiter: SignInLimiter
    /// When each token's use was last written down: at most once a minute, so reads do not write.
    let lastNoted = Mutex<[String: Date]>([:])
    /// The in-use names as served, and the registry's last event when they were read.
    let inUse = Mutex<(event: Int64, collection: ServedCollection)?>(nil)

    public init(registry: Registry, keyring: TokenKeyring, limiter: SignInLimiter = SignInLimiter()) {
        self.registry = registry
        self.keyring = keyring
        self.limiter = limiter
    }

    /// Issues a token: stores its digest and returns the secret, which is shown once and kept nowhere.
    public func issueToken(_ token: AccessToken, actor: String) throws -> String {
        let secret = TokenKeyring.newSecret()
        try registry.addToken(token, digest: keyring.digest(of: secret), actor: actor)
        return secret
    }

    /// The collection `names`: the in-use names as they are now. Every change records an event, so
    /// the names are read again only when the last event is not the one they were read at (a write
    /// through this server or by `doorstep names` in another process alike).
    ///
    /// ```swift
    /// let features = try service.inUseNames().features   // also what `serve` lists at start
    /// ```
    public func inUseNames() throws -> ServedCollection {
        let event = try registry.lastEventID()
        if let cached = inUse.withLock({ $0 }), cached.event == event { return cached.collection }
        let collection = ServedCollection.names(try registry.exportFeatures(status: .inUse, geometry: .point))
        inUse.withLock { $0 = (event, collection) }
        return collection
    }

    /// The active token a secret belongs to, or nil. Looked up on every request: a revoked token is
    /// refused from the next request on.
    func identify(_ secret: String) throws -> AccessToken? {
        guard let token = try registry.activeToken(digest: keyring.digest(of: secret)) else { return nil }
        let now = Date()
        let due = lastNoted.withLock { noted in
            guard now.timeIntervalSince(noted[token.name] ?? .distantPast) >= 60 else { return false }
            noted[token.name] = now
            return true
        }
        if due { try? registry.markTokenUsed(token.name) }  // bookkeeping: a busy registry must not refuse the request
        return token
    }
}

/// Failed sign-ins per client: after `limit` within `window` seconds, the client is answered 429
/// until the window ends, so that nobody can try tokens at speed.
public final class SignInLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    let failures = Mutex<[String: (count: Int, since: Date)]>([:])

    public init(limit: Int = 10, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Throws 429 while the client is over the limit.
    func admit(_ client: String, now: Date = Date()) throws {
        let wait = failures.withLock { table -> Int? in
            guard let entry = table[client] else { return nil }
            let left = window - now.timeIntervalSince(entry.since)
            if left <= 0 {
                table[client] = nil
                return nil
            }
            return entry.count >= limit ? Int(left.rounded(.up)) : nil
        }
        if let wait {
            throw Problem(
                .tooManyRequests, "too many failed sign-ins from this client; try again in \(wait) s", headers: [.retryAfter: String(wait)])
        }
    }

    /// Counts a failure; returns how many this client has in the current window.
    @discardableResult
    func recordFailure(_ client: String, now: Date = Date()) -> Int {
        failures.withLock { table in
            if table.count > 10_000 { table = table.filter { now.timeIntervalSince($0.value.since) < window } }
            var entry = table[client].flatMap { now.timeIntervalSince($0.since) < window ? $0 : nil } ?? (count: 0, since: now)
            entry.count += 1
            table[client] = entry
            return entry.count
        }
    }
}

/// The request context of `doorstep serve`: the signed-in token, if any, and the client's address.
public struct ServerContext: AuthRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: AccessToken?
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        identity = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// The client, for the sign-in limit: its IP address.
    var client: String { remoteAddress?.ipAddress ?? "local" }
}

/// Reads the bearer token of a request that sends one. A wrong, revoked or malformed token is a 401
/// at once (logged without the token, and counted against the client); no token reads on, and the
/// routes that need one say so.
struct TokenAuthenticator: AuthenticatorMiddleware {
    typealias Context = ServerContext
    let service: RegistryService

    func authenticate(request: Request, context: Context) async throws -> AccessToken? {
        guard request.headers[.authorization] != nil else { return nil }
        try service.limiter.admit(context.client)
        let secret = request.headers.bearer?.token
        var token: AccessToken?
        if let secret { token = try await offloadShort { try service.identify(secret) } }
        guard let token else {
            let count = service.limiter.recordFailure(context.client)
            context.logger.warning("failed sign-in from \(context.client) (\(count) in the last minute): \(secret == nil ? "not a bearer token" : "unknown or revoked token")")
            throw Problem.unauthorized(secret == nil ? "send the token as Authorization: Bearer TOKEN" : "the token is not valid (mistyped, revoked, or for another registry)")
        }
        return token
    }
}

/// On a `--private` server, every request for data needs a token; the pages' shells and their
/// scripts hold no data and load without one (the pages then ask for the token).
struct PrivateMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let open = path == "/map" || path == "/names" || path.hasPrefix("/static/")
        if context.identity == nil, !open { throw Problem.unauthorized("this server is private: every request needs a bearer token") }
        return try await next(request, context)
    }
}

extension Problem {
    static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, detail, headers: [.wwwAuthenticate: "Bearer realm=\"doorstep\""])
    }
}

/// The two kinds of registry writes and who may make them.
enum RegistryWrite {
    /// propose, reserve: an editor (or above), within its district.
    case propose
    /// approve, rename, retire: an approver (or an admin), within its district.
    case decide

    var leastRole: TokenRole { self == .propose ? .editor : .approver }

    /// The token this write may go ahead with: 401 without one, 403 for too low a role or another
    /// district (`district` is the record's, or the proposal's).
    func authorize(_ token: AccessToken?, district: String?) throws -> AccessToken {
        guard let token else { throw Problem.unauthorized("this needs the bearer token of \(leastRole.withArticle) or above (doorstep serve tokens add)") }
        guard token.role >= leastRole else {
            throw Problem(.forbidden, "the token \(token.name) is \(token.role.withArticle)'s; this needs \(leastRole.withArticle) or above")
        }
        if token.role != .admin, let own = token.district, district != own {
            throw Problem(.forbidden, "the token \(token.name) may write only in district \(own); this is \(district.map { "in \($0)" } ?? "a record of no district")")
        }
        return token
    }
}

extension TokenRole {
    var withArticle: String { (self == .viewer ? "a " : "an ") + rawValue }
}
