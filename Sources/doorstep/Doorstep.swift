import ArgumentParser

@main
struct Doorstep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doorstep",
        abstract: "Elder-care coverage, gaps and siting for city planners (家门口幸福助老).",
        version: "0.1.0",
        subcommands: [Coverage.self, Gaps.self, Sample.self]
    )
}
