import DoorstepCoverage
import DoorstepGeoJSON

/// How a siting plan is written out: the same features and figures from `doorstep site` and from the
/// server's site jobs.
///
/// ```swift
/// let features = plan.sites.map { SiteReport.feature($0, request: plan.request) }
/// print(GeoJSONWriter.json(SiteReport.json(plan)))
/// ```
public enum SiteReport {
    public static func ratio(_ covered: Double, _ total: Double) -> JSONValue {
        CoverageTable.ratio(total > 0 ? covered / total : nil)
    }

    /// A chosen site as a point feature. Every number is a number in every feature, so that GDAL (and
    /// QGIS) types the field the same in every run: a field that is null throughout arrives as String.
    /// `capacity` is the seats the site is planned with (the candidate's, else `--site-capacity`),
    /// `cost` the candidate's cost or 0 when none is given, and `coverage_ratio_after` 0 when no
    /// elderly live in the units. Text fields (`code`, `name`) stay null outside every unit: GDAL types
    /// text as String either way.
    public static func feature(_ site: ChosenSite, request: SitingRequest) -> Feature {
        Feature(
            geometry: .point(site.candidate.location),
            properties: [
                "rank": .number(Double(site.rank)), "candidate_id": .string(site.candidate.id), "kind": .string(request.kind),
                "gain_elderly": .number(site.gain), "cumulative_covered": .number(site.cumulativeCovered),
                "coverage_ratio_after": CoverageTable.ratio(site.coverageRatioAfter ?? 0),
                "code": site.unitCode.map(JSONValue.string) ?? .null, "name": site.unitName.map(JSONValue.string) ?? .null,
                "candidate_name": .string(site.candidate.name),
                "capacity": .number(site.candidate.capacity ?? request.defaultCapacity),
                "cost": .number(site.candidate.cost ?? 0),
                "for_min_facilities": .bool(site.forced),
            ])
    }

    public static func json(_ plan: SitingPlan) -> JSONValue { .object(figures(plan)) }

    /// The plan's figures, its sites' properties and its units, as `site --format json` writes them.
    public static func figures(_ plan: SitingPlan) -> JSONObject {
        let s = plan.solution
        return [
            "kind": .string(plan.request.kind), "radius_m": .number(plan.request.radius),
            "elderly_total": .number(plan.totalElderly),
            "covered_before": .number(plan.coveredBefore), "coverage_ratio_before": ratio(plan.coveredBefore, plan.totalElderly),
            "covered_after": .number(plan.coveredAfter), "coverage_ratio_after": ratio(plan.coveredAfter, plan.totalElderly),
            "sites_chosen": .number(Double(plan.sites.count)), "candidates": .number(Double(plan.candidateCount)),
            "sites_requested": plan.sitesRequested.map { .number(Double($0)) } ?? .null,
            "sites_useful": .number(Double(plan.sitesUseful)),
            "sites_for_min_facilities": .number(Double(plan.sitesForced)),
            "sites_without_gain": .number(Double(plan.sitesForcedWithoutGain)),
            "time_limit_reached": .bool(s.timeLimitReached), "cut_short": .array(s.cutShort.map(JSONValue.string)),
            "candidates_generated": .bool(plan.generatedCandidates),
            "solver": .string(s.solver), "status": .string(s.status.rawValue), "bound": s.bound.map(JSONValue.number) ?? .null,
            "gap": s.gap.map(JSONValue.number) ?? .null, "seconds": .number((s.seconds * 1000).rounded() / 1000),
            "sites": .array(plan.sites.map { .object(feature($0, request: plan.request).properties) }),
            "units": .array(plan.units.map { unit in
                .object([
                    "code": .string(unit.code), "name": .string(unit.name), "elderly_total": .number(unit.total),
                    "covered_before": .number(unit.before), "coverage_ratio_before": ratio(unit.before, unit.total),
                    "covered_after": .number(unit.after), "coverage_ratio_after": ratio(unit.after, unit.total),
                ])
            }),
        ]
    }
}
