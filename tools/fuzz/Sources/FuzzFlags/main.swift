import DoorstepCoverage
import DoorstepGeometry

/// Any text as the numeric flags of `coverage`, `gaps` and `report` (one value per line: `--radius`
/// entry, `--min-ratio`, `--min-facilities`, `--min-area`), parsed as the CLI parses them: either a
/// one-line usage problem naming the flag, or values that run the coverage model and the gap list on a
/// small city to the end with sane numbers — never a trap on 1e308, NaN or an overflow.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFlags(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let values = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    func value(_ index: Int) -> String? { index < values.count ? values[index] : nil }

    var settings = CoverageSettings(kinds: ["canteen"], levels: [.street])
    var targets = GapTargets()
    do {
        if let entry = value(0) {
            let (kind, metres) = try CoverageSettings.radiusOverride(entry)
            settings.radii[kind] = metres
            settings.kinds = [kind]
        }
    } catch {
        checkMessage(error.message, flag: "--radius")
        return 0
    }
    // ArgumentParser reads numbers with Double(_:) and Int(_:); what they refuse never reaches us.
    if let ratio = value(1).flatMap(Double.init) { targets.minRatio = ratio }
    if let count = value(2).flatMap({ Int($0) }) { targets.minFacilities = count }
    if let area = value(3).flatMap(Double.init) { targets.minAreaM2 = area }
    if let problem = targets.problem {
        checkMessage(problem, flag: "--min-")
        return 0
    }
    do {
        let assessment = try CoverageModel.assess(smallCity(), settings: settings, withParts: true)
        for row in assessment.rows {
            precondition(row.elderlyCovered <= row.elderlyTotal && row.elderlyCovered >= 0, "covered outside 0…total: \(row)")
            precondition(row.uncoveredAreaM2.isFinite && row.uncoveredAreaM2 >= 0, "uncovered area \(row.uncoveredAreaM2)")
        }
        let gaps = GapList(assessment, targets: targets)
        precondition(gaps.areaGaps.allSatisfy { $0.part.areaM2 >= targets.minAreaM2 }, "a part below --min-area")
    } catch let error as CoverageError {
        // Kinds with no default radius are refused by name; nothing else may fail.
        precondition(error.message.contains("has no default radius"), "unexpected: \(error.message)")
    } catch {
        fatalError("unexpected error: \(error)")
    }
    return 0
}

func checkMessage(_ message: String, flag: String) {
    precondition(message.hasPrefix(flag), "the problem does not name the flag: \(message.debugDescription)")
    precondition(
        !message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "the problem has a control character: \(message.debugDescription)")
}

/// Two streets of about 1 km² with residents and a canteen. Built per input: a global holding indirect
/// enums looks leaked to LeakSanitizer (Swift tags those pointers).
func smallCity() -> Layers {
    func square(_ x: Double, _ y: Double) -> GeometryValue {
        .polygon([[.init(x, y), .init(x + 0.01, y), .init(x + 0.01, y + 0.01), .init(x, y + 0.01), .init(x, y)]])
    }
    return Layers(
        units: [
            PlanningUnit(code: "330106001", name: "甲", level: .street, geometry: square(120.00, 30.00)),
            PlanningUnit(code: "330106002", name: "乙", level: .street, geometry: square(120.01, 30.00)),
        ],
        facilities: [
            Facility(id: "C1", name: "食堂", kind: "canteen", capacity: 80, location: .init(120.001, 30.005)),
            Facility(id: "D1", name: "日照", kind: "day-care", location: .init(120.015, 30.002)),
        ],
        demand: (0..<50).map { DemandPoint(id: "\($0)", elderly: 1, location: .init(120 + 0.0004 * Double($0), 30.005)) })
}

/// SwiftPM links an executable's entry point under this name (and points `main` at it); hand the
/// process to libFuzzer's driver from here.
@_cdecl("FuzzFlags_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzFlags)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32
