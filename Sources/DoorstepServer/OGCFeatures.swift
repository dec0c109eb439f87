import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Hummingbird

/// OGC API – Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0): the landing page, conformance, the
/// API document, the collections and their items.
extension Routes {
    static let conformance = [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ]
    static let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    static let geoJSON = "application/geo+json"
    static let openAPIType = "application/vnd.oai.openapi+json;version=3.0"

    func addOGCFeatures(to router: Router<DoorstepServer.Context>) {
        router.get("/") { request, _ in try landing(request) }
        router.get("/conformance") { request, _ in try conformancePage(request) }
        router.get("/api") { _, _ in
            Reply.json(OpenAPI.document(workspace: workspace, configuration: configuration, hasRegistry: names != nil), type: Self.openAPIType)
        }
        router.get("/collections") { request, _ in try collectionsPage(request) }
        router.get("/collections/:collection") { request, context in
            try collectionPage(request, try await collection(context))
        }
        router.get("/collections/:collection/items") { request, context in
            try items(request, try await collection(context))
        }
        router.get("/collections/:collection/items/:feature") { request, context in
            try item(request, try await collection(context), id: context.parameters.get("feature") ?? "")
        }
    }

    func collection(_ context: DoorstepServer.Context) async throws -> ServedCollection {
        let id = context.parameters.get("collection") ?? ""
        // The registry's names change while the server runs: served as they are now.
        if id == "names", let names { return try await names.run { _ in try names.inUseNames() } }
        guard let found = workspace.collection(id) else {
            throw Problem(
                .notFound, "no collection \"\(id)\"; this server has \(workspace.collections.map(\.id).joined(separator: ", "))")
        }
        return found
    }

    func landing(_ request: Request) throws -> Response {
        let base = request.baseURL
        let links = [
            Link(href: base + "/?f=json", rel: "self", type: "application/json", title: "This document"),
            Link(href: base + "/?f=html", rel: "alternate", type: "text/html", title: "This document as HTML"),
            Link(href: base + "/api", rel: "service-desc", type: Self.openAPIType, title: "The API definition (OpenAPI 3.0)"),
            Link(href: base + "/conformance", rel: "conformance", type: "application/json", title: "Conformance classes"),
            Link(href: base + "/collections", rel: "data", type: "application/json", title: "The collections"),
            Link(href: base + "/map", rel: "alternate", type: "text/html", title: "The planning map"),
        ]
        let title = "Doorstep planning service"
        let description = "Elder-care coverage, gaps and scenarios (家门口幸福助老) over one workspace."
        switch try Representation.of(request) {
        case .json:
            return Reply.json(.object(["title": .string(title), "description": .string(description), "links": .array(links.map(\.json))]))
        case .html:
            let body = "<p>\(HTMLText.escape(description))</p>" + HTML.links(links)
                + "<h2>Collections</h2><ul>"
                + workspace.collections.map { "<li><a href=\"/collections/\($0.id)\">\(HTMLText.escape($0.title))</a></li>" }.joined()
                + "</ul><p>Add this server in QGIS: <i>Layer → Add Layer → Add WFS / OGC API - Features Layer</i>, URL <code>\(HTMLText.escape(base))</code>.</p>"
            return Reply.html(HTML.page(title: title, body: body))
        }
    }

