import DoorstepCoverage
import DoorstepGeoJSON
import Foundation
import Hummingbird

/// The static pages and assets: the map at `/map`, Leaflet and the page's script from the package's
/// resources (a fixed list read once: no path from a request ever reaches the file system), and the
/// downloads the map offers.
extension Routes {
    /// The files under `/static/`, by the name a request gives, and their content types.
    static let assets: [(name: String, file: String, type: String)] = [
        ("leaflet.js", "leaflet/leaflet.js", "text/javascript; charset=utf-8"),
        ("leaflet.css", "leaflet/leaflet.css", "text/css; charset=utf-8"),
        ("LEAFLET-LICENSE.txt", "leaflet/LICENSE", "text/plain; charset=utf-8"),
        ("images/layers.png", "leaflet/images/layers.png", "image/png"),
        ("images/layers-2x.png", "leaflet/images/layers-2x.png", "image/png"),
        ("images/marker-icon.png", "leaflet/images/marker-icon.png", "image/png"),
        ("images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png", "image/png"),
        ("images/marker-shadow.png", "leaflet/images/marker-shadow.png", "image/png"),
        ("map.js", "map.js", "text/javascript; charset=utf-8"),
        ("names.js", "names.js", "text/javascript; charset=utf-8"),
    ]

    /// The assets' bytes, read from the bundle once.
    static let assetBytes: [String: (bytes: [UInt8], type: String)] = {
        var result: [String: (bytes: [UInt8], type: String)] = [:]
        let roots = [Bundle.module.bundleURL, Bundle.module.resourceURL].compactMap { $0?.appendingPathComponent("Resources") }
        guard let root = roots.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("map.js").path) }) else {
            return result
        }
        for asset in assets {
            if let data = try? Data(contentsOf: root.appendingPathComponent(asset.file)) {
                result[asset.name] = (Array(data), asset.type)
            }
        }
        return result
    }()

    func addPages(to router: Router<DoorstepServer.Context>) {
        router.get("/map") { _, _ in Reply.html(mapPage()) }
        router.get("/static/:name") { _, context in try asset(context.parameters.get("name") ?? "") }
        router.get("/static/images/:name") { _, context in try asset("images/" + (context.parameters.get("name") ?? "")) }
        router.get("/downloads/:file") { request, context in try await download(request, context.parameters.get("file") ?? "") }
    }

    func asset(_ name: String) throws -> Response {
        guard let asset = Self.assetBytes[name] else { throw Problem(.notFound, "no static file \"\(name)\"") }
        var headers = HTTPFields()
        headers[.cacheControl] = "max-age=3600"
        return Reply.bytes(asset.bytes, type: asset.type, headers: headers)
    }

    /// `coverage-KIND.csv`, `gaps-KIND.csv` (the CLI's CSV) and `report-KIND.html?lang=zh|en`.
    func download(_ request: Request, _ file: String) async throws -> Response {
        func kind(_ prefix: String, _ suffix: String) -> String? {
            guard file.hasPrefix(prefix), file.hasSuffix(suffix), file.count > prefix.count + suffix.count else { return nil }
            let kind = String(file.dropFirst(prefix.count).dropLast(suffix.count))
            return workspace.kinds.contains { $0.kind == kind } ? kind : nil
        }
        var headers = HTTPFields()
        headers[.contentDisposition] = "attachment; filename=\"\(file)\""
        if let kind = kind("coverage-", ".csv") {
            let table = CoverageTable(Workspace.restricted(workspace.assessment, to: kind))
            return Reply.bytes(Array(table.csv().utf8), type: "text/csv; charset=utf-8", headers: headers)
        }
        if let kind = kind("gaps-", ".csv") {
            let gaps = GapList(Workspace.restricted(workspace.assessment, to: kind), targets: workspace.targets)
            return Reply.bytes(Array(gaps.csv().utf8), type: "text/csv; charset=utf-8", headers: headers)
        }
        if let kind = kind("report-", ".html") {
            let lang = request.uri.queryParameters.get("lang") ?? "zh"
            let body = try RequestJSON(Array(GeoJSONWriter.json(.object(["kind": .string(kind), "lang": .string(lang)])).utf8), allowed: ["kind", "lang"])
            return Reply.bytes(Array(try await report(body).utf8), type: "text/html; charset=utf-8", headers: headers)
        }
        throw Problem(.notFound, "no download \"\(file)\"; there are coverage-KIND.csv, gaps-KIND.csv and report-KIND.html")
    }

    /// The planners' map: Leaflet, no base map unless `--tiles` names one.
    func mapPage() -> String {
        let level = workspace.levels.count == 1 ? workspace.levels.first?.rawValue ?? "street" : "street"
        let config: JSONValue = .object([
            "kinds": .array(workspace.kinds.map { .object(["kind": .string($0.kind), "radius_m": .number($0.radius),
                "zh": .string(FacilityKind.info($0.kind)?.nameZh ?? $0.kind), "en": .string(FacilityKind.info($0.kind)?.nameEn ?? $0.kind)]) }),
            "level": .string(level), "allLevels": .bool(workspace.levels.count > 1),
            "tiles": configuration.tiles.map(JSONValue.string) ?? .null, "attribution": .string(configuration.tilesAttribution),
        ])
        // `<` escaped so that no value can close the script element.
        let configText = GeoJSONWriter.json(config).replacingOccurrences(of: "<", with: "\\u003c")
        return """
            <!DOCTYPE html>
            <html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>家门口幸福助老 · Doorstep</title>
            <link rel="stylesheet" href="/static/leaflet.css">
            <style>
            html,body{margin:0;height:100%;font-family:system-ui,"Noto Sans CJK SC",sans-serif;font-size:14px}
            #app{display:flex;height:100%}#map{flex:1;background:#f4f4f0}
            #side{width:24em;overflow:auto;padding:.6em 1em;border-left:1px solid #ccc;background:#fff}
            #side h1{font-size:1.2em;margin:.2em 0}#side h2{font-size:1em;margin:.8em 0 .3em}
            table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.15em .3em;text-align:left;font-size:.92em}
            .legend{background:#fff;padding:.4em .6em;border-radius:4px;box-shadow:0 0 4px #999;line-height:1.5}
            .legend i{display:inline-block;width:1.2em;height:.9em;margin-right:.4em;vertical-align:middle}
            .lbl{background:none;border:none;box-shadow:none;font-size:11px;color:#333;text-shadow:0 0 2px #fff}
            path.hatched{fill:url(#hatch)!important;fill-opacity:1!important}
            button,select,input{font:inherit;margin:.15em 0}.num{font-variant-numeric:tabular-nums}
            .site-num{background:#6a1b9a;color:#fff;border-radius:50%;width:20px!important;height:20px!important;line-height:20px;text-align:center;font-weight:bold}
            #status{color:#555;min-height:1.2em}.on{background:#1565c0;color:#fff}
            </style></head><body>
            <svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
            <pattern id="hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="rgba(255,255,255,0)"/><line x1="0" y1="0" x2="0" y2="8" stroke="#b71c1c" stroke-width="3"/></pattern>
            </defs></svg>
            <div id="app"><div id="map"></div><div id="side">
            <h1 data-t="title"></h1>
            <p><button id="lang"></button> <select id="kind"></select></p>
            <div id="figures" class="num"></div>
            <p><button id="place" data-t="place"></button> <button id="clear" data-t="clear"></button></p>
            <div id="scenario"></div>
            <p><span data-t="suggest"></span> <input id="n" type="number" min="1" max="100" value="3" style="width:4em"> <button id="suggest" data-t="run"></button></p>
            <div id="status"></div>
            <div id="unit"></div>
            <h2 data-t="downloads"></h2>
            <ul id="downloads"></ul>
            <p><small><a href="/" data-t="api"></a> · <a href="/static/LEAFLET-LICENSE.txt">Leaflet</a></small></p>
            </div></div>
            <script>window.DOORSTEP = \(configText);</script>
            <script src="/static/leaflet.js"></script>
            <script src="/static/map.js"></script>
            </body></html>

            """
    }
}
