import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension ServerTests {
    /// The registry's page at `/names`, served by the built `doorstep serve --names DB` and run in
    /// headless Chromium: what a clerk sees is what the page's script makes of the real API, so the
    /// page is tested in a browser rather than by reading its source.
    @Suite("Names page", .serialized)
    struct NamesPage {
        /// A registry made with the CLI: 文三路 (road, 330106, proposed by lin with a reason holding
        /// markup) and an editor token for 330106, whose secret is returned.
        struct Setup {
            let folder: TemporaryFolder
            let db: String
            let editor: String

            init() throws {
                folder = try TemporaryFolder()
                db = folder.file("names.sqlite")
                let propose = try CLI.run([
                    "names", "propose", "文三路", "--type", "road", "--district", "330106", "--reason", "<i>规划</i> & 路网",
                    "--actor", "lin", "--db", db,
                ])
                #expect(propose.status == 0, "\(propose.stderr)")
                let token = try CLI.run(["serve", "tokens", "add", "xihu-office", "--names", db, "--role", "editor", "--district", "330106"])
                #expect(token.status == 0, "\(token.stderr)")
                editor = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }

        /// The records a search through the API finds.
        static func search(_ base: String, _ text: String) async throws -> [[String: Any]] {
            let url = base + "/api/names/search?q=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text)
            let answer = try await ServerTests.EndToEnd.fetch(url)
            #expect(answer.status == 200)
            return try JSONSerialization.jsonObject(with: answer.body) as? [[String: Any]] ?? []
        }

        @Test func searchingByPinyinListsTheName() async throws {
            let setup = try Setup()
            defer { setup.folder.cleanup() }
            let (process, base) = try await ServerTests.EndToEnd.start(["--kind", "canteen", "--names", setup.db])
            defer { process.terminate() }
            let page = try Chromium.render(base + "/names?q=wensan")
            #expect(page.console.isEmpty, "\(page.console.joined(separator: "\n"))")
            let table = try #require(page.dom.range(of: "id=\"result-table\""), "no results: \(page.dom.suffix(3000))")
            let results = page.dom[table.lowerBound...]
            #expect(results.contains("文三路"))
            #expect(results.contains("Wensan Lu"))
            #expect(results.contains("330106"))
            // Not signed in: no propose form.
            #expect(page.dom.contains("<section id=\"propose\" hidden"))
        }

        @Test func aRecordShowsItsHistoryWithServerTextEscaped() async throws {
            let setup = try Setup()
            defer { setup.folder.cleanup() }
            let (process, base) = try await ServerTests.EndToEnd.start(["--kind", "canteen", "--names", setup.db])
            defer { process.terminate() }
            let page = try Chromium.render(base + "/names?id=1")
            #expect(page.console.isEmpty, "\(page.console.joined(separator: "\n"))")
            let history = try #require(page.dom.range(of: "id=\"history-table\""), "no history: \(page.dom.suffix(3000))")
            let rows = page.dom[history.lowerBound...]
            #expect(rows.contains("lin"), "who")
            #expect(rows.contains("申报"), "what")
            #expect(rows.contains("&lt;i&gt;规划&lt;/i&gt; &amp; 路网"), "why, as text: \(rows.prefix(2000))")
            #expect(!page.dom.contains("<i>规划"), "the reason's markup is not parsed")
        }

        @Test func theProposeFormShowsTheChecksVerdictBeforeSubmitting() async throws {
            let setup = try Setup()
            defer { setup.folder.cleanup() }
            #expect(setup.editor.hasPrefix("dst_"), "the token: \(setup.editor)")
            let (process, base) = try await ServerTests.EndToEnd.start(["--kind", "canteen", "--names", setup.db])
            defer { process.terminate() }
            let name = "文三路".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let page = try Chromium.render(base + "/names?propose=\(name)&type=road&district=330106#token=\(setup.editor)")
            #expect(page.console.isEmpty, "\(page.console.joined(separator: "\n"))")
            let dom = page.dom
            #expect(!dom.contains("<section id=\"propose\" hidden"), "signed in: the form is shown")
            #expect(dom.contains("data-verdict=\"reject\""), "the check's verdict: \(dom.suffix(3000))")
            #expect(dom.contains("data-rule=\"duplicate\""), "the duplicate finding")
            #expect(!dom.contains("data-outcome="), "nothing was submitted")
            #expect(!dom.contains(setup.editor), "the token is not written into the page")
            // The duplicate was checked, not recorded.
            #expect(try await Self.search(base, "文三路").count == 1)
        }
    }
}
