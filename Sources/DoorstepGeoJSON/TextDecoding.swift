import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decodes text files the way they arrive at a Chinese civil-affairs bureau: UTF-8 (with or without
/// the BOM Excel writes) or GB18030/GBK (what Excel on Chinese Windows saves as "CSV").
public enum TextDecoding {
    /// The text of `bytes`: UTF-8 when valid, else GB18030 (a superset of GBK and GB2312).
    ///
    /// Refused: UTF-16/UTF-32 and NUL bytes, and a file whose lines mix the two encodings (some lines
    /// UTF-8 Chinese, others GBK, as when ledgers from two offices are pasted together): read whole
    /// as either, part of it would be garbled without a word.
    public static func decode(_ bytes: [UInt8], file: String, encoding: String? = nil) throws(InputError) -> String {
        if let encoding { return try decode(bytes, file: file, as: encoding) }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let wide = wideEncoding(body) {
            throw InputError(file: file, message: "text is \(wide), not UTF-8 or GB18030/GBK; save it as UTF-8")
        }
        if let nul = body.firstIndex(of: 0) {
            throw InputError(file: file, location: "line \(line(of: nul, in: body))", message: "a NUL byte in the text (is the file binary?)")
        }
        if let text = String(validating: body, as: UTF8.self) { return text }
        let lines = lineRanges(body)
        let firstNotUTF8 = lines.firstIndex { String(validating: body[$0], as: UTF8.self) == nil }
        if let firstNotUTF8, let utf8Line = lines.firstIndex(where: { looksLikeUTF8Chinese(body[$0]) }) {
            throw InputError(
                file: file, location: "line \(firstNotUTF8 + 1)",
                message: "mixed encodings: this line is not UTF-8, but line \(utf8Line + 1) is UTF-8 Chinese; save the whole file in one encoding (UTF-8)")
        }
        if let text = gb18030(Array(body)) { return text }
        let at = firstNotUTF8.map { " (line \($0 + 1) is not UTF-8)" } ?? ""
        throw InputError(file: file, message: "text is neither UTF-8 nor GB18030/GBK\(at); save it as UTF-8")
    }

    /// The text of `bytes` in the encoding the user named (`--encoding GBK`), whatever they look like.
    public static func decode(_ bytes: [UInt8], file: String, as encoding: String) throws(InputError) -> String {
        let converted: [UInt8]?
        do { converted = try convert(bytes, from: encoding, to: "UTF-8") } catch {
            throw InputError(file: file, message: "unknown text encoding \(InputError.quoted(encoding)) (try UTF-8, GBK, GB18030 or BIG5)")
        }
        guard let converted, var text = String(validating: converted, as: UTF8.self) else {
            throw InputError(file: file, message: "text is not valid \(InputError.quoted(encoding))")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    /// "UTF-16" or "UTF-32" when the bytes start with that byte-order mark or with NUL bytes.
    static func wideEncoding(_ bytes: ArraySlice<UInt8>) -> String? {
        let head = Array(bytes.prefix(4))
        if head.starts(with: [0xFF, 0xFE, 0, 0]) || head.starts(with: [0, 0, 0xFE, 0xFF]) { return "UTF-32" }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { return "UTF-16" }
        if head.count >= 2, head[0] == 0 || head[1] == 0 { return "UTF-16 or UTF-32" }
        return nil
    }

    /// The 1-based line of the byte at `index`.
    static func line(of index: Int, in bytes: ArraySlice<UInt8>) -> Int {
        1 + bytes[bytes.startIndex..<index].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// The ranges of the lines of `bytes`, without their line breaks.
    static func lineRanges(_ bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == 0x0A {
            ranges.append(start..<index)
            start = index + 1
        }
        if start < bytes.endIndex { ranges.append(start..<bytes.endIndex) }
        return ranges
    }

    /// Whether a line is valid UTF-8 holding at least two CJK ideographs and no other non-ASCII
    /// characters than CJK ones and their punctuation. GBK text passes this by chance almost never:
    /// its bytes would have to line up as 3-byte UTF-8 sequences that all land in those blocks.
    static func looksLikeUTF8Chinese(_ line: ArraySlice<UInt8>) -> Bool {
        guard line.contains(where: { $0 >= 0x80 }), let text = String(validating: line, as: UTF8.self) else { return false }
        var ideographs = 0
        for scalar in text.unicodeScalars where scalar.value >= 0x80 {
            switch scalar.value {
            case 0x4E00...0x9FFF: ideographs += 1
            case 0x3000...0x303F, 0xFF00...0xFFEF, 0x2010...0x201F, 0x00B7: break
            default: return false
            }
        }
        return ideographs >= 2
    }

    /// Converts GB18030 bytes with iconv, or returns `nil` when they are not GB18030.
    static func gb18030(_ bytes: [UInt8]) -> String? {
        guard let utf8 = (try? convert(bytes, from: "GB18030", to: "UTF-8")) ?? nil else { return nil }
        return String(validating: utf8, as: UTF8.self)
    }

    /// iconv has no converter between the two encodings.
    public struct ConverterUnavailable: Error {}

    /// `bytes` converted between encodings with iconv, or `nil` when they do not convert (wholly).
    public static func convert(_ bytes: [UInt8], from source: String, to target: String) throws(ConverterUnavailable) -> [UInt8]? {
        let converter = iconv_open(target, source)
        guard converter != iconv_t(bitPattern: -1) else { throw ConverterUnavailable() }
        defer { iconv_close(converter) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 16)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        return produced.map { output[..<$0].map { UInt8(bitPattern: $0) } }
    }
}
