import DoorstepGeoJSON
import Foundation
import Hummingbird

/// An RFC 9457 problem: what a request did wrong (or what failed), as `application/problem+json`.
///
/// Routes throw it; ``ProblemMiddleware`` turns it, and every other error, into the response. This is
/// the one place errors become responses.
///
/// ```swift
/// throw Problem(.badRequest, "bbox must be four numbers: minLon,minLat,maxLon,maxLat")
/// ```
public struct Problem: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var detail: String
    /// Extra members (e.g. `"limit": 10000`).
    public var extra: JSONObject
    /// Headers the answer needs besides its type (`WWW-Authenticate` on 401, `Retry-After` on 429).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ detail: String, extra: JSONObject = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.extra = extra
        self.headers = headers
    }

    public var description: String { "\(status.code) \(status.reasonPhrase): \(detail)" }

    /// The problem document.
    var json: [UInt8] {
        var object: JSONObject = [
            "type": "about:blank", "title": .string(status.reasonPhrase), "status": .number(Double(status.code)),
            "detail": .string(detail),
        ]
        for (key, value) in extra.entries { object[key] = value }
        var out: [UInt8] = []
        GeoJSONWriter.write(.object(object), to: &out)
        out.append(0x0A)
        return out
    }

    func response() -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// The problem an error from anywhere amounts to: Hummingbird's own (404, 405, 413), the body
    /// limit, input errors of the libraries (400), and anything else (500, its text kept).
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem: return problem
        case let http as HTTPError:
            return Problem(http.status, http.body ?? defaultDetail(http.status))
        case let other as any HTTPResponseError:  // the body limit's NIOTooManyBytesError among them
            return Problem(other.status, defaultDetail(other.status))
        case let input as InputError:
            return Problem(.badRequest, input.description)
        case is CancellationError:
            return Problem(.serviceUnavailable, "the request was cancelled (the server is stopping)")
        default:
            return Problem(.internalServerError, String(describing: error))
        }
    }

    /// The routes and their methods, for 405 answers (kept beside the routes' registration in the tests).
    static let routes: [(path: [String], methods: [String])] = [
        ("/", ["GET"]), ("/conformance", ["GET"]), ("/api", ["GET"]), ("/collections", ["GET"]),
        ("/collections/*", ["GET"]), ("/collections/*/items", ["GET"]), ("/collections/*/items/*", ["GET"]),
        ("/api/coverage", ["POST"]), ("/api/gaps", ["POST"]), ("/api/scenarios", ["POST"]), ("/api/report", ["POST"]),
        ("/api/site", ["POST"]), ("/api/jobs/*", ["GET", "DELETE"]), ("/map", ["GET"]), ("/static/*", ["GET"]),
        ("/static/images/*", ["GET"]), ("/downloads/*", ["GET"]), ("/names", ["GET"]), ("/api/names", ["POST"]),
        ("/api/names/check", ["GET"]), ("/api/names/search", ["GET"]), ("/api/names/reserve", ["POST"]), ("/api/names/*", ["GET"]),
        ("/api/names/*/history", ["GET"]), ("/api/names/*/approve", ["POST"]), ("/api/names/*/rename", ["POST"]),
        ("/api/names/*/retire", ["POST"]),
    ].map { (path: $0.0.split(separator: "/").map(String.init), methods: $0.1) }

    static func allowedMethods(_ path: String) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        for route in routes where route.path.count == segments.count {
            if zip(route.path, segments).allSatisfy({ $0 == "*" || $0 == $1 }) { return route.methods }
        }
        return []
    }

    static func defaultDetail(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such resource; the landing page / lists what this server has"
        case .methodNotAllowed: "this resource does not take that method"
        case .contentTooLarge: "the request body is larger than the server's --max-body"
        default: status.reasonPhrase
        }
    }
}

/// Turns every error thrown below it into an RFC 9457 problem response.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            return response
        } catch let error as HTTPError where error.status == .notFound {
            // The router found no route: a known path with another method is 405, with Allow.
            let allowed = Problem.allowedMethods(request.uri.path)
            guard !allowed.isEmpty else { return Problem.from(error).response() }
            var response = Problem(.methodNotAllowed, "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))").response()
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch {
            let problem = Problem.from(error)
            if problem.status == .internalServerError {
                context.logger.error("\(request.method) \(request.uri): \(problem.detail)")
            }
            return problem.response()
        }
    }
}
