import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepSiting
import Foundation
import Hummingbird

/// Long work (siting) as jobs: `POST /api/site` answers 202 with the job's URL at once; the work runs
/// on a thread of its own, never on a request's path; `GET /api/jobs/{id}` tells its state and, when
/// done, its result; `DELETE` cancels it.
actor JobStore {
    enum State: String { case running, succeeded, failed, cancelled }

    struct Job {
        var id: String
        var kind: String
        var state: State
        var started: ContinuousClock.Instant
        var startedAt: Date
        var finished: ContinuousClock.Instant?
        var timeLimit: Double
        var result: JSONValue?
        var error: String?
    }

    /// Computations that may run at once (a cancelled one counts until its thread ends).
    let limit: Int
    /// Finished jobs kept for their results, oldest dropped first.
    static let kept = 100
    private var jobs: [String: Job] = [:]
    /// The running jobs' cancellations: `DELETE` ends the computation, not only its record.
    private var cancellations: [String: Cancellation] = [:]
    private var order: [String] = []
    private var computing = 0

    init(limit: Int) { self.limit = max(1, limit) }

    /// Starts `work` on its own thread, or refuses with 429 when `limit` computations are running.
    func start(
        kind: String, timeLimit: Double, cancellation: Cancellation = Cancellation(), _ work: @escaping @Sendable () throws -> JSONValue
    ) throws -> Job {
        guard computing < limit else {
            throw Problem(.tooManyRequests, "\(computing) jobs are running, the most this server runs at once; try again when one has finished")
        }
        computing += 1
        let job = Job(
            id: UUID().uuidString.lowercased(), kind: kind, state: .running, started: .now, startedAt: Date(), timeLimit: timeLimit)
        jobs[job.id] = job
        cancellations[job.id] = cancellation
        order.append(job.id)
        trim()
        let id = job.id
        Task {
            let outcome: Result<JSONValue, any Error>
            do { outcome = .success(try await offload(work)) } catch { outcome = .failure(error) }
            self.finish(id, outcome)
        }
        return job
    }

    private func finish(_ id: String, _ outcome: Result<JSONValue, any Error>) {
        computing -= 1
        cancellations[id] = nil
        guard var job = jobs[id], job.state == .running else { return }
        job.finished = .now
        switch outcome {
        case .success(let value):
            job.state = .succeeded
            job.result = value
        case .failure(let error):
            job.state = .failed
            job.error = Problem.from(error).detail
        }
        jobs[id] = job
    }

    func job(_ id: String) throws -> Job {
        guard let job = jobs[id] else { throw Problem(.notFound, "no job \"\(id)\" (finished jobs are kept until \(Self.kept) newer ones have run)") }
        return job
    }

    /// Cancels a running job (its computation stops at its next look at the deadline, its result is
    /// dropped), or forgets a finished one.
    func cancel(_ id: String) throws -> Job {
        var job = try job(id)
        if job.state == .running {
            cancellations[id]?.cancel()
            job.state = .cancelled
            job.finished = .now
            jobs[id] = job
        } else {
            jobs[id] = nil
            order.removeAll { $0 == id }
        }
        return job
    }

    private func trim() {
        while order.count > Self.kept, let oldest = order.first(where: { jobs[$0]?.state != .running }) {
            jobs[oldest] = nil
            order.removeAll { $0 == oldest }
        }
    }
}

extension JobStore.Job {
    func json(base: String) -> JSONValue {
        let elapsed = (finished ?? .now) - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var object: JSONObject = [
            "id": .string(id), "type": .string(kind), "status": .string(state.rawValue),
            "href": .string(base + "/api/jobs/" + id), "started": .string(ISO8601DateFormatter().string(from: startedAt)),
            "elapsed_s": .number((seconds * 1000).rounded() / 1000), "time_limit_s": .number(timeLimit),
            // The solver reports no steps: progress is the share of the time limit used, done at 1.
            "progress": .number(state == .running ? min(0.99, (seconds / max(timeLimit, 0.001) * 100).rounded() / 100) : 1),
        ]
        if let result { object["result"] = result }
        if let error { object["error"] = .string(error) }
        return .object(object)
    }
}

extension Routes {
    static let siteMembers: Set<String> = [
        "kind", "level", "radius_m", "add", "target_ratio", "per_unit", "min_facilities", "solver", "time_limit", "candidate_spacing",
    ]
    /// A job may run at most this long (`time_limit`, default 30 s).
    static let longestJob = 600.0

