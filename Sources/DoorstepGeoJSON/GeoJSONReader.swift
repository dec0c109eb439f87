import DoorstepGeometry
import Foundation
import Synchronization

/// Reads GeoJSON FeatureCollections with a byte-level parser built for large files: coordinates go
/// straight into ``Coordinate`` arrays without an intermediate JSON tree.
///
/// ```swift
/// let units = try GeoJSONReader.read(file: "units.geojson")
/// units.features[0].properties["code"]  // .string("330106001")
/// ```
public enum GeoJSONReader {
    /// Reads and parses a file. Errors name the file and the feature. With `pointColumns`, a layer of
    /// plain Point features comes as columns of those properties (``FeatureCollection/points``).
    public static func read(file path: String, pointColumns: [String]? = nil) throws(InputError) -> FeatureCollection {
        try FileInput.withRegularFile(path) { bytes throws(InputError) in
            try parse(bytes, file: path, parallelAbove: Parser.defaultParallelThreshold, pointColumns: pointColumns)
        }
    }

    /// Parses GeoJSON text; `file` names the source in errors.
    public static func parse(_ bytes: [UInt8], file: String, pointColumns: [String]? = nil) throws(InputError) -> FeatureCollection {
        try parse(bytes, file: file, parallelAbove: Parser.defaultParallelThreshold, pointColumns: pointColumns)
    }

    /// Parses with the features array split between cores when more than `parallelAbove` bytes of
    /// it remain: for tests and fuzzing, which check that the parallel path (normally above 4 MB)
    /// gives what the sequential one gives, on small inputs; and, with `onePass` false, without the
    /// one-pass reading of plain Point features, which must give what the general path gives.
    @_spi(Testing)
    public static func parse(
        _ bytes: [UInt8], file: String, parallelAbove: Int, workers: Int? = nil, onePass: Bool = true, pointColumns: [String]? = nil
    ) throws(InputError) -> FeatureCollection {
        try bytes.withUnsafeBufferPointer { buffer throws(InputError) in
            try parse(buffer, file: file, parallelAbove: parallelAbove, workers: workers, onePass: onePass, pointColumns: pointColumns)
        }
    }

    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, parallelAbove: Int, workers: Int? = nil, onePass: Bool = true, pointColumns: [String]?
    ) throws(InputError) -> FeatureCollection {
        var parser = Parser(bytes, file: file)
        parser.parallelThreshold = parallelAbove
        parser.workers = workers
        parser.onePass = onePass
        parser.pointFields = onePass ? pointColumns : nil
        return try parser.featureCollection()
    }

    /// The bytes of a file, or an error that says the file is missing, unreadable or not a regular
    /// file (a folder, a device such as `/dev/zero`, a pipe), checked before reading so a device
    /// never hangs the reader or fills memory.
    public static func readBytes(of path: String) throws(InputError) -> [UInt8] {
        try FileInput.readRegularFile(path)
    }
}

/// The file's bytes, read (never written) by several parsing workers at once.
private struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
}

/// Coordinates as nested arrays, before the geometry type says what they mean.
private enum Nested {
    case position(Coordinate)
    case list([Nested])
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    var position = 0
    var featureIndex: Int?
    /// How many arrays, objects and geometries the parser is inside: bounded by ``maxDepth`` so that
    /// hostile nesting gets an error instead of overflowing the stack.
    var depth = 0
    /// Files with more bytes of features than this are parsed on all cores.
    var parallelThreshold = Parser.defaultParallelThreshold
    /// How many chunks the parallel path makes; `nil` for one per core (at most 8).
    var workers: Int?
    /// Whether plain Point features are read in one pass (``plainPointFeature()``); off only in tests.
    var onePass = true
    /// The properties to give as columns when every feature is a plain Point (``pointColumns(_:)``).
    var pointFields: [String]?

    /// Deeper nesting than any real GeoJSON needs (a MultiPolygon's coordinates are 4 levels; a
    /// feature sits 2 levels down), and shallow enough for the parallel workers' stacks.
    static let maxDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>, file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    // MARK: Errors

    func fail(_ message: String) -> InputError {
        if let featureIndex { return .feature(featureIndex, in: file, message) }
        return InputError(file: file, location: "line \(line)", message: message)
    }

