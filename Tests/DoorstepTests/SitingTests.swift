import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Testing

@testable import DoorstepSiting

/// Four groups and three candidates where greedy goes wrong: C reaches the two heaviest groups, but A and
/// B together reach everything.
func greedyTrap() -> SitingProblem {
    // groups: a=5, b=5, c=4, d=4; A={a,c}, B={b,d}, C={a,b}
    SitingProblem(weights: [5, 5, 4, 4], reach: [[0, 2], [1, 3], [0, 1]])
}

/// A random instance (deterministic) for solver bounds and time limits.
func randomProblem(groups: Int, candidates: Int, perCandidate: Int, seed: UInt64) -> SitingProblem {
    var state = seed
    func next() -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int(state >> 33)
    }
    let weights = (0..<groups).map { _ in Double(1 + next() % 20) }
    let reach = (0..<candidates).map { _ in Array(Set((0..<perCandidate).map { _ in next() % groups })).sorted() }
    return SitingProblem(weights: weights, reach: reach)
}

@Suite("Siting")
struct SitingTests {
    @Suite("Solvers on hand-made instances")
    struct Solvers {
        @Test("greedy is not optimal here; the exact solver finds the optimum and says so")
        func greedyTrapExact() throws {
            let problem = greedyTrap()
            let greedy = GreedySolver(problem: problem)
            var state = greedy.start()
            greedy.extend(&state, while: { $0.chosen.count < 2 })
            #expect(state.value == 14)  // C, then A or B
            let exact = try SitingSolver(problem: problem, objective: .add(2), choice: .exact).solve()
            #expect(exact.value == 18)
            #expect(Set(exact.chosen) == [0, 1])
            #expect(exact.status == .optimal && exact.gap == 0)
            #expect(exact.solver.contains("CBC"))
            #expect(exact.gains.reduce(0, +) == 18)
        }

        @Test("the heuristic's bound is never below the optimum")
        func lagrangianBound() throws {
            for seed in 1...4 as ClosedRange<UInt64> {
                let problem = randomProblem(groups: 300, candidates: 40, perCandidate: 25, seed: seed)
                let exact = try SitingSolver(problem: problem, objective: .add(5), choice: .exact).solve()
                let heuristic = try SitingSolver(problem: problem, objective: .add(5), choice: .heuristic).solve()
                #expect(exact.status == .optimal)
                #expect(heuristic.value <= exact.value + 1e-9)
                #expect(try #require(heuristic.bound) >= exact.value - 1e-6)
                if heuristic.status == .optimal { #expect(abs(heuristic.value - exact.value) < 1e-9) }
            }
        }

        @Test("fewest sites for a target, and a clear error when it cannot be reached")
        func target() throws {
            let problem = greedyTrap()
            let two = try SitingSolver(problem: problem, objective: .cover(18), choice: .exact).solve()
            #expect(two.chosen.count == 2 && two.value == 18 && two.status == .optimal)
            let one = try SitingSolver(problem: problem, objective: .cover(10), choice: .heuristic).solve()
            #expect(one.chosen == [2])
            let error = #expect(throws: SitingError.self) { try SitingSolver(problem: problem, objective: .cover(30)).solve() }
            #expect(error?.message == "the target cannot be reached with these candidates: all of them together newly cover 18 of the 30 elderly needed")
        }

        @Test("per-unit minimums are met first, by the best candidate inside each unit")
        func minimumPerUnit() throws {
            // Candidate 3 is the only one in unit 1 and reaches little; it must still be chosen, first.
            var problem = SitingProblem(weights: [5, 5, 4, 4, 1], reach: [[0, 2], [1, 3], [0, 1], [4]], candidateUnit: [0, 0, 0, 1])
            problem.groupUnit = [0, 0, 0, 0, 1]
            for choice in [SolverChoice.heuristic, .exact] {
                let solution = try SitingSolver(problem: problem, objective: .add(2), minimumPerUnit: [0, 1], choice: choice).solve()
                #expect(solution.chosen.first == 3, "\(choice)")
                #expect(Set(solution.chosen) == [3, 0, 1], "\(choice)")
                #expect(solution.value == 19)
            }
            let error = #expect(throws: SitingError.self) {
                try SitingSolver(problem: problem, objective: .add(1), minimumPerUnit: [0, 2]).solve()
            }
            #expect(error?.message.contains("needs 2 new site(s)") == true)
        }

