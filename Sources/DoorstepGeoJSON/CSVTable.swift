import Foundation

/// A CSV table as text cells: a header and rows, decoded from UTF-8 (with or without BOM) or
/// GB18030/GBK.
///
/// The reader is strict (RFC 4180, comma-separated), so that a broken file is refused with its line
/// instead of being read wrongly: an unclosed quote, a quote inside an unquoted cell, text after a
/// closing quote, or a row with more cells than the header is an error naming the physical line
/// where the row starts. Rows with fewer cells are allowed (`cell` gives `nil` for the missing ones);
/// blank rows are skipped.
///
/// ```swift
/// let table = try CSVTable.read(file: "names.csv")
/// table.rows[0][table.column("name")!]
/// table.line(ofRow: 0)  // 2, or later when blank lines or multi-line cells come first
/// ```
public struct CSVTable: Sendable {
    public var header: [String]
    public var rows: [[String]]
    /// For each row, the 1-based line of the file on which it starts.
    public var rowLines: [Int]

    public init(header: [String], rows: [[String]], rowLines: [Int]? = nil) {
        self.header = header
        self.rows = rows
        self.rowLines = rowLines ?? rows.indices.map { $0 + 2 }
    }

    /// The table of a CSV file, decoded as UTF-8 or GB18030 (see ``TextDecoding``) or, when
    /// `encoding` names one (`--encoding`), as that.
    public static func read(file path: String, encoding: String? = nil) throws(InputError) -> CSVTable {
        let text = try TextDecoding.decode(try GeoJSONReader.readBytes(of: path), file: path, encoding: encoding)
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(InputError) -> CSVTable {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(InputError) in
            var scanner = CSVScanner(bytes: buffer, file: file)
            return try scanner.table()
        }
    }

    /// The 1-based line of the file on which row `index` starts.
    public func line(ofRow index: Int) -> Int {
        index < rowLines.count ? rowLines[index] : index + 2
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

/// A strict RFC 4180 reader over UTF-8 bytes that counts physical lines for its errors.
private struct CSVScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    var position = 0
    var line = 1

    static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
    static let space = UInt8(ascii: " "), tab: UInt8 = 0x09

    init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    func error(_ line: Int, _ message: String) -> InputError {
        InputError(file: file, location: "line \(line)", message: message)
    }

    var atEnd: Bool { position >= bytes.count }

    mutating func table() throws(InputError) -> CSVTable {
        var header: [String]?
        var rows: [[String]] = []
        var rowLines: [Int] = []
        while let (start, cells) = try row() {
            guard let header else {
                let names = cells.map { $0.trimmingSpaces() }
                var seen: [String: Int] = [:]
                for (index, name) in names.enumerated() where !name.isEmpty {
                    if let first = seen[name] {
                        throw error(start, "the column name \"\(InputError.quoted(name))\" appears twice (columns \(first + 1) and \(index + 1))")
                    }
                    seen[name] = index
                }
                header = names
                continue
            }
            var cells = cells
            if cells.count > header.count {
                // Trailing empty cells (a spreadsheet's stray commas) carry nothing; text would be lost.
                guard cells[header.count...].allSatisfy({ $0.trimmingSpaces().isEmpty }) else {
                    throw error(start, "the row has \(cells.count) cells but the header has \(header.count) columns (a comma inside a cell needs quotes around the cell)")
                }
                cells.removeSubrange(header.count...)
            }
            rows.append(cells)
            rowLines.append(start)
        }
        guard let header else { throw InputError(file: file, message: "is empty; a CSV table needs a header line") }
        return CSVTable(header: header, rows: rows, rowLines: rowLines)
    }

    /// The next non-blank row and the line it starts on, or `nil` at the end.
    mutating func row() throws(InputError) -> (Int, [String])? {
        while !atEnd {
            let start = line
            var cells: [String] = []
            while true {
                cells.append(try cell(rowStart: start))
                if atEnd { break }
                let byte = bytes[position]
                position += 1
                if byte == Self.comma {
                    if atEnd { cells.append("") }
                    continue
                }
                // A line break: CRLF, LF, or a lone CR (old Mac spreadsheets).
                if byte == Self.cr, !atEnd, bytes[position] == Self.lf { position += 1 }
                line += 1
                break
            }
            if cells.allSatisfy({ $0.trimmingSpaces().isEmpty }) { continue }
            return (start, cells)
        }
        return nil
    }

    /// One cell, up to (not including) the comma or line break after it.
    mutating func cell(rowStart: Int) throws(InputError) -> String {
        var i = position
        while i < bytes.count, bytes[i] == Self.space || bytes[i] == Self.tab { i += 1 }
        guard i < bytes.count, bytes[i] == Self.quote else { return try unquoted() }
        let opened = line
        position = i + 1
        var text: [UInt8] = []
        var breakSeen = false
        var commaAfterBreak = false
        var closed = false
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case Self.quote:
                if position < bytes.count, bytes[position] == Self.quote {
                    text.append(Self.quote)
                    position += 1
                    continue
                }
                closed = true
            case Self.lf:
                line += 1
                breakSeen = true
            case Self.cr:
                if !(position < bytes.count && bytes[position] == Self.lf) { line += 1 }
                breakSeen = true
            case Self.comma:
                if breakSeen { commaAfterBreak = true }
            case 0:
                throw error(line, "a NUL byte in the text (is the file binary or UTF-16?)")
            default:
                break
            }
            if closed { break }
            text.append(byte)
        }
        guard closed else {
            throw error(rowStart, "a quoted cell opened on line \(opened) is never closed (a \" is missing)")
        }
        if commaAfterBreak {
            // A multi-line cell is legal, but one holding what look like whole rows is nearly always a
            // missing closing quote that swallowed the rows after it.
            throw error(
                rowStart,
                "a quoted cell runs from line \(opened) to line \(line) and holds commas after a line break; is a closing \" missing on line \(opened)? (a cell meant to span lines must not contain commas after a line break)")
        }
        while position < bytes.count, bytes[position] == Self.space || bytes[position] == Self.tab { position += 1 }
        if position < bytes.count, bytes[position] != Self.comma, bytes[position] != Self.lf, bytes[position] != Self.cr {
            throw error(line, "text after the closing quote of a cell (a \" inside a quoted cell is written \"\")")
        }
        return String(decoding: text, as: UTF8.self)
    }

    mutating func unquoted() throws(InputError) -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == Self.comma || byte == Self.lf || byte == Self.cr { break }
            if byte == Self.quote {
                throw error(line, "a \" inside a cell that does not start with one (quote the whole cell and double the \": \"a \"\"b\"\" c\")")
            }
            if byte == 0 { throw error(line, "a NUL byte in the text (is the file binary or UTF-16?)") }
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }
}

/// Writing CSV cells that spreadsheets open safely.
public enum CSVCell {
    /// Quotes a cell when needed and defuses formulas: a cell starting with `= + - @` (or a tab or
    /// carriage return) gets a leading `'`, so Excel and LibreOffice show it instead of running it.
    public static func escape(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        // A leading U+FEFF would read as a byte-order mark at the start of a file: quoted, it stays.
        if text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
            || text.unicodeScalars.first == "\u{FEFF}"
        {
            // Scalars, not Characters: a quote followed by a combining mark is one Character, still a quote.
            var quoted = String.UnicodeScalarView()
            quoted.append("\"")
            for scalar in text.unicodeScalars {
                if scalar == "\"" { quoted.append("\"") }
                quoted.append(scalar)
            }
            quoted.append("\"")
            text = String(quoted)
        }
        return text
    }
}
