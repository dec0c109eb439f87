import ArgumentParser
import DoorstepCRS
import DoorstepCoverage
import DoorstepGDAL
import DoorstepGeoJSON
import DoorstepNames
import DoorstepSiting
import Foundation

struct Site: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Propose new sites for a facility kind that close the gaps best, keeping every existing facility.",
        discussion: """
            Examples:
              doorstep site --kind canteen --add 20 --output sites.geojson
              doorstep site --kind canteen --min-facilities 1 --level street --add 5
              doorstep site --kind embedded-care --target-ratio 0.9 --per-unit --level street
            """)

    enum Format: String, ExpressibleByArgument { case text, json }

    @OptionGroup var input: InputOptions

    @Option(help: "Candidate sites (GeoJSON points or CSV) with id, name, optional capacity and cost; default: generated from the uncovered demand.")
    var candidates: String?
    @Option(help: "Coordinate system of --candidates.") var candidatesCrs: String?
    @Option(help: "Spacing in metres of generated candidates (default R/2; 10 to 100000).") var candidateSpacing: Double?

    @Option(help: "Choose this many new sites maximising newly covered elderly.") var add: Int?
    @Option(help: "The fewest new sites that bring coverage to this ratio.") var targetRatio: Double?
    @Flag(help: "With --target-ratio: reach the ratio in every unit of --level.") var perUnit = false
    @Option(help: "First make every unit of --level hold this many facilities of the kind.") var minFacilities: Int?

    @Flag(help: "Capacity-aware: a site serves at most capacity × turnover elderly, nearest first.") var capacity = false
    @Option(help: "Elderly served per seat (with --capacity).") var turnover: Double = 1
    @Option(help: "Capacity of generated candidates and of candidates without one.") var siteCapacity: Double = 100

    @Option(help: "auto, exact (CBC MILP) or heuristic (lazy greedy + swap).") var solver: String = "auto"
    @Option(help: "Seconds the whole run may take, reading and model building included (0.1 to 86400).") var timeLimit: Double = 60

    @Option(help: "Write the chosen sites here (atomically): GeoJSON, or by extension GeoPackage, Shapefile, FlatGeobuf, KML or CSV.") var output: String?
    @Option(help: "Summary format: text or json.") var format: Format = .text
    @Option(help: "A place-name registry: adds the nearest road and community to each site.") var names: String?

    func validate() throws {
        func check<Value>(_ range: SettingRange<Value>, _ value: Value?) throws {
            if let problem = value.flatMap({ range.problem(with: $0) }) { throw ValidationError(problem) }
        }
        try check(SitingRequest.addRange, add)
        if add != nil && targetRatio != nil { throw ValidationError("give --add or --target-ratio, not both") }
        if let targetRatio, !(targetRatio > 0 && targetRatio <= 1) {
            throw ValidationError("--target-ratio \(targetRatio): must be above 0 and at most 1")
        }
        if perUnit && targetRatio == nil { throw ValidationError("--per-unit goes with --target-ratio") }
        if add == nil && targetRatio == nil && minFacilities == nil { throw ValidationError("say what to achieve: --add N, --target-ratio R or --min-facilities N") }
        try check(SitingRequest.minFacilitiesRange, minFacilities)
        try check(SitingRequest.candidateSpacingRange, candidateSpacing)
        try check(SitingRequest.turnoverRange, turnover)
        try check(SitingRequest.siteCapacityRange, siteCapacity)
        try check(SitingRequest.timeLimitRange, timeLimit)
        guard SolverChoice(rawValue: solver) != nil else { throw ValidationError("--solver must be auto, exact or heuristic") }
        _ = try input.singleLevel(for: "siting")
    }

    func run() throws {
        // The time limit bounds the whole run: the clock starts before anything is read.
        let deadline = Deadline(seconds: timeLimit)
        if let output {
            try OutputFile.checkWritable(output, inputs: try input.inputPaths() + [candidates, names].compactMap { $0 }.map { LayerRequest(parsing: $0).path })
            try VectorOutput.check(output)
        }
        let labeler = try names.map { try PlaceLabeler(registry: try Registry(path: $0, create: false)) }
        let layers = try input.loadLayers()
        let settings = try input.settings()
        let kinds = settings.kinds ?? FacilityKind.reportOrder(layers.facilities.map(\.kind))
        guard kinds.count == 1, let kind = kinds.first else {
            throw CLIError(kinds.isEmpty ? "name the kind to site with --kind (e.g. --kind canteen)" : "site one kind at a time: --kind \(kinds.joined(separator: " or --kind "))")
        }
        let siteCandidates = try candidates.map { path in
            try SiteCandidate.load(
                LayerSource(parsing: path, crs: try candidatesCrs.map { try CoordinateSystem(parsing: $0) }, encoding: input.encoding), formats: .withGDAL)
        }
        // As coverage says it: no facility of the kind (every elderly person counts as uncovered), and
        // facilities left out because their kind is unknown, with the kinds found.
        for warning in CoverageModel.kindWarnings(assessed: [kind], facilities: layers.facilities) { Console.warn(warning) }
        let objective: SitingRequest.Objective =
            if let add { .add(add) } else if let targetRatio { .targetRatio(targetRatio, perUnit: perUnit) } else { .none }
        guard let level = input.level.single, let solverChoice = SolverChoice(rawValue: solver) else {
            throw CLIError("--level and --solver: one level and auto, exact or heuristic")  // validate() has said so already
        }
        let request = SitingRequest(
            kind: kind, radius: try settings.radius(of: kind), objective: objective, minFacilities: minFacilities,
            level: level, capacity: capacity, turnover: turnover, defaultCapacity: siteCapacity,
            candidateSpacing: candidateSpacing, solver: solverChoice, timeLimit: timeLimit, deadline: deadline,
            distanceModel: settings.distanceModel)
        let plan = try input.timed("siting") { try SitePlanner(layers: layers, candidates: siteCandidates, request: request).plan() }
        for warning in plan.warnings { Console.warn(warning) }
        if let output {
            var features = plan.sites.map { SiteReport.feature($0, request: plan.request) }
            if let labeler { features = try labeler.annotate(features) }
            try input.timed("write") { try VectorOutput.write(features, to: output, schema: labeler == nil ? .sites : .sites.withPlaceLabels) }
        }
        switch format {
        case .text: print(SiteReport.text(plan))
        case .json: print(GeoJSONWriter.json(SiteReport.json(plan)))
        }
        input.printTimings()
    }
}