    var line: Int { 1 + bytes[0..<min(position, bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

    @inline(never)
    func syntaxError(_ expected: String) -> InputError {
        let at = featureIndex == nil ? "" : " (line \(line))"
        return fail("not valid JSON: expected \(expected), found \(foundHere)\(at)")
    }

    /// The byte at the current position for messages: a printable character in quotes, or its code.
    var foundHere: String {
        guard position < bytes.count else { return "end of file" }
        let byte = bytes[position]
        if byte == 0 { return "a NUL byte (is the file UTF-16?)" }
        if (0x21..<0x7F).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + Self.hex2(byte)
    }

    static func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }

    /// Enters an array, object or geometry, or fails when that is nested deeper than ``maxDepth``.
    mutating func enter() throws(InputError) {
        guard depth < Self.maxDepth else {
            throw fail("nested too deeply (more than \(Self.maxDepth) levels of arrays and objects)")
        }
        depth += 1
    }

    // MARK: Lexing

    /// JSON's white space, skipped as the one-pass ``Cursor`` skips it.
    mutating func skipSpace() {
        var cursor = Cursor(bytes, at: position)
        cursor.skipSpace()
        position = cursor.offset(in: bytes)
    }

    mutating func peek() -> UInt8? {
        skipSpace()
        return position < bytes.count ? bytes[position] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: StaticString) throws(InputError) {
        guard peek() == byte else { throw syntaxError("\(what)") }
        position += 1
    }

    /// Consumes `byte` when it comes next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    mutating func string() throws(InputError) -> String {
        switch try token() {
        case .ascii(let raw): String(decoding: raw, as: UTF8.self)
        case .text(let text): text
        }
    }

    /// A string, left as its bytes in the file when it is plain ASCII (no escapes): GeoJSON's own
    /// member and type names are then compared without making a String, which every feature's
    /// "type", "geometry" and "coordinates" would otherwise cost.
    mutating func token() throws(InputError) -> Token {
        try expect(UInt8(ascii: "\""), "a string")
        let start = position
        var hasEscapes = false
        var nonASCII = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                position += 1
            } else if byte < 0x20 {
                throw fail("not valid JSON: a control character (0x\(Self.hex2(byte))) inside a string; write it as an escape")
            } else if byte >= 0x80 {
                nonASCII = true
            }
            position += 1
        }
        guard position < bytes.count else { throw fail("not valid JSON: a string is not closed") }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1
        if hasEscapes { return .text(try unescape(raw)) }
        guard nonASCII else { return .ascii(raw) }
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw fail("text is not UTF-8; save the file as UTF-8 (GeoJSON requires it)")
        }
        return .text(text)
    }

    /// The text of a member GeoJSON expects a string in ("type"), as a token; any other JSON value as
    /// its text (for the message that says it is not the expected name), `nil` for `null`.
    mutating func nameToken() throws(InputError) -> Token? {
        if peek() == UInt8(ascii: "\"") { return try token() }
        return try value().textValue.map(Token.text)
    }

    /// The value of four hex digits, or `nil`.
    static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32? {
        guard i + 4 <= raw.count else { return nil }
        var value: UInt32 = 0
        for byte in raw[i..<(i + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(InputError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func append(_ scalar: Unicode.Scalar, _ out: inout [UInt8]) {
            UTF8.encode(scalar) { out.append($0) }
        }
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < raw.count else { out.append(byte); i += 1; continue }
            let code = raw[i + 1]
            i += 2
            switch code {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(code)
            case UInt8(ascii: "u"):
                guard let value = Self.hex4(raw, i) else { throw fail("not valid JSON: a \\u escape needs four hex digits") }
                i += 4
                switch value {
                case 0xD800..<0xDC00:
                    // A high surrogate counts only with a low one right after it.
                    guard i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                        let low = Self.hex4(raw, i + 2), (0xDC00..<0xE000).contains(low),
                        let scalar = Unicode.Scalar(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00))
                    else {
                        throw fail("a string has a lone surrogate escape \\u\(String(value, radix: 16, uppercase: true)) (half a character; not valid Unicode)")
                    }
                    i += 6
                    append(scalar, &out)
                case 0xDC00..<0xE000:
                    throw fail("a string has a lone surrogate escape \\u\(String(value, radix: 16, uppercase: true)) (half a character; not valid Unicode)")
                default:
                    guard let scalar = Unicode.Scalar(value) else { throw fail("not valid JSON: bad \\u escape") }
                    append(scalar, &out)
                }
            default:
                let shown = (0x21..<0x7F).contains(code) ? String(Character(Unicode.Scalar(code))) : "(byte 0x\(Self.hex2(code)))"
                throw fail("not valid JSON: unknown escape \\\(shown) in a string")
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw fail("text is not UTF-8; save the file as UTF-8 (GeoJSON requires it)")
        }
        return text
    }

    /// A number in the form nearly all take (see ``Cursor/number()``); `nil`, with the position
    /// unchanged, for anything else, which ``number()`` then reads or explains.
    @inline(__always)
    mutating func plainNumber() -> Double? {
        var cursor = Cursor(bytes, at: position)
        guard let value = cursor.number() else { return nil }
        position = cursor.offset(in: bytes)
        return value
    }

    /// A number: the plain form directly; longer mantissas and exponents through Swift's parser;
    /// anything else explained (NaN and Infinity are not JSON).
    mutating func number() throws(InputError) -> Double {
        if let value = plainNumber() { return value }
        skipSpace()
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        var integerDigits = 0
        while position < bytes.count, bytes[position] &- 0x30 < 10 { position += 1; integerDigits += 1 }
        guard integerDigits > 0 else {
            if let word = wordAhead(), ["NaN", "Infinity", "-Infinity", "nan", "inf"].contains(word) {
                throw fail("coordinate or number is \(word); only finite numbers are allowed")
            }
            throw syntaxError("a number")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var fractionDigits = 0
            while position < bytes.count, bytes[position] &- 0x30 < 10 { position += 1; fractionDigits += 1 }
            guard fractionDigits > 0 else { throw syntaxError("a digit after the decimal point") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            var exponentDigits = 0
            while position < bytes.count, bytes[position] &- 0x30 < 10 { position += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { throw syntaxError("a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw fail("number \(InputError.quoted(text, limit: 40)) is out of range")
        }
        return value
    }

    /// The letters ahead, to explain NaN/Infinity, which are not JSON.
    mutating func wordAhead() -> String? {
        var end = position
        while end < bytes.count, end - position < 16,
            (bytes[end] | 0x20) >= UInt8(ascii: "a") && (bytes[end] | 0x20) <= UInt8(ascii: "z") || bytes[end] == UInt8(ascii: "-")
        {
            end += 1
        }
        return end > position ? String(decoding: bytes[position..<end], as: UTF8.self) : nil
    }

    mutating func literal(_ word: String) throws(InputError) {
        for byte in word.utf8 {
            guard position < bytes.count, bytes[position] == byte else { throw syntaxError(word) }
            position += 1
        }
    }

    mutating func value() throws(InputError) -> JSONValue {
        switch peek() {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return .object(try object())
        case UInt8(ascii: "["):
            try enter()
            position += 1
            var items: [JSONValue] = []
            if !consume(UInt8(ascii: "]")) {
                repeat { items.append(try value()) } while consume(UInt8(ascii: ","))
                try expect(UInt8(ascii: "]"), "',' or ']'")
            }
            depth -= 1
            return .array(items)
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"):
            if wordAhead() == "nan" { _ = try number() }
            try literal("null"); return .null
        default: return .number(try number())
        }
    }

    /// An object; a key given twice is an error (which of the two counts is not agreed between readers).
    mutating func object() throws(InputError) -> JSONObject {
        try enter()
        var object = JSONObject(reservingCapacity: 4)
        var seen = Set<String>()
        try members { parser, token throws(InputError) in
            let key = token.text
            let value = try parser.value()
            // Few keys: a scan is cheaper than hashing; many: a set keeps hostile objects linear.
            let isNew: Bool
            if object.entries.count < 16 {
                // Lengths first: comparing two short strings is a call, comparing counts is not.
                let length = key.utf8.count
                isNew = !object.entries.contains { $0.key.utf8.count == length && $0.key == key }
            } else {
                if seen.isEmpty { seen = Set(object.keys) }
                isNew = seen.insert(key).inserted
            }
            guard isNew else { throw parser.fail("an object has the key \"\(InputError.quoted(key))\" twice") }
            object.appendUnchecked(key, value)
        }
        depth -= 1
        return object
    }

    /// Walks the members of an object, handing each key to `body`, which must consume the value.
    mutating func members(_ body: (inout Parser, Token) throws(InputError) -> Void) throws(InputError) {
        try expect(UInt8(ascii: "{"), "'{'")
        if consume(UInt8(ascii: "}")) { return }
        repeat {
            let key = try token()
            try expect(UInt8(ascii: ":"), "':'")
            try body(&self, key)
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"), "',' or '}'")
    }

    mutating func skipValue() throws(InputError) { _ = try value() }

    /// Records that `key` was seen in an object, failing when it was seen before.
    @inline(__always)
    func once(_ key: Token, _ seen: inout Bool, in what: StaticString) throws(InputError) {
        guard !seen else { throw twice(key.text, in: what) }
        seen = true
    }

    @inline(never)
    func twice(_ key: String, in what: StaticString) -> InputError {
        fail("\(what) has the member \"\(key)\" twice")
    }

    // MARK: GeoJSON

    mutating func featureCollection() throws(InputError) -> FeatureCollection {
        if let encoding = Self.wideEncoding(bytes) {
            throw InputError(file: file, message: "text is \(encoding), not UTF-8; save the file as UTF-8 (GeoJSON requires it)")
        }
        guard peek() == UInt8(ascii: "{") else {
            if position >= bytes.count { throw InputError(file: file, message: "is empty, expected a GeoJSON FeatureCollection") }
            throw InputError(file: file, message: "is not JSON: a GeoJSON FeatureCollection starts with '{'")
        }
        var type: Token?
        var features: [Feature]?
        var points: PointColumns?
        var epsg: Int?
        var seenType = false, seenFeatures = false, seenCRS = false
        try members { parser, key throws(InputError) in
            switch key {
            case "type":
                try parser.once(key, &seenType, in: "the FeatureCollection")
                type = try parser.nameToken()
            case "features":
                try parser.once(key, &seenFeatures, in: "the FeatureCollection")
                if let fields = parser.pointFields, let columns = parser.pointColumns(fields) {
                    points = columns
                    features = []
                } else {
                    features = try parser.features()
                }
            case "crs":
                try parser.once(key, &seenCRS, in: "the FeatureCollection")
                epsg = try parser.crs()
            default:
                try parser.skipValue()
            }
        }
        guard peek() == nil else { throw syntaxError("end of file after the FeatureCollection") }
        guard let type, "FeatureCollection" ~= type else {
            throw InputError(
                file: file,
                message: "is not a GeoJSON FeatureCollection (its \"type\" is \(type.map { "\"\(InputError.quoted($0.text))\"" } ?? "missing"))")
        }
        guard let features else { throw InputError(file: file, message: "FeatureCollection has no \"features\" array") }
        var collection = FeatureCollection(features: features, declaredEPSG: epsg)
        collection.points = points
        return collection
    }

    /// "UTF-16" or "UTF-32" when the bytes start with such a byte-order mark or with NUL bytes (which
    /// no JSON text has), else `nil`.
    static func wideEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let head = Array(bytes.prefix(4))
        if head.starts(with: [0xFF, 0xFE, 0, 0]) || head.starts(with: [0, 0, 0xFE, 0xFF]) { return "UTF-32" }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { return "UTF-16" }
        if head.count == 4, head[1] == 0, head[2] == 0 || head[0] == 0 && head[1] == 0 { return "UTF-32" }
        if head.count >= 2, head[0] == 0 || head[1] == 0 { return "UTF-16" }
        return nil
    }

    /// The EPSG code of an old-style `{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}}`.
    ///
    /// A `crs` member that is there but names no code is an error: read as longitude/latitude, data in
    /// a projected system would land in the wrong place without a word.
    mutating func crs() throws(InputError) -> Int? {
        let start = position
        let member = try value()
        if member == .null { return nil }
        guard case .object(let crs) = member, case .object(let properties)? = crs["properties"],
            let name = properties["name"]?.textValue
        else {
            position = start
            throw fail("the \"crs\" member is not of the form {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:…\"}}; remove it or name an EPSG code")
        }
        guard let code = CRSName.epsgCode(in: name) else {
            position = start
            throw fail("the \"crs\" member names \"\(InputError.quoted(name))\", not an EPSG code; remove it or name one (e.g. \"EPSG:4549\")")
        }
        return code
    }

    mutating func features() throws(InputError) -> [Feature] {
        try expect(UInt8(ascii: "["), "an array of features")
        if bytes.count - position > parallelThreshold { return try parallelFeatures() }
        var features: [Feature] = []
        if consume(UInt8(ascii: "]")) { return features }
        try continueFeatures(&features)
        return features
    }

    /// Parses features one after another up to the array's closing bracket, numbering them on from
    /// those already in `features`.
    mutating func continueFeatures(_ features: inout [Feature]) throws(InputError) {
        repeat {
            featureIndex = features.count
            features.append(try feature())
        } while consume(UInt8(ascii: ","))
        featureIndex = nil
        try expect(UInt8(ascii: "]"), "',' or ']' after a feature")
    }

    /// Files with more bytes of features than this are parsed on all cores by default.
    static let defaultParallelThreshold = 4 << 20

    /// How many chunks the features array is parsed in: one per core, at most 8.
    var workerCount: Int { max(1, workers ?? min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    /// Where each of `workers` chunks of the rest of the features array starts (guessed, see
    /// ``guessFeatureStart(after:)``), the first at the current position.
    func chunkStarts(workers: Int) -> [Int] {
        var splits = [position]
        for w in 1..<max(workers, 1) {
            let target = position + (bytes.count - position) * w / workers
            if let guess = guessFeatureStart(after: max(target, (splits.last ?? position) + 1)) { splits.append(guess) }
        }
        return splits
    }

    /// Where a chunk of the features array may start: the first `,` followed by `{` after `offset`.
    /// Only a guess (it could sit inside nested properties); ``parallelFeatures()`` checks it.
    func guessFeatureStart(after offset: Int) -> Int? {
        var i = offset
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: ",") {
                var j = i + 1
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x0A || bytes[j] == 0x0D || bytes[j] == 0x09 { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "{") { return j }
            }
            i += 1
        }
        return nil
    }

    /// Parses the features array (just opened) in chunks, one per core.
    ///
    /// Chunk boundaries are guessed; each chunk is parsed up to the next guess, and the parse of the
    /// chunk before must end exactly there for the guess to count. When it does not, the rest is
    /// parsed sequentially from where the last good chunk ended, so the result and any error are the
    /// same as a sequential parse.
    mutating func parallelFeatures() throws(InputError) -> [Feature] {
        let splits = chunkStarts(workers: workerCount)
        struct Chunk: Sendable {
            var features = MovableBuffer<Feature>()
            /// Where the parse stopped: the start of the first feature at or past the next split, or
            /// the closing bracket of the array.
            var end = 0
            var closed = false
            var error: InputError?
        }
        let shared = SharedBytes(bytes: bytes)
        let file = self.file, onePass = self.onePass
        let boundaries = splits
        let chunks = Mutex([Chunk](repeating: Chunk(), count: splits.count))
        DispatchQueue.concurrentPerform(iterations: splits.count) { w in
            var parser = Parser(shared.bytes, file: file)
            parser.onePass = onePass
            parser.position = boundaries[w]
            let limit = w + 1 < boundaries.count ? boundaries[w + 1] : Int.max
            var chunk = Chunk()
            do throws(InputError) {
                if w == 0, parser.consume(UInt8(ascii: "]")) {
                    chunk.closed = true
                } else {
                    while true {
                        parser.featureIndex = chunk.features.count
                        chunk.features.append(try parser.feature())
                        if parser.consume(UInt8(ascii: ",")) {
                            parser.skipSpace()
                            if parser.position >= limit { break }
                            continue
                        }
                        try parser.expect(UInt8(ascii: "]"), "',' or ']' after a feature")
                        chunk.closed = true
                        break
                    }
                }
            } catch {
                chunk.error = error
            }
            chunk.end = parser.position
            chunks.withLock { $0[w] = chunk }
        }
        var good: [MovableBuffer<Feature>] = []
        var closedAt: Int?
        for (w, chunk) in chunks.withLock({ $0 }).enumerated() {
            if chunk.error != nil {
                // Re-parse this chunk alone, so the error reads exactly as a sequential parse gives it.
                position = splits[w]
                break
            }
            good.append(chunk.features)
            if chunk.closed {
                closedAt = chunk.end
                break
            }
            if w + 1 < splits.count, chunk.end == splits[w + 1] { continue }
            // A wrong guess: carry on alone from where this chunk really ended.
            position = chunk.end
            break
        }
        var features = MovableBuffer.joined(good)
        if let closedAt {
            position = closedAt
            return features
        }
        try continueFeatures(&features)
        return features
    }

    mutating func feature() throws(InputError) -> Feature {
        if onePass, let feature = plainPointFeature() { return feature }
        guard peek() == UInt8(ascii: "{") else {
            throw position >= bytes.count ? syntaxError("a feature") : fail("is not a GeoJSON Feature object: expected '{', found \(foundHere)")
        }
        var type: Token?
        var id: JSONValue?
        var geometry: GeometryValue?
        var sawGeometry = false
        var properties = JSONObject()
        var seenType = false, seenID = false, seenProperties = false
        try members { parser, key throws(InputError) in
            switch key {
            case "type":
                try parser.once(key, &seenType, in: "the feature")
                type = try parser.nameToken()
            case "id":
                try parser.once(key, &seenID, in: "the feature")
                id = try parser.value()
            case "geometry":
                try parser.once(key, &sawGeometry, in: "the feature")
                geometry = try parser.geometry()
            case "properties":
                try parser.once(key, &seenProperties, in: "the feature")
                switch parser.peek() {
                case UInt8(ascii: "n"): try parser.literal("null")
                case UInt8(ascii: "{"): properties = try parser.object()
                default: throw parser.fail("\"properties\" is not an object")
                }
            default: try parser.skipValue()
            }
        }
        guard let type, "Feature" ~= type else {
            throw fail("is not a Feature (its \"type\" is \(type.map { "\"\(InputError.quoted($0.text))\"" } ?? "missing"))")
        }
        guard sawGeometry else { throw fail("has no \"geometry\" member") }
        return Feature(id: id, geometry: geometry, properties: properties)
    }

    // MARK: The common feature in one pass

    /// The feature nearly every demand and facility layer is made of — a Point with flat properties
    /// (strings, numbers, booleans, null), names and texts without escapes — read in one
    /// pass with a ``Cursor``, without the general machinery, which costs several times as much per
    /// feature; `nil`, with the position unchanged, for anything else (an `id`, another geometry,
    /// nesting, escapes, a member twice, an error), which ``feature()`` then reads the
    /// general way, with its messages.
    mutating func plainPointFeature() -> Feature? {
        var cursor = Cursor(bytes, at: position)
        var properties = JSONObject(reservingCapacity: 4)
        guard let point = cursor.plainPointFeature(properties: &properties) else { return nil }
        position = cursor.offset(in: bytes)
        return Feature(geometry: .point(point), properties: properties)
    }

    /// The features array (not yet opened) as columns of `fields`, when it holds at least one feature
    /// and every feature is one ``plainPointFeature()`` takes; else `nil`, with the position unchanged,
    /// and ``features()`` reads it. Parsed in chunks on all cores above ``parallelThreshold``; a chunk
    /// that does not end exactly where the next begins (a wrong guess) also gives `nil`.
    mutating func pointColumns(_ fields: [String]) -> PointColumns? {
        let start = position
        guard fields.count <= 32, consume(UInt8(ascii: "[")) else { return nil }
        let splits = chunkStarts(workers: bytes.count - position > parallelThreshold ? workerCount : 1)
        struct Chunk: Sendable {
            let locations = MovableBuffer<Coordinate>()
            /// The values of all fields, point after point (one local buffer spares a retain and a
            /// release per value that an array of buffers costs).
            let values = MovableBuffer<JSONValue?>()
            /// Where the chunk ended, and whether it ended the array: `nil` when a feature was not plain.
            var end: (offset: Int, closed: Bool)?
        }
        let shared = SharedBytes(bytes: bytes)
        let chunks = Mutex([Chunk?](repeating: nil, count: splits.count))
        DispatchQueue.concurrentPerform(iterations: splits.count) { w in
            var chunk = Chunk()
            var cursor = Cursor(shared.bytes, at: splits[w])
            var picker = FieldPicker(fields)
            var template: FeatureTemplate?
            // A feature no template can be made of (property names in other scripts): the one pass reads this chunk.
            var learns = true
            // One row of values, moved into the chunk after each templated feature.
            let row = UnsafeMutableBufferPointer<JSONValue?>.allocate(capacity: fields.count)
            row.initialize(repeating: nil)
            defer {
                row.deinitialize()
                row.deallocate()
            }
            let limit = w + 1 < splits.count ? splits[w + 1] : Int.max
            while true {
                cursor.skipSpace()
                if let point = template?.read(&cursor, values: row) {
                    chunk.locations.append(point)
                    for f in row.indices {
                        chunk.values.append(row.moveElement(from: f))
                        row.initializeElement(at: f, to: nil)
                    }
                } else {
                    let start = cursor.offset(in: shared.bytes)
                    guard let point = cursor.plainPointFeature(properties: &picker) else { break }
                    chunk.locations.append(point)
                    picker.moveValues(into: chunk.values)
                    if learns {
                        template = FeatureTemplate(UnsafeBufferPointer(rebasing: shared.bytes[start..<cursor.offset(in: shared.bytes)]), fields: fields)
                        learns = template != nil
                    }
                    if chunk.locations.count == 1 {
                        // Room for as many features as the chunk holds of this one's length, and a tenth more.
                        let length = max(cursor.offset(in: shared.bytes) - start, 32)
                        let expected = (min(limit, shared.bytes.count) - start) / length * 11 / 10 + 64
                        chunk.locations.reserve(expected)
                        chunk.values.reserve(expected * fields.count)
                    }
                }
                if cursor.take(UInt8(ascii: ",")) {
                    cursor.skipSpace()
                    guard cursor.offset(in: shared.bytes) >= limit else { continue }
                    chunk.end = (cursor.offset(in: shared.bytes), false)
                } else if cursor.take(UInt8(ascii: "]")) {
                    chunk.end = (cursor.offset(in: shared.bytes), true)
                }
                break
            }
            chunks.withLock { $0[w] = chunk }
        }
        // Every chunk but the last ends where the next starts; the last closes the array.
        let parsed = chunks.withLock { $0 }.compactMap { $0 }
        for (w, chunk) in parsed.enumerated() {
            let isLast = w == splits.count - 1
            guard let end = chunk.end, end.closed == isLast, isLast || end.offset == splits[w + 1] else {
                position = start
                return nil
            }
            if isLast { position = end.offset }
        }
        guard parsed.count == splits.count else {
            position = start
            return nil
        }
        return PointColumns(
            fields: fields, locations: MovableBuffer.joined(parsed.map(\.locations)),
            values: MovableBuffer.columns(parsed.map(\.values), count: fields.count))
    }

    mutating func geometry() throws(InputError) -> GeometryValue? {
        switch peek() {
        case UInt8(ascii: "n"): try literal("null"); return nil
        case UInt8(ascii: "{"): break
        case nil: throw syntaxError("a geometry")
        default: throw fail("\"geometry\" is neither an object nor null")
        }
        try enter()
        defer { depth -= 1 }
        var type: Token?
        var coordinates: Nested?
        var parts: [GeometryValue]?
        var seenType = false, seenCoordinates = false, seenGeometries = false
        try members { parser, key throws(InputError) in
            switch key {
            case "type":
                try parser.once(key, &seenType, in: "a geometry")
                type = try parser.nameToken()
            case "coordinates":
                try parser.once(key, &seenCoordinates, in: "a geometry")
                guard parser.peek() == UInt8(ascii: "[") else {
                    let found = try parser.value()
                    throw parser.fail("\"coordinates\" is \(found == .null ? "null" : "not an array"); a feature without geometry has \"geometry\": null")
                }
                coordinates = try parser.nested(level: 1)
            case "geometries":
                try parser.once(key, &seenGeometries, in: "a geometry")
                try parser.expect(UInt8(ascii: "["), "an array of geometries")
                var list: [GeometryValue] = []
                if !parser.consume(UInt8(ascii: "]")) {
                    repeat {
                        guard let part = try parser.geometry() else { throw parser.fail("GeometryCollection holds a null geometry") }
                        list.append(part)
                    } while parser.consume(UInt8(ascii: ","))
                    try parser.expect(UInt8(ascii: "]"), "',' or ']'")
                }
                parts = list
            default: try parser.skipValue()
            }
        }
        guard let type else { throw fail("geometry has no \"type\"") }
        if "GeometryCollection" ~= type {
            guard let parts else { throw fail("GeometryCollection has no \"geometries\"") }
            return .geometryCollection(parts)
        }
        guard let coordinates else {
            guard Self.geometryTypes.contains(type.text) else { throw fail("unknown geometry type \"\(InputError.quoted(type.text))\"") }
            throw fail("\(type.text) has no \"coordinates\"")
        }
        return try build(type, coordinates)
    }

    /// No coordinate system has coordinates this large (metres on a national grid stay below 1e8);
    /// beyond it, GEOS and the writer would work with overflowing numbers.
    static let maxCoordinate = 1e9

    static let geometryTypes: Set<String> = [
        "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection",
    ]

    /// Coordinates `level` arrays deep (1 for the outermost); GeoJSON needs at most 4.
    mutating func nested(level: Int) throws(InputError) -> Nested {
        guard level <= 4 else { throw fail("coordinates are nested too deeply (GeoJSON needs at most 4 levels of arrays)") }
        try expect(UInt8(ascii: "["), "a coordinate array")
        switch peek() {
        case UInt8(ascii: "["), UInt8(ascii: "]"):
            var items: [Nested] = []
            if consume(UInt8(ascii: "]")) { return .list(items) }
            repeat { items.append(try nested(level: level + 1)) } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"), "',' or ']' in coordinates")
            return .list(items)
        default:
            let x = try number()
            if peek() == UInt8(ascii: "]") { throw fail("a position has 1 number, it needs 2 (longitude and latitude)") }
            try expect(UInt8(ascii: ","), "a second number in a position")
            let y = try number()
            // Altitude is ignored; a fourth number is as far as GeoJSON positions go in practice (M).
            var extra = 0
            while consume(UInt8(ascii: ",")) {
                extra += 1
                guard extra <= 2 else { throw fail("a position has more than 4 numbers") }
                _ = try number()
            }
            try expect(UInt8(ascii: "]"), "']' after a position")
            guard abs(x) <= Self.maxCoordinate, abs(y) <= Self.maxCoordinate else {
                throw fail("position [\(x), \(y)] is out of range for any coordinate system (beyond ±1e9)")
            }
            return .position(Coordinate(x, y))
        }
    }

    func build(_ token: Token, _ nested: Nested) throws(InputError) -> GeometryValue {
        func position(_ n: Nested) throws(InputError) -> Coordinate {
            switch n {
            case .position(let c): return c
            case .list(let items) where items.isEmpty: throw fail("\(token.text) has an empty position ([]), a position needs 2 numbers")
            case .list: throw fail("\(token.text) coordinates are nested too deeply")
            }
        }
        func positions(_ n: Nested) throws(InputError) -> [Coordinate] {
            guard case .list(let items) = n else { throw fail("\(token.text) coordinates are not nested deeply enough") }
            var result: [Coordinate] = []
            result.reserveCapacity(items.count)
            for item in items { result.append(try position(item)) }
            return result
        }
        func list(_ n: Nested) throws(InputError) -> [Nested] {
            guard case .list(let items) = n else { throw fail("\(token.text) coordinates are not nested deeply enough") }
            return items
        }
        func line(_ n: Nested) throws(InputError) -> [Coordinate] {
            let line = try positions(n)
            guard line.count >= 2 else { throw fail("\(token.text) has a line of \(line.count) position\(line.count == 1 ? "" : "s"), a line needs at least 2") }
            return line
        }
        func ring(_ n: Nested) throws(InputError) -> [Coordinate] {
            let ring = try positions(n)
            guard ring.count >= 4 else {
                throw fail("\(token.text) ring has \(ring.count) positions, a closed ring needs at least 4")
            }
            guard ring.first == ring.last else { throw fail("\(token.text) ring is not closed (first and last positions differ)") }
            return ring
        }
        func rings(_ n: Nested) throws(InputError) -> [[Coordinate]] {
            var result: [[Coordinate]] = []
            for item in try list(n) { result.append(try ring(item)) }
            return result
        }
        switch token {
        case "Point": return .point(try position(nested))
        case "MultiPoint": return .multiPoint(try positions(nested))
        case "LineString":
            // An empty geometry ("coordinates": []) is allowed, as RFC 7946 allows it.
            if case .list(let items) = nested, items.isEmpty { return .lineString([]) }
            return .lineString(try line(nested))
        case "MultiLineString":
            var lines: [[Coordinate]] = []
            for item in try list(nested) { lines.append(try line(item)) }
            return .multiLineString(lines)
        case "Polygon": return .polygon(try rings(nested))
        case "MultiPolygon":
            var polygons: [[[Coordinate]]] = []
            for (index, item) in try list(nested).enumerated() {
                let polygon = try rings(item)
                guard !polygon.isEmpty else { throw fail("MultiPolygon part \(index + 1) has no rings") }
                polygons.append(polygon)
            }
            return .multiPolygon(polygons)
        default: throw fail("unknown geometry type \"\(InputError.quoted(token.text))\"")
        }
    }
}

/// Elements one parsing worker appends, then moved (not copied) into the one array of the file:
/// copying 300,000 features out of the workers' arrays retained and released each of them, a tenth
/// of the time of the parse.
final class MovableBuffer<Element>: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity = 256
    private(set) var count = 0

    init() { storage = .allocate(capacity: capacity) }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func append(_ element: consuming Element) {
        if count == capacity { reserve(2 * capacity) }
        (storage + count).initialize(to: element)
        count += 1
    }

    /// Room for `minimum` elements in all, made at once: growing by doubling moves every element
    /// once more on average.
    func reserve(_ minimum: Int) {
        guard minimum > capacity else { return }
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: minimum)
        larger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity = minimum
    }

    /// Buffers of rows of `count` elements each, split into `count` columns of all rows in order;
    /// the buffers are left empty.
    static func columns(_ buffers: [MovableBuffer], count: Int) -> [[Element]] {
        let rows = buffers.reduce(0) { $0 + $1.count } / max(count, 1)
        let columns = (0..<count).map { column in
            [Element](unsafeUninitializedCapacity: rows) { target, initialized in
                initialized = 0
                guard let base = target.baseAddress else { return }
                for buffer in buffers {
                    for at in stride(from: column, to: buffer.count, by: count) {
                        (base + initialized).initialize(to: (buffer.storage + at).move())
                        initialized += 1
                    }
                }
            }
        }
        for buffer in buffers { buffer.count = 0 }
        return columns
    }

    /// The elements of `buffers` in order, as one array; the buffers are left empty.
    static func joined(_ buffers: [MovableBuffer]) -> [Element] {
        let total = buffers.reduce(0) { $0 + $1.count }
        return [Element](unsafeUninitializedCapacity: total) { target, count in
            count = 0
            guard let base = target.baseAddress else { return }
            for buffer in buffers {
                (base + count).moveInitialize(from: buffer.storage, count: buffer.count)
                count += buffer.count
                buffer.count = 0
            }
        }
    }
}

