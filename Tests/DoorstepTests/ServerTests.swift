import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNames
@testable import DoorstepServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The sample city's workspace, assessed once for every in-process test.
enum ServerFixture {
    static let layers: Layers? = try? LayerLoader().load(
        units: LayerSource(path: Paths.sample + "/units.geojson"), facilities: [LayerSource(path: Paths.sample + "/facilities.geojson")],
        demand: LayerSource(path: Paths.sample + "/demand.geojson"))
    static let settings = CoverageSettings(kinds: ["canteen", "day-care"], levels: [.street])
    static let workspace: Workspace? = layers.flatMap { try? Workspace(layers: $0, settings: settings) }

    static func get() throws -> Workspace {
        try #require(workspace, "the sample city could not be read and assessed from \(Paths.sample)")
    }

    static func app(_ configuration: ServerConfiguration = ServerConfiguration()) throws -> some ApplicationProtocol {
        Application(router: DoorstepServer.router(workspace: try get(), configuration: configuration))
    }
}

/// A response's body as text and as a JSON object.
extension TestResponse {
    var text: String { String(buffer: body) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var contentType: String { headers[.contentType] ?? "" }
}

func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

@Suite("Server")
struct ServerTests {
    @Suite("OGC API Features")
    struct OGCFeatures {
        @Test func landingPageLinksTheAPIConformanceAndData() async throws {
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.contentType.hasPrefix("application/json"))
                    let rels = (response.json["links"] as? [[String: Any]] ?? []).compactMap { $0["rel"] as? String }
                    #expect(Set(["self", "service-desc", "conformance", "data"]).isSubset(of: Set(rels)))
                }
                try await client.execute(uri: "/?f=html", method: .get) { response in
                    #expect(response.contentType.hasPrefix("text/html"))
                    #expect(response.text.contains("/collections/gaps-canteen"))
                }
                try await client.execute(uri: "/", method: .get, headers: [.accept: "text/html,application/xhtml+xml;q=0.9"]) { response in
                    #expect(response.contentType.hasPrefix("text/html"))
                }
                try await client.execute(uri: "/?f=xml", method: .get) { response in
                    #expect(response.status == .badRequest)
                    #expect(response.contentType == "application/problem+json")
                }
            }
        }

        @Test func conformanceAndOpenAPIDocument() async throws {
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/conformance", method: .get) { response in
                    let classes = response.json["conformsTo"] as? [String] ?? []
                    #expect(classes.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"))
                    #expect(classes.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"))
                }
                try await client.execute(uri: "/conformance?f=html", method: .get) { response in
                    #expect(response.contentType.hasPrefix("text/html"))
                }
                try await client.execute(uri: "/api", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.contentType.hasPrefix("application/vnd.oai.openapi+json"))
                    #expect(response.json["openapi"] as? String == "3.0.3")
                    let paths = response.json["paths"] as? [String: Any] ?? [:]
                    for path in ["/collections/{collectionId}/items", "/api/scenarios", "/api/site", "/api/jobs/{jobId}", "/api/report"] {
                        #expect(paths[path] != nil, "\(path)")
                    }
                }
            }
        }

        @Test func collectionsListEveryKindAndAnUnknownOneIs404() async throws {
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/collections", method: .get) { response in
                    let ids = (response.json["collections"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                    #expect(ids == ["units", "facilities", "coverage-canteen", "gaps-canteen", "coverage-day-care", "gaps-day-care"])
                }
                try await client.execute(uri: "/collections?f=html", method: .get) { response in
                    #expect(response.text.contains("gaps-day-care"))
                }
                try await client.execute(uri: "/collections/gaps-canteen", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.json["id"] as? String == "gaps-canteen")
                    let extent = (response.json["extent"] as? [String: Any])?["spatial"] as? [String: Any]
                    #expect((extent?["bbox"] as? [[Double]])?.first?.count == 4)
                }
                try await client.execute(uri: "/collections/gaps-canteen?f=html", method: .get) { response in
                    #expect(response.contentType.hasPrefix("text/html"))
                }
                for uri in ["/collections/nope", "/collections/nope/items", "/collections/nope/items/1"] {
                    try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == .notFound)
                        #expect(response.contentType == "application/problem+json")
                        #expect(response.json["status"] as? Int == 404)
                        #expect((response.json["detail"] as? String ?? "").contains("gaps-canteen"))
                    }
                }
                try await client.execute(uri: "/no/such/page", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(response.contentType == "application/problem+json")
                }
            }
        }

        @Test func itemsArePagedWithNextAndPrevLinks() async throws {
            let workspace = try ServerFixture.get()
            let total = try #require(workspace.collection("coverage-canteen")).features.count
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/collections/coverage-canteen/items", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.contentType == "application/geo+json")
                    #expect(response.json["numberMatched"] as? Int == total)
                    #expect(response.json["numberReturned"] as? Int == min(100, total))
                    #expect((response.json["features"] as? [Any])?.count == min(100, total))
                }
                try await client.execute(uri: "/collections/coverage-canteen/items?limit=3&offset=3", method: .get) { response in
                    #expect(response.json["numberReturned"] as? Int == 3)
                    let links = response.json["links"] as? [[String: Any]] ?? []
                    let next = links.first { $0["rel"] as? String == "next" }?["href"] as? String
                    let prev = links.first { $0["rel"] as? String == "prev" }?["href"] as? String
                    #expect(next?.contains("offset=6") == true)
                    #expect(prev?.contains("limit=3") == true)
                    #expect(prev?.contains("offset") == false)
                }
                // Walking `next` returns every feature once.
                var uri: String? = "/collections/coverage-canteen/items?limit=7"
                var seen: [String] = []
                while let current = uri {
                    uri = try await client.execute(uri: current, method: .get) { response -> String? in
                        for feature in response.json["features"] as? [[String: Any]] ?? [] {
                            seen.append("\(feature["id"] ?? "")")
                        }
                        let next = (response.json["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == "next" }
                        return (next?["href"] as? String).flatMap { URLComponents(string: $0) }.map { ($0.path) + "?" + ($0.query ?? "") }
                    }
                }
                #expect(seen.count == total)
                #expect(Set(seen).count == total)
            }
        }

        @Test func badLimitOffsetBboxAndUnknownParametersAre400() async throws {
            try await ServerFixture.app().test(.router) { client in
                for query in [
                    "limit=0", "limit=10001", "limit=abc", "offset=-1", "bbox=1,2,3", "bbox=a,b,c,d", "bbox=120,30,121,nan",
                    "bbox=1,2,3,4,5", "colour=red", "f=pdf",
                ] {
                    try await client.execute(uri: "/collections/gaps-canteen/items?\(query)", method: .get) { response in
                        #expect(response.status == .badRequest, "\(query)")
                        #expect(response.contentType == "application/problem+json", "\(query)")
                    }
                }
            }
        }

        @Test func bboxAndPropertyFiltersSelectFeatures() async throws {
            let workspace = try ServerFixture.get()
            let gaps = try #require(workspace.collection("gaps-canteen"))
            let areas = gaps.features.filter { $0.properties["gap"] == "area" }.count
            let box = try #require(workspace.collection("units")?.features.first?.geometry.flatMap { Envelope(of: $0.coordinates) })
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/collections/gaps-canteen/items?gap=area&limit=10000", method: .get) { response in
                    #expect(response.json["numberMatched"] as? Int == areas)
                    let next = (response.json["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == "next" }
                    #expect(next == nil)
                }
                try await client.execute(uri: "/collections/units/items?level=street&limit=1", method: .get) { response in
                    let links = response.json["links"] as? [[String: Any]] ?? []
                    let next = links.first { $0["rel"] as? String == "next" }?["href"] as? String
                    #expect(next?.contains("level=street") == true)
                }
                let bbox = "\(box.minX),\(box.minY),\(box.maxX),\(box.maxY)"
                try await client.execute(uri: "/collections/units/items?bbox=\(bbox)", method: .get) { response in
                    let matched = response.json["numberMatched"] as? Int ?? 0
                    #expect(matched >= 1)
                    #expect(matched < workspace.layers.units.count)
                }
                // Off the globe is taken at its edge; south above north meets nothing.
                for empty in ["0,0,1,1", "120,31,121,30"] {
                    try await client.execute(uri: "/collections/units/items?bbox=\(empty)", method: .get) { response in
                        #expect(response.status == .ok)
                        #expect(response.json["numberMatched"] as? Int == 0)
                    }
                }
                try await client.execute(uri: "/collections/units/items?bbox=-999,-999,999,999", method: .get) { response in
                    #expect(response.json["numberMatched"] as? Int == workspace.layers.units.count)
                }
                try await client.execute(uri: "/collections/gaps-canteen/items?f=html&limit=5", method: .get) { response in
                    #expect(response.contentType.hasPrefix("text/html"))
                    #expect(response.text.contains("<table>"))
                }
            }
        }

        @Test func oneFeatureByIdAndAnUnknownOneIs404() async throws {
            let workspace = try ServerFixture.get()
            let code = try #require(workspace.layers.units.first?.code)
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/collections/units/items/\(code)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.contentType == "application/geo+json")
                    #expect(response.json["id"] as? String == code)
                    #expect((response.json["links"] as? [Any])?.count == 3)
                }
                try await client.execute(uri: "/collections/gaps-canteen/items/1?f=html", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains("elderly_uncovered"))
                }
                try await client.execute(uri: "/collections/units/items/999999999999999", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(response.contentType == "application/problem+json")
                }
            }
        }

        @Test func gapsCollectionIsTheGapListOfTheKind() async throws {
            let workspace = try ServerFixture.get()
            let layers = try #require(ServerFixture.layers)
            var settings = ServerFixture.settings
            settings.kinds = ["canteen"]
            let cli = GapList(try CoverageModel.assess(layers, settings: settings, withParts: true), targets: GapTargets()).features
            let served = try #require(workspace.collection("gaps-canteen")).features
            #expect(served.count == cli.count)
            #expect(served.map(\.properties) == cli.map(\.properties))
            #expect(served.map(\.geometry) == cli.map(\.geometry))
        }
    }

    @Suite("Analysis")
    struct Analysis {
        /// A point inside a street unit that the canteens leave partly uncovered.
        static func proposedPoint(_ workspace: Workspace) throws -> Coordinate {
            let gap = try #require(workspace.collection("gaps-canteen")?.features.first { $0.properties["gap"] == "area" })
            let ring = try #require(gap.geometry?.polygons.first?.first)
            let box = try #require(Envelope(of: ring))
            return box.center
        }

        static func scenarioBody(_ point: Coordinate, kind: String = "canteen") -> String {
            #"{"kind":"\#(kind)","level":"street","facilities":{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[\#(point.x),\#(point.y)]}}]}}"#
        }

        @Test func scenarioEqualsAFullAssessmentWithTheProposedFacility() async throws {
            let workspace = try ServerFixture.get()
            let layers = try #require(ServerFixture.layers)
            let point = try Self.proposedPoint(workspace)
            var settings = ServerFixture.settings
            settings.kinds = ["canteen"]
            let before = try CoverageModel.assess(layers, settings: settings).rows
            var added = layers
            added.facilities.append(Facility(id: "proposed-1", name: "proposed-1", kind: "canteen", location: point))
            let after = try CoverageModel.assess(added, settings: settings).rows
            let changed = zip(before, after).filter { $0.elderlyCovered != $1.elderlyCovered }
            let gain = zip(before, after).reduce(0.0) { $0 + $1.1.elderlyCovered - $1.0.elderlyCovered }
            #expect(gain > 0)
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/api/scenarios", method: .post, body: jsonBody(Self.scenarioBody(point))) { response in
                    #expect(response.status == .ok)
                    #expect(response.json["kind"] as? String == "canteen")
                    #expect(response.json["radius_m"] as? Double == 500)
                    #expect(abs((response.json["newly_covered"] as? Double ?? 0) - gain) < 1e-6)
                    let units = response.json["units"] as? [[String: Any]] ?? []
                    for (old, new) in changed {
                        let row = units.first { $0["code"] as? String == new.code }
                        #expect(row?["elderly_covered_before"] as? Double == old.elderlyCovered)
                        #expect(row?["elderly_covered_after"] as? Double == new.elderlyCovered)
                        #expect(row?["elderly_total"] as? Double == new.elderlyTotal)
                        #expect(row?["coverage_ratio_after"] as? Double == new.coverageRatio.map { CoverageTable.rounded($0, 4) })
                    }
                }
            }
        }

        @Test func malformedBodiesAre400ProblemsNamingWhatIsWrong() async throws {
            let point = try Self.proposedPoint(try ServerFixture.get())
            let cases: [(String, String)] = [
                ("{", "not JSON"),
                ("[1,2]", "JSON object"),
                (#"{"facilities":{"type":"FeatureCollection","features":[]}}"#, "kind is required"),
                (#"{"kind":"spaceport","facilities":{"type":"FeatureCollection","features":[]}}"#, "spaceport"),
                (#"{"kind":"canteen"}"#, "facilities is required"),
                (#"{"kind":"canteen","facilities":{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[120,30],[121,30]]}}]}}"#, "Point"),
                (#"{"kind":"canteen","facilities":{"type":"FeatureCollection","features":[{"type":"Feature"}]}}"#, "facilities"),
                (#"{"kind":"canteen","facilities":42}"#, "FeatureCollection"),
                (#"{"kind":"canteen","level":"galaxy","facilities":{"type":"FeatureCollection","features":[]}}"#, "level"),
                (#"{"kind":"canteen","radius_m":-5,"facilities":{"type":"FeatureCollection","features":[]}}"#, "radius_m"),
                (#"{"kind":"canteen","colour":"red","facilities":{"type":"FeatureCollection","features":[]}}"#, "colour"),
                (#"{"kind":"canteen","level":null,"facilities":{"type":"FeatureCollection","features":[]}}"#, "level is null"),
                (Self.scenarioBody(Coordinate(point.x + 400, point.y)), "longitude"),
            ]
            try await ServerFixture.app().test(.router) { client in
                for (body, expected) in cases {
                    try await client.execute(uri: "/api/scenarios", method: .post, body: jsonBody(body)) { response in
                        #expect(response.status == .badRequest, "\(body)")
                        #expect(response.contentType == "application/problem+json")
                        let detail = response.json["detail"] as? String ?? ""
                        #expect(detail.contains(expected), "\(body): \(detail)")
                    }
                }
                try await client.execute(uri: "/api/scenarios", method: .get) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "POST")
                    #expect(response.contentType == "application/problem+json")
                }
                try await client.execute(uri: "/collections/units/items", method: .trace) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "GET")
                }
            }
        }

        @Test func aBodyOverMaxBodyIs413() async throws {
            let point = try Self.proposedPoint(try ServerFixture.get())
            try await ServerFixture.app(ServerConfiguration(maxBody: 64)).test(.router) { client in
                try await client.execute(uri: "/api/scenarios", method: .post, body: jsonBody(Self.scenarioBody(point))) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(response.contentType == "application/problem+json")
                }
            }
        }

        @Test func coverageAndGapsGiveTheCLINumbers() async throws {
            let workspace = try ServerFixture.get()
            let layers = try #require(ServerFixture.layers)
            var settings = ServerFixture.settings
            settings.kinds = ["canteen"]
            let cliTable = CoverageTable(try CoverageModel.assess(layers, settings: settings)).json()
            let wider = settings.radii.merging(["canteen": 800]) { $1 }
            var widerSettings = settings
            widerSettings.radii = wider
            let widerGaps = GapList(try CoverageModel.assess(layers, settings: widerSettings, withParts: true), targets: GapTargets(minRatio: 0.8))
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/api/coverage", method: .post, body: jsonBody(#"{"kind":"canteen"}"#)) { response in
                    #expect(response.status == .ok)
                    #expect(response.text == cliTable)
                }
                let body = #"{"kind":"canteen","radius_m":800,"min_ratio":0.8}"#
                try await client.execute(uri: "/api/gaps", method: .post, body: jsonBody(body)) { response in
                    #expect(response.status == .ok)
                    #expect(response.contentType == "application/geo+json")
                    #expect(Array(response.text.utf8) == GeoJSONWriter().featureCollection(widerGaps.features))
                }
                // A radius without a kind is every served kind's.
                try await client.execute(uri: "/api/coverage", method: .post, body: jsonBody(#"{"radius_m":800}"#)) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains(#""radius_m":800"#))
                    #expect(!response.text.contains(#""radius_m":500"#))
                }
                try await client.execute(uri: "/api/coverage", method: .post, body: jsonBody(#"{"kind":"canteen","level":"county"}"#)) { response in
                    #expect(response.status == .badRequest)
                }
            }
            _ = workspace
        }

        @Test func reportIsHTML() async throws {
            try await ServerFixture.app().test(.router) { client in
                try await client.execute(uri: "/api/report", method: .post, body: jsonBody(#"{"kind":"canteen","lang":"en"}"#)) { response in
                    #expect(response.status == .ok)
                    #expect(response.contentType.hasPrefix("text/html"))
                    #expect(response.text.contains("<html"))
                }
                try await client.execute(uri: "/api/report", method: .post, body: jsonBody(#"{"lang":"fr"}"#)) { response in
                    #expect(response.status == .badRequest)
                }
            }
        }
    }

    @Suite("Jobs")
    struct Jobs {
        @Test func siteRunsAsAJobWithProgressAndResult() async throws {
            try await ServerFixture.app().test(.router) { client in
                let location = try await client.execute(
                    uri: "/api/site", method: .post, body: jsonBody(#"{"kind":"canteen","add":2,"time_limit":20,"solver":"heuristic"}"#)
                ) { response -> String in
                    #expect(response.status == .accepted)
                    #expect(response.json["status"] as? String == "running")
                    return response.headers[.location] ?? ""
                }
                #expect(location.hasPrefix("/api/jobs/"))
                var status = "running"
                var result: [String: Any] = [:]
                for _ in 0..<400 where status == "running" {
                    try await Task.sleep(for: .milliseconds(100))
                    try await client.execute(uri: location, method: .get) { response in
                        #expect(response.status == .ok)
                        status = response.json["status"] as? String ?? ""
                        result = response.json["result"] as? [String: Any] ?? [:]
                    }
                }
                #expect(status == "succeeded")
                #expect(result["sites_chosen"] as? Double == 2)
                #expect(((result["sites"] as? [String: Any])?["features"] as? [Any])?.count == 2)
                try await client.execute(uri: location, method: .delete) { response in #expect(response.status == .ok) }
                try await client.execute(uri: location, method: .get) { response in #expect(response.status == .notFound) }
                try await client.execute(uri: "/api/jobs/nope", method: .delete) { response in
                    #expect(response.status == .notFound)
                    #expect(response.contentType == "application/problem+json")
                }
                try await client.execute(uri: "/api/site", method: .post, body: jsonBody(#"{"kind":"canteen"}"#)) { response in
                    #expect(response.status == .badRequest)
                    #expect((response.json["detail"] as? String ?? "").contains("add"))
                }
            }
        }

        /// `DELETE` stops the solver itself: the slot of a 120-second job is free again within seconds.
        @Test func deleteStopsTheComputation() async throws {
            try await ServerFixture.app(ServerConfiguration(maxJobs: 1)).test(.router) { client in
                let heavy = #"{"kind": "day-care", "target_ratio": 1, "per_unit": true, "candidate_spacing": 20, "time_limit": 120, "solver": "exact"}"#
                let light = #"{"kind": "canteen", "add": 1, "time_limit": 5, "solver": "heuristic"}"#
                let location = try await client.execute(uri: "/api/site", method: .post, body: jsonBody(heavy)) { response -> String in
                    #expect(response.status == .accepted)
                    return response.headers[.location] ?? ""
                }
                try await Task.sleep(for: .milliseconds(500))
                try await client.execute(uri: "/api/site", method: .post, body: jsonBody(light)) { response in
                    #expect(response.status == .tooManyRequests, "the one slot is taken")
                }
                try await client.execute(uri: location, method: .delete) { response in
                    #expect(response.json["status"] as? String == "cancelled")
                }
                let cancelled = ContinuousClock.now
                var status = HTTPResponse.Status.tooManyRequests
                while status == .tooManyRequests, ContinuousClock.now - cancelled < .seconds(60) {
                    try await Task.sleep(for: .milliseconds(100))
                    status = try await client.execute(uri: "/api/site", method: .post, body: jsonBody(light)) { $0.status }
                }
                #expect(status == .accepted)
                #expect(ContinuousClock.now - cancelled < .seconds(15), "the computation stopped, not only its record")
            }
        }

        @Test func aRunningJobCanBeCancelledAndTheJobCountIsLimited() async throws {
            let store = JobStore(limit: 1)
            let release = DispatchSemaphore(value: 0)
            let job = try await store.start(kind: "test", timeLimit: 10) {
                release.wait()
                return .null
            }
            await #expect(throws: Problem.self) { try await store.start(kind: "test", timeLimit: 10) { .null } }
            let cancelled = try await store.cancel(job.id)
            #expect(cancelled.state == .cancelled)
            release.signal()
            for _ in 0..<100 {
                if (try? await store.start(kind: "test", timeLimit: 10) { .null }) != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await store.job(job.id).state == .cancelled)
        }
    }

    @Suite("Pages")
    struct Pages {
        @Test func mapPageAndItsAssetsAreServedAndNothingElse() async throws {
            try await ServerFixture.app(ServerConfiguration(tiles: "http://tiles.local/{z}/{x}/{y}.png")).test(.router) { client in
                try await client.execute(uri: "/map", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains("/static/leaflet.js"))
                    #expect(response.text.contains("http://tiles.local/{z}/{x}/{y}.png"))
                }
                for asset in ["leaflet.js", "leaflet.css", "map.js", "images/marker-icon.png", "LEAFLET-LICENSE.txt"] {
                    try await client.execute(uri: "/static/\(asset)", method: .get) { response in
                        #expect(response.status == .ok, "\(asset)")
                        #expect(response.body.readableBytes > 100, "\(asset)")
                    }
                }
                for uri in ["/static/../Package.swift", "/static/%2e%2e%2fPackage.swift", "/static/images/../../map.js", "/static/Resources"] {
                    try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == .notFound, "\(uri)")
                    }
                }
                try await client.execute(uri: "/downloads/gaps-canteen.csv", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains("elderly_uncovered"))
                }
                try await client.execute(uri: "/downloads/coverage-canteen.csv", method: .get) { response in
                    #expect(response.text.contains("coverage_ratio"))
                }
                try await client.execute(uri: "/downloads/passwd", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }
}

extension ServerTests {
    /// The built `doorstep serve`, read by GDAL's OGC API Features driver as QGIS would.
    @Suite("End to end", .serialized)
    struct EndToEnd {
        /// A port nothing listens on: bound to 0, read back, closed.
        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            #expect(bound == 0)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        static func fetch(_ url: String) async throws -> (status: Int, body: Data) {
            let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }

        /// Starts `doorstep serve` on a free port and waits until it answers.
        static func start(_ arguments: [String]) async throws -> (Process, String) {
            let port = try freePort()
            let process = try CLI.start(["serve", "--listen", "127.0.0.1:\(port)"] + arguments)
            let base = "http://127.0.0.1:\(port)"
            for _ in 0..<600 {
                if let answer = try? await fetch(base + "/conformance"), answer.status == 200 { return (process, base) }
                try await Task.sleep(for: .milliseconds(100))
            }
            process.terminate()
            throw Problem(.serviceUnavailable, "doorstep serve did not answer on \(base)")
        }

        @Test func ogrinfoReadsTheGapListAsDoorstepGapsWritesIt() async throws {
            let (process, base) = try await Self.start(["--kind", "canteen"])
            defer { process.terminate() }
            // GDAL is part of the setup: missing, the test fails rather than skips.
            let info = try #require(try runSystem("ogrinfo", ["-ro", "-so", "OAPIF:" + base, "gaps-canteen"]), "ogrinfo is not installed")
            #expect(info.status == 0, "\(info.stderr)")
            let cli = try CLI.run(["gaps", "--kind", "canteen"])
            #expect(cli.status == 0, "\(cli.stderr)")
            let expected = try GeoJSONReader.parse(Array(cli.stdout.utf8), file: "gaps").features
            #expect(info.stdout.contains("Feature Count: \(expected.count)"), "\(info.stdout)")
            let copy = try #require(
                try runSystem("ogr2ogr", ["-f", "GeoJSON", "/vsistdout/", "OAPIF:" + base, "gaps-canteen"]), "ogr2ogr is not installed")
            #expect(copy.status == 0, "\(copy.stderr)")
            let read = try GeoJSONReader.parse(Array(copy.stdout.utf8), file: "ogr2ogr").features
            #expect(read.count == expected.count)
            let first = try #require(read.first), want = try #require(expected.first)
            for (key, value) in want.properties.entries {
                switch value {
                case .array(let items): #expect(first.properties[key] == .array(items) || first.properties[key]?.textValue != nil, "\(key)")
                default: #expect(first.properties[key] == value, "\(key): \(String(describing: first.properties[key])) ≠ \(value)")
                }
            }
            // Paging until `next` is absent returns every feature once.
            var url: String? = base + "/collections/gaps-canteen/items?limit=50"
            var ids: [String] = []
            while let current = url {
                let page = try await Self.fetch(current)
                #expect(page.status == 200)
                let object = try JSONSerialization.jsonObject(with: page.body) as? [String: Any] ?? [:]
                ids += (object["features"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "")" }
                url = (object["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == "next" }?["href"] as? String
            }
            #expect(ids.count == expected.count)
            #expect(Set(ids).count == expected.count)
        }

        @Test func sigtermStopsTheServer() async throws {
            let (process, _) = try await Self.start(["--kind", "canteen"])
            process.terminate()  // SIGTERM
            for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            #expect(!process.isRunning)
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
        }
    }
}

extension ServerTests.EndToEnd {
    /// The map page in headless Chromium: no console error, the units drawn, and a proposed facility
    /// (given in the link) changes the figures.
    @Test func mapPageInChromium() async throws {
        let workspace = try ServerFixture.get()
        let point = try ServerTests.Analysis.proposedPoint(workspace)
        let (process, base) = try await Self.start(["--kind", "canteen"])
        defer { process.terminate() }
        let (dom, console) = try Chromium.render(base + "/map?place=\(point.x),\(point.y)")
        #expect(console.isEmpty, "\(console.joined(separator: "\n"))")
        #expect(dom.components(separatedBy: "leaflet-interactive").count > 10, "the units are drawn")
        func figure(_ id: String) -> String? {
            guard let start = dom.range(of: "id=\"\(id)\">") else { return nil }
            return String(dom[start.upperBound...].prefix { $0 != "<" })
        }
        let before = try #require(figure("covered-before"), "\(dom.suffix(3000))")
        let after = try #require(figure("covered-after"), "no after figure: the scenario did not run")
        #expect(before != after)
        #expect(dom.contains("id=\"newly\""))
    }
}

extension ServerTests.OGCFeatures {
    @Test func namesCollectionServesTheRegistrysInUseNames() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let registry = try Registry(path: folder.file("names.sqlite"))
        _ = try registry.create(
            PlaceDraft(name: "云栖路", type: "road", district: "330106", geometry: .point(Coordinate(120.1, 30.2)), status: .inUse),
            action: "add", actor: "test")
        _ = try registry.create(
            PlaceDraft(name: "望江路", type: "road", district: "330106", geometry: .point(Coordinate(120.2, 30.2)), status: .proposed),
            action: "add", actor: "test")
        let layers = try #require(ServerFixture.layers)
        let workspace = try Workspace(
            layers: layers, settings: CoverageSettings(kinds: ["canteen"]), names: try registry.exportFeatures(status: .inUse, geometry: .point))
        let app = Application(router: DoorstepServer.router(workspace: workspace, configuration: ServerConfiguration()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/collections/names/items", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.json["numberMatched"] as? Int == 1)
                let feature = (response.json["features"] as? [[String: Any]])?.first
                #expect((feature?["properties"] as? [String: Any])?["name"] as? String == "云栖路")
            }
        }
    }
}

extension ServerTests.EndToEnd {
    /// 32 clients mixing scenarios and item pages while a site job runs: every answer right, none
    /// held up behind the job.
    @Test func concurrentClientsAreNotBlockedByASiteJob() async throws {
        let workspace = try ServerFixture.get()
        let point = try ServerTests.Analysis.proposedPoint(workspace)
        let expected = try workspace.scenario(Scenario(kind: "canteen", level: .street, radius: nil, facilities: [
            Facility(id: "proposed-1", name: "proposed-1", kind: "canteen", location: point)
        ]))
        guard case .object(let expectedObject) = expected, let newly = expectedObject["newly_covered"]?.numberValue else {
            Issue.record("no scenario figure")
            return
        }
        let coverageCount = workspace.collection("coverage-canteen")?.features.count ?? 0
        let (process, base) = try await Self.start(["--kind", "canteen"])
        defer { process.terminate() }
        var request = URLRequest(url: try #require(URL(string: base + "/api/site")))
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"kind":"canteen","add":60,"solver":"exact","time_limit":15}"#.utf8)
        let (jobData, jobResponse) = try await URLSession.shared.data(for: request)
        #expect((jobResponse as? HTTPURLResponse)?.statusCode == 202)
        let job = try JSONSerialization.jsonObject(with: jobData) as? [String: Any] ?? [:]
        let jobURL = try #require(job["href"] as? String)

        let scenarioBody = Data(ServerTests.Analysis.scenarioBody(point).utf8)
        let started = ContinuousClock.now
        let slowest = try await withThrowingTaskGroup(of: Duration.self) { group in
            for client in 0..<32 {
                group.addTask {
                    var slowest = Duration.zero
                    for round in 0..<4 {
                        let begun = ContinuousClock.now
                        if (client + round) % 2 == 0 {
                            var post = URLRequest(url: try #require(URL(string: base + "/api/scenarios")))
                            post.httpMethod = "POST"
                            post.httpBody = scenarioBody
                            let (data, response) = try await URLSession.shared.data(for: post)
                            #expect((response as? HTTPURLResponse)?.statusCode == 200)
                            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
                            #expect(abs((object["newly_covered"] as? Double ?? -1) - newly) < 1e-6)
                        } else {
                            let page = try await Self.fetch(base + "/collections/coverage-canteen/items?limit=20&offset=\(client)")
                            #expect(page.status == 200)
                            let object = try JSONSerialization.jsonObject(with: page.body) as? [String: Any] ?? [:]
                            #expect(object["numberReturned"] as? Int == min(20, max(0, coverageCount - client)))
                        }
                        slowest = max(slowest, ContinuousClock.now - begun)
                    }
                    return slowest
                }
            }
            return try await group.reduce(Duration.zero) { max($0, $1) }
        }
        let burst = ContinuousClock.now - started
        let state = try JSONSerialization.jsonObject(with: try await Self.fetch(jobURL).body) as? [String: Any] ?? [:]
        // The burst ends long before a 15 s job would let it, and no single answer waits seconds.
        #expect(slowest < .seconds(5), "slowest answer \(slowest), burst \(burst), job \(state["status"] ?? "")")
        var cancel = URLRequest(url: try #require(URL(string: jobURL)))
        cancel.httpMethod = "DELETE"
        _ = try await URLSession.shared.data(for: cancel)
    }
}
