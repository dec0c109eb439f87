import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNetwork
import Foundation

/// Renders a `ReportData` as one self-contained HTML file: inline CSS and SVG, no network, A4 print.
///
/// ```swift
/// let html = ReportHTML(data: data, language: .zh, version: "0.3.0").render()
/// ```
public struct ReportHTML {
    public var data: ReportData
    public var language: ReportLanguage
    public var version: String

    /// How many uncovered areas and units missing targets the summary lists (all are in the tables).
    public static let topAreas = 15
    public static let topUnits = 30

    public init(data: ReportData, language: ReportLanguage, version: String) {
        self.data = data
        self.language = language
        self.version = version
    }

    func t(_ key: ReportLanguage.Key) -> String { language.text(key) }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    static func integer(_ v: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: v.rounded())) ?? String(Int(v))
    }

    static func percent(_ ratio: Double?) -> String {
        ratio.map { String(format: "%.1f%%", $0 * 100) } ?? "–"
    }

    /// The same rounding `doorstep coverage --format json` uses, written into data attributes.
    static func ratioAttribute(_ ratio: Double?) -> String {
        GeoJSONWriter.json(CoverageTable.ratio(ratio))
    }

    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="\(language == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(t(.title))</title>
            <style>\(Self.css)</style></head><body>
            <h1>\(t(.title))</h1>
            <p class="meta">\(t(.generated)) \(ISO8601DateFormatter().string(from: data.generated)) · Doorstep \(version)</p>

            """
        html += summary()
        html += unitsMissing()
        html += topAreas()
        for (index, entry) in data.kinds.enumerated() { html += map(kind: entry.kind, radius: entry.radius, colourIndex: index) }
        for entry in data.kinds where data.rows.contains(where: { $0.kind == entry.kind && $0.access != nil }) { html += accessSection(kind: entry.kind) }
        if data.compareRows != nil { html += scenario() }
        if !data.districtRows.isEmpty { html += table(t(.districtTable), rows: data.districtRows, id: "district", compare: nil) }
        html += table(t(.levelTable) + " (\(language.levelName(data.level.rawValue)))", rows: data.rows, id: data.level.rawValue, compare: data.compareRows)
        html += settings()
        html += "</body></html>\n"
        return html
    }

    // MARK: Sections

    func summary() -> String {
        var rows = ""
        for entry in data.kinds {
            let (total, covered) = data.overall(entry.kind)
            let facilities = data.facilities.filter { $0.kind == entry.kind }.count
            rows += "<tr data-kind=\"\(entry.kind)\" data-elderly-total=\"\(GeoJSONWriter.json(.number(total)))\" data-elderly-covered=\"\(GeoJSONWriter.json(.number(covered)))\">"
                + "<td>\(Self.escape(language.kindName(entry.kind)))</td><td class=n>\(Int(entry.radius)) m</td><td class=n>\(facilities)</td>"
                + "<td class=n>\(Self.integer(total))</td><td class=n>\(Self.integer(covered))</td><td class=n>\(Self.percent(total > 0 ? covered / total : nil))</td></tr>\n"
        }
        return """
            <h2>\(t(.summary))</h2>
            <table class="summary"><thead><tr><th>\(t(.kind))</th><th>\(t(.radius))</th><th>\(t(.facilities))</th><th>\(t(.elderly))</th><th>\(t(.covered))</th><th>\(t(.ratio))</th></tr></thead>
            <tbody>\(rows)</tbody></table>

            """
    }

    func reasonText(_ reasons: [String]) -> String {
        reasons.map { $0 == "coverage" ? t(.reasonCoverage) : t(.reasonFacilities) }.joined(separator: "、")
    }

    func unitsMissing() -> String {
        let gaps = data.gaps.unitGaps
        var rows = ""
        for gap in gaps.prefix(Self.topUnits) {
            let r = gap.row
            rows += "<tr><td class=n>\(gap.rank)</td><td>\(r.code)</td><td>\(Self.escape(r.name))</td><td>\(Self.escape(language.kindName(r.kind)))</td>"
                + "<td class=n>\(Self.integer(r.elderlyTotal))</td><td class=n>\(Self.integer(r.elderlyUncovered))</td><td class=n>\(Self.percent(r.coverageRatio))</td>"
                + "<td class=n>\(r.facilities)</td><td>\(reasonText(gap.reasons))</td></tr>\n"
        }
        if gaps.isEmpty { rows = "<tr><td colspan=9>\(t(.none))</td></tr>" }
        if gaps.count > Self.topUnits {
            rows += "<tr><td colspan=9>… \(gaps.count - Self.topUnits) \(language == .zh ? "个单元未列出, 见下方各单元表及 gaps.csv" : "more: see the tables below and gaps.csv")</td></tr>"
        }
        return """
            <h2>\(t(.unitsMissing)) (\(gaps.count))</h2>
            <table><thead><tr><th>\(t(.rank))</th><th>\(t(.code))</th><th>\(t(.name))</th><th>\(t(.kind))</th><th>\(t(.elderly))</th><th>\(language == .zh ? "未覆盖" : "Uncovered")</th><th>\(t(.ratio))</th><th>\(t(.facilities))</th><th>\(t(.reasons))</th></tr></thead>
            <tbody>\(rows)</tbody></table>

            """
    }

    func topAreas() -> String {
        var rows = ""
        for gap in data.topAreas {
            let place = data.areaLabels[gap.rank].map(Self.escape) ?? ""
            rows += "<tr><td class=n>\(gap.rank)</td><td>\(Self.escape(gap.row.name))</td><td>\(Self.escape(language.kindName(gap.row.kind)))</td>"
                + "<td class=n>\(Self.integer(gap.part.areaM2))</td><td class=n>\(Self.integer(gap.part.elderlyUncovered))</td><td>\(place)</td></tr>\n"
        }
        if data.topAreas.isEmpty { rows = "<tr><td colspan=6>\(t(.none))</td></tr>" }
        return """
            <h2>\(t(.topAreas))</h2>
            <table><thead><tr><th>\(t(.rank))</th><th>\(t(.name))</th><th>\(t(.kind))</th><th>\(t(.area))</th><th>\(language == .zh ? "未覆盖老人" : "Elderly uncovered")</th><th>\(t(.place))</th></tr></thead>
            <tbody>\(rows)</tbody></table>

            """
    }

    var extent: Envelope {
        Envelope.around(data.unitGeometries.values.lazy.map(\.envelope)) ?? Envelope(minX: 120, minY: 30, maxX: 120.1, maxY: 30.1)
    }

    func map(kind: String, radius: Double, colourIndex: Int) -> String {
        let frame = SVGFrame(extent: extent)
        let context = GEOSContext()
        let rows = data.rows.filter { $0.kind == kind }
        let colour = CoverageClasses.kindColours[colourIndex % CoverageClasses.kindColours.count]
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(frame.width)) \(Int(frame.height))\" class=\"map\" role=\"img\">"
        svg += "<defs><pattern id=\"hatch-\(colourIndex)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b2182b\" stroke-width=\"1.5\"/></pattern></defs>"
        // Units coloured by coverage ratio.
        for row in rows {
            guard let geometry = data.unitGeometries[row.code] else { continue }
            svg += "<path d=\"\(frame.path(geometry, context: context))\" fill=\"\(CoverageClasses.colour(row.coverageRatio))\" fill-rule=\"evenodd\" stroke=\"#555\" stroke-width=\"0.6\"><title>\(Self.escape(row.name)) \(Self.percent(row.coverageRatio))</title></path>"
        }
        // Uncovered areas, hatched.
        for gap in data.gaps.areaGaps where gap.row.kind == kind {
            svg += "<path d=\"\(frame.path(gap.part.geometry, context: context))\" fill=\"url(#hatch-\(colourIndex))\" fill-rule=\"evenodd\" stroke=\"#b2182b\" stroke-width=\"0.4\"/>"
        }
        // The street network, faintly; the catchment (discs, or the streets' service area); the facilities.
        svg += networkLines(frame)
        if let reach = data.catchments[kind] {
            svg += "<path d=\"\(frame.path(reach, context: context))\" fill=\"\(colour)\" fill-opacity=\"0.12\" fill-rule=\"evenodd\" stroke=\"none\"/>"
        }
        var dots = "<g fill=\"\(colour)\" stroke=\"#fff\" stroke-width=\"0.5\">"
        for facility in data.facilities where facility.kind == kind {
            dots += "<circle cx=\"\(SVGFrame.number(frame.x(facility.location)))\" cy=\"\(SVGFrame.number(frame.y(facility.location)))\" r=\"2.2\"/>"
        }
        svg += dots + "</g>"
        // New sites of the scenario, numbered.
        svg += siteMarkers(data.newFacilities.filter { $0.kind == kind }, frame)
        // Unit names where they fit.
        svg += "<g class=\"labels\" font-size=\"9\" text-anchor=\"middle\">"
        for row in rows {
            guard let geometry = data.unitGeometries[row.code], let box = geometry.envelope,
                case .point(let inside)? = try? Geometry(geometry, in: context).pointOnSurface().value()
            else { continue }
            let boxWidth = (box.maxX - box.minX) * frame.shrink * frame.scale
            // At 9 px a Chinese character is 9 px wide (display width 2): keep a margin so neighbours do not touch.
            guard boxWidth >= Double(CoverageTable.displayWidth(row.name)) * 4.6 + 8 else { continue }
            svg += "<text x=\"\(SVGFrame.number(frame.x(inside)))\" y=\"\(SVGFrame.number(frame.y(inside)))\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"2.5\">\(Self.escape(row.name))</text>"
        }
        svg += "</g></svg>"
        var legend = "<div class=\"legend\"><b>\(t(.legend))</b> "
        for entry in CoverageClasses.classes {
            legend += "<span><i style=\"background:\(entry.colour)\"></i>\(entry.label)</span>"
        }
        legend += "<span><i style=\"background:#dddddd\"></i>\(t(.noData))</span>"
        legend += "<span><i style=\"background:\(colour);border-radius:50%\"></i>\(Self.escape(language.kindName(kind)))</span>"
        legend += "<span>\(t(data.distanceModel == .straightLine ? .catchmentNote : .serviceAreaNote))</span><span>\(t(.hatchNote))</span></div>"
        return """
            <section class="map-section"><h2>\(t(.mapTitle)): \(Self.escape(language.kindName(kind))) (\(Int(radius)) m, \(language.levelName(data.level.rawValue)))</h2>
            \(svg)
            \(legend)</section>

            """
    }

    func scenario() -> String {
        guard let compare = data.compareRows else { return "" }
        var rows = ""
        for entry in data.kinds {
            let (total, before) = data.overall(entry.kind, data.rows)
            let (_, after) = data.overall(entry.kind, compare)
            let added = data.newFacilities.filter { $0.kind == entry.kind }.count
            rows += "<tr><td>\(Self.escape(language.kindName(entry.kind)))</td><td class=n>\(added)</td><td class=n>\(Self.integer(total))</td>"
                + "<td class=n>\(Self.integer(before)) (\(Self.percent(total > 0 ? before / total : nil)))</td>"
                + "<td class=n>\(Self.integer(after)) (\(Self.percent(total > 0 ? after / total : nil)))</td><td class=n>+\(Self.integer(after - before))</td></tr>\n"
        }
        var maps = ""
        for entry in data.kinds where data.newFacilities.contains(where: { $0.kind == entry.kind }) {
            maps += "<section class=\"map-section\"><h3>\(t(.newlyCovered)): \(Self.escape(language.kindName(entry.kind)))</h3>"
                + newlyCoveredMap(kind: entry.kind, radius: entry.radius) + "</section>\n"
        }
        return """
            <h2>\(t(.scenario))</h2>
            <table><thead><tr><th>\(t(.kind))</th><th>\(t(.newSites))</th><th>\(t(.elderly))</th><th>\(t(.before))</th><th>\(t(.after))</th><th>\(t(.change))</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            \(maps)
            """
    }

    /// The uncovered areas of the base assessment that the scenario's new sites of `kind` reach.
    func newlyCoveredMap(kind: String, radius: Double) -> String {
        let context = GEOSContext()
        let frame = SVGFrame(extent: extent)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(frame.width)) \(Int(frame.height))\" class=\"map\">"
        for (_, geometry) in data.unitGeometries.sorted(by: { $0.key < $1.key }) {
            svg += "<path d=\"\(frame.path(geometry, context: context))\" fill=\"#f4f4f4\" fill-rule=\"evenodd\" stroke=\"#999\" stroke-width=\"0.5\"/>"
        }
        svg += networkLines(frame)
        let sites = data.newFacilities.filter { $0.kind == kind }
        // What the new sites reach, measured as the numbers above are (the distance model's catchment).
        if let catchment = data.newCatchments[kind], let reach = try? Geometry(catchment, in: context) {
            for gap in data.gaps.areaGaps where gap.row.kind == kind {
                guard let part = try? Geometry(gap.part.geometry, in: context), let covered = try? part.intersection(reach), !covered.isEmpty
                else { continue }
                svg += "<path d=\"\(frame.path(covered.value(), context: context))\" fill=\"#1a9850\" fill-rule=\"evenodd\"/>"
            }
        }
        return svg + siteMarkers(sites, frame) + "</svg>"
    }

    /// The usable streets as thin grey lines, when reach is measured on a network.
    func networkLines(_ frame: SVGFrame) -> String {
        guard case .network(let walking) = data.distanceModel else { return "" }
        var path = ""
        for (line, verdict) in zip(walking.lines, walking.verdicts) where verdict == .usable {
            for part in line.parts where part.count > 1 {
                path += part.enumerated().map { i, c in (i == 0 ? "M" : "L") + SVGFrame.number(frame.x(c)) + " " + SVGFrame.number(frame.y(c)) }.joined()
            }
        }
        return "<path d=\"\(path)\" fill=\"none\" stroke=\"#888\" stroke-opacity=\"0.35\" stroke-width=\"0.4\"/>"
    }

    /// Numbered black discs for a scenario's new sites.
    func siteMarkers(_ sites: [Facility], _ frame: SVGFrame) -> String {
        sites.enumerated().map { n, site in
            let x = SVGFrame.number(frame.x(site.location)), y = SVGFrame.number(frame.y(site.location))
            return "<g class=\"site\"><circle cx=\"\(x)\" cy=\"\(y)\" r=\"7\" fill=\"#000\" stroke=\"#fff\"/><text x=\"\(x)\" y=\"\(y)\" dy=\"3\" text-anchor=\"middle\" font-size=\"8\" fill=\"#fff\">\(n + 1)</text></g>"
        }.joined()
    }

    func table(_ title: String, rows: [CoverageRow], id: String, compare: [CoverageRow]?) -> String {
        var body = ""
        let scenario = Dictionary((compare ?? []).map { ("\($0.kind)|\($0.code)", $0) }, uniquingKeysWith: { a, _ in a })
        for row in rows {
            let attributes = "data-code=\"\(row.code)\" data-kind=\"\(row.kind)\" data-elderly-total=\"\(GeoJSONWriter.json(.number(row.elderlyTotal)))\" "
                + "data-elderly-covered=\"\(GeoJSONWriter.json(.number(row.elderlyCovered)))\" data-coverage-ratio=\"\(Self.ratioAttribute(row.coverageRatio))\" "
                + "data-facilities=\"\(row.facilities)\" data-uncovered-area-m2=\"\(GeoJSONWriter.json(.number(CoverageTable.areaRounded(row.uncoveredAreaM2))))\""
            body += "<tr \(attributes)><td>\(row.code)</td><td>\(Self.escape(row.name))</td><td>\(Self.escape(language.kindName(row.kind)))</td>"
                + "<td class=n>\(Self.integer(row.elderlyTotal))</td><td class=n>\(Self.integer(row.elderlyCovered))</td><td class=n>\(Self.percent(row.coverageRatio))</td>"
                + "<td class=n>\(row.facilities)</td><td class=n>\(Self.integer(row.capacity))</td><td class=n>\(String(format: "%.2f", row.uncoveredAreaM2 / 1e6))</td>"
            if compare != nil {
                let after = scenario["\(row.kind)|\(row.code)"]
                body += "<td class=n>\(Self.percent(after?.coverageRatio))</td><td class=n>\(after.map { "+" + Self.integer($0.elderlyCovered - row.elderlyCovered) } ?? "")</td>"
            }
            body += "</tr>\n"
        }
        let extra = compare != nil ? "<th>\(t(.after)) \(t(.ratio))</th><th>\(t(.change))</th>" : ""
        return """
            <h2>\(Self.escape(title))</h2>
            <table id="table-\(id)" class="data"><thead><tr><th>\(t(.code))</th><th>\(t(.name))</th><th>\(t(.kind))</th><th>\(t(.elderly))</th><th>\(t(.covered))</th><th>\(t(.ratio))</th><th>\(t(.facilities))</th><th>\(t(.capacity))</th><th>\(t(.uncoveredArea))</th>\(extra)</tr></thead>
            <tbody>\(body)</tbody></table>

            """
    }

    /// How reach was measured, in the report's language.
    /// Supply within reach per 1,000 elderly by unit (2SFCA), as a share of the norm, and the units below it.
    func accessSection(kind: String) -> String {
        let rows = data.rows.filter { $0.kind == kind && $0.access != nil }
        let frame = SVGFrame(extent: extent)
        let context = GEOSContext()
        func perThousand(_ row: CoverageRow) -> Double? { row.access?.accessMean(elderly: row.elderlyTotal).map { 1000 * $0 } }
        let norm = rows.first?.access?.norm ?? 0
        // Against the norm when there is one, else against the best-served unit.
        let scale = norm > 0 ? norm : (rows.compactMap(perThousand).max() ?? 0)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(frame.width)) \(Int(frame.height))\" class=\"map\" role=\"img\">"
        for row in rows {
            guard let geometry = data.unitGeometries[row.code] else { continue }
            let share = perThousand(row).map { scale > 0 ? $0 / scale : 0 }
            let value = perThousand(row).map { String(format: "%.1f", $0) } ?? "–"
            svg += "<path d=\"\(frame.path(geometry, context: context))\" fill=\"\(CoverageClasses.colour(share))\" fill-rule=\"evenodd\" stroke=\"#555\" stroke-width=\"0.6\"><title>\(Self.escape(row.name)) \(value)</title></path>"
        }
        svg += "</svg>"
        var legend = "<div class=\"legend\"><b>\(language == .zh ? "每千名老人可及供给占" : "Supply within reach per 1,000 elderly, share of") \(norm > 0 ? (language == .zh ? "标准" : "the norm") + " \(Self.integer(norm))" : (language == .zh ? "最高值" : "the highest"))</b> "
        for entry in CoverageClasses.classes { legend += "<span><i style=\"background:\(entry.colour)\"></i>\(entry.label)</span>" }
        legend += "</div>"
        var below = ""
        for row in rows where (row.access?.elderlyBelowNorm ?? 0) > 0 {
            below += "<tr><td>\(Self.escape(row.code))</td><td>\(Self.escape(row.name))</td><td class=n>\(Self.integer(row.elderlyTotal))</td>"
                + "<td class=n>\(perThousand(row).map { String(format: "%.1f", $0) } ?? "–")</td><td class=n>\(Self.integer(row.access?.elderlyBelowNorm ?? 0))</td></tr>"
        }
        let method = rows.first?.access?.method.rawValue.uppercased() ?? ""
        let table =
            below.isEmpty
            ? "<p>\(language == .zh ? "无低于标准的单元。" : "No unit is below the norm.")</p>"
            : "<table class=\"data\"><thead><tr><th>\(t(.code))</th><th>\(t(.name))</th><th>\(t(.elderly))</th><th>\(language == .zh ? "每千人可及供给" : "Access per 1,000")</th><th>\(language == .zh ? "低于标准的老人" : "Elderly below the norm")</th></tr></thead><tbody>\(below)</tbody></table>"
        return """
            <section class="access-section"><h2>\(language == .zh ? "供给可及性" : "Accessibility"): \(Self.escape(language.kindName(kind))) (\(method), \(language == .zh ? "标准" : "norm") \(Self.integer(norm)) / 1,000)</h2>
            \(svg)
            \(legend)
            \(table)</section>

            """
    }

    /// The method, supply and norms of the accessibility sections, when the report has them.
    func accessSettingsText() -> String {
        let measured = data.kinds.compactMap { entry in data.rows.first { $0.kind == entry.kind && $0.access != nil }.map { (entry.kind, $0.access) } }
        guard let method = measured.first?.1?.method else { return "" }
        let norms = measured.map { "\(language.kindName($0.0)) \(Self.integer($0.1?.norm ?? 0))" }.joined(separator: ", ")
        let title = language == .zh ? "供给可及性" : "Accessibility"
        let text = language == .zh ? "\(method.rawValue.uppercased())；每千名老人标准：\(norms)" : "\(method.rawValue.uppercased()); norm per 1,000 elderly: \(norms)"
        return "<h3>\(title)</h3><p>\(Self.escape(text))</p>"
    }

    func distanceModelText() -> String {
        guard case .network(let walking) = data.distanceModel else { return t(.straightLineModel) }
        let zh = "沿步行路网的步行距离（\(walking.source)；离路网超过 \(Int(walking.snapMax)) m 的点视为不在路网上；服务区为到达路段外扩 \(Int(walking.trim)) m）"
        let en = "walking distance on the street network (\(walking.source); points farther than \(Int(walking.snapMax)) m from a usable street are off the network; service areas are the reached streets buffered by \(Int(walking.trim)) m)"
        return language == .zh ? zh : en
    }

    func settings() -> String {
        var radii = ""
        for entry in data.kinds {
            let note = data.radiiOverridden.contains(entry.kind) ? " " + t(.overridden) : ""
            radii += "<tr><td>\(Self.escape(language.kindName(entry.kind)))</td><td class=n>\(Int(entry.radius)) m\(note)</td><td>\(Self.escape(language.basis(entry.kind)))</td></tr>"
        }
        var files = ""
        for source in data.sources {
            files += "<tr><td>\(Self.escape(source.role))</td><td>\(Self.escape(source.path))</td><td>\(Self.escape(source.crs))</td></tr>"
        }
        let warnings = data.warnings.isEmpty ? "" : "<h3>\(t(.warnings))</h3><ul>" + data.warnings.map { "<li>\(Self.escape($0))</li>" }.joined() + "</ul>"
        return """
            <h2>\(t(.settings))</h2>
            <h3>\(t(.distanceModel))</h3><p>\(Self.escape(distanceModelText()))</p>
            <h3>\(t(.demandMethod))</h3><p>\(Self.escape(data.demandMethod))</p>
            \(accessSettingsText())
            <h3>\(t(.radiiUsed))</h3><table><thead><tr><th>\(t(.kind))</th><th>\(t(.radius))</th><th>\(t(.standard))</th></tr></thead><tbody>\(radii)</tbody></table>
            <h3>\(t(.targets))</h3><table><tbody>
            <tr><td>\(t(.minRatio))</td><td class=n>\(Self.percent(data.targets.minRatio))</td></tr>
            <tr><td>\(t(.minFacilities))</td><td class=n>\(data.targets.minFacilities)</td></tr>
            <tr><td>\(t(.minArea))</td><td class=n>\(Self.integer(data.targets.minAreaM2))</td></tr></tbody></table>
            <h3>\(t(.dataFiles))</h3><table><thead><tr><th></th><th></th><th>\(t(.crs))</th></tr></thead><tbody>\(files)</tbody></table>
            <p class="meta">\(t(.tool)): Doorstep \(version) · \(t(.generated)) \(ISO8601DateFormatter().string(from: data.generated))</p>
            \(warnings)

            """
    }

    static let css = """
        body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px auto;max-width:1040px;color:#222;font-size:13px}
        h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:2px solid #1f4e9c;padding-bottom:3px}h3{font-size:14px}
        .meta{color:#666}table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left}
        th{background:#eef2f8}td.n{text-align:right;font-variant-numeric:tabular-nums}tr:nth-child(even) td{background:#fafafa}
        svg.map{width:100%;height:auto;border:1px solid #ccc;background:#fff}.legend{margin:4px 0 12px}.legend span{margin-right:12px;white-space:nowrap}
        .legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #888}
        @page{size:A4;margin:14mm}
        @media print{body{margin:0;max-width:none;font-size:10px}thead{display:table-header-group}tr,svg,.legend{break-inside:avoid}
        .map-section{break-inside:avoid;break-before:auto}h2{break-after:avoid}}
        """
}
