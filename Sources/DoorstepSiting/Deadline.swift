import Synchronization

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
    /// Someone else may end the run early (the server's `DELETE` of a job): then the deadline has passed.
    let cancellation: Cancellation?

    /// `seconds` from now; NaN and negative limits count as already passed.
    public init(seconds: Double, cancellation: Cancellation? = nil) {
        let clamped = seconds.isNaN ? 0 : min(max(seconds, 0), Self.longest)
        end = ContinuousClock.now.advanced(by: .nanoseconds(Int64(clamped * 1e9)))
        self.cancellation = cancellation
    }

    public var hasPassed: Bool { cancellation?.isCancelled == true || ContinuousClock.now >= end }

    /// Seconds until the deadline, 0 once it has passed.
    public var secondsLeft: Double {
        if cancellation?.isCancelled == true { return 0 }
        let left = ContinuousClock.now.duration(to: end).components
        return max(0, Double(left.seconds) + Double(left.attoseconds) * 1e-18)
    }
}

/// A flag that ends a run's ``Deadline`` at once, from another thread.
///
/// ```swift
/// let cancellation = Cancellation()
/// let deadline = Deadline(seconds: 60, cancellation: cancellation)
/// cancellation.cancel()   // deadline.hasPassed is now true; every phase stops at its next look
/// ```
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() { flag.store(true, ordering: .releasing) }

    public var isCancelled: Bool { flag.load(ordering: .acquiring) }
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
