import DoorstepGeoJSON
import DoorstepGeometry
@testable import DoorstepNames
@testable import DoorstepServer
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A registry with two records and a token of every kind, served in process.
struct NamesServerFixture {
    let folder: TemporaryFolder
    let service: RegistryService
    /// The secrets, by token name: viewer, xihu (editor, 330106), shangcheng (editor, 330102),
    /// approver (city), shangcheng-approver (approver, 330102), admin, and old (an editor, revoked).
    let secrets: [String: String]
    var registry: Registry { service.registry }

    /// 文三路 (330106, in use) is record 1; 湖滨路 (330102, proposed) is record 2.
    init(limiter: SignInLimiter = SignInLimiter()) throws {
        folder = try TemporaryFolder()
        let path = folder.file("names.sqlite")
        let registry = try Registry(path: path)
        try registry.create(
            PlaceDraft(name: "文三路", type: "road", district: "330106", geometry: .point(Coordinate(120.13, 30.28)), status: .inUse),
            action: "add", actor: "setup")
        try registry.create(PlaceDraft(name: "湖滨路", type: "road", district: "330102", status: .proposed), action: "add", actor: "setup")
        service = RegistryService(registry: registry, keyring: try TokenKeyring(registryPath: path), limiter: limiter)
        var secrets: [String: String] = [:]
        let tokens: [AccessToken] = [
            AccessToken(name: "viewer", role: .viewer), AccessToken(name: "xihu", role: .editor, district: "330106"),
            AccessToken(name: "shangcheng", role: .editor, district: "330102"), AccessToken(name: "approver", role: .approver),
            AccessToken(name: "shangcheng-approver", role: .approver, district: "330102"), AccessToken(name: "admin", role: .admin),
            AccessToken(name: "old", role: .editor),
        ]
        for token in tokens { secrets[token.name] = try service.issueToken(token, actor: "setup") }
        try registry.revokeToken("old", actor: "setup")
        self.secrets = secrets
    }

    func app(private isPrivate: Bool = false) throws -> some ApplicationProtocol {
        Application(
            router: DoorstepServer.router(workspace: try ServerFixture.get(), configuration: ServerConfiguration(isPrivate: isPrivate), names: service))
    }

    func bearer(_ name: String) -> HTTPFields {
        [.authorization: "Bearer \(secrets[name] ?? "missing")"]
    }

