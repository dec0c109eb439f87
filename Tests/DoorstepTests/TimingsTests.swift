import Foundation
import Testing

@Suite("--timings")
struct TimingsTests {
    @Test("coverage, gaps, site, report and access say where the time went and the peak memory", arguments: [
        ["coverage", "--level", "all"], ["gaps", "--output", "/dev/null"], ["site", "--kind", "canteen", "--add", "2"],
        ["report", "--output", "/dev/null"], ["access", "--kind", "canteen"],
    ])
    func phases(arguments: [String]) throws {
        let result = try CLI.run(arguments + ["--timings"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("timings: ") })
        // site builds and solves its own model: read, then siting.
        let phases = arguments[0] == "site" ? ["read ", "siting "] : ["read ", "project ", "per-unit work ", "write "]
        for phase in phases { #expect(line.contains(phase), "\(line)") }
        #expect(line.contains("; peak memory ") && line.hasSuffix(" MiB"))
        // Every phase took a non-negative, finite time.
        let seconds = line.split(separator: " s").compactMap { Double($0.split(separator: " ").last ?? "") }
        #expect(seconds.count >= phases.count && seconds.allSatisfy { $0 >= 0 && $0.isFinite })
    }

    @Test("without --timings nothing is said")
    func quiet() throws {
        #expect(!(try CLI.run(["coverage"])).stderr.contains("timings:"))
    }
}
