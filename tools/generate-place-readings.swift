// Generates Sources/DoorstepNames/GazetteerReadings.swift from the place-name reading table
// (tools/data/place-readings.tsv) and the polyphone list (tools/data/polyphones.tsv):
//
//   swift tools/generate-place-readings.swift > Sources/DoorstepNames/GazetteerReadings.swift
//
// For every `pinyin` entry the romanisation is cut into one toneless syllable per character (a
// pinyin syllable each, apostrophes and spaces as hard breaks; where a cut is ambiguous, ICU's
// reading of the character decides), and the 专名's syllables become a phrase reading: 东阿县
// "Dong'e Xian" gives 东阿 → dong e. A one-character 专名 keeps its 通名 (莘县 → shen xian), so that
// the character alone (莘庄 Xinzhuang) is not forced. A `form` entry is kept for its whole name only.
// Characters read otherwise than ICU reads them become polyphones with both readings, for the
// `reading` finding. Two entries that read the same 专名 differently stop the generator.
import Foundation

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

func lines(_ path: String) -> [[String]] {
    let text = try! String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

// ICU's readings of GB 2312 (the generated CommonReadings.swift), and the syllables they use.
var icu: [Character: String] = [:]
do {
    let source = try! String(contentsOf: root.appendingPathComponent("Sources/DoorstepNames/CommonReadings.swift"), encoding: .utf8)
    let table = source.components(separatedBy: "\"\"\"")[1]
    var character: Character?
    var reading = ""
    for c in table {
        if c.unicodeScalars.first.map({ (0x4E00...0x9FFF).contains($0.value) }) == true {
            if let character { icu[character] = reading }
            character = c
            reading = ""
        } else if c.isLetter {
            reading.append(c == "v" ? "ü" : c)
        }
    }
    if let character { icu[character] = reading }
}
let syllableSet = Set(icu.values).union(["fo", "lüe", "nüe", "yo", "den", "nou", "shei", "zhei", "kei", "cei", "lo", "o", "ei", "en", "er", "ang", "ou", "ai", "an", "ao", "a", "e"])

/// Lowercase letters with tone marks removed (ü kept), apostrophes and spaces kept as breaks.
func plain(_ text: String) -> String {
    var out = ""
    for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
        if scalar == "\u{308}" { out.unicodeScalars.removeLast(); out += "ü"; continue }  // u + diaeresis
        if scalar.properties.generalCategory == .nonspacingMark { continue }
        out.unicodeScalars.append(scalar)
    }
    return out
}

/// One syllable per character, or nil when the romanisation does not cut into that many syllables.
func segment(_ characters: [Character], _ romanisation: String) -> [String]? {
    let text = plain(romanisation)
    var letters: [Character] = []
    var breaks = Set<Int>()
    for c in text {
        if c == "'" || c == "’" || c == " " || c == "-" { breaks.insert(letters.count) } else { letters.append(c) }
    }
    let n = characters.count
    var memo: [Int: (Int, [String])?] = [:]
    func go(_ i: Int, _ k: Int) -> (Int, [String])? {
        let key = i * 64 + k
        if let known = memo[key] { return known }
        var best: (Int, [String])?
        if k == n {
            best = i == letters.count ? (0, []) : nil
        } else if i < letters.count {
            for j in (i + 1)...min(letters.count, i + 6) {
                if (i + 1..<j).contains(where: breaks.contains) { break }
                let syllable = String(letters[i..<j])
                guard syllableSet.contains(syllable), let rest = go(j, k + 1) else { continue }
                let score = rest.0 + (icu[characters[k]] == syllable ? 1 : 0)
                if best == nil || score > best!.0 { best = (score, [syllable] + rest.1) }
            }
        }
        memo[key] = best
        return best
    }
    return go(0, 0)?.1
}

/// 通名 of administrative units, longest first.
let generics = ["自治区", "自治州", "自治县", "自治旗", "联合旗", "新区", "矿区", "林区", "特区", "地区", "群岛", "街道", "省", "市", "县", "区", "旗", "盟", "州", "镇", "乡"]

struct Entry {
    var name, romanisation, proper, generic: String
    var syllables: [String]?
}

var entries: [Entry] = []
var phrases: [String: (syllables: [String], name: String)] = [:]
var phraseOrder: [String] = []
var forms: [String: String] = [:]
var polyphones: [Character: (readings: [String], example: String)] = [:]
var problems: [String] = []