    func conformancePage(_ request: Request) throws -> Response {
        switch try Representation.of(request) {
        case .json: return Reply.json(.object(["conformsTo": .array(Self.conformance.map(JSONValue.string))]))
        case .html:
            return Reply.html(HTML.page(title: "Conformance", body: "<ul>" + Self.conformance.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>"))
        }
    }

    func collectionJSON(_ collection: ServedCollection, base: String) -> JSONValue {
        let href = base + "/collections/" + collection.id
        var object: JSONObject = [
            "id": .string(collection.id), "title": .string(collection.title), "description": .string(collection.description),
            "itemType": "feature", "crs": .array([.string(Self.crs84)]),
            "links": .array([
                Link(href: href + "?f=json", rel: "self", type: "application/json", title: collection.title).json,
                Link(href: href + "?f=html", rel: "alternate", type: "text/html", title: collection.title).json,
                Link(href: href + "/items?f=json", rel: "items", type: Self.geoJSON, title: "The features").json,
                Link(href: href + "/items?f=html", rel: "items", type: "text/html", title: "The features as HTML").json,
            ]),
        ]
        if let box = collection.extent {
            object["extent"] = .object([
                "spatial": .object([
                    "bbox": .array([.array([box.minX, box.minY, box.maxX, box.maxY].map(JSONValue.number))]),
                    "crs": .string(Self.crs84),
                ])
            ])
        }
        return .object(object)
    }

    func collectionsPage(_ request: Request) throws -> Response {
        let base = request.baseURL
        switch try Representation.of(request) {
        case .json:
            return Reply.json(
                .object([
                    "links": .array([
                        Link(href: base + "/collections?f=json", rel: "self", type: "application/json").json,
                        Link(href: base + "/collections?f=html", rel: "alternate", type: "text/html").json,
                    ]),
                    "collections": .array(workspace.collections.map { collectionJSON($0, base: base) }),
                ]))
        case .html:
            let rows = workspace.collections.map {
                "<tr><td><a href=\"/collections/\($0.id)\">\(HTMLText.escape($0.id))</a></td><td>\(HTMLText.escape($0.title))</td><td>\($0.features.count)</td><td>\(HTMLText.escape($0.description))</td></tr>"
            }
            return Reply.html(
                HTML.page(title: "Collections", body: "<table><tr><th>id</th><th>title</th><th>features</th><th>description</th></tr>\(rows.joined())</table>"))
        }
    }

    func collectionPage(_ request: Request, _ collection: ServedCollection) throws -> Response {
        switch try Representation.of(request) {
        case .json: return Reply.json(collectionJSON(collection, base: request.baseURL))
        case .html:
            var body = "<p>\(HTMLText.escape(collection.description))</p><p>\(collection.features.count) features. "
            body += "<a href=\"/collections/\(collection.id)/items?f=html\">Browse the items</a> · "
            body += "<a href=\"/collections/\(collection.id)/items?f=json&amp;limit=10000\">GeoJSON</a></p>"
            if let box = collection.extent {
                body += "<p>Extent (CRS84): \(box.minX), \(box.minY) – \(box.maxX), \(box.maxY)</p>"
            }
            body += "<p>Properties (filter items with <code>?name=value</code>): " + collection.propertyNames.map { "<code>\(HTMLText.escape($0))</code>" }.joined(separator: ", ") + "</p>"
            return Reply.html(HTML.page(title: collection.title, body: body))
        }
    }

    func items(_ request: Request, _ collection: ServedCollection) throws -> Response {
        let query = try ItemsQuery(request.queryPairs, collection: collection)
        let matched = query.matching(collection)
        let start = min(query.offset, matched.count)
        let page = matched[start..<min(matched.count, start + query.limit)]
        let base = request.baseURL + "/collections/" + collection.id + "/items"
        let representation = try Representation.of(request)
        func href(offset: Int, format: String) -> String {
            var parts = query.passedOn.map { "\(queryEncoded($0.0))=\(queryEncoded($0.1))" }
            parts.append("limit=\(query.limit)")
            if offset > 0 { parts.append("offset=\(offset)") }
            parts.append("f=\(format)")
            return base + "?" + parts.joined(separator: "&")
        }
        var links = [
            Link(href: href(offset: start, format: "json"), rel: representation == .json ? "self" : "alternate", type: Self.geoJSON),
            Link(href: href(offset: start, format: "html"), rel: representation == .html ? "self" : "alternate", type: "text/html"),
            Link(href: request.baseURL + "/collections/" + collection.id, rel: "collection", type: "application/json"),
        ]
        let format = representation == .json ? "json" : "html"
        let type = representation == .json ? Self.geoJSON : "text/html"
        if start + page.count < matched.count {
            links.append(Link(href: href(offset: start + query.limit, format: format), rel: "next", type: type, title: "Next page"))
        }
        if start > 0 {
            links.append(Link(href: href(offset: max(0, start - query.limit), format: format), rel: "prev", type: type, title: "Previous page"))
        }
        switch representation {
        case .json:
            var out: [UInt8] = []
            out.reserveCapacity(page.reduce(256) { $0 + collection.encoded[$1].count + 2 })
            out.append(contentsOf: Array(#"{"type":"FeatureCollection","numberMatched":"#.utf8))
            out.append(contentsOf: Array(String(matched.count).utf8))
            out.append(contentsOf: Array(#","numberReturned":"#.utf8))
            out.append(contentsOf: Array(String(page.count).utf8))
            out.append(contentsOf: Array(#","timeStamp":"#.utf8))
            GeoJSONWriter.write(.string(Self.timeStamp()), to: &out)
            out.append(contentsOf: Array(#","links":"#.utf8))
            GeoJSONWriter.write(.array(links.map(\.json)), to: &out)
            out.append(contentsOf: Array(#","features":["#.utf8))
            for (n, index) in page.enumerated() {
                out.append(contentsOf: n == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                out.append(contentsOf: collection.encoded[index])
            }
            out.append(contentsOf: Array("\n]}\n".utf8))
            return Reply.bytes(out, type: Self.geoJSON)
        case .html:
            let columns = collection.propertyNames
            var body = "<p>\(matched.count) matched, \(page.count) shown from \(start + 1).</p><p>"
            body += links.filter { $0.rel == "prev" || $0.rel == "next" }.map { "<a href=\"\(HTMLText.escape($0.href))\">\($0.rel == "next" ? "Next »" : "« Previous")</a>" }.joined(separator: " ")
            body += " <a href=\"\(HTMLText.escape(href(offset: start, format: "json")))\">GeoJSON</a></p>"
            body += "<table><tr><th>id</th>" + columns.map { "<th>\(HTMLText.escape($0))</th>" }.joined() + "</tr>"
            for index in page {
                let feature = collection.features[index]
                let id = feature.id?.textValue ?? ""
                body += "<tr><td><a href=\"/collections/\(collection.id)/items/\(queryEncoded(id))?f=html\">\(HTMLText.escape(id))</a></td>"
                body += columns.map { "<td>\(HTML.cell(feature.properties[$0]))</td>" }.joined() + "</tr>"
            }
            body += "</table>"
            return Reply.html(HTML.page(title: collection.title + ": items", body: body))
        }
    }

    func item(_ request: Request, _ collection: ServedCollection, id: String) throws -> Response {
        guard let index = collection.position(of: id) else {
            throw Problem(.notFound, "collection \(collection.id) has no feature \"\(id)\"")
        }
        let feature = collection.features[index]
        let href = request.baseURL + "/collections/" + collection.id + "/items/" + queryEncoded(id)
        switch try Representation.of(request) {
        case .json:
            var out: [UInt8] = []
            GeoJSONWriter().write(feature, to: &out)
            // The links go inside the feature, before its closing brace.
            out.removeLast()
            out.append(contentsOf: Array(#","links":"#.utf8))
            GeoJSONWriter.write(
                .array([
                    Link(href: href + "?f=json", rel: "self", type: Self.geoJSON).json,
                    Link(href: href + "?f=html", rel: "alternate", type: "text/html").json,
                    Link(href: request.baseURL + "/collections/" + collection.id, rel: "collection", type: "application/json").json,
                ]), to: &out)
            out.append(contentsOf: Array("}\n".utf8))
            return Reply.bytes(out, type: Self.geoJSON)
        case .html:
            let rows = feature.properties.entries.map { "<tr><th>\(HTMLText.escape($0.key))</th><td>\(HTML.cell($0.value))</td></tr>" }
            var body = "<p><a href=\"/collections/\(collection.id)/items?f=html\">All items of \(HTMLText.escape(collection.id))</a> · "
            body += "<a href=\"\(HTMLText.escape(href))?f=json\">GeoJSON</a></p><table>\(rows.joined())</table>"
            if let geometry = feature.geometry { body += "<p>Geometry: \(HTMLText.escape(geometry.typeName))</p>" }
            return Reply.html(HTML.page(title: "\(collection.id) \(id)", body: body))
        }
    }

    static func timeStamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}

/// The query of an items request: `limit`, `offset`, `bbox` and property filters, checked.
struct ItemsQuery {
    static let defaultLimit = 100
    static let maximumLimit = 10_000
    /// Parameters the server accepts but does not filter by.
    static let ignored: Set<String> = ["f", "datetime"]

    var limit = defaultLimit
    var offset = 0
    var bbox: Envelope?
    /// Property name → the value its text must equal.
    var filters: [(String, String)] = []
    /// The parameters the next/prev links carry on (bbox and filters).
    var passedOn: [(String, String)] = []

    init(_ pairs: [(String, String)], collection: ServedCollection) throws {
        let properties = Set(collection.propertyNames)
        for (name, value) in pairs {
            switch name {
            case "limit":
                guard let number = Int(value), (1...Self.maximumLimit).contains(number) else {
                    throw Problem(.badRequest, "limit=\(value): must be a whole number from 1 to \(Self.maximumLimit)")
                }
                limit = number
            case "offset":
                guard let number = Int(value), number >= 0 else {
                    throw Problem(.badRequest, "offset=\(value): must be a whole number, 0 or more")
                }
                offset = number
            case "bbox":
                bbox = try Self.bbox(value)
                passedOn.append((name, value))
            case "bbox-crs", "crs":
                guard value == Routes.crs84 else {
                    throw Problem(.badRequest, "\(name)=\(value): this server has only \(Routes.crs84)")
                }
            case _ where Self.ignored.contains(name):
                continue
            case _ where properties.contains(name):
                filters.append((name, value))
                passedOn.append((name, value))
            default:
                throw Problem(
                    .badRequest,
                    "unknown query parameter \"\(name)\"; items take limit, offset, bbox, f and the properties \(collection.propertyNames.joined(separator: ", "))")
            }
        }
    }

    /// `minLon,minLat,maxLon,maxLat` (or the six numbers of a 3D box), in CRS84. Values beyond the
    /// globe are taken at its edge; a box whose south is north of its north meets nothing.
    static func bbox(_ text: String) throws -> Envelope {
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4 || numbers.count == 6, numbers.allSatisfy({ $0?.isFinite == true }) else {
            throw Problem(.badRequest, "bbox=\(text): must be four numbers minLon,minLat,maxLon,maxLat (CRS84)")
        }
        let v = numbers.compactMap { $0 }
        let (minX, minY, maxX, maxY) = v.count == 4 ? (v[0], v[1], v[2], v[3]) : (v[0], v[1], v[3], v[4])
        func lon(_ x: Double) -> Double { min(max(x, -180), 180) }
        func lat(_ y: Double) -> Double { min(max(y, -90), 90) }
        return Envelope(minX: lon(minX), minY: lat(minY), maxX: lon(maxX), maxY: lat(maxY))
    }

    /// The positions of the features that pass the bbox and the filters, in the collection's order.
    func matching(_ collection: ServedCollection) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(collection.features.count)
        for index in collection.features.indices {
            if let bbox {
                guard let envelope = collection.envelopes[index], Self.meets(envelope, bbox) else { continue }
            }
            let properties = collection.features[index].properties
            if filters.allSatisfy({ properties[$0.0]?.textValue == $0.1 }) { result.append(index) }
        }
        return result
    }

    /// Whether a feature's envelope meets the box; a box whose west edge is east of its east edge
    /// crosses the antimeridian.
    static func meets(_ envelope: Envelope, _ box: Envelope) -> Bool {
        guard box.minY <= box.maxY, envelope.maxY >= box.minY, envelope.minY <= box.maxY else { return false }
        if box.minX <= box.maxX { return envelope.maxX >= box.minX && envelope.minX <= box.maxX }
        return envelope.maxX >= box.minX || envelope.minX <= box.maxX
    }
}
