import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import Testing

/// A fresh temporary folder, removed by the caller with `cleanup()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "doorstep-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
        return file(name)
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
        return file(name)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

enum Paths {
    /// The package root, from this file's location.
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let sample = package + "/geodata/sample"
    /// The shared real Hangzhou data, beside the checkout.
    static let hangzhou = URL(fileURLWithPath: package).deletingLastPathComponent().appendingPathComponent("shared/geodata/hangzhou").path
    static var hangzhouAvailable: Bool { FileManager.default.fileExists(atPath: hangzhou + "/districts-2021-gcj02.geojson") }
}

/// A GeoJSON FeatureCollection from features written by hand.
func collection(_ features: [String]) -> String {
    #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}"
}

func pointFeature(_ x: Double, _ y: Double, _ properties: String) -> String {
    #"{"type":"Feature","properties":{\#(properties)},"geometry":{"type":"Point","coordinates":[\#(x),\#(y)]}}"#
}

func polygonFeature(_ ring: [(Double, Double)], _ properties: String) -> String {
    let coordinates = ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
    return #"{"type":"Feature","properties":{\#(properties)},"geometry":{"type":"Polygon","coordinates":[[\#(coordinates)]]}}"#
}

/// The result of running the built `doorstep` binary.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    /// The `doorstep` executable built beside the test bundle.
    static var executable: String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = exe.deletingLastPathComponent()
        // On Linux the tests run from <build>/debug/DoorstepPackageTests.xctest.
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("doorstep").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return Paths.package + "/.build/debug/doorstep"
    }

    static func run(_ arguments: [String], in directory: String? = nil) throws -> CommandResult {
        try runProcess(executable, arguments, in: directory ?? Paths.package)
    }

    /// Starts `doorstep` in the background, its output discarded.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// Runs a program to its end, collecting what it printed.
func runProcess(_ path: String, _ arguments: [String], in directory: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting: a full pipe would block the child.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// Runs a program from the system (ogrinfo), or returns nil when it is not installed.
func runSystem(_ program: String, _ arguments: [String]) throws -> CommandResult? {
    let candidates = ["/usr/bin/\(program)", "/usr/local/bin/\(program)"]
    guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    return try runProcess(path, arguments)
}

/// A small deterministic random generator (SplitMix64) for seeded test data.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Headless Chromium, as the pages' tests drive it.
enum Chromium {
    /// The page at `url` after its scripts ran (`budget` milliseconds of virtual time), and the
    /// console's errors. Chromium is part of the setup: missing, the test fails rather than skips.
    static func render(_ url: String, budget: Int = 15_000) throws -> (dom: String, console: [String]) {
        let profile = try TemporaryFolder()
        defer { profile.cleanup() }
        let run = try #require(
            try runSystem(
                "chromium",
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile.path,
                    "--enable-logging=stderr", "--v=0", "--virtual-time-budget=\(budget)", "--dump-dom", url,
                ]), "chromium is not installed")
        #expect(run.status == 0, "\(run.stderr)")
        let console = run.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }.map(String.init)
        return (run.stdout, console)
    }
}

/// Functions resolved at run time (GDAL, PROJ, CBC) compared with the ones the linker finds, the test
/// target linking those libraries: that a linked function converts to the resolved one's type at
/// all is the compiler's check of the signature.
struct LinkedFunctions {
    /// Per member of the table, whether it is the linked function.
    private(set) var checked: [String: Bool] = [:]

    mutating func check<F>(_ member: String, _ linked: F, _ resolved: F) {
        checked[member] = unsafeBitCast(linked, to: UnsafeRawPointer.self) == unsafeBitCast(resolved, to: UnsafeRawPointer.self)
    }

    /// Expects every function checked to be the linked one, and every member of `table` to be checked
    /// (a function added to the table must be added to its test too).
    func expectComplete(_ table: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(checked.filter { !$0.value }.keys.sorted() == [], "resolved to another function than the linked one", sourceLocation: sourceLocation)
        #expect(Set(Mirror(reflecting: table).children.compactMap(\.label)) == Set(checked.keys), sourceLocation: sourceLocation)
    }
}