/// A string's bytes between its quotes (no escapes in them), and whether they are all ASCII.
struct PlainText {
    var bytes: UnsafeBufferPointer<UInt8>
    var isASCII: Bool

    /// The text; `nil` when the bytes are not UTF-8 (the general path then says so).
    var text: String? {
        isASCII ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
    }
}

/// A read position for the one-pass path (``Parser/plainPointFeature()``): a local value the
/// compiler keeps in registers, where the parser's own position lives in memory. Every reader
/// returns `nil` for what is not in its plain form, and the caller then leaves the feature to the
/// general path.
struct Cursor {
    private var next: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>

    init(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
        let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1).unsafelyUnwrapped
        next = base + min(offset, bytes.count)
        end = base + bytes.count
    }

    func offset(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.baseAddress.map { next - $0 } ?? 0
    }

    @inline(__always)
    mutating func skipSpace() {
        while next < end, next.pointee == 0x20 || next.pointee == 0x0A || next.pointee == 0x0D || next.pointee == 0x09 { next += 1 }
    }

    /// Consumes `byte` (after white space) when it comes next.
    @inline(__always)
    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard next < end, next.pointee == byte else { return false }
        next += 1
        return true
    }

    /// A string without escapes or control characters: its bytes between the quotes.
    @inline(__always)
    mutating func string() -> PlainText? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = next
        var isASCII = true
        while true {
            // Eight bytes at a time while none of them is special.
            while end - next >= 8 {
                let special = Self.specialBytes(UInt64(littleEndian: UnsafeRawPointer(next).loadUnaligned(as: UInt64.self)))
                guard special == 0 else {
                    next += special.trailingZeroBitCount >> 3
                    break
                }
                next += 8
            }
            guard next < end else { return nil }
            let byte = next.pointee
            if byte == UInt8(ascii: "\"") {
                defer { next += 1 }
                return PlainText(bytes: UnsafeBufferPointer(start: start, count: next - start), isASCII: isASCII)
            }
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
            if byte >= 0x80 { isASCII = false }
            next += 1
        }
    }

    /// The high bit of each byte of `word` (in memory order, lowest first) that is a quote, a
    /// backslash, a control character or not ASCII. Above such a byte others may be marked too (a
    /// borrow), never below: the lowest mark is always a true one.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let isQuote = (quotes &- ones) & ~quotes
        let isBackslash = (backslashes &- ones) & ~backslashes
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl | word) & (ones &* 0x80)
    }

    @inline(__always)
    static func equal(_ text: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        sameBytes(text, UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// Whether two byte strings (names, keys, a template's text) are equal: compared here, 8 bytes at
    /// a time, where a call to `memcmp` cost a tenth of the one-pass parse.
    @inline(__always)
    static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        var i = 0
        while a.count - i >= 8 {
            guard UnsafeRawPointer(x + i).loadUnaligned(as: UInt64.self) == UnsafeRawPointer(y + i).loadUnaligned(as: UInt64.self) else { return false }
            i += 8
        }
        while i < a.count {
            guard x[i] == y[i] else { return false }
            i += 1
        }
        return true
    }

    /// A number of at most 15 significant digits without an exponent, read exactly: the mantissa
    /// divided by a power of ten up to 10²² is correctly rounded (Clinger's fast path).
    @inline(__always)
    mutating func number() -> Double? {
        skipSpace()
        if end - next >= 20, let value = shortNumber() { return value }
        var at = next
        let negative = at < end && at.pointee == UInt8(ascii: "-")
        if negative { at += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        while at < end, at.pointee &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(at.pointee &- 0x30)
            digits += 1
            at += 1
        }
        guard digits > 0 else { return nil }
        if at < end, at.pointee == UInt8(ascii: ".") {
            at += 1
            while at < end, at.pointee &- 0x30 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(at.pointee &- 0x30)
                digits += 1
                fractionDigits += 1
                at += 1
            }
            guard fractionDigits > 0 else { return nil }
        }
        guard digits <= 15, at == end || at.pointee | 0x20 != UInt8(ascii: "e") else { return nil }
        next = at
        let value = Double(mantissa) / Self.powerOfTen(fractionDigits)
        return negative ? -value : value
    }

    /// 10ⁿ for n in 0...22, all exact doubles; a switch, which compiles to a table, where a static
    /// array's every use checks that it was made.
    @inline(__always)
    static func powerOfTen(_ n: Int) -> Double {
        switch n {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// ``number()`` for the common case, at least 20 bytes before the end: an integer part and a
    /// fraction of at most 7 digits each, read 8 bytes at a time; `nil` (nothing consumed) for
    /// anything else, which the digit-by-digit loop then reads.
    @inline(__always)
    mutating func shortNumber() -> Double? {
        var at = next
        let negative = at.pointee == UInt8(ascii: "-")
        if negative { at += 1 }
        let whole = Self.leadingDigits(at)
        guard (1...7).contains(whole.count) else { return nil }
        at += whole.count
        var mantissa = whole.value
        var fractionDigits = 0
        if at.pointee == UInt8(ascii: ".") {
            let fraction = Self.leadingDigits(at + 1)
            guard (1...7).contains(fraction.count) else { return nil }
            mantissa = mantissa &* UInt64(Self.powerOfTen(fraction.count)) &+ fraction.value
            fractionDigits = fraction.count
            at += 1 + fraction.count
        }
        guard at.pointee | 0x20 != UInt8(ascii: "e") else { return nil }
        next = at
        let value = Double(mantissa) / Self.powerOfTen(fractionDigits)
        return negative ? -value : value
    }

    /// How many ASCII digits start at `at` (0 to 8; the 8 bytes there must be readable) and their
    /// value, found in one 8-byte word: digits are the bytes 0x30–0x39, and the value comes from
    /// multiplying pairs, then pairs of pairs (as simdjson does).
    @inline(__always)
    static func leadingDigits(_ at: UnsafePointer<UInt8>) -> (count: Int, value: UInt64) {
        let word = UInt64(littleEndian: UnsafeRawPointer(at).loadUnaligned(as: UInt64.self))
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, zeros: UInt64 = 0x3030_3030_3030_3030
        // A byte of `other` is non-zero where the byte is not a digit: its high nibble is not 3, or
        // adding 6 to it leaves 3 (0x3A–0x3F). A carry only reaches bytes above the first non-digit.
        let other = ((word & highNibbles) ^ zeros) | (((word &+ 0x0606_0606_0606_0606) & highNibbles) ^ zeros)
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let marks = (((other & low7) &+ low7) | other) & 0x8080_8080_8080_8080
        let count = marks.trailingZeroBitCount >> 3
        guard count > 0 else { return (0, 0) }
        // The digits, moved to the top of the word so that the bytes below read as leading zeros.
        var digits = (word &- zeros) << UInt64(8 * (8 - count))
        digits = digits &* 10 &+ (digits >> 8)
        let pairs: UInt64 = 0x0000_00FF_0000_00FF
        let high = (digits & pairs) &* 0x000F_4240_0000_0064  // 100 + 1,000,000 << 32
        let low = ((digits >> 16) & pairs) &* 0x0000_2710_0000_0001  // 1 + 10,000 << 32
        return (count, (high &+ low) >> 32)
    }

    /// Consumes `text` when the bytes here are exactly it (white space included).
    @inline(__always)
    mutating func skip(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard end - next >= text.count, Self.sameBytes(UnsafeBufferPointer(start: next, count: text.count), text) else { return false }
        next += text.count
        return true
    }

    /// `word` followed by a delimiter of an object member.
    @inline(__always)
    mutating func word(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard end - next > count, memcmp(next, word.utf8Start, count) == 0 else { return false }
        switch next[count] {
        case UInt8(ascii: ","), UInt8(ascii: "}"), 0x20, 0x0A, 0x0D, 0x09:
            next += count
            return true
        default: return false
        }
    }

    /// `{"type": "Point", "coordinates": [x, y]}` (either order) with a position in range.
    mutating func point() -> Coordinate? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var isPoint = false
        var point: Coordinate?
        repeat {
            guard let key = string()?.bytes, take(UInt8(ascii: ":")) else { return nil }
            if Self.equal(key, "type"), !isPoint, let type = string(), Self.equal(type.bytes, "Point") {
                isPoint = true
            } else if Self.equal(key, "coordinates"), point == nil, take(UInt8(ascii: "[")), let x = number(),
                take(UInt8(ascii: ",")), let y = number(), take(UInt8(ascii: "]")),
                abs(x) <= Parser.maxCoordinate, abs(y) <= Parser.maxCoordinate
            {
                point = Coordinate(x, y)
            } else {
                return nil
            }
        } while take(UInt8(ascii: ","))
        guard isPoint, take(UInt8(ascii: "}")) else { return nil }
        return point
    }

    /// A Point feature with flat properties, names and texts without escapes (see
    /// ``Parser/plainPointFeature()``): its position, with its properties given to `properties`.
    mutating func plainPointFeature(properties: inout some FlatProperties) -> Coordinate? {
        var point: Coordinate?
        var isFeature = false, sawProperties = false
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = string()?.bytes, take(UInt8(ascii: ":")) else { return nil }
            if Self.equal(key, "type"), !isFeature, let type = string(), Self.equal(type.bytes, "Feature") {
                isFeature = true
            } else if Self.equal(key, "properties"), !sawProperties, flatObject(into: &properties) {
                sawProperties = true
            } else if Self.equal(key, "geometry"), point == nil, let location = self.point() {
                point = location
            } else {
                return nil
            }
        } while take(UInt8(ascii: ","))
        guard isFeature, sawProperties, let point, take(UInt8(ascii: "}")) else { return nil }
        return point
    }

    /// An object of at most 16 members with distinct names whose values are strings, numbers,
    /// booleans or null, given member by member to `properties` (emptied first).
    mutating func flatObject(into properties: inout some FlatProperties) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        properties.removeAll()
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard properties.count < 16, let name = string(), take(UInt8(ascii: ":")), properties.add(name, from: &self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// A string, number, boolean or null; with `keep` false, a string is only checked (as UTF-8) and
    /// given as `.null`, which spares making a String nobody reads.
    @inline(__always)
    mutating func scalar(keep: Bool = true) -> JSONValue? {
        skipSpace()
        guard next < end else { return nil }
        switch next.pointee {
        case UInt8(ascii: "\""):
            guard let string = string() else { return nil }
            if !keep { return string.isASCII || String(validating: string.bytes, as: UTF8.self) != nil ? .null : nil }
            return string.text.map(JSONValue.string)
        case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return word("null") ? .null : nil
        default: return number().map(JSONValue.number)
        }
    }
}