    func addJobs(to router: Router<DoorstepServer.Context>) {
        router.post("/api/site") { request, _ in
            let body = try RequestJSON(try await body(of: request), allowed: Self.siteMembers)
            let cancellation = Cancellation()
            let siting = try sitingRequest(body, cancellation: cancellation)
            let layers = workspace.layers
            let job = try await jobs.start(kind: "site", timeLimit: siting.timeLimit, cancellation: cancellation) {
                let plan: SitingPlan
                do {
                    plan = try SitePlanner(layers: layers, request: siting).plan()
                } catch let error as SitingError {
                    throw Problem(.badRequest, error.description)
                }
                return SiteJSON.summary(plan)
            }
            var headers = HTTPFields()
            headers[.location] = "/api/jobs/" + job.id
            return Reply.json(job.json(base: request.baseURL), status: .accepted, headers: headers)
        }
        router.get("/api/jobs/:job") { request, context in
            Reply.json(try await jobs.job(context.parameters.get("job") ?? "").json(base: request.baseURL))
        }
        router.delete("/api/jobs/:job") { request, context in
            Reply.json(try await jobs.cancel(context.parameters.get("job") ?? "").json(base: request.baseURL))
        }
    }

    /// The `site` options of a request, checked against the ranges the CLI checks.
    func sitingRequest(_ body: RequestJSON, cancellation: Cancellation) throws -> SitingRequest {
        guard let kind = try kind(body, required: workspace.kinds.count != 1) ?? workspace.kinds.first?.kind else {
            throw Problem(.badRequest, "kind is required")
        }
        let add = try body.integer("add", in: SitingRequest.addRange.range)
        let targetRatio = try body.number("target_ratio", in: 0...1)
        if let targetRatio, targetRatio <= 0 { throw Problem(.badRequest, "target_ratio must be above 0") }
        let perUnit = try body.bool("per_unit") ?? false
        let minFacilities = try body.integer("min_facilities", in: SitingRequest.minFacilitiesRange.range)
        if add != nil, targetRatio != nil { throw Problem(.badRequest, "give add or target_ratio, not both") }
        if perUnit, targetRatio == nil { throw Problem(.badRequest, "per_unit goes with target_ratio") }
        let objective: SitingRequest.Objective =
            if let add { .add(add) } else if let targetRatio { .targetRatio(targetRatio, perUnit: perUnit) } else { .none }
        if objective == .none, minFacilities == nil {
            throw Problem(.badRequest, "say what to achieve: add, target_ratio or min_facilities")
        }
        let solverText = try body.string("solver") ?? "auto"
        guard let solver = SolverChoice(rawValue: solverText) else {
            throw Problem(.badRequest, "solver \"\(solverText)\": must be auto, exact or heuristic")
        }
        let timeLimit = try body.number("time_limit", in: SitingRequest.timeLimitRange.range.lowerBound...Self.longestJob) ?? 30
        guard let radius = try radius(body) ?? workspace.radius(of: kind) else { throw Problem(.badRequest, "give radius_m for \(kind)") }
        return SitingRequest(
            kind: kind, radius: radius, objective: objective, minFacilities: minFacilities, level: try singleLevel(body),
            candidateSpacing: try body.number("candidate_spacing", in: SitingRequest.candidateSpacingRange.range), solver: solver,
            timeLimit: timeLimit, deadline: Deadline(seconds: timeLimit, cancellation: cancellation), distanceModel: workspace.settings.distanceModel)
    }
}

/// A siting plan as the job's result: the figures of `doorstep site --format json`, with the sites
/// as the GeoJSON FeatureCollection `--output` writes and the plan's warnings.
enum SiteJSON {
    static func summary(_ plan: SitingPlan) -> JSONValue {
        var summary = SiteReport.figures(plan)
        let sites: [JSONValue] = plan.sites.map { site in
            .object([
                "type": "Feature", "properties": .object(SiteReport.feature(site, request: plan.request).properties),
                "geometry": .object(["type": "Point", "coordinates": .array([.number(site.candidate.location.x), .number(site.candidate.location.y)])]),
            ])
        }
        summary["sites"] = .object(["type": "FeatureCollection", "features": .array(sites)])
        summary["warnings"] = .array(plan.warnings.map(JSONValue.string))
        return .object(summary)
    }
}
