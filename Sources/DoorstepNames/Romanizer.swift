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

    /// ICU readings per character, cached: setting up the transform costs far more than using it.
    private let cache = Mutex<[UInt32: String]>([:])
    /// The first characters of the dictionary's phrases, so most characters skip the phrase search.
    private static let phraseStarts = Set(PlaceNameReadings.phrases.keys.compactMap { $0.unicodeScalars.first?.value })
    private static let fixed = Dictionary(
        PlaceNameReadings.characters.compactMap { entry in entry.key.unicodeScalars.first.map { ($0.value, entry.value) } },
        uniquingKeysWith: { first, _ in first })

    public init() {}

    /// One toneless syllable per Chinese character; other characters are kept as they are (lowercased).
    public func syllables(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var result: [String] = []
        result.reserveCapacity(scalars.count)
        var i = 0
        scan: while i < scalars.count {
            if Self.phraseStarts.contains(scalars[i].value) {
                for length in stride(from: min(PlaceNameReadings.longestPhrase, scalars.count - i), through: 1, by: -1) {
                    var phrase = String.UnicodeScalarView()
                    phrase.append(contentsOf: scalars[i..<(i + length)])
                    if let reading = PlaceNameReadings.phrases[String(phrase)] {
                        result += reading
                        i += length
                        continue scan
                    }
                }
            }
            result.append(reading(of: scalars[i]))
            i += 1
        }
        return result
    }

    /// ICU's readings of the GB 2312 characters, generated ahead of time (tools/generate-readings.swift).
    private static let common: [UInt32: String] = {
        var table: [UInt32: String] = [:]
        table.reserveCapacity(6800)
        var character: UInt32?
        var reading = ""
        for scalar in CommonReadings.table.unicodeScalars {
            if isHan(scalar) {
                if let character { table[character] = reading }
                character = scalar.value
                reading = ""
            } else if scalar.properties.isAlphabetic {
                reading.unicodeScalars.append(scalar == "v" ? "ü" : scalar)
            }
        }
        if let character { table[character] = reading }
        return table
    }()

    func reading(of scalar: Unicode.Scalar) -> String {
        if let fixed = Self.fixed[scalar.value] { return fixed }
        guard Self.isHan(scalar) else { return String(scalar).lowercased() }
        if let common = Self.common[scalar.value] { return common }
        if let cached = cache.withLock({ $0[scalar.value] }) { return cached }
        prepare([String(scalar)])
        return cache.withLock { $0[scalar.value] } ?? String(scalar)
    }

    /// Looks up, in one ICU call, every character of `names` not yet known: an import of 100,000
    /// names then sets up the transform once instead of once per character.
    public func prepare(_ names: some Sequence<String>) {
        var missing: [Unicode.Scalar] = []
        var seen = Set<UInt32>()
        let known = cache.withLock { $0 }
        for name in names {
            for scalar in name.unicodeScalars
            where Self.isHan(scalar) && known[scalar.value] == nil && Self.fixed[scalar.value] == nil && Self.common[scalar.value] == nil {
                if seen.insert(scalar.value).inserted { missing.append(scalar) }
            }
        }
        guard !missing.isEmpty else { return }
        let joined = missing.map { String($0) }.joined(separator: "\n")
        let latin = joined.applyingTransform(.mandarinToLatin, reverse: false) ?? joined
        let readings = latin.split(separator: "\n", omittingEmptySubsequences: false)
        cache.withLock { cache in
            for (index, scalar) in missing.enumerated() {
                let reading = index < readings.count ? Self.toneless(String(readings[index])).filter { !$0.isWhitespace } : String(scalar)
                cache[scalar.value] = reading
            }
        }
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

    /// Directions that, as a one-syllable modifier right before the 通名, join it (中山北路 →
    /// "Zhongshan Beilu"); only after a 专名 of two or more characters, so 江南大道 stays "Jiangnan Dadao".
    static let joiningModifiers: Set<Character> = ["东", "西", "南", "北", "中"]

    /// The romanised name: 专名 and 通名 apart, each capitalised (文三路 → "Wensan Lu"), a one-syllable
    /// direction joining the 通名 it modifies (文三西路 → "Wensan Xilu").
    public func romanize(proper: String, generic: String) -> String {
        if !generic.isEmpty, proper.count >= 3, let last = proper.last, Self.joiningModifiers.contains(last) {
            return romanize(proper: String(proper.dropLast()), generic: String(last) + generic)
        }
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

/// The three search keys of a name, from one pass over its syllables.
struct NameKeys {
    var sound: String
    var nearSound: String
    var initials: String

    init(_ name: String, romanizer: Romanizer = .shared) {
        let syllables = romanizer.syllables(name)
        sound = syllables.joined()
        nearSound = syllables.map(Romanizer.nearSound).joined()
        initials = String(syllables.compactMap(\.first))
    }
}
