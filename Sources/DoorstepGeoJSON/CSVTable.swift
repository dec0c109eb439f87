import SwiftCSV

/// A CSV table as text cells: a header and rows, decoded from UTF-8 (with or without BOM) or
/// GB18030/GBK.
///
/// ```swift
/// let table = try CSVTable.read(file: "names.csv")
/// table.rows[0][table.column("name")!]
/// ```
public struct CSVTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public static func read(file path: String) throws(InputError) -> CSVTable {
        let text = try TextDecoding.decode(try GeoJSONReader.readBytes(of: path), file: path)
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(InputError) -> CSVTable {
        let table: EnumeratedCSV
        do {
            table = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw InputError(file: file, message: "not a valid CSV table: \(error)")
        }
        return CSVTable(header: table.header.map { $0.trimmingSpaces() }, rows: table.rows)
    }

    /// The index of the first column whose name (case-insensitive) is one of `names`.
    public func column(_ names: String...) -> Int? {
        let lowered = header.map { $0.lowercased() }
        return names.lazy.compactMap { lowered.firstIndex(of: $0.lowercased()) }.first
    }

    /// The cell, trimmed; `nil` when the row is short.
    public func cell(_ row: [String], _ column: Int?) -> String? {
        guard let column, column < row.count else { return nil }
        return row[column].trimmingSpaces()
    }
}

/// Writing CSV cells that spreadsheets open safely.
public enum CSVCell {
    /// Quotes a cell when needed and defuses formulas: a cell starting with `= + - @` (or a tab or
    /// carriage return) gets a leading `'`, so Excel and LibreOffice show it instead of running it.
    public static func escape(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            text = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
