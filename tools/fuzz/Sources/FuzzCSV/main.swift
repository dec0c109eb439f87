import DoorstepGeoJSON

/// Any bytes as a CSV file, decoded (UTF-8 or GB18030) and read as a table and as points: either a
/// table whose every row fits the header, or an `InputError` of one line naming the file — never a
/// crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let text = try TextDecoding.decode(bytes, file: "fuzz.csv")
        let table = try CSVTable.parse(text, file: "fuzz.csv")
        precondition(table.rows.count == table.rowLines.count, "a row without its line")
        var previous = 1
        for (row, line) in zip(table.rows, table.rowLines) {
            precondition(row.count <= table.header.count, "a row longer than the header")
            precondition(line > previous, "row lines do not increase: \(line) after \(previous)")
            previous = line
        }
        if CSVPointReader.hasCoordinates(table) {
            do {
                let points = try CSVPointReader.points(table, file: "fuzz.csv")
                for feature in points.features {
                    guard case .point(let c) = feature.geometry, c.x.isFinite, c.y.isFinite else {
                        fatalError("a point that is not finite")
                    }
                }
            } catch {
                check(error)
            }
        }
        // What CSVCell writes must read back as the same cells (with the formula-defusing ' where
        // the first scalar is = + - @).
        let cells = table.header.filter { !$0.isEmpty }
        if !cells.isEmpty, Set(cells).count == cells.count {
            let line = cells.map(CSVCell.escape).joined(separator: ",") + "\n"
            let expected = cells.map { cell in
                let first = cell.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false
                return (first ? "'" + cell : cell).trimmingSpaces()
            }
            // A header cell holding a line break and a comma after it is refused by design.
            if Set(expected).count == expected.count, let back = try? CSVTable.parse(line, file: "back.csv") {
                precondition(back.header == expected, "CSVCell.escape does not read back: \(cells) → \(back.header)")
            }
        }
    } catch {
        check(error)
    }
    return 0
}

func check(_ error: InputError) {
    let text = error.description
    if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
        fatalError("error message has a control character: \(text.debugDescription)")
    }
    if !text.hasPrefix("fuzz.csv: ") { fatalError("error does not name the file: \(text.debugDescription)") }
    if text.utf8.count > 2_000 { fatalError("error message is \(text.utf8.count) bytes long") }
}

/// SwiftPM links an executable's entry point under this name (and points `main` at it); hand the
/// process to libFuzzer's driver from here.
@_cdecl("FuzzCSV_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzCSV)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32
