import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Testing

@testable import DoorstepSiting

/// A square street of `size` degrees with its south-west corner at (x, y).
func squareUnit(_ code: String, _ x: Double, _ y: Double, size: Double = 0.01, geometry: GeometryValue? = nil) -> PlanningUnit {
    let ring = [Coordinate(x, y), Coordinate(x + size, y), Coordinate(x + size, y + size), Coordinate(x, y + size), Coordinate(x, y)]
    return PlanningUnit(code: code, name: "街\(code.suffix(1))", level: .street, geometry: geometry ?? .polygon([ring]))
}

/// Two streets side by side near Hangzhou (each about 960 m × 1110 m): A west, B east. Demand sits in
/// A only; a canteen covers A's western half.
func twoStreets(extraUnits: [PlanningUnit] = []) -> Layers {
    Layers(
        units: [squareUnit("330106001", 120.00, 30.00), squareUnit("330106002", 120.01, 30.00)] + extraUnits,
        facilities: [Facility(id: "F1", name: "食堂", kind: "canteen", capacity: 50, location: Coordinate(120.001, 30.005))],
        demand: [
            DemandPoint(id: "near", elderly: 10, location: Coordinate(120.0015, 30.005)),  // ~50 m from F1
            DemandPoint(id: "far1", elderly: 7, location: Coordinate(120.008, 30.005)),  // ~670 m from F1
            DemandPoint(id: "far2", elderly: 3, location: Coordinate(120.0085, 30.005)),  // ~50 m from far1
        ])
}

/// Seconds a closure takes on the wall clock.
func wallClock(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = start.duration(to: .now).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
}

@Suite("Siting hardening")
struct SitingHardeningTests {
    @Suite("One deadline bounds the whole run")
    struct TimeLimit {
        @Test("a deadline in the past has passed; NaN and huge limits neither trap nor wrap around")
        func deadlineArithmetic() {
            #expect(Deadline(seconds: 0).hasPassed)
            #expect(Deadline(seconds: -5).hasPassed)
            #expect(Deadline(seconds: .nan).hasPassed)
            let far = Deadline(seconds: 1e300)
            #expect(!far.hasPassed)
            #expect(far.secondsLeft > 1e8 && far.secondsLeft <= Deadline.longest)
            #expect(Deadline(seconds: 0).secondsLeft == 0)
        }

        @Test("a deadline passed before the model is built is a one-line error, not a hang or an empty plan")
        func passedBeforeBuilding() throws {
            let request = SitingRequest(kind: "canteen", radius: 500, objective: .add(2), deadline: Deadline(seconds: 0))
            let error = #expect(throws: SitingError.self) { try SitePlanner(layers: twoStreets(), request: request).plan() }
            #expect(error?.message.hasPrefix("the time limit ran out while") == true)
            #expect(error?.message.contains("allow more time with --time-limit") == true)
        }

        @Test("the solver alone with a passed deadline gives no answer rather than an empty one")
        func solverWithPassedDeadline() {
            let problem = greedyTrap()
            let error = #expect(throws: SitingError.self) {
                try SitingSolver(problem: problem, objective: .add(2), deadline: Deadline(seconds: 0)).solve()
            }
            #expect(error?.message.contains("before a first site was chosen") == true)
        }