    static func proposal(_ name: String, district: String = "330106") -> ByteBuffer {
        jsonBody(#"{"name": "\#(name)", "type": "road", "district": "\#(district)", "at": [120.12, 30.27], "reason": "规划路网"}"#)
    }
}

@Suite("Registry over HTTP")
struct NamesServerTests {
    @Suite("Reading")
    struct Reading {
        @Test func checkIsTheJSONOfNamesCheck() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            let expected = try fixture.registry.check(NameProposal(name: "文三路", type: "road", district: "330106")).json
            try await fixture.app().test(.router) { client in
                let uri = "/api/names/check?name=\(queryEncoded("文三路"))&type=road&district=330106"
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.text == GeoJSONWriter.json(expected) + "\n")
                    #expect(response.json["verdict"] as? String == "reject")
                }
                try await client.execute(uri: "/api/names/check?type=road", method: .get) { response in
                    #expect(response.status == .badRequest)
                    #expect(response.contentType == "application/problem+json")
                }
                try await client.execute(uri: "/api/names/check?name=x&type=road&district=33", method: .get) { response in
                    #expect(response.status == .badRequest)
                }
            }
        }

        @Test func searchRecordAndHistory() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            try await fixture.app().test(.router) { client in
                for query in ["wensan", "wsl", queryEncoded("文三")] {
                    try await client.execute(uri: "/api/names/search?q=\(query)", method: .get) { response in
                        let names = (try? JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]])?.compactMap { $0["name"] as? String }
                        #expect(names == ["文三路"], "q=\(query)")
                    }
                }
                try await client.execute(uri: "/api/names/1", method: .get) { response in
                    #expect(response.json["name"] as? String == "文三路")
                    #expect(response.json["pinyin"] as? String == "Wensan Lu")
                }
                try await client.execute(uri: "/api/names/1/history", method: .get) { response in
                    let events = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]]
                    #expect(events?.first?["actor"] as? String == "setup")
                    #expect(events?.first?["action"] as? String == "add")
                }
                for (uri, status) in [("/api/names/99", HTTPResponse.Status.notFound), ("/api/names/abc", .notFound), ("/api/names/99/history", .notFound), ("/api/names/search?q=x&limit=0", .badRequest)] {
                    try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == status, "\(uri)")
                        #expect(response.contentType == "application/problem+json")
                    }
                }
            }
        }

        @Test func theNamesCollectionIsTheRegistryAsItIsNow() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            try await fixture.app().test(.router) { client in
                try await client.execute(uri: "/collections/names/items", method: .get) { response in
                    #expect(response.json["numberMatched"] as? Int == 1, "文三路 is in use")
                }
                try await client.execute(uri: "/api/names/1/retire", method: .post, headers: fixture.bearer("admin"), body: jsonBody(#"{"reason": "道路拆除"}"#)) { response in
                    #expect(response.status == .ok)
                }
                try await client.execute(uri: "/collections/names/items", method: .get) { response in
                    #expect(response.json["numberMatched"] as? Int == 0, "a retired name is no longer served as in use")
                }
                // A change by another process (the command line) shows as well.
                let id = try fixture.registry.create(PlaceDraft(name: "望江路", type: "road", district: "330102", status: .inUse), action: "add", actor: "cli")
                try await client.execute(uri: "/collections/names/items/\(id)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect((response.json["properties"] as? [String: Any])?["name"] as? String == "望江路")
                }
            }
        }

        @Test func theOpenAPIDocumentDescribesTheRegistry() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            try await fixture.app().test(.router) { client in
                try await client.execute(uri: "/api", method: .get) { response in
                    let paths = response.json["paths"] as? [String: Any] ?? [:]
                    for path in ["/api/names", "/api/names/check", "/api/names/search", "/api/names/{id}", "/api/names/{id}/history",
                                 "/api/names/reserve", "/api/names/{id}/approve", "/api/names/{id}/rename", "/api/names/{id}/retire"] {
                        #expect(paths[path] != nil, "\(path)")
                    }
                    let schemes = (response.json["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
                    #expect(schemes?["bearer"] != nil)
                }
            }
        }

        @Test func withoutARegistryTheNamesRoutesSaySo() async throws {
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/api/names/search?q=x", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(response.text.contains("--names"))
                }
            }
        }
    }

    /// Who may write what: no token, wrong token, revoked token, viewer, editor of this district and
    /// of another, approver, admin.
    @Suite("Tokens and roles")
    struct Roles {
        @Test func proposingNeedsAnEditorOfTheDistrict() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            try await fixture.app().test(.router) { client in
                let cases: [(headers: HTTPFields, status: HTTPResponse.Status)] = [
                    ([:], .unauthorized), ([.authorization: "Bearer dst_wrong"], .unauthorized), (fixture.bearer("old"), .unauthorized),
                    ([.authorization: "Basic eDp5"], .unauthorized), (fixture.bearer("viewer"), .forbidden),
                    (fixture.bearer("shangcheng"), .forbidden),
                ]
                for (headers, status) in cases {
                    try await client.execute(uri: "/api/names", method: .post, headers: headers, body: NamesServerFixture.proposal("云栖路")) { response in
                        #expect(response.status == status, "\(headers)")
                        #expect(response.contentType == "application/problem+json")
                        if status == .unauthorized { #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true) }
                    }
                }
                #expect(try fixture.registry.count() == 2, "no refused request wrote anything")
                try await client.execute(uri: "/api/names", method: .post, headers: fixture.bearer("xihu"), body: NamesServerFixture.proposal("云栖路")) { response in
                    #expect(response.status == .created)
                    #expect(response.json["status"] as? String == "proposed")
                    #expect(response.headers[.location]?.hasSuffix("/api/names/3") == true)
                    #expect((response.json["check"] as? [String: Any])?["verdict"] as? String == "ok")
                }
                // An editor of a district proposes there when the body gives no district.
                try await client.execute(
                    uri: "/api/names/reserve", method: .post, headers: fixture.bearer("xihu"), body: jsonBody(#"{"name": "望月路", "type": "road"}"#)
                ) { response in
                    #expect(response.status == .created)
                    #expect(response.json["status"] as? String == "reserved")
                    #expect(response.json["district"] as? String == "330106")
                }
                for (name, token) in [("云栖东路", "approver"), ("云栖西路", "admin")] {
                    try await client.execute(uri: "/api/names", method: .post, headers: fixture.bearer(token), body: NamesServerFixture.proposal(name)) { response in
                        #expect(response.status == .created, "\(token)")
                    }
                }
            }
            let events = try fixture.registry.history(3)
            #expect(events.map(\.actor) == ["xihu"])
            #expect(events.map(\.action) == ["propose"])
            #expect(events.first?.reason == "规划路网")
        }

        @Test func decisionsNeedAnApproverOfTheRecordsDistrict() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            let approval = jsonBody(#"{"body": "杭州市人民政府", "date": "2024-06-01", "document": "杭政函〔2024〕12号"}"#)
            try await fixture.app().test(.router) { client in
                // 湖滨路 (record 2) is in 330102.
                for (token, status) in [("xihu", HTTPResponse.Status.forbidden), ("shangcheng", .forbidden), ("viewer", .forbidden)] {
                    try await client.execute(uri: "/api/names/2/approve", method: .post, headers: fixture.bearer(token), body: approval) { response in
                        #expect(response.status == status, "\(token)")
                    }
                }
                try await client.execute(uri: "/api/names/2/approve", method: .post, body: approval) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/api/names/2/approve", method: .post, headers: fixture.bearer("shangcheng-approver"), body: approval) { response in
                    #expect(response.status == .ok)
                    #expect(response.json["status"] as? String == "approved")
                    #expect(response.json["approval_document"] as? String == "杭政函〔2024〕12号")
                }
                try await client.execute(uri: "/api/names/2/approve", method: .post, headers: fixture.bearer("approver"), body: approval) { response in
                    #expect(response.status == .conflict, "approved already")
                }
                // 文三路 (record 1) is in 330106: the district approver may not touch it, the city approver may.
                let rename = jsonBody(#"{"name": "文三西路", "reason": "道路延伸"}"#)
                try await client.execute(uri: "/api/names/1/rename", method: .post, headers: fixture.bearer("shangcheng-approver"), body: rename) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: "/api/names/1/rename", method: .post, headers: fixture.bearer("approver"), body: rename) { response in
                    #expect(response.status == .ok)
                    #expect(response.json["name"] as? String == "文三西路")
                    #expect(response.json["former_names"] as? [String] == ["文三路"])
                }
                try await client.execute(uri: "/api/names/1/retire", method: .post, headers: fixture.bearer("admin"), body: jsonBody(#"{"reason": "道路拆除"}"#)) { response in
                    #expect(response.status == .ok)
                    #expect(response.json["status"] as? String == "retired")
                }
                try await client.execute(uri: "/api/names/1/history", method: .get) { response in
                    let events = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]] ?? []
                    #expect(events.compactMap { $0["actor"] as? String } == ["setup", "approver", "admin"])
                    #expect(events.compactMap { $0["action"] as? String } == ["add", "rename", "retire"])
                }
            }
        }

        @Test func aRevokedTokenIsRefusedFromTheNextRequestOn() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            try await fixture.app().test(.router) { client in
                try await client.execute(uri: "/api/names", method: .post, headers: fixture.bearer("xihu"), body: NamesServerFixture.proposal("云栖路")) { response in
                    #expect(response.status == .created)
                }
                try fixture.registry.revokeToken("xihu", actor: "admin")
                try await client.execute(uri: "/api/names", method: .post, headers: fixture.bearer("xihu"), body: NamesServerFixture.proposal("云栖北路")) { response in
                    #expect(response.status == .unauthorized)
                }
            }
            #expect(try fixture.registry.tokens().first { $0.name == "xihu" }?.lastUsedAt != nil, "its use was noted")
        }

        @Test func aPrivateServerAnswersOnlyTokens() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            try await fixture.app(private: true).test(.router) { client in
                for uri in ["/api/names/search?q=wensan", "/api/names/1", "/collections", "/collections/units/items", "/api"] {
                    try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == .unauthorized, "\(uri)")
                        #expect(response.contentType == "application/problem+json")
                    }
                    try await client.execute(uri: uri, method: .get, headers: fixture.bearer("viewer")) { response in
                        #expect(response.status == .ok, "\(uri)")
                    }
                }
                // The pages' shells hold no data: they load and then ask for the token.
                for uri in ["/names", "/map", "/static/names.js"] {
                    try await client.execute(uri: uri, method: .get) { response in #expect(response.status == .ok, "\(uri)") }
                }
                try await client.execute(uri: "/api/names", method: .post, headers: fixture.bearer("viewer"), body: NamesServerFixture.proposal("云栖路")) { response in
                    #expect(response.status == .forbidden)
                }
            }
        }

        @Test func failedSignInsAreLimitedPerClient() async throws {
            let fixture = try NamesServerFixture(limiter: SignInLimiter(limit: 3, window: 60))
            defer { fixture.folder.cleanup() }
            try await fixture.app().test(.router) { client in
                for _ in 0..<3 {
                    try await client.execute(uri: "/api/names/1", method: .get, headers: [.authorization: "Bearer dst_guess"]) { response in
                        #expect(response.status == .unauthorized)
                    }
                }
                // Over the limit, even the right token waits for the window to pass.
                try await client.execute(uri: "/api/names/1", method: .get, headers: fixture.bearer("viewer")) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
                }
                try await client.execute(uri: "/api/names/1", method: .get) { response in
                    #expect(response.status == .ok, "reads without a token are not sign-ins")
                }
            }
            let limiter = SignInLimiter(limit: 2, window: 60)
            let start = Date()
            limiter.recordFailure("a", now: start)
            limiter.recordFailure("a", now: start)
            #expect(throws: Problem.self) { try limiter.admit("a", now: start.addingTimeInterval(59)) }
            #expect(throws: Never.self) { try limiter.admit("b", now: start) }
            #expect(throws: Never.self) { try limiter.admit("a", now: start.addingTimeInterval(61)) }
        }

        @Test func noAnswerCarriesAStoredDigest() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            let digests = fixture.secrets.values.map { fixture.service.keyring.digest(of: $0) }
            try await fixture.app().test(.router) { client in
                var bodies: [String] = []
                for uri in ["/api/names/search?q=lu", "/api/names/1", "/api/names/1/history", "/api", "/collections"] {
                    try await client.execute(uri: uri, method: .get, headers: fixture.bearer("admin")) { bodies.append($0.text) }
                }
                try await client.execute(uri: "/api/names", method: .post, headers: fixture.bearer("admin"), body: NamesServerFixture.proposal("云栖路")) {
                    bodies.append($0.text)
                }
                for body in bodies { #expect(!digests.contains { body.contains($0) }) }
            }
        }
    }

    @Suite("Writing")
    struct Writing {
        @Test func aRejectedNameIs422WithTheFindingsAndWritesNothing() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            let before = try fixture.registry.count()
            try await fixture.app().test(.router) { client in
                try await client.execute(uri: "/api/names", method: .post, headers: fixture.bearer("xihu"), body: NamesServerFixture.proposal("文三路")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(response.contentType == "application/problem+json")
                    let check = response.json["check"] as? [String: Any]
                    #expect(check?["verdict"] as? String == "reject")
                    let rules = (check?["findings"] as? [[String: Any]])?.compactMap { $0["rule"] as? String } ?? []
                    #expect(rules.contains("duplicate"))
                }
                // A rename to a name in use is refused the same way, and leaves the record as it was.
                try await client.execute(uri: "/api/names/2/rename", method: .post, headers: fixture.bearer("admin"), body: jsonBody(#"{"name": "文三路"}"#)) { response in
                    #expect(response.status == .unprocessableContent)
                }
            }
            #expect(try fixture.registry.count() == before)
            #expect(try fixture.registry.place(2)?.name == "湖滨路")
            #expect(try fixture.registry.history(2).count == 1)
        }

        @Test func malformedBodiesAre400() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            let bodies = [
                "", "not json", "[]", #"{"name": "云栖路"}"#, #"{"name": "云栖路", "type": "road", "colour": "red"}"#,
                #"{"name": "云栖路", "type": "road", "at": [500, 30]}"#, #"{"name": "云栖路", "type": "road", "district": "33"}"#,
                #"{"name": "云栖路", "type": "nonsense"}"#, #"{"name": 12, "type": "road"}"#, #"{"name": "云栖路", "type": "road", "reason": "a\u0000b"}"#,
            ]
            try await fixture.app().test(.router) { client in
                for body in bodies {
                    try await client.execute(uri: "/api/names", method: .post, headers: fixture.bearer("admin"), body: jsonBody(body)) { response in
                        #expect(response.status == .badRequest, "\(body)")
                        #expect(response.contentType == "application/problem+json")
                    }
                }
                try await client.execute(uri: "/api/names/2/approve", method: .post, headers: fixture.bearer("admin"), body: jsonBody(#"{"date": "June"}"#)) { response in
                    #expect(response.status == .badRequest)
                }
                try await client.execute(uri: "/api/names/2/rename", method: .post, headers: fixture.bearer("admin"), body: jsonBody("{}")) { response in
                    #expect(response.status == .badRequest)
                }
                try await client.execute(uri: "/api/names/99/retire", method: .post, headers: fixture.bearer("admin"), body: jsonBody("{}")) { response in
                    #expect(response.status == .notFound)
                }
                try await client.execute(uri: "/api/names/check", method: .post) { response in
                    #expect(response.status == .methodNotAllowed)
                }
            }
            #expect(try fixture.registry.count() == 2)
        }

        /// Two offices proposing the same name at the same moment: one record, one 422.
        @Test func theSameNameProposedTwiceAtOnceLandsOnce() async throws {
            let fixture = try NamesServerFixture()
            defer { fixture.folder.cleanup() }
            let registry = fixture.registry
            let statuses = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try registry.createChecked(
                                PlaceDraft(name: "云栖路", type: "road", district: "330106", status: .proposed), action: "propose", actor: "x")
                            return 201
                        } catch is NameRefused {
                            return 422
                        } catch {
                            return 500
                        }
                    }
                }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 422 }.count == 7)
            #expect(statuses.filter { $0 == 201 }.count == 1)
            #expect(try fixture.registry.search("云栖路").count == 1)
        }
    }
}

