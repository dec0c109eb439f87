import ArgumentParser
import DoorstepGeoJSON
import Foundation
import Synchronization

struct Doorstep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doorstep",
        abstract: "Elder-care coverage, gaps and place names for city planners (家门口幸福助老).",
        version: "0.4.0",
        subcommands: [Coverage.self, Gaps.self, Access.self, Site.self, Report.self, Network.self, Sample.self, Names.self, Serve.self]
    )
}

/// Keeps memory the run frees for the allocations that follow: a large layer's features are freed
/// once its points are taken, and the next phase's arrays fill the same pages instead of asking the
/// kernel for new ones, each zeroed and faulted in again (a quarter of the time of reading a large
/// demand layer). Arrays up to 32 MB (glibc's limit) come from the heap rather than from mmap.
/// Not for `serve`, which runs for days and should hand back what a large request took.
private func keepFreedMemory() {
    #if os(Linux)
    guard CommandLine.arguments.dropFirst().first != "serve" else { return }
    // <malloc.h>'s M_TRIM_THRESHOLD, M_TOP_PAD and M_MMAP_THRESHOLD (the Glibc module leaves it out).
    _ = mallopt(-3, 32 << 20)
    _ = mallopt(-1, Int32.max)
    _ = mallopt(-2, 64 << 20)
    #endif
}

/// What a command keeps until the process ends. Freeing a city's layers value by value just before
/// exiting (300,000 demand points, each with its id) costs as long as a phase of the analysis; the
/// kernel takes the memory back at once. Commands only: `serve` frees what each request took.
///
/// ```swift
/// HeldUntilExit.hold(layers)
/// ```
enum HeldUntilExit {
    private static let held = Mutex<[any Sendable]>([])

    static func hold(_ value: any Sendable) { held.withLock { $0.append(value) } }
}

#if os(Linux)
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Runs `doorstep`, exiting with 2 for bad usage (as `check` promises), 1 for other failures.
@main
enum Main {
    static func main() {
        keepFreedMemory()
        do {
            var command = try Doorstep.parseAsRoot()
            try command.run()
        } catch {
            let code = Doorstep.exitCode(for: error)
            if code == .validationFailure {
                // ArgumentParser quotes the value it refuses as given: the message's control characters
                // (an ESC sequence, a line break in a mistyped id) are escaped; the usage lines stay.
                let message = Doorstep.message(for: error)
                let full = Doorstep.fullMessage(for: error)
                    .replacingOccurrences(of: message, with: message.unicodeScalars.map(InputError.escaped).joined())
                FileHandle.standardError.write(Data((full + "\n").utf8))
                exit(2)
            }
            Doorstep.exit(withError: error)
        }
    }
}