/// Where the one-pass path puts a flat object's members: a ``JSONObject``, or a ``FieldPicker``
/// that keeps only the properties asked for. Either takes a member, reading its value from the
/// cursor, or refuses it (a name twice, a value that is not a plain scalar).
protocol FlatProperties {
    var count: Int { get }
    mutating func add(_ name: PlainText, from cursor: inout Cursor) -> Bool
    mutating func removeAll()
}

extension JSONObject: FlatProperties {
    var count: Int { entries.count }

    mutating func add(_ name: PlainText, from cursor: inout Cursor) -> Bool {
        guard let key = name.text, !entries.contains(where: { $0.key == key }), let value = cursor.scalar() else { return false }
        appendUnchecked(key, value)
        return true
    }
}

/// The values of a few properties, picked out of each feature's flat properties as they are read,
/// as ``JSONObject/value(forField:)`` would find them in the whole object. ASCII names, nearly all,
/// are compared as bytes in the file; as soon as an object has another, as Strings, as
/// ``JSONObject`` compares them (some letters of other scripts equal ASCII ones).
struct FieldPicker: FlatProperties {
    private let fields: [String]
    /// The ASCII fields' bytes one after another, and where each field's are (`nil`: not ASCII).
    private let asciiBytes: [UInt8]
    private let asciiRanges: [Range<Int>?]
    /// The names read so far in the object (at most 16, as ``Cursor/flatObject(into:)`` allows),
    /// kept inline: appending to an array cost a uniqueness check and a call per member.
    private var names = InlineArray<16, PlainText>(repeating: PlainText(bytes: UnsafeBufferPointer(start: nil, count: 0), isASCII: true))
    private(set) var count = 0
    private var allASCII = true
    private var exact: [JSONValue?]
    private var caseless: [JSONValue?]

