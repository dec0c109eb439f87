/// What text and codes may enter the registry. Every door checks with these — import rows, CLI
/// flags, and the library's own create, update and event calls — so nothing is stored cut short at
/// a NUL byte, garbled, invisible, or able to drive the terminal of whoever reads it back.
///
/// ```swift
/// RegistryInput.nameProblem("文三路")              // nil
/// RegistryInput.nameProblem("文三\u{0}路")         // "contains a NUL byte (U+0000)"
/// RegistryInput.districtProblem("../../x")        // "\"../../x\" is not a district code (6 digits, e.g. 330106)"
/// ```
public enum RegistryInput {
    /// The most characters a stored name may have. More is a broken row (an unclosed quote that
    /// swallowed the next lines), not a place name; the check's own limit is the bureau's setting.
    public static let maxNameLength = 100

    /// The most characters of free text (remarks, sources, reasons): a page, not a swallowed file.
    public static let maxTextLength = 10_000

    /// Why `name` cannot be stored as a place's name or alias, or `nil`.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if let problem = scalarProblem(name, allowLineBreaks: false) { return problem }
        if name.first?.isWhitespace == true || name.last?.isWhitespace == true { return "starts or ends with a space" }
        let count = name.count
        if count > maxNameLength { return "has \(count) characters; a name has at most \(maxNameLength)" }
        return nil
    }

    /// Why free text (remarks, sources, a reason, an actor) cannot be stored, or `nil`. Line breaks
    /// and tabs are allowed where `multiline` says so.
    public static func textProblem(_ text: String, multiline: Bool = false) -> String? {
        if let problem = scalarProblem(text, allowLineBreaks: multiline) { return problem }
        let count = text.count
        if count > maxTextLength { return "has \(count) characters; at most \(maxTextLength)" }
        return nil
    }

    /// Why `code` is not a district (county-level) code: 6 ASCII digits, or `nil`.
    public static func districtProblem(_ code: String) -> String? {
        isDigits(code, count: 6) ? nil : "\(shown(code)) is not a district code (6 digits, e.g. 330106)"
    }

    /// Why `code` is not a town/street code (9 ASCII digits) inside `district`, or `nil`.
    public static func townProblem(_ code: String, district: String?) -> String? {
        guard isDigits(code, count: 9) else { return "\(shown(code)) is not a town/street code (9 digits, e.g. 330106004)" }
        if let district, isDigits(district, count: 6), !code.hasPrefix(district) {
            return "town \(code) is not in district \(district) (a town code starts with its district's 6 digits)"
        }
        return nil
    }

    static func isDigits(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// The first character that cannot be stored: NUL (SQLite's C API would cut the text there),
    /// U+FFFD (the trace of bytes that were not UTF-8 or of a lone surrogate escape), control
    /// characters (escape sequences, line breaks in a name), and invisible format characters in names.
    static func scalarProblem(_ text: String, allowLineBreaks: Bool) -> String? {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0: return "contains a NUL byte (U+0000)"
            case 0xFFFD:
                return "contains U+FFFD, the replacement character: the source was not valid UTF-8 or held a lone surrogate escape (\\uD800)"
            case 0x09, 0x0A, 0x0D:
                if allowLineBreaks { continue }
                if scalar.value != 0x09 { return "contains a line break (U+\(hex(scalar)))" }
            default: break
            }
            if scalar.properties.generalCategory == .control {
                return "contains the control character U+\(hex(scalar))"
            }
            if !allowLineBreaks, scalar.properties.generalCategory == .format {
                return "contains the invisible character U+\(hex(scalar))"
            }
            if scalar.properties.isNoncharacterCodePoint { return "contains U+\(hex(scalar)), which is not a character" }
        }
        return nil
    }

    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Text as a message may quote it: control, format and replacement characters written as
    /// ⟨U+XXXX⟩ so they cannot act on the terminal, and long text cut to `limit` characters.
    public static func shown(_ text: String, limit: Int = 40) -> String {
        var out = ""
        var count = 0
        for character in text {
            if count == limit { return out + "… (\(text.count) characters)" }
            count += 1
            let scalars = character.unicodeScalars
            if scalars.contains(where: { isHidden($0) }) {
                out += scalars.map { isHidden($0) ? "⟨U+\(hex($0))⟩" : String($0) }.joined()
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        let category = scalar.properties.generalCategory
        return category == .control || category == .format || scalar.value == 0xFFFD || scalar.properties.isNoncharacterCodePoint
    }
}
