import ArgumentParser
import Foundation

struct Doorstep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doorstep",
        abstract: "Elder-care coverage, gaps and place names for city planners (家门口幸福助老).",
        version: "0.4.0",
        subcommands: [Coverage.self, Gaps.self, Access.self, Site.self, Report.self, Network.self, Sample.self, Names.self, Serve.self]
    )
}

/// Runs `doorstep`, exiting with 2 for bad usage (as `check` promises), 1 for other failures.
@main
enum Main {
    static func main() {
        do {
            var command = try Doorstep.parseAsRoot()
            try command.run()
        } catch {
            let code = Doorstep.exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((Doorstep.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            Doorstep.exit(withError: error)
        }
    }
}
