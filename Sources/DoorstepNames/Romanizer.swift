import Foundation
import Synchronization

/// Hanyu Pinyin for place names (GB/T 16159, the 1984 place-name rules): toneless syllables from a
/// place-name reading dictionary first (the hand-kept readings of PlaceNameReadings.swift, then the
/// gazetteer's readings of every county- and prefecture-level name, GazetteerReadings.swift, longest
/// match first), ICU's Han-Latin transform for the rest, and the romanised form with 专名 and 通名
/// written apart and capitalised.
///
/// ```swift
/// Romanizer.shared.romanize(proper: "文三", generic: "路")  // "Wensan Lu"
/// Romanizer.shared.romanize(proper: "西安", generic: "路")  // "Xi'an Lu"
/// Romanizer.shared.romanize(proper: "东阿", generic: "县")  // "Dong'e Xian" (ICU alone: Dong'a)
/// Romanizer.shared.syllables("长兴")                        // ["chang", "xing"]
/// ```
public final class Romanizer: Sendable {
    public static let shared = Romanizer()

    /// ICU readings per character, cached: setting up the transform costs far more than using it.
    private let cache = Mutex<[UInt32: String]>([:])
    /// Scans by text: a check reads one name's syllables for its pinyin, its sound keys and its
    /// polyphones, and an audit does so for every name. Emptied when it holds `scansKept`.
    private let scans = Mutex<[String: Scan]>([:])
    private static let scansKept = 400_000

    struct Scan {
        var syllables: [String]
        var phrased: [Bool]
    }

