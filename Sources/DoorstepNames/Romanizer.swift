import Foundation
import Synchronization

/// Hanyu Pinyin for place names (GB/T 16159, the 1984 place-name rules): toneless syllables from a
/// place-name reading dictionary first, ICU's Han-Latin transform for the rest, and the romanised form
/// with 专名 and 通名 written apart and capitalised.
///
/// ```swift
/// Romanizer.shared.romanize(proper: "文三", generic: "路")  // "Wensan Lu"
/// Romanizer.shared.romanize(proper: "西安", generic: "路")  // "Xi'an Lu"
/// Romanizer.shared.syllables("长兴")                        // ["chang", "xing"]
/// ```
public final class Romanizer: Sendable {
    public static let shared = Romanizer()

    /// ICU readings per character, cached: the transform is slow to set up, characters are few.
    private let cache = Mutex<[Character: String]>([:])

    public init() {}

    /// One toneless syllable per Chinese character; other characters are kept as they are (lowercased).
    public func syllables(_ text: String) -> [String] {
        let characters = Array(text)
        var result: [String] = []
        var i = 0
        while i < characters.count {
            var matched = false
            for length in stride(from: min(PlaceNameReadings.longestPhrase, characters.count - i), through: 2, by: -1) {
                if let reading = PlaceNameReadings.phrases[String(characters[i..<(i + length)])] {
                    result += reading
                    i += length
                    matched = true
                    break
                }
            }
            if matched { continue }
            result.append(reading(of: characters[i]))
            i += 1
        }
        return result
    }

    func reading(of character: Character) -> String {
        if let fixed = PlaceNameReadings.characters[character] { return fixed }
        if let phrase = PlaceNameReadings.phrases[String(character)] { return phrase.joined() }
        guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
            Self.isHan(scalar)
        else { return String(character).lowercased() }
        if let cached = cache.withLock({ $0[character] }) { return cached }
        let latin = String(character).applyingTransform(.mandarinToLatin, reverse: false) ?? String(character)
        let reading = Self.toneless(latin).filter { !$0.isWhitespace }
        cache.withLock { $0[character] = reading }
        return reading
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
            || (0x20000...0x2EBEF).contains(scalar.value) || scalar.value == 0x3007
    }

    /// Removes tone marks but keeps ü, which is a different vowel (lü ≠ lu).
    static func toneless(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "ā", "á", "ǎ", "à": out += "a"
            case "ē", "é", "ě", "è": out += "e"
            case "ī", "í", "ǐ", "ì": out += "i"
            case "ō", "ó", "ǒ", "ò": out += "o"
            case "ū", "ú", "ǔ", "ù": out += "u"
            case "ǖ", "ǘ", "ǚ", "ǜ", "ü": out += "ü"
            case "ń", "ň", "ǹ": out += "n"
            case "ḿ": out += "m"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Syllables written as one word: an apostrophe before a syllable starting with a, o or e
    /// (西安 → xi'an, 天峨 → tian'e).
    public static func join(_ syllables: [String]) -> String {
        var word = ""
        for syllable in syllables {
            if !word.isEmpty, let first = syllable.first, "aoe".contains(first) { word += "'" }
            word += syllable
        }
        return word
    }

    static func capitalized(_ word: String) -> String {
        guard let first = word.first else { return word }
        return first.uppercased() + word.dropFirst()
    }

    /// The romanised name: 专名 and 通名 apart, each capitalised (文三路 → "Wensan Lu").
    public func romanize(proper: String, generic: String) -> String {
        let properWord = Self.capitalized(Self.join(syllables(proper)))
        guard !generic.isEmpty else { return properWord }
        let genericWord = Self.capitalized(Self.join(syllables(generic)))
        return properWord.isEmpty ? genericWord : properWord + " " + genericWord
    }

    /// The key homophones share: toneless syllables run together (文三路 → "wensanlu").
    public func soundKey(_ name: String) -> String {
        syllables(name).joined()
    }

    /// A looser key for near-sounds that a reviewer should see: the finals -ng/-n, the initials
    /// zh/z, ch/c, sh/s and n/l, and ü/u are merged.
    public func nearSoundKey(_ name: String) -> String {
        syllables(name).map(Self.nearSound).joined()
    }

    static func nearSound(_ syllable: String) -> String {
        var s = syllable.replacingOccurrences(of: "ü", with: "u")
        for (long, short) in [("zh", "z"), ("ch", "c"), ("sh", "s")] where s.hasPrefix(long) {
            s = short + s.dropFirst(2)
        }
        if s.hasPrefix("l") { s = "n" + s.dropFirst() }
        if s.hasSuffix("ng") { s.removeLast() }
        return s
    }

    /// The first letters of the syllables, for search by initials (文三路 → "wsl").
    public func initials(_ name: String) -> String {
        String(syllables(name).compactMap(\.first))
    }
}
