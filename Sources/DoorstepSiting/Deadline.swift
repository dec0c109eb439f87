/// The moment a siting run must end, on the monotonic clock.
///
/// One deadline is made when the run starts (the CLI makes it before reading the inputs) and handed to
/// every phase, so that `--time-limit` bounds the whole run and not only the solver: model building,
/// greedy, swap search, the bound and CBC each look at the same clock and stop when it has passed.
///
/// ```swift
/// let deadline = Deadline(seconds: 5)
/// while !deadline.hasPassed { … }
/// deadline.secondsLeft  // 0 once passed
/// ```
public struct Deadline: Sendable {
    /// Longer limits are taken as this (31 years): it keeps the clock arithmetic far from overflow.
    static let longest = 1e9

    let end: ContinuousClock.Instant

    /// `seconds` from now; NaN and negative limits count as already passed.
    public init(seconds: Double) {
        let clamped = seconds.isNaN ? 0 : min(max(seconds, 0), Self.longest)
        end = ContinuousClock.now.advanced(by: .nanoseconds(Int64(clamped * 1e9)))
    }

    public var hasPassed: Bool { ContinuousClock.now >= end }

    /// Seconds until the deadline, 0 once it has passed.
    public var secondsLeft: Double {
        let left = ContinuousClock.now.duration(to: end).components
        return max(0, Double(left.seconds) + Double(left.attoseconds) * 1e-18)
    }
}

/// Looks at the clock every `every` calls only, for use in tight loops; once passed, stays passed.
struct DeadlineCheck {
    let deadline: Deadline
    var every = 256
    private var calls = 0
    private(set) var passed = false

    init(_ deadline: Deadline, every: Int = 256) {
        self.deadline = deadline
        self.every = every
    }

    mutating func hasPassed() -> Bool {
        guard !passed else { return true }
        calls += 1
        if calls % every == 0 || calls == 1 { passed = deadline.hasPassed }
        return passed
    }
}