        @Test("capacities are respected: a site serves at most its capacity")
        func capacities() throws {
            // One candidate near three groups of 50 with room for 60; another near one group of 40 with room for 100.
            let problem = SitingProblem(weights: [50, 50, 50, 40], reach: [[0, 1, 2], [3]], capacities: [60, 100])
            #expect(problem.servedWeight([0]) == 60)
            for choice in [SolverChoice.heuristic, .exact] {
                let one = try SitingSolver(problem: problem, objective: .add(1), choice: choice).solve()
                #expect(one.chosen == [0] && one.value == 60, "\(choice)")
                let both = try SitingSolver(problem: problem, objective: .add(2), choice: choice).solve()
                #expect(both.value == 100, "\(choice)")
            }
        }

        @Test("one allocation rule: existing facilities serve together nearest first, new sites one by one in choice order")
        func allocationStages() {
            // A (room 10) reaches point 0 at 100 m and point 1 at 200 m; B (room 10) reaches point 0 at 50 m.
            var reach = ReachTable()
            reach.append([(0, 100), (1, 200)])
            reach.append([(0, 50)])
            // Together (existing facilities): B, nearest, serves point 0, so A has room for point 1.
            #expect(reach.allocate(demand: [10, 10], rooms: [10, 10]) == [0, 0])
            // One by one (new sites): A, first, serves its nearest point 0 and is full; B finds nothing left.
            var oneByOne = CapacityAllocation(demand: [10, 10])
            #expect(oneByOne.serve([0, 1], room: 10) == 10)
            #expect(oneByOne.serve([0], room: 10) == 0)
            #expect(oneByOne.remaining == [0, 10] && oneByOne.served == 10)
            // Siting weighs a set of new sites by the same rule, in the order the sites are given.
            let problem = SitingProblem(weights: [10, 10], reach: [[0, 1], [0]], capacities: [10, 10])
            #expect(problem.servedWeight([0, 1]) == 10)
            #expect(problem.servedWeight([1, 0]) == 20)
            let greedy = GreedySolver(problem: problem)
            var state = greedy.start()
            greedy.add(1, to: &state)
            greedy.add(0, to: &state)
            #expect(state.value == problem.servedWeight([1, 0]))
            #expect(state.allocation.remaining == [0, 0])
        }

        @Test("per-unit targets with capacities: every unit reaches its target, no site over capacity")
        func perUnitWithCapacities() throws {
            // Unit 0: groups 0, 1 (40 each); unit 1: group 2 (30). Sites: 0 reaches both of unit 0 with room for 50,
            // 1 reaches group 1 with room for 40, 2 reaches group 2 with room for 30.
            var problem = SitingProblem(weights: [40, 40, 30], reach: [[0, 1], [1], [2]], capacities: [50, 40, 30], candidateUnit: [0, 0, 1])
            problem.groupUnit = [0, 0, 1]
            for choice in [SolverChoice.heuristic, .exact] {
                let solution = try SitingSolver(problem: problem, objective: .coverPerUnit([70, 30]), choice: choice).solve()
                #expect(Set(solution.chosen) == [0, 1, 2], "\(choice)")
                #expect(solution.value <= 50 + 40 + 30)
                #expect(solution.value >= 100)
            }
            #expect(throws: SitingError.self) { try SitingSolver(problem: problem, objective: .coverPerUnit([100, 0])).solve() }
        }

        @Test("a time limit is reported truthfully: never optimal without proof")
        func timeLimit() throws {
            let problem = randomProblem(groups: 20_000, candidates: 1_500, perCandidate: 60, seed: 7)
            let solution = try SitingSolver(problem: problem, objective: .add(40), choice: .exact, timeLimit: 0.2).solve()
            // On a loaded machine the 0.2 s may end before any bound is computed: then no bound is
            // claimed, and the answer is feasible, cut short by the limit.
            guard let bound = solution.bound else {
                #expect(solution.status == .feasible && solution.gap == nil && solution.timeLimitReached)
                return
            }
            #expect(bound >= solution.value - 1e-6)
            if solution.status == .optimal {
                #expect(abs(bound - solution.value) <= 1e-6 * bound)
            } else {
                #expect(solution.status == .feasible)
                #expect(try #require(solution.gap) >= 0)
            }
            #expect(solution.seconds < 0.2 + 3)
        }
    }