/// The text of a siting plan for the terminal.
extension SiteReport {
    /// Pads to a display width, counting a Chinese character as two columns.
    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - CoverageTable.displayWidth(text)))
    }

    /// How many sites were asked for and how many add coverage, e.g. "asked for 1000000 site(s); 95 add
    /// coverage, the rest would add nothing".
    static func countLine(_ plan: SitingPlan) -> String {
        let chosen = plan.sites.count, useful = plan.sitesUseful, idle = plan.sitesForcedWithoutGain
        var line: String
        if let requested = plan.sitesRequested {
            line = "asked for \(requested) site(s)" + (plan.sitesForced > 0 ? " (\(plan.sitesForced) for --min-facilities)" : "")
            line += useful == requested ? "; all add coverage" : "; \(useful) add coverage"
            if idle > 0 { line += ", \(idle) only meet --min-facilities (they add no one)" }
            if chosen < requested {
                line += plan.solution.cutShort.contains("greedy") ? ", the time limit stopped the choice there" : ", the rest would add nothing"
            }
        } else {
            line = "the target needs \(chosen) site(s)" + (useful == chosen ? "; all add coverage" : "; \(useful) add coverage")
            if idle > 0 { line += ", \(idle) only meet --min-facilities (they add no one)" }
        }
        return line
    }

    static func text(_ plan: SitingPlan) -> String {
        let s = plan.solution
        func percent(_ covered: Double, _ total: Double) -> String { total > 0 ? String(format: "%.1f%%", covered / total * 100) : "–" }
        var lines = [
            "\(plan.request.kind), radius \(Int(plan.request.radius)) m: \(plan.sites.count) new site(s) from \(plan.candidateCount) \(plan.generatedCandidates ? "generated " : "")candidates",
            countLine(plan),
            String(format: "covered %.0f → %.0f of %.0f elderly (%@ → %@)", plan.coveredBefore, plan.coveredAfter, plan.totalElderly, percent(plan.coveredBefore, plan.totalElderly), percent(plan.coveredAfter, plan.totalElderly)),
            "solver: \(s.solver), \(s.status.rawValue)" + (s.bound.map { String(format: ", bound %.1f", $0) } ?? "")
                + (s.gap.map { String(format: ", gap %.2f%%", $0 * 100) } ?? "") + String(format: ", %.2f s", s.seconds),
        ]
        if s.timeLimitReached {
            lines.append("time limit reached: \(s.cutShort.joined(separator: ", ")) cut short; the sites are the best found in time")
        }
        lines += ["", "rank  candidate     unit            gain  cumulative  ratio"]
        for site in plan.sites {
            lines.append(String(format: "%4d  ", site.rank) + pad(site.candidate.id, 12) + "  " + pad(site.unitName ?? "–", 12)
                + String(format: "  %6.0f  %10.0f  ", site.gain, site.cumulativeCovered)
                + (site.coverageRatioAfter.map { String(format: "%.1f%%", $0 * 100) } ?? "–"))
        }
        lines.append("")
        let changed = plan.units.filter { $0.after > $0.before + 1e-9 }
        lines.append("units whose coverage changed (\(changed.count) of \(plan.units.count)):")
        for unit in changed {
            lines.append("  \(unit.code) " + pad(unit.name, 12) + "  \(percent(unit.before, unit.total)) → \(percent(unit.after, unit.total))")
        }
        return lines.joined(separator: "\n")
    }
}
