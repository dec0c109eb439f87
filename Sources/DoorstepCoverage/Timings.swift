import Foundation
import Synchronization

/// Where a run's time went, phase by phase (`--timings`): what to optimise next. Phases met several
/// times (one per 3° zone) add up; the summary lists them in the order first met.
///
/// ```swift
/// let timings = Timings()
/// let layers = try timings.measure("read") { try loader.load(...) }
/// print(timings.summary)   // read 0.584 s, project 0.031 s, … ; peak memory 147 MiB
/// ```
public final class Timings: Sendable, Equatable {
    private let phases = Mutex<[(name: String, seconds: Double)]>([])

    public init() {}

    /// Runs `body`, adding its wall time to `phase`.
    public func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let started = ContinuousClock.now
        defer { add(phase, ContinuousClock.now - started) }
        return try body()
    }

    public func add(_ phase: String, _ duration: Duration) {
        let (whole, fraction) = duration.components
        let seconds = Double(whole) + Double(fraction) / 1e18
        phases.withLock { phases in
            if let index = phases.firstIndex(where: { $0.name == phase }) { phases[index].seconds += seconds } else { phases.append((phase, seconds)) }
        }
    }

    /// "read 0.584 s, project 0.031 s, …; peak memory 147 MiB".
    public var summary: String {
        let listed = phases.withLock { $0.map { String(format: "%@ %.3f s", $0.name, $0.seconds) } }
        return listed.joined(separator: ", ") + "; peak memory \(Self.peakMemoryMiB()) MiB"
    }

    /// The most memory the process has held (resident set), in MiB.
    public static func peakMemoryMiB() -> Int {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return usage.ru_maxrss / 1024  // kilobytes on Linux
    }

    public static func == (lhs: Timings, rhs: Timings) -> Bool { lhs === rhs }
}

/// Runs `body`, timed as `phase` when there is a recorder.
@inline(__always)
func timed<T>(_ timings: Timings?, _ phase: String, _ body: () throws -> T) rethrows -> T {
    guard let timings else { return try body() }
    return try timings.measure(phase, body)
}