    /// Phrase readings: the gazetteer's, overridden by the hand-kept ones (which also hold Hangzhou's).
    static let phrases: [String: [String]] = {
        var table: [String: [String]] = [:]
        table.reserveCapacity(3000)
        for line in GazetteerReadings.phrases.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let key = fields.first, fields.count == key.count + 1 else { continue }
            table[String(key)] = fields.dropFirst().map(String.init)
        }
        for (key, reading) in PlaceNameReadings.phrases { table[key] = reading }
        return table
    }()
    /// Per first character of the dictionary's phrases, the lengths its phrases have, longest first:
    /// most characters start none and skip the phrase search, the rest try only lengths that exist.
    private static let phraseLengths: [UInt32: [Int]] = {
        var lengths: [UInt32: Set<Int>] = [:]
        for key in phrases.keys {
            if let first = key.unicodeScalars.first?.value { lengths[first, default: []].insert(key.unicodeScalars.count) }
        }
        return lengths.mapValues { $0.sorted(by: >) }
    }()
    private static let fixed = Dictionary(
        PlaceNameReadings.characters.compactMap { entry in entry.key.unicodeScalars.first.map { ($0.value, entry.value) } },
        uniquingKeysWith: { first, _ in first })

    /// Whole names the gazetteer writes from a minority language (乌鲁木齐市 → "Ürümqi Shi").
    static let forms: [String: String] = {
        var table: [String: String] = [:]
        for line in GazetteerReadings.forms.split(separator: "\n") {
            let fields = line.split(separator: "|", maxSplits: 1)
            if fields.count == 2 { table[String(fields[0])] = String(fields[1]) }
        }
        return table
    }()

    /// Characters read more than one way in place names, with their readings.
    public static let polyphones: [Character: [String]] = {
        var table: [Character: [String]] = [:]
        for line in GazetteerReadings.polyphones.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if let first = fields.first, first.count == 1 { table[first.first!] = fields.dropFirst().map(String.init) }
        }
        return table
    }()

    /// ``polyphones`` by scalar: looked up for every character of every check, where hashing a
    /// Character (which normalises it) would cost more than the rest of the lookup.
    static let polyphoneScalars: [UInt32: [String]] = Dictionary(
        polyphones.compactMap { entry in entry.key.unicodeScalars.count == 1 ? entry.key.unicodeScalars.first.map { ($0.value, entry.value) } : nil },
        uniquingKeysWith: { first, _ in first })

    public init() {}

    /// One toneless syllable per Chinese character; other characters are kept as they are (lowercased).
    public func syllables(_ text: String) -> [String] {
        scan(text).syllables
    }

    /// The syllables, and for each character whether a phrase of the dictionary read it (longest
    /// match first) rather than a character's usual reading.
    func scan(_ text: String) -> (syllables: [String], phrased: [Bool]) {
        if let known = scans.withLock({ $0[text] }) { return (known.syllables, known.phrased) }
        let scanned = freshScan(text)
        scans.withLock { scans in
            if scans.count >= Self.scansKept { scans.removeAll(keepingCapacity: true) }
            scans[text] = Scan(syllables: scanned.syllables, phrased: scanned.phrased)
        }
        return scanned
    }

    func freshScan(_ text: String) -> (syllables: [String], phrased: [Bool]) {
        let scalars = Array(text.unicodeScalars)
        var result: [String] = []
        var phrased: [Bool] = []
        result.reserveCapacity(scalars.count)
        var i = 0
        scan: while i < scalars.count {
            if let lengths = Self.phraseLengths[scalars[i].value] {
                for length in lengths where length <= scalars.count - i {
                    var phrase = String.UnicodeScalarView()
                    phrase.append(contentsOf: scalars[i..<(i + length)])
                    if let reading = Self.phrases[String(phrase)], reading.count == length {
                        result += reading
                        phrased += Array(repeating: true, count: length)
                        i += length
                        continue scan
                    }
                }
            }
            result.append(reading(of: scalars[i]))
            phrased.append(false)
            i += 1
        }
        return (result, phrased)
    }

    /// The polyphonic characters of `text` that no phrase of the dictionary reads, each once, with
    /// their readings: the romanisation of these is a guess a person must confirm (莘 in 莘华路). With
    /// `prefix`, only the first `prefix` characters count (the 专名), though phrases are read over the
    /// whole text (莘县: the phrase 莘县 settles 莘).
    public func unresolvedPolyphones(in text: String, prefix: Int? = nil) -> [(character: Character, readings: [String])] {
        let (_, phrased) = scan(text)
        var seen = Set<Character>()
        var found: [(character: Character, readings: [String])] = []
        for (index, scalar) in text.unicodeScalars.enumerated() where !phrased[index] && index < (prefix ?? Int.max) {
            if let readings = Self.polyphoneScalars[scalar.value], seen.insert(Character(scalar)).inserted { found.append((Character(scalar), readings)) }
        }
        return found
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
    /// Before 旗 the banners' positions join it too (巴林右旗 → "Balin Youqi").
    static let bannerModifiers: Set<Character> = ["左", "右", "前", "后", "中"]
    /// 通名 of administrative units, after which a direction is part of the 专名 (黔西南州 →
    /// "Qianxinan Zhou", 城南街道 → "Chengnan Jiedao"), not a modifier of the 通名.
    static let administrativeGenerics: Set<String> = [
        "省", "自治区", "市", "地区", "盟", "州", "自治州", "县", "自治县", "旗", "自治旗", "区", "新区", "矿区", "林区", "特区", "镇", "乡",
        "街道",
    ]

    /// Nationalities named in autonomous units (and ethnic districts, 管城回族区), written as words of
    /// their own before the 通名 (隆林各族自治县 → "Longlin Gezu Zizhixian", 富川瑶族自治县 → "Fuchuan Yaozu
    /// Zizhixian", 管城回族区 → "Guancheng Huizu Qu").
    static let nationalities: [String] = [
        "各", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎",
        "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南",
        "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
        "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
    ].sorted { $0.count > $1.count }

    /// The romanised name (GB/T 16159, the 1984 rules), for every type alike: 专名 and 通名 apart, each
    /// capitalised (文三路 → "Wensan Lu", 西湖区 → "Xihu Qu", 转塘街道 → "Zhuantang Jiedao"); a
    /// one-syllable direction joins the 通名 it modifies (文三西路 → "Wensan Xilu"); the nationalities
    /// of an autonomous unit are words of their own. The syllables are read over the whole name, so a
    /// reading the gazetteer gives a one-character 专名 with its 通名 holds (莘县 → "Shen Xian", while
    /// 莘庄 → "Xinzhuang"). A name the gazetteer writes from a minority language keeps that form.
    public func romanize(proper: String, generic: String) -> String {
        if let form = Self.forms[proper + generic] { return form }
        let syllables = scan(proper + generic).syllables
        let genericCount = generic.unicodeScalars.count
        var properSyllables = Array(syllables.prefix(syllables.count - genericCount))
        var genericSyllables = Array(syllables.suffix(genericCount))
        var properText = proper
        if !generic.isEmpty, proper.count >= 3, let last = proper.last,
            (Self.joiningModifiers.contains(last) && !Self.administrativeGenerics.contains(generic))
                || (generic.hasSuffix("旗") && Self.bannerModifiers.contains(last)),
            let modifier = properSyllables.popLast()
        {
            genericSyllables.insert(modifier, at: 0)
            properText.removeLast()
        }
        // Nationalities before an autonomous 通名 (自治县, 自治州, 自治旗 …), from the end.
        var words: [[String]] = []
        if generic.hasPrefix("自治") || (properText.hasSuffix("族") && Self.administrativeGenerics.contains(generic)) {
            var rest = properText
            peel: while true {
                for nationality in Self.nationalities {
                    for suffix in nationality.count > 1 && generic.hasPrefix("自治") ? [nationality + "族", nationality] : [nationality + "族"]
                    where rest.hasSuffix(suffix) && rest.count > suffix.count {
                        let count = suffix.unicodeScalars.count
                        words.insert(Array(properSyllables.suffix(count)), at: 0)
                        properSyllables.removeLast(count)
                        rest.removeLast(suffix.count)
                        continue peel
                    }
                }
                break
            }
        }
        words.insert(properSyllables, at: 0)
        if !genericSyllables.isEmpty { words.append(genericSyllables) }
        return words.filter { !$0.isEmpty }.map { Self.capitalized(Self.join($0)) }.joined(separator: " ")
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
        // On scalars, not Foundation's string replacing: this runs for every syllable of every check.
        var s: [Unicode.Scalar] = []
        s.reserveCapacity(syllable.unicodeScalars.count)
        for scalar in syllable.unicodeScalars where scalar != "\u{308}" {  // ü written u + diaeresis
            s.append(scalar == "ü" ? "u" : scalar)
        }
        if s.count >= 2, s[1] == "h", ["z", "c", "s"].contains(s[0]) { s.remove(at: 1) }
        if s.first == "l" { s[0] = "n" }
        if s.count >= 2, s[s.count - 1] == "g", s[s.count - 2] == "n" { s.removeLast() }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: s)
        return String(text)
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