    init(_ fields: [String]) {
        self.fields = fields
        var bytes: [UInt8] = []
        asciiRanges = fields.map { field in
            guard field.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            bytes += field.utf8
            return (bytes.count - field.utf8.count)..<bytes.count
        }
        asciiBytes = bytes
        exact = Array(repeating: nil, count: fields.count)
        caseless = exact
    }

    mutating func add(_ name: PlainText, from cursor: inout Cursor) -> Bool {
        guard count < names.count else { return false }
        allASCII = allASCII && name.isASCII
        let text = allASCII ? nil : name.text
        if let text {
            for n in 0..<count where names[n].text == text { return false }
        } else {
            guard allASCII else { return false }
            for n in 0..<count where Cursor.sameBytes(names[n].bytes, name.bytes) { return false }
        }
        names[count] = name
        count += 1
        var isExact = 0 as UInt32, isCaseless = 0 as UInt32
        for f in fields.indices {
            let (same, caseFree) = match(name, text, f)
            if same { isExact |= 1 << f } else if caseless[f] == nil, caseFree { isCaseless |= 1 << f }
        }
        guard let value = cursor.scalar(keep: isExact | isCaseless != 0) else { return false }
        for f in fields.indices {
            if isExact & 1 << f != 0 { exact[f] = value }
            if isCaseless & 1 << f != 0 { caseless[f] = value }
        }
        return true
    }

