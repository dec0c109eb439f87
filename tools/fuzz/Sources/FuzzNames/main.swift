import DoorstepGeometry
import DoorstepNames
import Foundation

/// A registry with a few places for the proposed names to collide with, made once per process.
nonisolated(unsafe) let registry: Registry = {
    let path = NSTemporaryDirectory() + "doorstep-fuzz-names-\(getpid()).sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    do {
        let registry = try Registry(path: path)
        let places: [(String, String, String)] = [
            ("文三路", "road", "330106"), ("文一西路", "road", "330106"), ("中山北路", "road", "330105"),
            ("西溪花园", "residential", "330106"), ("古荡社区", "community", "330106"), ("翠苑街道", "town", "330106"),
        ]
        let types = try registry.types()
        for (name, type, district) in places where types[type] != nil {
            _ = try registry.create(PlaceDraft(name: name, type: type, district: district), action: "create", actor: "fuzz")
        }
        return registry
    } catch {
        fatalError("cannot set up the fuzzing registry: \(error)")
    }
}()

let typeNames: [String] = (try? registry.types().keys.sorted()) ?? ["road"]

/// Any bytes as a proposed name: the first byte picks the place type, the rest up to a line break is
/// the name (decoded as UTF-8, invalid bytes replaced), and a second line, when there is one, is the
/// district code. `check` must return a report or throw an error of one line — never crash or hang;
/// run with `-timeout` so that a rule that is not linear in the name's length shows up.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNames(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let type = typeNames[Int(bytes[0]) % typeNames.count]
    let rest = Array(bytes[1...])
    let lines = rest.split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: false)
    let name = lines.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
    let district = lines.count > 1 ? String(decoding: lines[1], as: UTF8.self) : "330106"
    do {
        let report = try registry.check(NameProposal(name: name, type: type, district: district))
        for finding in report.findings where finding.message.contains("\n") {
            fatalError("a finding's message has a line break: \(finding.message.debugDescription)")
        }
    } catch {
        let text = "\(error)"
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) || text.contains("\n") {
            fatalError("error message is not one clean line: \(text.debugDescription)")
        }
    }
    return 0
}

/// SwiftPM links an executable's entry point under this name (and points `main` at it); hand the
/// process to libFuzzer's driver from here.
@_cdecl("FuzzNames_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzNames)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32