    @Suite("Planning on the sample city")
    struct Planning {
        func sampleLayers() throws -> Layers {
            try LayerLoader().load(
                units: LayerSource(path: Paths.sample + "/units.geojson"), facilities: [LayerSource(path: Paths.sample + "/facilities.geojson")],
                demand: LayerSource(path: Paths.sample + "/demand.geojson"))
        }

        @Test("existing facilities stay; new sites add coverage that the coverage model confirms")
        func addSites() throws {
            let layers = try sampleLayers()
            let plan = try SitePlanner(layers: layers, request: SitingRequest(kind: "canteen", radius: 500, objective: .add(5))).plan()
            #expect(plan.sites.count == 5)
            #expect(plan.solution.status == .optimal)
            #expect(plan.sites.map(\.rank) == [1, 2, 3, 4, 5])
            #expect(zip(plan.sites, plan.sites.dropFirst()).allSatisfy { $0.gain >= $1.gain })
            // The same numbers as `doorstep coverage` with the existing canteens, then with the new ones too.
            let before = try CoverageModel.assess(layers, settings: CoverageSettings(kinds: ["canteen"], levels: [.district]))
            #expect(before.rows.map(\.elderlyCovered).reduce(0, +) == plan.coveredBefore)
            var withSites = layers
            withSites.facilities += plan.sites.map { Facility(id: $0.candidate.id, name: $0.candidate.name, kind: "canteen", location: $0.candidate.location) }
            let after = try CoverageModel.assess(withSites, settings: CoverageSettings(kinds: ["canteen"], levels: [.district]))
            #expect(abs(after.rows.map(\.elderlyCovered).reduce(0, +) - plan.coveredAfter) < 1e-6)
            // Existing canteens are all still there, none moved.
            #expect(withSites.facilities.filter { $0.kind == "canteen" }.count == layers.facilities.filter { $0.kind == "canteen" }.count + 5)
        }

        @Test("with capacities, what the units gain is what the sites serve, and no site serves more than its room")
        func capacitatedUnits() throws {
            let layers = try sampleLayers()
            let request = SitingRequest(kind: "canteen", radius: 500, objective: .add(5), capacity: true, defaultCapacity: 150, solver: .heuristic)
            let plan = try SitePlanner(layers: layers, request: request).plan()
            #expect(plan.sites.count == 5)
            #expect(plan.sites.allSatisfy { $0.gain > 0 && $0.gain <= 150 + 1e-9 })
            let gained: [Double] = plan.units.map { $0.after - $0.before }
            #expect(gained.allSatisfy { $0 >= -1e-9 })
            let unitsGain: Double = gained.reduce(0, +), sitesGain: Double = plan.sites.map(\.gain).reduce(0, +)
            #expect(abs(unitsGain - sitesGain) < 1e-6)
            let unitsAfter: Double = plan.units.map(\.after).reduce(0, +)
            #expect(abs(unitsAfter - plan.coveredAfter) < 1e-6)
        }

        @Test("--min-facilities fills the streets that lack the kind first")
        func minFacilities() throws {
            let layers = try sampleLayers()
            let request = SitingRequest(kind: "home-care-center", radius: 1000, objective: .add(1), minFacilities: 1, level: .street)
            let plan = try SitePlanner(layers: layers, request: request).plan()
            let streets = layers.units.filter { $0.level == .street }
            let lacking = Set(streets.map(\.code)).subtracting(
                try CoverageModel.assess(layers, settings: CoverageSettings(kinds: ["home-care-center"], levels: [.street])).rows
                    .filter { $0.facilities > 0 }.map(\.code))
            #expect(!lacking.isEmpty)
            #expect(Set(plan.sites.prefix(lacking.count).compactMap(\.unitCode)) == lacking)
            #expect(plan.sites.count == lacking.count + 1)
        }

