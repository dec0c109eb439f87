import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decodes text files the way they arrive at a Chinese civil-affairs bureau: UTF-8 (with or without
/// the BOM Excel writes) or GB18030/GBK (what Excel on Chinese Windows saves as "CSV").
public enum TextDecoding {
    /// The text of `bytes`: UTF-8 when valid, else GB18030 (a superset of GBK and GB2312).
    public static func decode(_ bytes: [UInt8], file: String) throws(InputError) -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) { return text }
        if let text = gb18030(Array(body)) { return text }
        throw InputError(file: file, message: "text is neither UTF-8 nor GB18030/GBK; save it as UTF-8")
    }

    /// Converts GB18030 bytes with iconv, or returns `nil` when they are not GB18030.
    static func gb18030(_ bytes: [UInt8]) -> String? {
        let converter = iconv_open("UTF-8", "GB18030")
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 16)
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
        guard let produced else { return nil }
        return String(validating: output[..<produced].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