for row in lines("tools/data/place-readings.tsv") {
    guard row.count == 6 else { fail("place-readings.tsv: not six columns: \(row.joined(separator: " | "))") }
    let (name, romanisation, kind) = (row[0], row[1], row[4])
    let characters = Array(name)
    var proper = name
    var generic = generics.first { name.hasSuffix($0) && name.count > $0.count } ?? ""
    proper = String(name.dropLast(generic.count))
    var syllables: [String]?
    if kind == "pinyin" {
        if let autonomous = name.range(of: "自治") {
            // The source mostly writes the 专名 and the short 通名 (隆林各族自治县 → Longlin Xian).
            for length in 1...max(1, name.distance(from: name.startIndex, to: autonomous.lowerBound)) {
                if let cut = segment(Array(characters.prefix(length)) + [characters.last!], romanisation) {
                    proper = String(characters.prefix(length))
                    generic = String(characters.last!)
                    syllables = cut
                    break
                }
            }
        }
        if syllables == nil, let whole = segment(characters, romanisation) {
            syllables = whole
            // The 通名 is the suffix whose syllables make the romanisation's last word (碑林区 "Beilin Qu":
            // 区, not 林区; 神农架林区 "Shennongjia Linqu": 林区).
            let last = plain(romanisation).split(separator: " ").last.map { $0.filter { $0 != "'" } } ?? ""
            if let match = generics.first(where: { name.hasSuffix($0) && name.count > $0.count && whole.suffix($0.count).joined() == last }) {
                generic = match
                proper = String(name.dropLast(generic.count))
            }
        }
        guard let syllables else {
            problems.append("\(name) \"\(romanisation)\": not one pinyin syllable per character; mark it `form` or correct it")
            continue
        }
        let key = proper.count >= 2 ? proper : proper + generic
        let reading = Array(syllables.prefix(key.count))
        if let known = phrases[key], known.syllables != reading {
            problems.append("\(key): \(known.name) reads it \(known.syllables.joined(separator: " ")), \(name) \(reading.joined(separator: " "))")
        } else if phrases[key] == nil {
            phrases[key] = (reading, name)
            phraseOrder.append(key)
        }
        for (character, syllable) in zip(Array(proper + generic), syllables) where icu[character] != nil && icu[character] != syllable {
            var entry = polyphones[character] ?? ([icu[character]!], name)
            if !entry.readings.contains(syllable) {
                entry.readings.append(syllable)
                if entry.example == name || polyphones[character] == nil { entry.example = name } else { entry.example += "、" + name }
            }
            polyphones[character] = entry
        }
    } else if kind == "form" {
        forms[name] = romanisation
    } else {
        fail("place-readings.tsv: kind must be pinyin or form: \(row.joined(separator: " | "))")
    }
    entries.append(Entry(name: name, romanisation: romanisation, proper: proper, generic: generic, syllables: syllables))
}
if !problems.isEmpty { fail(problems.joined(separator: "\n")) }

for row in lines("tools/data/polyphones.tsv") {
    guard row.count == 4, let character = row[0].first, row[0].count == 1 else { fail("polyphones.tsv: bad line \(row)") }
    var entry = polyphones[character] ?? ([], row[2])
    for reading in row[1].split(separator: " ").map(String.init) where !entry.readings.contains(reading) { entry.readings.append(reading) }
    polyphones[character] = entry
}

func block(_ lines: [String]) -> String {
    lines.map { "        " + $0 }.joined(separator: "\n")
}

print("""
    // Generated by tools/generate-place-readings.swift from tools/data/place-readings.tsv and
    // tools/data/polyphones.tsv; do not edit. Sources are named per entry in the data files.

    /// The gazetteer's readings of China's province-, prefecture- and county-level names (and of
    /// township names with polyphonic characters), as tables parsed once when first used.
    enum GazetteerReadings {
        /// \(phrases.count) phrase readings: a 专名 (or a one-character 专名 with its 通名) and its
        /// toneless syllables, one a line.
        static let phrases = \"\"\"
    \(block(phraseOrder.map { $0 + " " + phrases[$0]!.syllables.joined(separator: " ") }))
            \"\"\"

        /// \(forms.count) whole names the gazetteer writes from a minority language or not syllable by
        /// syllable: name|romanisation.
        static let forms = \"\"\"
    \(block(forms.keys.sorted().map { $0 + "|" + forms[$0]! }))
            \"\"\"

        /// \(polyphones.count) characters with more than one reading in place names: the character, its
        /// readings (ICU's first where the table differs from it).
        static let polyphones = \"\"\"
    \(block(polyphones.keys.sorted().map { String($0) + " " + polyphones[$0]!.readings.joined(separator: " ") }))
            \"\"\"

        /// All \(entries.count) table entries, for the tests: name|romanisation|专名|通名, the 通名 being
        /// the short one the source writes for autonomous units (自治县 → 县, "Xian").
        static let entries = \"\"\"
    \(block(entries.map { [$0.name, $0.romanisation, $0.proper, $0.generic].joined(separator: "|") }))
            \"\"\"
    }
    """)
