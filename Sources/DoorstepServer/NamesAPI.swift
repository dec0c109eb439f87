import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
import Foundation
import Hummingbird

/// The place-name registry over HTTP (`--names DB`): the same checks, lifecycle steps and events as
/// `doorstep names`, each write made by a token whose name becomes the event's actor.
extension Routes {
    func addNames(to router: Router<DoorstepServer.Context>) {
        router.get("/api/names/check") { request, _ in
            let query = request.uri.queryParameters
            let service = try registryService()
            let proposal = try Self.proposal(
                name: query.get("name"), type: query.get("type"), district: query.get("district"), town: query.get("town"),
                at: try query.get("at").map(Self.lonLat))
            return Reply.json(try await service.run { try $0.check(proposal).json })
        }
        router.get("/api/names/search") { request, _ in
            let query = request.uri.queryParameters
            let service = try registryService()
            let text = query.get("q") ?? ""
            let limit = try Self.limit(query.get("limit"))
            return Reply.json(try await service.run { .array(try $0.search(text, limit: limit).map { .object($0.properties) }) })
        }
        router.get("/api/names/:id") { _, context in
            let (service, id) = (try registryService(), try Self.recordID(context))
            return Reply.json(.object(try await service.run { try $0.existingPlace(id).properties }))
        }
        router.get("/api/names/:id/history") { _, context in
            let (service, id) = (try registryService(), try Self.recordID(context))
            return Reply.json(.array(try await service.run { try $0.history(id).map(\.json) }))
        }
        router.post("/api/names") { request, context in try await create(request, context, status: .proposed, action: "propose") }
        router.post("/api/names/reserve") { request, context in try await create(request, context, status: .reserved, action: "reserve") }
        router.post("/api/names/:id/approve") { request, context in
            let body = try RequestJSON(try await self.body(of: request), allowed: ["body", "date", "document", "reason"])
            let (body_, date, document, reason) = (try body.text("body"), try body.date("date"), try body.text("document"), try body.text("reason", multiline: true))
            return try await decide(context) { registry, id, actor in
                (try registry.approve(id, body: body_, date: date, document: document, actor: actor, reason: reason), nil)
            }
        }
        router.post("/api/names/:id/rename") { request, context in
            let body = try RequestJSON(try await self.body(of: request), allowed: ["name", "reason", "protection_measures", "date"])
            guard let name = try body.string("name") else { throw Problem(.badRequest, "name is required: the new name") }
            let (reason, measures, date) = (try body.text("reason", multiline: true), try body.text("protection_measures", multiline: true), try body.date("date"))
            return try await decide(context) { registry, id, actor in
                let (place, report) = try registry.renameChecked(id, to: name, date: date, actor: actor, reason: reason, protectionMeasures: measures)
                return (place, report)
            }
        }
        router.post("/api/names/:id/retire") { request, context in
            let body = try RequestJSON(try await self.body(of: request), allowed: ["reason", "protection_measures", "date"])
            let (reason, measures, date) = (try body.text("reason", multiline: true), try body.text("protection_measures", multiline: true), try body.date("date"))
            return try await decide(context) { registry, id, actor in
                (try registry.retire(id, date: date, actor: actor, reason: reason, protectionMeasures: measures), nil)
            }
        }
    }

    func registryService() throws -> RegistryService {
        guard let names else { throw Problem(.notFound, "this server has no place-name registry (start it with --names DB)") }
        return names
    }

    /// propose and reserve: the body checked and, unless the check rejects the name, recorded — 201
    /// with the record and the check, or 422 with the findings.
    func create(_ request: Request, _ context: DoorstepServer.Context, status: PlaceStatus, action: String) async throws -> Response {
        let service = try registryService()
        let body = try RequestJSON(try await self.body(of: request), allowed: ["name", "type", "district", "town", "at", "reason", "planned"])
        let token = try RegistryWrite.propose.authorize(context.identity, district: try body.string("district") ?? context.identity?.district)
        let district = try body.string("district") ?? token.district
        let proposal = try Self.proposal(
            name: try body.string("name"), type: try body.string("type"), district: district, town: try body.string("town"),
            at: try body.lonLat("at"))
        let reason = try body.text("reason", multiline: true)
        let planned = try body.integer("planned", in: 1...Int(Int32.max)).map(Int64.init)
        let draft = PlaceDraft(
            name: proposal.name, type: proposal.type, district: proposal.district, town: proposal.town,
            geometry: proposal.location.map { .point($0) }, status: status)
        let (place, report) = try await service.run { registry in
            let (id, report) = try registry.createChecked(draft, action: action, planned: planned, actor: token.name, reason: reason)
            return (try registry.existingPlace(id), report)
        }
        return Reply.json(Self.recordAnswer(place, report), status: .created, headers: [.location: request.baseURL + "/api/names/\(place.id)"])
    }

