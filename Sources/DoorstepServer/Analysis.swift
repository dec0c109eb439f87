import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepReport
import Foundation
import Hummingbird

/// The analysis endpoints: coverage, gaps, scenarios and the report, over the workspace.
extension Routes {
    func addAnalysis(to router: Router<DoorstepServer.Context>) {
        router.post("/api/coverage") { request, _ in
            let body = try RequestJSON(try await body(of: request), allowed: ["kind", "radius_m", "level"])
            let table = try await coverage(body)
            return Reply.bytes(Array(table.json().utf8), type: "application/json")
        }
        router.post("/api/gaps") { request, _ in
            let body = try RequestJSON(
                try await body(of: request), allowed: ["kind", "radius_m", "level", "min_ratio", "min_facilities", "min_area_m2"])
            let gaps = try await gaps(body)
            return Reply.bytes(GeoJSONWriter().featureCollection(gaps.features), type: Self.geoJSON)
        }
        router.post("/api/scenarios") { request, _ in
            let body = try RequestJSON(try await body(of: request), allowed: ["kind", "level", "radius_m", "facilities"])
            let scenario = try parseScenario(body)
            let workspace = workspace
            return Reply.json(try await offload { try workspace.scenario(scenario) })
        }
        router.post("/api/report") { request, _ in
            let body = try RequestJSON(try await body(of: request), allowed: ["kind", "level", "lang", "facilities"])
            return Reply.html(try await report(body))
        }
    }

    /// The settings a request asks for: the workspace's, with its kind, radius and levels.
    func settings(kind: String?, radius: Double?, levels: Set<UnitLevel>?) -> CoverageSettings {
        var settings = workspace.settings
        if let kind { settings.kinds = [kind] }
        // A radius without a kind is every served kind's.
        for each in kind.map({ [$0] }) ?? workspace.kinds.map(\.kind) { if let radius { settings.radii[each] = radius } }
        if let levels { settings.levels = levels }
        return settings
    }

    /// The assessment for these settings: the one made at start when they are its own (restricted to
    /// the kind), else a new one, computed off the event loops.
    func assessment(kind: String?, radius: Double?, levels: Set<UnitLevel>?, withParts: Bool) async throws -> CoverageAssessment {
        let sameRadius = radius == nil || (kind.map { [$0] } ?? workspace.kinds.map(\.kind)).allSatisfy { workspace.radius(of: $0) == radius }
        let sameKind = kind == nil || workspace.kinds.contains { $0.kind == kind }
        if sameRadius, sameKind, levels == nil || levels == workspace.levels {
            return kind.map { Workspace.restricted(workspace.assessment, to: $0) } ?? workspace.assessment
        }
        let settings = settings(kind: kind, radius: radius, levels: levels)
        let layers = workspace.layers
        return try await offload {
            do {
                return try CoverageModel.assess(layers, settings: settings, withParts: withParts)
            } catch let error as CoverageError {
                throw Problem(.badRequest, error.message)
            }
        }
    }

    func coverage(_ body: RequestJSON) async throws -> CoverageTable {
        let kind = try kind(body, required: false)
        let radius = try radius(body)
        return CoverageTable(try await assessment(kind: kind, radius: radius, levels: try levels(body, allowAll: true), withParts: false))
    }

    func gaps(_ body: RequestJSON) async throws -> GapList {
        let kind = try kind(body, required: false)
        let radius = try radius(body)
        let defaults = workspace.targets
        let targets = GapTargets(
            minRatio: try body.number("min_ratio", in: GapTargets.minRatioRange.range) ?? defaults.minRatio,
            minFacilities: try body.integer("min_facilities", in: GapTargets.minFacilitiesRange.range) ?? defaults.minFacilities,
            minAreaM2: try body.number("min_area_m2", in: GapTargets.minAreaRange.range) ?? defaults.minAreaM2)
        let assessment = try await assessment(kind: kind, radius: radius, levels: try levels(body, allowAll: true), withParts: true)
        return GapList(assessment, targets: targets)
    }

    func parseScenario(_ body: RequestJSON) throws -> Scenario {
        guard let kind = try kind(body, required: true) else { throw Problem(.badRequest, "kind is required") }
        guard let facilities = try body.facilities("facilities", kind: kind) else {
            throw Problem(.badRequest, "facilities is required: a GeoJSON FeatureCollection of the proposed points")
        }
        return Scenario(kind: kind, level: try singleLevel(body), radius: try radius(body), facilities: facilities)
    }

