import DoorstepCoverage
import DoorstepGeometry

/// A place where a new facility could go.
public struct SiteCandidate: Sendable, Equatable {
    public var id: String
    public var name: String
    /// WGS84 longitude/latitude.
    public var location: Coordinate
    /// Seats (or beds); `nil` uses the request's default.
    public var capacity: Double?
    public var cost: Double?

    public init(id: String, name: String, location: Coordinate, capacity: Double? = nil, cost: Double? = nil) {
        self.id = id
        self.name = name
        self.location = location
        self.capacity = capacity
        self.cost = cost
    }
}

/// What `doorstep site` is asked.
public struct SitingRequest: Sendable {
    public var kind: String
    public var radius: Double
    public var objective: Objective
    /// Every unit of `level` must hold this many facilities of the kind (existing + new).
    public var minFacilities: Int?
    public var level: UnitLevel
    /// Capacity-aware coverage: a site serves at most capacity × turnover elderly.
    public var capacity: Bool
    public var turnover: Double
    /// Capacity of a generated candidate, or of one without a `capacity`.
    public var defaultCapacity: Double
    /// Grid spacing for generated candidates; `nil` is R/2.
    public var candidateSpacing: Double?
    public var solver: SolverChoice
    /// Seconds the whole plan may take, from the start of `plan()` (or from `deadline`'s making).
    public var timeLimit: Double
    /// When the run must end; the CLI makes it before reading the inputs so that the reading counts
    /// too. `nil`: `timeLimit` from the start of `plan()`.
    public var deadline: Deadline?
    /// Straight line or walking on a street network: the same model `coverage` measures with.
    public var distanceModel: DistanceModel

    public enum Objective: Sendable, Equatable {
        case add(Int)
        case targetRatio(Double, perUnit: Bool)
        /// Only the `--min-facilities` rule.
        case none
    }

    public init(
        kind: String, radius: Double, objective: Objective, minFacilities: Int? = nil, level: UnitLevel = .street,
        capacity: Bool = false, turnover: Double = 1, defaultCapacity: Double = 100, candidateSpacing: Double? = nil,
        solver: SolverChoice = .auto, timeLimit: Double = 60, deadline: Deadline? = nil, distanceModel: DistanceModel = .straightLine
    ) {
        self.kind = kind
        self.radius = radius
        self.objective = objective
        self.minFacilities = minFacilities
        self.level = level
        self.capacity = capacity
        self.turnover = turnover
        self.defaultCapacity = defaultCapacity
        self.candidateSpacing = candidateSpacing
        self.solver = solver
        self.timeLimit = timeLimit
        self.deadline = deadline
        self.distanceModel = distanceModel
    }

    /// The range of each numeric setting, with the flag that sets it: far beyond any plan, and inside
    /// what the arithmetic takes (a 10 m grid over a 100 km city is 10⁸ cells at most, capacity ×
    /// turnover stays finite, counts stay far from overflow). The CLI checks the same ranges.
    public static let addRange = SettingRange<Int>("--add", 1...1_000_000)
    public static let minFacilitiesRange = SettingRange<Int>("--min-facilities", 1...1_000)
    public static let candidateSpacingRange = SettingRange<Double>("--candidate-spacing", 10...100_000, unit: "metres")
    public static let turnoverRange = SettingRange<Double>("--turnover", 0.01...1_000)
    public static let siteCapacityRange = SettingRange<Double>("--site-capacity", 1...1_000_000)
    public static let timeLimitRange = SettingRange<Double>("--time-limit", 0.1...86_400, unit: "seconds")
    /// A candidate's own capacity or cost (0 allowed: a site with no room serves no one).
    public static let candidateNumberRange = 0.0...1_000_000_000.0

    /// What is wrong with the request's numbers, naming the flag and the range; nil when nothing is.
    public var problem: String? {
        var problems: [String?] = [
            CoverageSettings.radiusRange.problem(with: radius, naming: "the radius of \(kind)"),
            candidateSpacing.flatMap { Self.candidateSpacingRange.problem(with: $0) },
            minFacilities.flatMap { Self.minFacilitiesRange.problem(with: $0) },
            Self.turnoverRange.problem(with: turnover),
            Self.siteCapacityRange.problem(with: defaultCapacity),
            Self.timeLimitRange.problem(with: timeLimit),
        ]
        switch objective {
        case .add(let n): problems.append(Self.addRange.problem(with: n))
        case .targetRatio(let ratio, _) where !(ratio > 0 && ratio <= 1):
            problems.append("--target-ratio \(ratio): must be above 0 and at most 1")
        default: break
        }
        return problems.lazy.compactMap { $0 }.first
    }

    /// Refuses values that would make the arithmetic trap or the answer meaningless, in one line.
    public func validate() throws(SitingError) {
        if let problem { throw SitingError(problem) }
    }

    /// 100000 rather than 100000.0 or 1e+05.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// A chosen site with what it brings.
public struct ChosenSite: Sendable, Equatable {
    public var rank: Int
    public var candidate: SiteCandidate
    public var gain: Double
    public var cumulativeCovered: Double
    public var coverageRatioAfter: Double?
    public var unitCode: String?
    public var unitName: String?
    /// Placed to meet `--min-facilities` in its unit (then kept even when it adds nobody).
    public var forced = false
}

/// Coverage of one unit before and after the new sites.
public struct UnitChange: Sendable, Equatable {
    public var code: String
    public var name: String
    public var total: Double
    public var before: Double
    public var after: Double
}

/// The answer of `doorstep site`.
public struct SitingPlan: Sendable {
    public var sites: [ChosenSite]
    public var totalElderly: Double
    public var coveredBefore: Double
    public var coveredAfter: Double
    public var units: [UnitChange]
    public var solution: SitingSolution
    public var candidateCount: Int
    public var generatedCandidates: Bool
    public var warnings: [String]
    public var request: SitingRequest
    /// Sites asked for: `--add N` plus those `--min-facilities` needs; nil for a target ratio, where
    /// the count is the answer.
    public var sitesRequested: Int?
    /// How many of the sites need to be there for `--min-facilities`.
    public var sitesForced: Int

    /// Sites that add coverage; the rest (forced ones in units where all are covered) add nobody.
    public var sitesUseful: Int { sites.filter { $0.gain > GreedySolver.nothing }.count }
    /// Forced sites that add nobody: there only for `--min-facilities`.
    public var sitesForcedWithoutGain: Int { sites.filter { $0.forced && $0.gain <= GreedySolver.nothing }.count }
}