    /// approve, rename, retire: the record's district decides whether the token may.
    func decide(
        _ context: DoorstepServer.Context, _ change: @escaping @Sendable (Registry, Int64, String) throws -> (Place, CheckReport?)
    ) async throws -> Response {
        let (service, id) = (try registryService(), try Self.recordID(context))
        let record = try await service.run { try $0.existingPlace(id) }
        let token = try RegistryWrite.decide.authorize(context.identity, district: record.district)
        let (place, report) = try await service.run { registry in try change(registry, id, token.name) }
        return Reply.json(Self.recordAnswer(place, report))
    }

    /// The record's properties, and the check that let the change through.
    static func recordAnswer(_ place: Place, _ report: CheckReport?) -> JSONValue {
        var object = place.properties
        if let report { object["check"] = report.json }
        return .object(object)
    }

    static func proposal(name: String?, type: String?, district: String?, town: String?, at: Coordinate?) throws -> NameProposal {
        guard let name, !name.isEmpty else { throw Problem(.badRequest, "name is required") }
        guard let type, !type.isEmpty else { throw Problem(.badRequest, "type is required (road, community, building …)") }
        if let district, let problem = RegistryInput.districtProblem(district) { throw Problem(.badRequest, "district: \(problem)") }
        if let town, let problem = RegistryInput.townProblem(town, district: district) { throw Problem(.badRequest, "town: \(problem)") }
        return NameProposal(name: name, type: type, district: district, town: town, location: at)
    }

    static func recordID(_ context: DoorstepServer.Context) throws -> Int64 {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw Problem(.notFound, "no record \"\(text)\": a record id is a positive whole number") }
        return id
    }

    static func limit(_ text: String?) throws -> Int {
        guard let text else { return 50 }
        guard let limit = Int(text), (1...1000).contains(limit) else { throw Problem(.badRequest, "limit=\(text): from 1 to 1000") }
        return limit
    }

    /// `at=LON,LAT` in WGS84 degrees.
    static func lonLat(_ text: String) throws -> Coordinate {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, (-180...180).contains(parts[0]), (-90...90).contains(parts[1]) else {
            throw Problem(.badRequest, "at=\(text): write LON,LAT in WGS84 degrees, e.g. 120.1301,30.2802")
        }
        return Coordinate(parts[0], parts[1])
    }
}

extension RegistryService {
    /// Runs registry work off the server's threads, turning the registry's errors into problems:
    /// no record 404, a record in the wrong state 409, a busy file 503, a rejected name 422 with
    /// its findings, anything else wrong with the request 400. The file's path is not told.
    func run<T: Sendable>(_ work: @escaping @Sendable (Registry) throws -> T) async throws -> T {
        let registry = self.registry
        do {
            return try await offloadShort { try work(registry) }
        } catch let refused as NameRefused {
            throw Problem(
                .unprocessableContent, "the check rejects \(refused.report.name): " + refused.report.findings.filter { $0.severity == .reject }.map(\.message).joined(separator: "; "),
                extra: ["verdict": .string(refused.report.verdict.rawValue), "check": refused.report.json])
        } catch let error as RegistryError {
            let detail = error.message.replacingOccurrences(of: " in \(registry.path)", with: "").replacingOccurrences(of: registry.path, with: "the registry")
            let status: HTTPResponse.Status =
                switch error.kind {
                case .notFound: .notFound
                case .conflict: .conflict
                case .busy: .serviceUnavailable
                case .invalid: .badRequest
                }
            throw Problem(status, detail)
        }
    }
}

extension Registry {
    /// The record, or a not-found error.
    func existingPlace(_ id: Int64) throws -> Place {
        guard let place = try place(id) else { throw RegistryError("no record with id \(id)", kind: .notFound) }
        return place
    }
}

extension RequestJSON {
    /// Free text a registry keeps (a reason, a document number): no NUL or control characters.
    func text(_ key: String, multiline: Bool = false) throws -> String? {
        guard let text = try string(key) else { return nil }
        if let problem = RegistryInput.textProblem(text, multiline: multiline) { throw Problem(.badRequest, "\(key): \(problem)") }
        return text
    }

    func date(_ key: String) throws -> String? {
        guard let text = try string(key) else { return nil }
        guard Registry.isISODate(text) else { throw Problem(.badRequest, "\(key) \"\(RegistryInput.shown(text))\": write a date like 2024-06-01") }
        return text
    }

    /// `[lon, lat]` in WGS84 degrees.
    func lonLat(_ key: String) throws -> Coordinate? {
        guard let value = try value(key) else { return nil }
        guard case .array(let items) = value, items.count == 2, case .number(let lon) = items[0], case .number(let lat) = items[1],
            (-180...180).contains(lon), (-90...90).contains(lat)
        else { throw Problem(.badRequest, "\(key) must be [longitude, latitude] in WGS84 degrees, e.g. [120.13, 30.28]") }
        return Coordinate(lon, lat)
    }
}
