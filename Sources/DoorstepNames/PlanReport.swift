import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// Everything the plan progress report shows, read from a registry in one go.
public struct PlanReportData: Sendable {
    public var areas: [PlanArea]
    public var roads: [PlannedRoad]
    public var counts: [PlannedRoadCount]
    public var audit: AuditReport
    /// The name bank (地名储备库): reserved records.
    public var reserved: [Place]
    public var roadClasses: [String: [String]]
    public var generated: Date
}

extension Registry {
    /// The plan areas, planned roads (and their counts), the audit and the name bank, for
    /// ``PlanReportHTML``.
    ///
    /// ```swift
    /// let html = PlanReportHTML(data: try registry.planReportData(), language: .zh, version: "0.4.0").render()
    /// ```
    public func planReportData() throws -> PlanReportData {
        PlanReportData(
            areas: try planAreas(), roads: try plannedRoads(), counts: try plannedRoadCounts(), audit: try audit(),
            reserved: try all(status: .reserved), roadClasses: try settings().roadClasses, generated: Date())
    }
}

/// The language of the plan report.
public enum PlanReportLanguage: String, Sendable, CaseIterable {
    case zh, en
}

/// The plan progress report (`doorstep names plan report`): one offline HTML file in the style of
/// `doorstep report` — inline CSS and SVG, no script, no network, A4 print — with planned roads named
/// and unnamed by district and year, a map of the plan areas and the still-unnamed planned roads, the
/// audit's counts and the name bank.
///
/// ```swift
/// let html = PlanReportHTML(data: data, language: .en, version: "0.4.0").render()
/// ```
public struct PlanReportHTML: Sendable {
    public var data: PlanReportData
    public var language: PlanReportLanguage
    public var version: String

    public init(data: PlanReportData, language: PlanReportLanguage, version: String) {
        self.data = data
        self.language = language
        self.version = version
    }

    static let texts: [String: (zh: String, en: String)] = [
        "title": ("地名规划实施进度", "Place-name plan: progress"),
        "generated": ("生成于", "Generated"),
        "summary": ("概况", "Summary"),
        "areas": ("规划片区", "Plan areas"),
        "planned": ("规划道路", "Planned roads"),
        "named": ("已命名", "Named"),
        "unnamed": ("未命名", "Unnamed"),
        "share": ("命名率", "Named share"),
        "inUse": ("在用地名", "Names in use"),
        "nonConforming": ("不规范地名", "Non-conforming names"),
        "bank": ("地名储备库", "Name bank (reserved)"),
        "byDistrictYear": ("规划道路命名进度（按区县、年度）", "Planned roads by district and year"),
        "district": ("区县", "District"),
        "year": ("年度", "Year"),
        "total": ("合计", "Total"),
        "map": ("规划片区与未命名规划道路", "Plan areas and unnamed planned roads"),
        "legendUnnamed": ("未命名规划道路", "unnamed planned road"),
        "legendNamed": ("已命名规划道路", "named planned road"),
        "areaTable": ("规划片区及主题", "Plan areas and their themes"),
        "area": ("片区", "Area"),
        "theme": ("主题用字", "Theme"),
        "series": ("序列", "Series"),
        "audit": ("地名清理（不规范地名核查）", "Clean-up audit"),
        "rule": ("规则", "Rule"),
        "count": ("数量", "Count"),
        "records": ("条", "records"),
        "name": ("名称", "Name"),
        "type": ("类别", "Type"),
        "findings": ("问题", "Findings"),
        "settings": ("道路等级与通名", "Road classes and their 通名"),
        "class": ("等级", "Class"),
        "generics": ("可用通名", "Allowed 通名"),
        "none": ("无", "none"),
        "noDistrict": ("（未填）", "(none)"),
        "noYear": ("（未填）", "(none)"),
    ]

