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
