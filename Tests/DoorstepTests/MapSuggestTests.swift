import Foundation
import Testing

extension ServerTests.EndToEnd {
    /// The map's "suggest sites" control in headless Chromium, driven by `?suggest=N` (the same code
    /// as a click on 建议选址 / Suggest sites): the site job is posted, polled until it succeeds, and
    /// its sites drawn as numbered markers.
    @Suite("Map: suggest sites")
    struct MapSuggest {
        /// Every timer of the page runs on virtual time, and each poll of the job (every 500 ms of it)
        /// costs real time only for its request: a job of a few real seconds takes minutes of virtual
        /// time. Once the sites are drawn the page is idle and Chromium skips to the end of the budget
        /// at once, so a large budget costs nothing when the page works.
        static let virtualTimeBudget = 3_600_000

        @Test func suggestThreeSitesDrawsThreeNumberedSites() async throws {
            let (process, base) = try await ServerTests.EndToEnd.start(["--kind", "canteen"])
            defer { process.terminate() }
            let (dom, console) = try Chromium.render(base + "/map?suggest=3", budget: Self.virtualTimeBudget)
            #expect(console.isEmpty, "\(console.joined(separator: "\n"))")
            #expect(dom.components(separatedBy: "leaflet-interactive").count > 10, "the units are drawn")
            #expect(Self.siteNumbers(dom) == ["1", "2", "3"], "\(Self.status(dom) ?? dom.suffix(3000).description)")
            // The status line tells the sites found and the coverage before and after.
            let status = try #require(Self.status(dom), "no status line")
            #expect(status.contains(": 3 ·"), "\(status)")
        }

        @Test func suggestOutsideOneToFiftyRunsNothing() async throws {
            let (process, base) = try await ServerTests.EndToEnd.start(["--kind", "canteen"])
            defer { process.terminate() }
            for value in ["0", "51", "3x"] {
                let (dom, _) = try Chromium.render(base + "/map?suggest=" + value)
                #expect(Self.siteNumbers(dom).isEmpty, "?suggest=\(value)")
                #expect(Self.status(dom) == "", "?suggest=\(value): \(Self.status(dom) ?? "no status line")")
            }
        }

        /// The texts of the numbered site markers (Leaflet div icons of class `site-num`), in order.
        static func siteNumbers(_ dom: String) -> [String] {
            dom.components(separatedBy: "<div class=\"").dropFirst().compactMap { element -> String? in
                let classes = element.prefix { $0 != "\"" }
                guard classes.split(separator: " ").contains("site-num"), let close = element.firstIndex(of: ">") else { return nil }
                return String(element[element.index(after: close)...].prefix { $0 != "<" })
            }
        }

        /// The map's status line (empty when nothing ran), nil when the page has none.
        static func status(_ dom: String) -> String? {
            guard let start = dom.range(of: "id=\"status\"") else { return nil }
            guard let close = dom[start.upperBound...].firstIndex(of: ">") else { return nil }
            return String(dom[dom.index(after: close)...].prefix { $0 != "<" })
        }
    }
}