        @Test("candidates from a file: duplicates refused, outside ones kept with a warning, unreachable targets said")
        func candidateFiles() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let duplicate = try folder.write("dup.csv", "id,name,longitude,latitude\nA,一,120.10,30.25\nA,二,120.11,30.25\n")
            let error = #expect(throws: InputError.self) { try SiteCandidate.load(LayerSource(path: duplicate)) }
            #expect(error?.description == "\(duplicate): feature 1: candidate id A is already used by feature 0; ids must be unique")
            let file = try folder.write("c.csv", "id,name,capacity,longitude,latitude\nA,一,80,120.10,30.25\nFAR,远,50,121.5,31.0\n")
            let candidates = try SiteCandidate.load(LayerSource(path: file))
            #expect(candidates.map(\.capacity) == [80, 50])
            let layers = try sampleLayers()
            let plan = try SitePlanner(layers: layers, candidates: candidates, request: SitingRequest(kind: "canteen", radius: 500, objective: .add(1))).plan()
            #expect(plan.warnings.first?.contains("outside every street (kept): FAR") == true)
            let unreachable = #expect(throws: SitingError.self) {
                try SitePlanner(layers: layers, candidates: candidates, request: SitingRequest(kind: "canteen", radius: 500, objective: .targetRatio(0.99, perUnit: false))).plan()
            }
            #expect(unreachable?.message.hasPrefix("the target cannot be reached with these candidates") == true)
            #expect(throws: SitingError.self) {
                try SitePlanner(layers: layers, candidates: [], request: SitingRequest(kind: "canteen", radius: 500, objective: .add(1))).plan()
            }
        }
    }

    @Suite("doorstep site")
    struct Command {
        @Test("end to end: GeoJSON sites, a JSON summary, and the scenario checked with coverage --facilities twice")
        func endToEnd() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let out = folder.file("sites.geojson")
            let result = try CLI.run(["site", "--kind", "canteen", "--add", "4", "--output", out, "--format", "json", "--time-limit", "20"])
            #expect(result.status == 0, "\(result.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(summary["sites_chosen"] as? Int == 4)
            #expect(summary["status"] as? String == "optimal")
            #expect((summary["units"] as? [[String: Any]])?.count == 24)
            let sites = try GeoJSONReader.read(file: out).features
            #expect(sites.map { $0.properties["rank"] } == [1, 2, 3, 4])
            #expect(Set(sites[0].properties.keys).isSuperset(of: ["rank", "candidate_id", "kind", "gain_elderly", "cumulative_covered", "coverage_ratio_after", "code", "name"]))
            let after = try #require(summary["covered_after"] as? Double)
            // Scenario: existing + proposed in one command.
            let scenario = try CLI.run([
                "coverage", "--units", Paths.sample + "/units.geojson", "--facilities", Paths.sample + "/facilities.geojson",
                "--facilities", out, "--demand", Paths.sample + "/demand.geojson", "--kind", "canteen", "--level", "district", "--format", "json",
            ])
            #expect(scenario.status == 0, "\(scenario.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(scenario.stdout.utf8)) as? [[String: Any]])
            #expect(abs(rows.compactMap { $0["elderly_covered"] as? Double }.reduce(0, +) - after) < 1e-6)
            if let info = try runSystem("ogrinfo", ["-ro", "-al", "-so", out]) {
                #expect(info.stdout.contains("Feature Count: 4") && info.stdout.contains("Point"))
            }
        }

        @Test("bad requests: a clear message, a non-zero exit, no output")
        func badRequests() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let out = folder.file("sites.geojson")
            let empty = try folder.write("none.geojson", collection([]))
            let far = try folder.write("far.csv", "id,longitude,latitude\nX,121.5,31.0\n")
            for (arguments, expected, status) in [
                (["--add", "0"], "--add 0: must be between 1 and 1000000", Int32(2)),
                (["--add=-3"], "--add -3: must be between 1 and 1000000", 2),
                (["--add", "1", "--candidates", empty], "the candidates file has no candidates", 1),
                (["--target-ratio", "0.99", "--candidates", far], "the target cannot be reached with these candidates", 1),
                (["--add", "2", "--target-ratio", "0.9"], "give --add or --target-ratio, not both", 2),
            ] as [([String], String, Int32)] {
                let result = try CLI.run(["site", "--kind", "canteen"] + arguments + ["--output", out])
                #expect(result.status == status, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: out))
            }
        }
    }
}