extension NamesServerTests {
    /// The built `doorstep serve --names` and `serve tokens`, as an office's script would use them.
    @Suite("End to end", .serialized)
    struct EndToEnd {
        /// A registry with 文三路 and a city-wide editor's token.
        static func registry(_ folder: TemporaryFolder) throws -> (path: String, secret: String) {
            let path = folder.file("names.sqlite")
            let made = try CLI.run(["names", "propose", "文三路", "--type", "road", "--district", "330106", "--db", path, "--actor", "setup"])
            #expect(made.status == 0, "\(made.stderr)")
            let issued = try CLI.run(["serve", "tokens", "add", "city-editor", "--names", path, "--role", "editor"])
            #expect(issued.status == 0, "\(issued.stderr)")
            return (path, issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        /// A unique all-Chinese road name for a number: 云 + its digits in Chinese numerals + 路.
        static func roadName(_ number: Int) -> String {
            let digits = Array("零一二三四五六七八九")
            return "云" + String(String(format: "%03d", number).compactMap { $0.wholeNumberValue.map { digits[$0] } }) + "路"
        }

        static func propose(_ base: String, _ secret: String, _ name: String) async throws -> Int {
            var request = URLRequest(url: try #require(URL(string: base + "/api/names")))
            request.httpMethod = "POST"
            request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"name": "\#(name)", "type": "road", "district": "330106", "reason": "规划"}"#.utf8)
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? 0
        }

        @Test func aTokenIsShownOnceAndKeptAsADigest() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let (path, secret) = try Self.registry(folder)
            #expect(secret.hasPrefix("dst_") && secret.count == 47, "\(secret)")
            let key = try FileManager.default.attributesOfItem(atPath: path + ".token-key")
            #expect((key[.posixPermissions] as? Int) == 0o600)
            let list = try CLI.run(["serve", "tokens", "list", "--names", path, "--format", "json"])
            #expect(list.status == 0, "\(list.stderr)")
            let tokens = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
            #expect(tokens.map { Set($0.keys) } == [["name", "role", "district", "created_at", "last_used_at", "revoked_at"]])
            #expect(!list.stdout.contains(secret))
            let file = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
            #expect(file.range(of: Data(secret.utf8)) == nil, "the secret is not stored")
            let again = try CLI.run(["serve", "tokens", "add", "city-editor", "--names", path, "--role", "admin"])
            #expect(again.status != 0 && again.stderr.contains("not reused"), "\(again.stderr)")
            let revoked = try CLI.run(["serve", "tokens", "revoke", "city-editor", "--names", path])
            #expect(revoked.status == 0, "\(revoked.stderr)")
            #expect(try CLI.run(["serve", "tokens", "revoke", "city-editor", "--names", path]).status != 0)
            #expect(try CLI.run(["serve", "tokens", "list", "--names", path]).stdout.contains("revoked"))
            let history = try Registry(path: path, create: false).read { db in
                try String.fetchAll(db, sql: "SELECT action FROM event WHERE place_id IS NULL ORDER BY id")
            }
            #expect(history == ["token-add", "token-revoke"])
            let noRegistry = try CLI.run(["serve", "--private"])
            #expect(noRegistry.status == 64 || noRegistry.status == 2, "\(noRegistry.stderr)")
            #expect(noRegistry.stderr.contains("--names"))
        }

        /// 32 clients at once, half proposing and half searching: every write lands once, with its
        /// event and actor, and the registry's integrity check is ok.
        @Test func concurrentProposalsAndSearchesAllLand() async throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let (path, secret) = try Self.registry(folder)
            let (process, base) = try await ServerTests.EndToEnd.start(["--kind", "canteen", "--names", path])
            defer { process.terminate() }
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for client in 0..<32 {
                    group.addTask {
                        var statuses: [Int] = []
                        for round in 0..<5 {
                            if client < 16 {
                                statuses.append(try await Self.propose(base, secret, Self.roadName(client * 10 + round)))
                            } else {
                                let answer = try await ServerTests.EndToEnd.fetch(base + "/api/names/search?q=yun")
                                statuses.append(answer.status == 200 ? 0 : answer.status)
                            }
                        }
                        return statuses
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(statuses.filter { $0 == 201 }.count == 80, "\(statuses.filter { $0 != 201 && $0 != 0 })")
            #expect(statuses.filter { $0 == 0 }.count == 80, "every search answered 200")
            process.terminate()
            process.waitUntilExit()
            let registry = try Registry(path: path, create: false)
            #expect(try registry.integrityCheck() == "ok")
            let places = try registry.all()
            #expect(places.count == 81)
            for number in (0..<16).flatMap({ client in (0..<5).map { client * 10 + $0 } }) {
                let found = places.filter { $0.name == Self.roadName(number) }
                #expect(found.count == 1, "\(Self.roadName(number))")
                if let place = found.first { #expect(try registry.history(place.id).map(\.actor) == ["city-editor"]) }
            }
        }

        /// The names answered 201, gathered from the writers.
        final class Answered: Sendable {
            let names = Mutex<[String]>([])
        }

        /// A server killed with SIGKILL in the middle of a burst of writes leaves a registry that opens
        /// and holds every write it answered 201.
        @Test func sigkillDuringWritesKeepsEveryAnsweredWrite() async throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let (path, secret) = try Self.registry(folder)
            let (process, base) = try await ServerTests.EndToEnd.start(["--kind", "canteen", "--names", path])
            defer { process.terminate() }
            let answered = Answered()
            let writers = Task {
                await withTaskGroup(of: Void.self) { group in
                    for writer in 0..<8 {
                        group.addTask {
                            for round in 0..<100 {
                                let name = Self.roadName(writer * 100 + round)
                                guard let status = try? await Self.propose(base, secret, name) else { return }
                                if status == 201 { answered.names.withLock { $0.append(name) } }
                            }
                        }
                    }
                }
            }
            for _ in 0..<200 where answered.names.withLock({ $0.count }) < 40 { try await Task.sleep(for: .milliseconds(25)) }
            kill(process.processIdentifier, SIGKILL)
            await writers.value
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let landed = answered.names.withLock { $0 }
            #expect(landed.count >= 40, "the burst was under way when the server was killed")
            let registry = try Registry(path: path)
            #expect(try registry.integrityCheck() == "ok")
            let names = Set(try registry.all().map(\.name))
            let lost = landed.filter { !names.contains($0) }
            #expect(lost.isEmpty, "answered 201 but not in the registry: \(lost)")
        }
    }
}