    /// Whether `name` is `fields[f]`, and whether it is when case is ignored.
    private func match(_ name: PlainText, _ text: String?, _ f: Int) -> (same: Bool, caseFree: Bool) {
        if text == nil, let range = asciiRanges[f] {
            guard range.count == name.bytes.count else { return (false, false) }
            let same = asciiBytes.withUnsafeBufferPointer { Cursor.sameBytes(UnsafeBufferPointer(rebasing: $0[range]), name.bytes) }
            if same { return (true, true) }
            return (false, JSONObject.sameIgnoringCase(String(decoding: name.bytes, as: UTF8.self), fields[f]))
        }
        guard let text = text ?? name.text else { return (false, false) }
        return (text == fields[f], JSONObject.sameIgnoringCase(text, fields[f]))
    }

    mutating func removeAll() {
        count = 0
        allASCII = true
        for f in fields.indices {
            exact[f] = nil
            caseless[f] = nil
        }
    }

    /// Appends the value of each field in the object last read to `sink`, in the order of the
    /// fields, and forgets them.
    mutating func moveValues(into sink: MovableBuffer<JSONValue?>) {
        for f in fields.indices {
            sink.append(exact[f] ?? caseless[f])
            exact[f] = nil
            caseless[f] = nil
        }
    }

}

