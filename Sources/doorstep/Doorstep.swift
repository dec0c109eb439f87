import ArgumentParser
import DoorstepGeoJSON
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