        @Test("a time-limited answer is never called optimal, and says what the limit cut")
        func neverOptimalAfterTimeOut() throws {
            let problem = randomProblem(groups: 20_000, candidates: 1_500, perCandidate: 60, seed: 11)
            for choice in [SolverChoice.exact, .heuristic, .auto] {
                var solution: SitingSolution?
                let seconds = try wallClock {
                    solution = try SitingSolver(problem: problem, objective: .add(40), choice: choice, deadline: Deadline(seconds: 0.3)).solve()
                }
                let answer = try #require(solution)
                if answer.timeLimitReached { #expect(answer.status != .optimal, "\(choice): \(answer.cutShort)") }
                if answer.status == .optimal { #expect(answer.cutShort.isEmpty) }
                #expect(answer.chosen.count <= 40 && !answer.chosen.isEmpty)
                #expect(answer.gains.allSatisfy { $0 > 0 })
                // Generous for a loaded debug build; the greedy alone takes well under this.
                #expect(seconds < 0.3 + 3, "\(choice) took \(seconds) s")
            }
        }

        @Test("`site --add 1000000 --candidate-spacing 50 --time-limit 1` ends within the limit and a margin, reading included")
        func wholeRunBounded() throws {
            // What reading the sample (and a light coverage pass) costs here, measured, not assumed.
            let reading = try wallClock {
                let result = try CLI.run(["coverage", "--kind", "day-care", "--level", "district", "--format", "json"])
                #expect(result.status == 0, "\(result.stderr)")
            }
            var result: CommandResult?
            let seconds = try wallClock {
                result = try CLI.run(["site", "--kind", "day-care", "--add", "1000000", "--candidate-spacing", "50", "--time-limit", "1", "--format", "json"])
            }
            let run = try #require(result)
            // The run may end in an answer or, when reading alone used the second, in a clean error.
            if run.status == 0 {
                let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
                #expect(summary["time_limit_reached"] as? Bool == true || summary["status"] as? String == "optimal")
            } else {
                #expect(run.status == 1)
                #expect(run.stderr.contains("the time limit ran out while"), "\(run.stderr)")
            }
            // Before the fix: 11.7 s. Now: the limit, or the reading when that is longer, plus the time to
            // notice (one check every few hundred points) and to exit; 2 s is generous on a loaded machine.
            #expect(seconds < max(1, reading) + 2, "took \(seconds) s; reading the sample took \(reading) s")
        }

        @Test("CBC's root LP, which does not look at the clock, is stopped at the deadline too")
        func rootLPStopped() throws {
            // Capacitated, the sample's model takes CBC ~25 s before its first node: 10 s must still be
            // 10 s. (Building the model takes a few of them in a debug build under load.)
            var result: CommandResult?
            let seconds = try wallClock {
                result = try CLI.run(["site", "--kind", "canteen", "--add", "3", "--capacity", "--solver", "exact", "--time-limit", "10", "--format", "json"])
            }
            let run = try #require(result)
            if run.status == 0 {
                let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
                #expect(summary["sites_chosen"] as? Int == 3)
                if summary["status"] as? String != "optimal" {
                    #expect(summary["time_limit_reached"] as? Bool == true)
                    #expect((summary["cut_short"] as? [String])?.contains("exact solver") == true)
                }
            } else {
                #expect(run.status == 1 && run.stderr.contains("the time limit ran out while"), "\(run.stderr)")
            }
            #expect(seconds < 10 + 3, "took \(seconds) s")
        }

        @Test("with time enough the same request ends at its limit with an answer that is not called optimal unless proven")
        func answerWithinLongerLimit() throws {
            var result: CommandResult?
            let seconds = try wallClock {
                // 20 s: enough for a debug build reading the sample while the other tests run in parallel
                // on two cores (4 s was not, in CI), and still a limit the run must keep.
                result = try CLI.run(["site", "--kind", "canteen", "--add", "1000000", "--time-limit", "20", "--format", "json"])
            }
            let run = try #require(result)
            #expect(run.status == 0, "\(run.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            if summary["time_limit_reached"] as? Bool == true { #expect(summary["status"] as? String == "feasible") }
            #expect(seconds < 20 + 2, "took \(seconds) s")
        }
    }

    @Suite("Only sites that add something")
    struct UsefulSites {
        @Test("asking for more sites than are useful gives only the useful ones, with either solver")
        func moreThanUseful() throws {
            // Candidates 2 and 3 reach nothing new once 0 and 1 are in (3 duplicates 0; 2 reaches nobody).
            let problem = SitingProblem(weights: [5, 4], reach: [[0], [1], [], [0]])
            for choice in [SolverChoice.exact, .heuristic] {
                let solution = try SitingSolver(problem: problem, objective: .add(4), choice: choice).solve()
                #expect(solution.chosen.count == 2, "\(choice)")
                #expect(solution.gains == [5, 4], "\(choice)")
                #expect(solution.value == 9, "\(choice)")
            }
        }

        @Test("the exact solver's surplus sites are dropped on a random instance too")
        func exactSurplus() throws {
            let problem = randomProblem(groups: 200, candidates: 60, perCandidate: 8, seed: 3)
            let solution = try SitingSolver(problem: problem, objective: .add(60), choice: .exact).solve()
            #expect(solution.gains.allSatisfy { $0 > 0 })
            #expect(solution.value == problem.coveredWeight(0..<problem.candidateCount))
            #expect(solution.chosen.count < 60)
        }

        @Test("with capacities a site that serves no one is dropped")
        func capacitated() throws {
            // Site 1 reaches only group 0, which site 0 serves whole.
            let problem = SitingProblem(weights: [30], reach: [[0], [0]], capacities: [50, 50])
            for choice in [SolverChoice.exact, .heuristic] {
                let solution = try SitingSolver(problem: problem, objective: .add(2), choice: choice).solve()
                #expect(solution.chosen.count == 1 && solution.value == 30, "\(choice)")
            }
        }

        @Test("a site forced by --min-facilities is kept even when it adds no one, and counted as such")
        func forcedWithoutGain() throws {
            // Unit 1's only candidate reaches nobody; unit 0's reaches 5.
            let problem = SitingProblem(weights: [5], reach: [[0], []], candidateUnit: [0, 1])
            for choice in [SolverChoice.exact, .heuristic] {
                let solution = try SitingSolver(problem: problem, objective: .add(3), minimumPerUnit: [0, 1], choice: choice).solve()
                #expect(solution.chosen == [1, 0], "\(choice)")
                #expect(solution.gains == [0, 5], "\(choice)")
                #expect(solution.forcedCount == 1, "\(choice)")
            }
        }

        @Test("the plan counts asked, useful and forced sites; a street with nobody still gets its forced site")
        func planCounts() throws {
            // Street B has no elderly and no canteen: --min-facilities 1 places a site inside it anyway.
            let request = SitingRequest(kind: "canteen", radius: 500, objective: .add(5), minFacilities: 1)
            let plan = try SitePlanner(layers: twoStreets(), request: request).plan()
            #expect(plan.sitesRequested == 6)  // 5 asked + 1 for street B
            #expect(plan.sitesForced == 1)
            #expect(plan.sites.first?.unitCode == "330106002" && plan.sites.first?.forced == true)
            #expect(plan.sites.first?.gain == 0)
            #expect(plan.sitesForcedWithoutGain == 1)
            // far1 and far2 (10 elderly, 50 m apart) need one site; "near" is covered by F1 already.
            #expect(plan.sitesUseful == 1)
            #expect(plan.sites.count == 2)
            #expect(plan.coveredBefore == 10 && plan.coveredAfter == 20)
        }

        @Test("text and JSON say how many sites were asked for and how many are useful")
        func summary() throws {
            let result = try CLI.run(["site", "--kind", "canteen", "--add", "1000000", "--time-limit", "30"])
            #expect(result.status == 0, "\(result.stderr)")
            let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("asked for") })
            #expect(line.hasPrefix("asked for 1000000 site(s); "))
            #expect(line.hasSuffix(" add coverage, the rest would add nothing"))
            let json = try CLI.run(["site", "--kind", "canteen", "--add", "1000000", "--time-limit", "30", "--format", "json"])
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(summary["sites_requested"] as? Int == 1_000_000)
            let useful = try #require(summary["sites_useful"] as? Int)
            #expect(useful == summary["sites_chosen"] as? Int)
            #expect(line.contains("; \(useful) add coverage"))
            let sites = try #require(summary["sites"] as? [[String: Any]])
            #expect(sites.allSatisfy { ($0["gain_elderly"] as? Double ?? 0) > 0 })
            #expect(summary["covered_after"] as? Double == summary["elderly_total"] as? Double)
        }
    }

    @Suite("Properties on seeded random instances")
    struct Properties {
        /// A small instance with empty candidates, duplicates and units, from one seed.
        static func instance(_ seed: UInt64) -> (problem: SitingProblem, minimum: [Int], asked: Int) {
            var state = seed &* 0x9E37_79B9_7F4A_7C15
            func next(_ bound: Int) -> Int {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int(state >> 33) % bound
            }
            let groups = 5 + next(30), candidates = 2 + next(12)
            let reach = (0..<candidates).map { _ in Array(Set((0..<next(6)).map { _ in next(groups) })).sorted() }
            var problem = SitingProblem(
                weights: (0..<groups).map { _ in Double(1 + next(9)) }, reach: reach,
                candidateUnit: (0..<candidates).map { _ in Int32(next(3)) })
            problem.groupUnit = (0..<groups).map { _ in Int32(next(3)) }
            // Now and then one forced site in a unit that has a candidate.
            var minimum = [0, 0, 0]
            if next(4) == 0, let unit = problem.candidateUnit.first { minimum[Int(unit)] = 1 }
            let asked = [1, 2, 5, 50, Int.max][next(5)]
            return (problem, minimum, asked)
        }

        @Test("any request: no site without gain unless forced, gains sum to the value, no more sites than asked")
        func invariants() throws {
            for seed in 0..<300 as Range<UInt64> {
                let (problem, minimum, asked) = Self.instance(seed)
                let choices: [SolverChoice] = seed % 3 == 0 ? [.heuristic, .exact] : [.heuristic]
                var values: [SolverChoice: Double] = [:]
                for choice in choices {
                    let solution = try SitingSolver(problem: problem, objective: .add(asked), minimumPerUnit: minimum, choice: choice).solve()
                    let forced = solution.forcedCount
                    #expect(forced == minimum.reduce(0, +), "seed \(seed) \(choice)")
                    #expect(solution.gains.dropFirst(forced).allSatisfy { $0 > 0 }, "seed \(seed) \(choice): \(solution.gains)")
                    #expect(abs(solution.gains.reduce(0, +) - solution.value) < 1e-9, "seed \(seed) \(choice)")
                    #expect(abs(problem.coveredWeight(solution.chosen) - solution.value) < 1e-9, "seed \(seed) \(choice)")
                    #expect(Set(solution.chosen).count == solution.chosen.count, "seed \(seed) \(choice)")
                    #expect(solution.chosen.count - forced <= asked, "seed \(seed) \(choice)")
                    if let bound = solution.bound { #expect(bound >= solution.value - 1e-6, "seed \(seed) \(choice)") }
                    values[choice] = solution.value
                }
                if let exact = values[.exact], let heuristic = values[.heuristic] {
                    #expect(heuristic <= exact + 1e-9, "seed \(seed)")
                }
            }
        }
    }

    @Suite("Numeric settings have ranges")
    struct Ranges {
        @Test("every numeric flag of site out of range: exit 2 naming the flag and the range", arguments: [
            (["--add", "1000001"], "--add 1000001: must be between 1 and 1000000"),
            (["--add", "1", "--candidate-spacing", "1e-300"], "--candidate-spacing 1e-300: must be between 10 and 100000 metres"),
            (["--add", "1", "--candidate-spacing", "1e300"], "--candidate-spacing 1e+300: must be between 10 and 100000 metres"),
            (["--add", "1", "--candidate-spacing", "nan"], "--candidate-spacing nan: must be between 10 and 100000 metres"),
            (["--min-facilities", "0"], "--min-facilities 0: must be between 1 and 1000"),
            (["--min-facilities", "9223372036854775807"], "--min-facilities 9223372036854775807: must be between 1 and 1000"),
            (["--add", "1", "--turnover", "0"], "--turnover 0: must be between 0.01 and 1000"),
            (["--add", "1", "--turnover", "1e308"], "--turnover 1e+308: must be between 0.01 and 1000"),
            (["--add", "1", "--site-capacity", "inf"], "--site-capacity inf: must be between 1 and 1000000"),
            (["--add", "1", "--time-limit", "0"], "--time-limit 0: must be between 0.1 and 86400 seconds"),
            (["--add", "1", "--time-limit", "1e300"], "--time-limit 1e+300: must be between 0.1 and 86400 seconds"),
            (["--add", "1", "--time-limit", "nan"], "--time-limit nan: must be between 0.1 and 86400 seconds"),
            (["--target-ratio", "nan"], "--target-ratio nan: must be above 0 and at most 1"),
        ])
        func flags(arguments: [String], expected: String) throws {
            let result = try CLI.run(["site", "--kind", "canteen"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }

        @Test("seeded random settings, extremes included: a problem naming the setting, or a plan with sane numbers")
        func randomSettings() throws {
            let extremes: [Double] = [.nan, .infinity, -.infinity, 0, -1, 1e-300, 1e-9, 0.01, 1, 9.99, 10, 250, 1e5, 1e5 + 1, 1e15, 1e300, .greatestFiniteMagnitude]
            let counts = [Int.min, -1, 0, 1, 2, 999, 1000, 1001, 1_000_000, 1_000_001, Int.max]
            var state: UInt64 = 42
            func pick<T>(_ values: [T]) -> T {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return values[Int(state >> 33) % values.count]
            }
            let layers = twoStreets()
            var planned = 0
            for _ in 0..<300 {
                // Each setting sane half the time, so that many requests get through to the planner.
                func either<T>(_ sane: T, _ odd: T) -> T { pick([sane, odd]) }
                let request = SitingRequest(
                    kind: "canteen", radius: either(500, pick(extremes)),
                    objective: pick([.add(either(2, pick(counts))), .targetRatio(either(0.95, pick(extremes)), perUnit: pick([true, false])), .none]),
                    minFacilities: pick([nil, either(1, pick(counts))]), capacity: pick([true, false]), turnover: either(1, pick(extremes)),
                    defaultCapacity: either(100, pick(extremes)), candidateSpacing: pick([nil, either(250, pick(extremes))]),
                    solver: pick(SolverChoice.allCases), timeLimit: either(5, pick(extremes)))
                if let problem = request.problem {
                    #expect(!problem.contains("\n"))
                    #expect(["--", "the radius"].contains { problem.hasPrefix($0) }, "\(problem)")
                    continue
                }
                planned += 1
                do {
                    let plan = try SitePlanner(layers: layers, request: request).plan()
                    #expect(plan.coveredAfter >= plan.coveredBefore && plan.coveredAfter <= plan.totalElderly + 1e-9, "\(request)")
                    #expect(plan.sites.allSatisfy { $0.gain > 0 || $0.forced }, "\(request)")
                } catch let error as SitingError {
                    #expect(!error.message.contains("\n"))
                }
            }
            #expect(planned >= 20)
        }

        @Test("a library caller cannot make the planner trap either")
        func library() {
            let layers = twoStreets()
            for (request, expected) in [
                (SitingRequest(kind: "canteen", radius: 500, objective: .add(1), candidateSpacing: 1e-300), "--candidate-spacing"),
                (SitingRequest(kind: "canteen", radius: .nan, objective: .add(1)), "the radius of canteen nan"),
                (SitingRequest(kind: "canteen", radius: 500, objective: .add(Int.max)), "--add"),
                (SitingRequest(kind: "canteen", radius: 500, objective: .none, minFacilities: Int.max), "--min-facilities"),
                (SitingRequest(kind: "canteen", radius: 500, objective: .add(1), capacity: true, turnover: .infinity), "--turnover"),
                (SitingRequest(kind: "canteen", radius: 500, objective: .targetRatio(.nan, perUnit: false)), "--target-ratio"),
            ] {
                let error = #expect(throws: SitingError.self) { try SitePlanner(layers: layers, request: request).plan() }
                #expect(error?.message.hasPrefix(expected) == true, "\(error?.message ?? "no error")")
            }
            let nanCapacity = [SiteCandidate(id: "X", name: "X", location: Coordinate(120.008, 30.005), capacity: .nan)]
            let error = #expect(throws: SitingError.self) {
                try SitePlanner(layers: layers, candidates: nanCapacity, request: SitingRequest(kind: "canteen", radius: 500, objective: .add(1))).plan()
            }
            #expect(error?.message.hasPrefix("candidate X: capacity nan") == true)
        }

        @Test("the solver takes any count without overflow, and keeps no site the others make redundant")
        func hugeCount() throws {
            // Greedy takes C, A, B; A and B cover everything C does, so C goes.
            for choice in [SolverChoice.heuristic, .exact] {
                let solution = try SitingSolver(problem: greedyTrap(), objective: .add(Int.max), choice: choice).solve()
                #expect(solution.value == 18 && Set(solution.chosen) == [0, 1], "\(choice)")
            }
        }

        @Test("a model too large to hold is refused before memory runs out, with advice")
        func linkLimit() throws {
            var planner = SitePlanner(layers: try SitingTests.Planning().sampleLayers(), request: SitingRequest(kind: "canteen", radius: 500, objective: .add(1), candidateSpacing: 10))
            planner.linkLimit = 10_000
            let error = #expect(throws: SitingError.self) { try planner.plan() }
            #expect(error?.message.hasPrefix("the model would link more than 10000 (elderly, candidate) pairs") == true)
            #expect(error?.message.contains("use a coarser --candidate-spacing than 10 m") == true)
        }
    }

    @Suite("Odd geometry and candidates")
    struct OddInput {
        @Test("units with no rings, no parts or no area are left out with a warning, not a crash")
        func emptyUnits() throws {
            let flat = [Coordinate(120.02, 30.0), Coordinate(120.03, 30.0), Coordinate(120.02, 30.0), Coordinate(120.02, 30.0)]
            let odd = [
                squareUnit("330106003", 0, 0, geometry: .polygon([])),
                squareUnit("330106004", 0, 0, geometry: .multiPolygon([])),
                squareUnit("330106005", 0, 0, geometry: .polygon([flat])),
            ]
            let plan = try SitePlanner(layers: twoStreets(extraUnits: odd), request: SitingRequest(kind: "canteen", radius: 500, objective: .add(2))).plan()
            #expect(plan.sites.count == 1)  // far1 + far2, 50 m apart
            #expect(plan.coveredAfter == 20)
            for code in ["330106003", "330106004", "330106005"] {
                #expect(plan.warnings.contains { $0.hasPrefix("unit \(code) ") && $0.contains("has no area") }, "\(plan.warnings)")
            }
            #expect(plan.units.count == 5)
        }

        @Test("no unit with an area, or a forced site in a unit without one: a one-line error")
        func nothingToPlanIn() throws {
            var layers = twoStreets()
            layers.units = [squareUnit("330106003", 0, 0, geometry: .polygon([]))]
            let error = #expect(throws: SitingError.self) {
                try SitePlanner(layers: layers, request: SitingRequest(kind: "canteen", radius: 500, objective: .add(1))).plan()
            }
            #expect(error?.message == "none of the units has an area: there is nowhere to plan")
            let forced = #expect(throws: SitingError.self) {
                try SitePlanner(
                    layers: twoStreets(extraUnits: [squareUnit("330106003", 0, 0, geometry: .multiPolygon([]))]),
                    request: SitingRequest(kind: "canteen", radius: 500, objective: .none, minFacilities: 1)
                ).plan()
            }
            #expect(forced?.message == "街3 (330106003) has no area: no canteen can be placed in it for --min-facilities")
        }

        @Test("candidates files: each problem is one line naming the file, or a warning", arguments: [
            ("empty.geojson", collection([]), "empty.geojson: the candidates file has no candidates"),
            ("nan.csv", "id,capacity,longitude,latitude\nA,nan,120.008,30.005\n", #"feature 0: candidate A: "capacity" is "nan"; it must be a number from 0 to 1000000000"#),
            ("negative.csv", "id,cost,longitude,latitude\nA,-5,120.008,30.005\n", #"candidate A: "cost" is "-5"; it must be a number from 0 to 1000000000"#),
            ("huge.csv", "id,capacity,longitude,latitude\nA,1e300,120.008,30.005\n", #"candidate A: "capacity" is "1e300""#),
            ("dup.csv", "id,longitude,latitude\nA,120.008,30.005\nA,120.0085,30.005\n", "feature 1: candidate id A is already used by feature 0"),
        ])
        func candidateFiles(name: String, content: String, expected: String) throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let path = try folder.write(name, content)
            let error = #expect(throws: InputError.self) { try SiteCandidate.load(LayerSource(path: path)) }
            #expect(error?.description.hasPrefix(path) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
        }

        @Test("an empty id falls back to the feature number; candidates all outside the units are warned about")
        func idsAndOutside() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let path = try folder.write("c.csv", "id,name,longitude,latitude\n ,东,120.0205,30.005\n")
            let candidates = try SiteCandidate.load(LayerSource(path: path))
            #expect(candidates.map(\.id) == ["C1"])
            // 120.0205 lies east of both streets, 1.2 km from far2: it reaches no one.
            let plan = try SitePlanner(layers: twoStreets(), candidates: candidates, request: SitingRequest(kind: "canteen", radius: 500, objective: .add(1))).plan()
            #expect(plan.warnings.contains { $0.hasPrefix("all 1 candidate(s) lie outside every street") })
            #expect(plan.warnings.contains { $0.hasPrefix("no candidate is within 500 m of an elderly person not yet covered") })
            #expect(plan.sites.isEmpty && plan.sitesRequested == 1 && plan.sitesUseful == 0)
        }
    }
}