/// A JSON string as the parser found it: plain ASCII left as its bytes in the file, anything else
/// (escapes, other scripts) decoded and checked as UTF-8.
enum Token {
    case ascii(UnsafeBufferPointer<UInt8>)
    case text(String)

    var text: String {
        switch self {
        case .ascii(let raw): String(decoding: raw, as: UTF8.self)
        case .text(let text): text
        }
    }

    /// Whether the string is `name` (an ASCII name such as "Feature"), without making a String.
    static func ~= (name: StaticString, token: Token) -> Bool {
        switch token {
        case .ascii(let raw):
            guard raw.count == name.utf8CodeUnitCount, let base = raw.baseAddress else { return raw.isEmpty && name.utf8CodeUnitCount == 0 }
            return memcmp(base, name.utf8Start, raw.count) == 0
        case .text(let text):
            return text.utf8.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }
    }
}

/// Recognises EPSG codes in CRS names: "EPSG:4549", "urn:ogc:def:crs:EPSG::4490", "…CRS84".
public enum CRSName {
    public static func epsgCode(in name: String) -> Int? {
        let upper = name.uppercased()
        if upper.hasSuffix("CRS84") { return 4326 }
        guard upper.contains("EPSG") else { return nil }
        let digits = upper.reversed().prefix { $0.isASCII && $0.isNumber }
        guard (1...9).contains(digits.count) else { return nil }
        return Int(String(digits.reversed()))
    }
}