    func t(_ key: String) -> String {
        guard let entry = Self.texts[key] else { return key }
        return language == .zh ? entry.zh : entry.en
    }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "–" : String(format: "%.1f%%", Double(part) / Double(whole) * 100)
    }

    public func render() -> String {
        let named = data.roads.filter { $0.placeID != nil }.count
        var html = """
            <!DOCTYPE html>
            <html lang="\(language == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(t("title"))</title>
            <style>\(Self.css)</style></head><body>
            <h1>\(t("title"))</h1>
            <p class="meta">\(t("generated")) \(ISO8601DateFormatter().string(from: data.generated)) · Doorstep \(Self.escape(version))</p>
            <section id="summary"><h2>\(t("summary"))</h2><table class="summary">
            <tr><th>\(t("areas"))</th><td data-value="\(data.areas.count)">\(data.areas.count)</td></tr>
            <tr><th>\(t("planned"))</th><td data-value="\(data.roads.count)">\(data.roads.count)</td></tr>
            <tr><th>\(t("named"))</th><td id="planned-named" data-value="\(named)">\(named) (\(Self.percent(named, data.roads.count)))</td></tr>
            <tr><th>\(t("unnamed"))</th><td id="planned-unnamed" data-value="\(data.roads.count - named)">\(data.roads.count - named)</td></tr>
            <tr><th>\(t("inUse"))</th><td data-value="\(data.audit.checked)">\(data.audit.checked)</td></tr>
            <tr><th>\(t("nonConforming"))</th><td id="non-conforming" data-value="\(data.audit.entries.count)">\(data.audit.entries.count)</td></tr>
            <tr><th>\(t("bank"))</th><td id="bank" data-value="\(data.reserved.count)">\(data.reserved.count)</td></tr>
            </table></section>

            """
        html += progress()
        html += map()
        html += areaTable()
        html += auditSection()
        html += bank()
        html += settings()
        html += "</body></html>\n"
        return html
    }

    func progress() -> String {
        var html = "<section id=\"progress\"><h2>\(t("byDistrictYear"))</h2><table class=\"data\"><thead><tr><th>\(t("district"))</th><th>\(t("year"))</th><th>\(t("named"))</th><th>\(t("unnamed"))</th><th>\(t("share"))</th></tr></thead><tbody>\n"
        for row in data.counts {
            html += "<tr data-district=\"\(Self.escape(row.district ?? ""))\" data-year=\"\(row.year.map(String.init) ?? "")\"><td>\(Self.escape(row.district ?? t("noDistrict")))</td><td>\(row.year.map(String.init) ?? t("noYear"))</td><td class=\"n\">\(row.named)</td><td class=\"n\">\(row.unnamed)</td><td class=\"n\">\(Self.percent(row.named, row.named + row.unnamed))</td></tr>\n"
        }
        let named = data.counts.reduce(0) { $0 + $1.named }, unnamed = data.counts.reduce(0) { $0 + $1.unnamed }
        html += "<tr class=\"total\"><td>\(t("total"))</td><td></td><td class=\"n\">\(named)</td><td class=\"n\">\(unnamed)</td><td class=\"n\">\(Self.percent(named, named + unnamed))</td></tr>\n"
        return html + "</tbody></table></section>\n"
    }

    static let areaColours = ["#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#ffff99", "#fb9a99", "#8dd3c7", "#bebada"]

    /// The plan areas (filled, labelled) and the planned roads (unnamed red, named grey) in a local
    /// equirectangular frame 1000 px wide.
    func map() -> String {
        let coordinates = data.areas.flatMap(\.geometry.coordinates) + data.roads.flatMap(\.geometry.coordinates)
        guard let extent = Envelope(of: coordinates) else { return "" }
        let width = 1000.0, margin = 0.02 * max(extent.maxX - extent.minX, extent.maxY - extent.minY, 1e-6)
        let minX = extent.minX - margin, maxX = extent.maxX + margin, minY = extent.minY - margin, maxY = extent.maxY + margin
        let shrink = cos((minY + maxY) / 2 * .pi / 180)
        let scale = width / max((maxX - minX) * shrink, 1e-9)
        let height = ((maxY - minY) * scale).rounded(.up)
        func x(_ c: Coordinate) -> String { number((c.x - minX) * shrink * scale) }
        func y(_ c: Coordinate) -> String { number((maxY - c.y) * scale) }
        func number(_ v: Double) -> String {
            let r = (v * 10).rounded() / 10
            return r == r.rounded() ? String(Int(r)) : String(r)
        }
        func rings(_ geometry: GeometryValue) -> String {
            geometry.polygons.flatMap { $0 }.filter { $0.count > 2 }.map { ring in
                "M" + ring.dropLast().map { x($0) + " " + y($0) }.joined(separator: "L") + "Z"
            }.joined()
        }
        func lines(_ geometry: GeometryValue) -> String {
            let parts: [[Coordinate]]
            switch geometry {
            case .lineString(let cs): parts = [cs]
            case .multiLineString(let ls): parts = ls
            default: parts = []
            }
            return parts.filter { $0.count > 1 }.map { "M" + $0.map { x($0) + " " + y($0) }.joined(separator: "L") }.joined()
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(t("map"))\">\n"
        for (index, area) in data.areas.enumerated() {
            svg += "<path class=\"area\" data-area=\"\(Self.escape(area.name))\" d=\"\(rings(area.geometry))\" fill=\"\(Self.areaColours[index % Self.areaColours.count])\" fill-rule=\"evenodd\" stroke=\"#555\" stroke-width=\"1\"/>\n"
        }
        for road in data.roads {
            let unnamed = road.placeID == nil
            svg += "<path class=\"road \(unnamed ? "unnamed" : "named")\" data-road=\"\(road.id)\" d=\"\(lines(road.geometry))\" fill=\"none\" stroke=\"\(unnamed ? "#d7191c" : "#777")\" stroke-width=\"\(unnamed ? 3 : 2)\"\(unnamed ? " stroke-dasharray=\"8 4\"" : "")/>\n"
        }
        for area in data.areas {
            if let point = PlanGeometry.representativePoint(area.geometry) {
                svg += "<text class=\"label\" x=\"\(x(point))\" y=\"\(y(point))\" text-anchor=\"middle\">\(Self.escape(area.name))</text>\n"
            }
        }
        for road in data.roads where road.placeID == nil {
            if let point = PlanGeometry.representativePoint(road.geometry) {
                svg += "<text class=\"road-id\" x=\"\(x(point))\" y=\"\(number((maxY - point.y) * scale - 5))\" text-anchor=\"middle\">\(road.id)</text>\n"
            }
        }
        svg += "</svg>"
        return """
            <section id="map" class="map"><h2>\(t("map"))</h2>\(svg)
            <p class="legend"><span class="swatch" style="border-top:3px dashed #d7191c"></span>\(t("legendUnnamed")) <span class="swatch" style="border-top:2px solid #777"></span>\(t("legendNamed"))</p></section>

            """
    }

    func areaTable() -> String {
        var html = "<section id=\"areas\"><h2>\(t("areaTable"))</h2><table class=\"data\"><thead><tr><th>\(t("area"))</th><th>\(t("district"))</th><th>\(t("theme"))</th><th>\(t("series"))</th><th>\(t("named"))</th><th>\(t("unnamed"))</th></tr></thead><tbody>\n"
        for area in data.areas {
            let inside = data.roads.filter { road in PlanGeometry.representativePoint(road.geometry).map(area.contains) ?? false }
            let named = inside.filter { $0.placeID != nil }.count
            html += "<tr><td>\(Self.escape(area.name))</td><td>\(Self.escape(area.district ?? ""))</td><td>\(Self.escape(area.theme.joined(separator: "、")))</td><td>\(Self.escape(area.series?.description ?? ""))</td><td class=\"n\">\(named)</td><td class=\"n\">\(inside.count - named)</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    func auditSection() -> String {
        var html = "<section id=\"audit\"><h2>\(t("audit"))</h2><p>\(t("nonConforming")): \(data.audit.entries.count) / \(data.audit.checked)</p><div class=\"two\">"
        html += "<table class=\"data\" id=\"audit-districts\"><thead><tr><th>\(t("district"))</th><th>\(t("count"))</th></tr></thead><tbody>\n"
        for (district, count) in data.audit.byDistrict { html += "<tr><td>\(Self.escape(district))</td><td class=\"n\">\(count)</td></tr>\n" }
        html += "</tbody></table><table class=\"data\" id=\"audit-rules\"><thead><tr><th>\(t("rule"))</th><th>\(t("count"))</th></tr></thead><tbody>\n"
        for (rule, count) in data.audit.byRule { html += "<tr><td>\(Self.escape(rule))</td><td class=\"n\">\(count)</td></tr>\n" }
        html += "</tbody></table></div>"
        let rejected = data.audit.entries.filter { $0.verdict == .reject }
        if !rejected.isEmpty {
            html += "<table class=\"data\"><thead><tr><th>ID</th><th>\(t("name"))</th><th>\(t("district"))</th><th>\(t("findings"))</th></tr></thead><tbody>\n"
            for entry in rejected.prefix(200) {
                let findings = entry.findings.filter { $0.severity == .reject }.map { "\($0.rule): \($0.message)" }.joined(separator: "; ")
                html += "<tr><td>\(entry.place.id)</td><td>\(Self.escape(entry.place.name))</td><td>\(Self.escape(entry.place.district ?? ""))</td><td>\(Self.escape(findings))</td></tr>\n"
            }
            html += "</tbody></table>"
            if rejected.count > 200 { html += "<p>… \(rejected.count - 200) \(t("records")) (doorstep names audit --format csv)</p>" }
        }
        return html + "</section>\n"
    }

    func bank() -> String {
        var html = "<section id=\"bank-list\"><h2>\(t("bank"))</h2>"
        guard !data.reserved.isEmpty else { return html + "<p>\(t("none"))</p></section>\n" }
        html += "<table class=\"data\"><thead><tr><th>ID</th><th>\(t("name"))</th><th>\(t("type"))</th><th>\(t("district"))</th></tr></thead><tbody>\n"
        for place in data.reserved {
            html += "<tr><td>\(place.id)</td><td>\(Self.escape(place.name))</td><td>\(Self.escape(place.type))</td><td>\(Self.escape(place.district ?? ""))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    func settings() -> String {
        var html = "<section id=\"settings\"><h2>\(t("settings"))</h2><table class=\"data\"><thead><tr><th>\(t("class"))</th><th>\(t("generics"))</th></tr></thead><tbody>\n"
        for (roadClass, generics) in data.roadClasses.sorted(by: { $0.key < $1.key }) {
            html += "<tr><td>\(Self.escape(roadClass))</td><td>\(Self.escape(generics.joined(separator: "、")))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static let css = """
        body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1000px;color:#222;line-height:1.45}
        h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
        .meta{color:#666;font-size:.9em}
        table{border-collapse:collapse;margin:.6em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}
        td.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:bold}
        table.summary th{background:#f3f3f3}
        .two{display:flex;gap:2em;flex-wrap:wrap}
        svg{width:100%;height:auto;border:1px solid #ddd;background:#fafafa}
        svg text.label{font-size:16px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px}
        svg text.road-id{font-size:12px;fill:#d7191c;paint-order:stroke;stroke:#fff;stroke-width:3px}
        .legend .swatch{display:inline-block;width:2em;margin:0 .4em .2em 1em;vertical-align:middle}
        @page{size:A4;margin:15mm}
        @media print{body{margin:0;max-width:none}section,table,tr,svg{break-inside:avoid}}
        """
}
