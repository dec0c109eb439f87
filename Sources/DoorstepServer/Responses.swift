import DoorstepGeoJSON
import Foundation
import Hummingbird

/// JSON or HTML, as `f=` or the `Accept` header asks (OGC API Features /req/core/…, /req/html).
enum Representation: Equatable {
    case json, html

    /// `f=json` / `f=html` wins; else `Accept` preferring `text/html` over JSON gives HTML; else JSON.
    static func of(_ request: Request) throws -> Representation {
        if let f = request.uri.queryParameters.get("f") {
            switch f.lowercased() {
            case "json", "geojson", "application/json", "application/geo+json": return .json
            case "html", "text/html": return .html
            default: throw Problem(.badRequest, "f=\(f): this server offers f=json and f=html")
            }
        }
        guard let accept = request.headers[.accept]?.lowercased() else { return .json }
        var best: (Representation, Double)? = nil
        for part in accept.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let type = pieces.first else { continue }
            var q = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") { q = Double(parameter.dropFirst(2)) ?? 1 }
            let representation: Representation? =
                switch type {
                case "text/html", "application/xhtml+xml": .html
                case "application/json", "application/geo+json", "application/problem+json", "application/vnd.oai.openapi+json",
                    "application/*", "*/*":
                    .json
                default: nil
                }
            if let representation, q > (best?.1 ?? 0) { best = (representation, q) }
        }
        return best?.0 ?? .json
    }
}

/// Building responses: bytes with a content type, JSON values, HTML pages.
enum Reply {
    static func bytes(_ bytes: [UInt8], type: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = type
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ value: JSONValue, type: String = "application/json", status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var out: [UInt8] = []
        GeoJSONWriter.write(value, to: &out)
        out.append(0x0A)
        return bytes(out, type: type, status: status, headers: headers)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        bytes(Array(text.utf8), type: "text/html; charset=utf-8", status: status)
    }
}

/// Plain, readable HTML pages for the OGC API resources.
enum HTML {
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title)) – Doorstep</title>
        <style>
        body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:1.5em auto;max-width:70em;padding:0 1em;color:#222;line-height:1.45}
        table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
        th{background:#f3f3f3}nav a{margin-right:1em}code{background:#f3f3f3;padding:0 .2em}
        </style></head><body>
        <nav><a href="/">Home</a><a href="/collections">Collections</a><a href="/conformance">Conformance</a><a href="/api">API</a><a href="/map">Map</a></nav>
        <h1>\(HTMLText.escape(title))</h1>
        \(body)
        </body></html>

        """
    }

    static func links(_ links: [Link]) -> String {
        "<ul>" + links.map { "<li><a href=\"\(HTMLText.escape($0.href))\">\(HTMLText.escape($0.title ?? $0.rel))</a> <small>(\(HTMLText.escape($0.rel)), \(HTMLText.escape($0.type)))</small></li>" }.joined() + "</ul>"
    }

    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let s)?: HTMLText.escape(s)
        case let other?: HTMLText.escape(GeoJSONWriter.json(other))
        }
    }
}

/// An OGC API link.
struct Link {
    var href: String
    var rel: String
    var type: String
    var title: String?

    var json: JSONValue {
        var object: JSONObject = ["href": .string(href), "rel": .string(rel), "type": .string(type)]
        if let title { object["title"] = .string(title) }
        return .object(object)
    }
}

extension Request {
    /// `http://host:port` as the client reached us (the `Host` header), for absolute links.
    var baseURL: String {
        let host = head.authority ?? "127.0.0.1"
        return "http://" + host
    }

    /// The query parameters as (name, value) pairs, percent-decoded.
    var queryPairs: [(String, String)] {
        uri.queryParameters.map { (String($0.key), String($0.value)) }
    }
}

/// Percent-encodes a query value.
func queryEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~,")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