    func report(_ body: RequestJSON) async throws -> String {
        let kind = try kind(body, required: false) ?? (try body.value("facilities") != nil && workspace.kinds.count == 1 ? workspace.kinds.first?.kind : nil)
        let level = try singleLevel(body)
        let language = try body.string("lang").map { text in
            guard let language = ReportLanguage(rawValue: text) else { throw Problem(.badRequest, "lang \"\(text)\": must be zh or en") }
            return language
        } ?? .zh
        let proposed = try kind.flatMap { try body.facilities("facilities", kind: $0) }
        if proposed == nil, try body.value("facilities") != nil { throw Problem(.badRequest, "facilities needs kind") }
        let settings = settings(kind: kind, radius: nil, levels: [level])
        let workspace = workspace, version = configuration.version
        return try await offload {
            let data = try ReportData.build(
                layers: workspace.layers, settings: settings, level: level, targets: workspace.targets,
                compare: proposed.map { workspace.layers.facilities + $0 }, labeler: nil,
                sources: workspace.sources.map { ReportSource(role: $0.role, path: $0.path, crs: $0.crs) }, progress: { _ in })
            return ReportHTML(data: data, language: language, version: version).render()
        }
    }
}

/// A scenario: proposed facilities of one kind, assessed at one level.
struct Scenario: Sendable {
    var kind: String
    var level: UnitLevel
    var radius: Double?
    var facilities: [Facility]
}

extension Workspace {
    /// Coverage before and after adding the scenario's facilities, for the units of its level within
    /// reach of a proposed point: only those can change, so only those are assessed (with every
    /// existing facility and all demand, as `doorstep coverage` would), and the others are left out.
    func scenario(_ scenario: Scenario) throws -> JSONValue {
        guard let radius = scenario.radius ?? self.radius(of: scenario.kind) else {
            throw Problem(.badRequest, "kind \(scenario.kind) has no radius; give radius_m")
        }
        let affected = unitsWithinReach(of: scenario.facilities.map(\.location), metres: radius, level: scenario.level)
        var settings = self.settings
        settings.kinds = [scenario.kind]
        settings.radii[scenario.kind] = radius
        settings.levels = [scenario.level]
        var before: [String: CoverageRow] = [:], after: [String: CoverageRow] = [:]
        if !affected.isEmpty {
            let units = affected.map { layers.units[$0] }
            let cached = rowsByKind[scenario.kind].flatMap { rows -> [String: CoverageRow]? in
                guard self.radius(of: scenario.kind) == radius, levels.contains(scenario.level) else { return nil }
                return rows
            }
            do {
                if let cached {
                    for unit in units { before[unit.code] = cached[unit.code] }
                } else {
                    let rows = try CoverageModel.assess(
                        Layers(units: units, facilities: layers.facilities, demand: layers.demand), settings: settings).rows
                    for row in rows { before[row.code] = row }
                }
                let rows = try CoverageModel.assess(
                    Layers(units: units, facilities: layers.facilities + scenario.facilities, demand: layers.demand), settings: settings).rows
                for row in rows { after[row.code] = row }
            } catch let error as CoverageError {
                throw Problem(.badRequest, error.message)
            }
        }
        var newlyCovered = 0.0
        var units: [JSONValue] = []
        for code in after.keys.sorted() {
            guard let row = after[code] else { continue }
            let was = before[code]?.elderlyCovered ?? 0
            newlyCovered += row.elderlyCovered - was
            units.append(
                .object([
                    "code": .string(row.code), "name": .string(row.name), "elderly_total": .number(row.elderlyTotal),
                    "elderly_covered_before": .number(was), "elderly_covered_after": .number(row.elderlyCovered),
                    "coverage_ratio_before": CoverageTable.ratio(row.elderlyTotal > 0 ? was / row.elderlyTotal : nil),
                    "coverage_ratio_after": CoverageTable.ratio(row.coverageRatio),
                ]))
        }
        return .object([
            "kind": .string(scenario.kind), "radius_m": .number(radius), "level": .string(scenario.level.rawValue),
            "newly_covered": .number(newlyCovered), "units": .array(units),
        ])
    }

    /// The units of `level` whose longitude/latitude envelope, grown by `metres` (generously, as
    /// the coverage model's own margin), holds one of the points.
    func unitsWithinReach(of points: [Coordinate], metres: Double, level: UnitLevel) -> [Int] {
        guard !points.isEmpty else { return [] }
        var result: [Int] = []
        for (index, unit) in layers.units.enumerated() where unit.level == level {
            guard let box = unitEnvelopes[index] else { continue }
            let widest = max(abs(box.minY), abs(box.maxY))
            let margin = 1.5 * metres / 110_000 / max(cos(min(widest, 85) * .pi / 180), 0.05) + 0.001
            let grown = box.expanded(by: margin)
            if points.contains(where: { grown.contains($0) }) { result.append(index) }
        }
        return result
    }
}