/// The bytes of a plain Point feature as a file writes them, learned from one the one pass read:
/// the text between its values (keys, punctuation, white space, `"type": "Feature"`) and, for each
/// value, what it is (a property, or a coordinate). Files write feature after feature alike, so most
/// features then read as a few comparisons of bytes and their values, several times faster than
/// the one pass; a feature that differs anywhere is left to the one pass, and teaches the next
/// template. Equal bytes mean the same keys in the same order as the feature the template came
/// from, so each property goes where the one pass would put it.
struct FeatureTemplate {
    enum Hole {
        /// A property's value, given to the fields whose bits are set (none: checked only).
        case property(fields: UInt32)
        case x, y
    }

    /// The texts before the holes, and after the last one, one after another.
    private let text: [UInt8]
    /// Where each text ends in ``text``: one more than there are holes.
    private let ends: [Int]
    private let holes: [Hole]

    /// The template of `feature`, the bytes of one the one pass took, for picking `fields`; `nil`
    /// when a property's name is not ASCII (the picker compares those as Strings).
    init?(_ feature: UnsafeBufferPointer<UInt8>, fields: [String]) {
        var text: [UInt8] = [], ends: [Int] = [], holes: [Hole] = []
        var keys: [String] = []
        // Where the scan is: depth 1 is the feature, 2 its properties or geometry, 3 the coordinates.
        var depth = 0, i = 0
        var inProperties = false, inCoordinates = false, expectsKey = false
        var lastKey = ""
        func hole(_ kind: Hole) {
            ends.append(text.count)
            holes.append(kind)
        }
        while i < feature.count {
            let byte = feature[i]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 2 { inProperties = byte == UInt8(ascii: "{") && lastKey == "properties" }
                if depth == 3 { inCoordinates = byte == UInt8(ascii: "[") }
                expectsKey = byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth < 2 { inProperties = false }
                if depth < 3 { inCoordinates = false }
            case UInt8(ascii: ","): expectsKey = !inCoordinates
            case UInt8(ascii: ":"): expectsKey = false
            case UInt8(ascii: "\""):
                // A plain string (the one pass took the feature): to its closing quote.
                guard let close = feature[(i + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                let string = UnsafeBufferPointer(rebasing: feature[(i + 1)..<close])
                if expectsKey {
                    lastKey = String(decoding: string, as: UTF8.self)
                    if inProperties {
                        guard string.allSatisfy({ $0 < 0x80 }) else { return nil }
                        keys.append(lastKey)
                    }
                } else if inProperties {
                    hole(.property(fields: 0))
                    i = close + 1
                    continue
                }
                text.append(contentsOf: feature[i...close])
                i = close + 1
                continue
            case 0x20, 0x0A, 0x0D, 0x09: break
            default:
                // A number, true, false or null: a property's value, or a coordinate.
                var end = i
                while end < feature.count, !Self.delimiters.contains(feature[end]) { end += 1 }
                let coordinates = holes.count { if case .property = $0 { false } else { true } }
                if inProperties {
                    hole(.property(fields: 0))
                } else if inCoordinates, coordinates < 2 {
                    hole(coordinates == 0 ? .x : .y)
                } else {
                    return nil
                }
                i = end
                continue
            }
            text.append(byte)
            i += 1
        }
        ends.append(text.count)
        let properties = holes.indices.filter { if case .property = holes[$0] { true } else { false } }
        guard properties.count == keys.count, holes.count - properties.count == 2 else { return nil }
        // Which property each field takes, found by the one lookup rule (JSONObject.value(forField:),
        // which the picker follows) in an object of the keys holding their own places.
        var places = JSONObject(reservingCapacity: keys.count)
        for (k, key) in keys.enumerated() { places.appendUnchecked(key, .number(Double(k))) }
        var masks = [UInt32](repeating: 0, count: keys.count)
        for (f, field) in fields.enumerated() {
            if case .number(let k)? = places.value(forField: field) { masks[Int(k)] |= 1 << f }
        }
        for (k, h) in properties.enumerated() { holes[h] = .property(fields: masks[k]) }
        (self.text, self.ends, self.holes) = (text, ends, holes)
    }

    static let delimiters: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09]

    /// A feature whose text between values is the template's, read from `cursor` (moved past it):
    /// its position, with each field's value put in `values`; `nil`, with the cursor where it was and
    /// `values` all nil, for any other text or a value the one pass would not take.
    ///
    /// Through raw buffers: slices of the text and checked, unique-tested writes of the values were a
    /// sixth of the instructions of a templated feature.
    func read(_ cursor: inout Cursor, values: UnsafeMutableBufferPointer<JSONValue?>) -> Coordinate? {
        let start = cursor
        let point = text.withUnsafeBufferPointer { text in
            ends.withUnsafeBufferPointer { ends in
                holes.withUnsafeBufferPointer { holes -> Coordinate? in
                    guard let base = text.baseAddress else { return nil }
                    var x = 0.0, y = 0.0, from = 0
                    for h in 0..<holes.count {
                        guard cursor.skip(UnsafeBufferPointer(start: base + from, count: ends[h] - from)) else { return nil }
                        from = ends[h]
                        switch holes[h] {
                        case .property(let fields):
                            guard let value = cursor.scalar(keep: fields != 0) else { return nil }
                            var remaining = fields
                            while remaining != 0 {
                                values[remaining.trailingZeroBitCount] = value
                                remaining &= remaining - 1
                            }
                        case .x:
                            guard let number = cursor.number(), abs(number) <= Parser.maxCoordinate else { return nil }
                            x = number
                        case .y:
                            guard let number = cursor.number(), abs(number) <= Parser.maxCoordinate else { return nil }
                            y = number
                        }
                    }
                    guard cursor.skip(UnsafeBufferPointer(start: base + from, count: text.count - from)) else { return nil }
                    return Coordinate(x, y)
                }
            }
        }
        if point == nil {
            cursor = start
            for f in values.indices { values[f] = nil }
        }
        return point
    }
}
