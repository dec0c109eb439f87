import Foundation

extension NameRules {
    /// `reading`: a polyphonic character in the 专名 that no place-name reading resolves (no phrase of
    /// the gazetteer's table or of the hand-kept readings covers it) makes the romanisation a guess,
    /// so a person confirms it before approval. The 通名's reading is fixed by the type (弄 long).
    ///
    /// 乐亭路 is resolved (乐亭 Laoting, from the gazetteer); 乐园路 is not: 乐 reads le, yue or lao.
    func reading() -> [Finding] {
        // Phrases are read over the whole name (the phrase 莘县 settles 莘); only the 专名's characters count.
        let properLength = (parts.proper.isEmpty ? proposal.name : parts.proper).unicodeScalars.count
        let unresolved = romanizer.unresolvedPolyphones(in: proposal.name, prefix: properLength)
        guard !unresolved.isEmpty else { return [] }
        let listed = unresolved.map { "\($0.character) (\($0.readings.joined(separator: ", ")))" }.joined(separator: "、")
        let pinyin = romanizer.romanize(proper: parts.proper, generic: parts.generic)
        return [
            finding(
                "reading", .review,
                "\(listed) in \(shown) \(unresolved.count == 1 ? "has" : "have") more than one reading and no place-name reading settles \(unresolved.count == 1 ? "it" : "them"): confirm the romanisation \"\(pinyin)\" before approval")
        ]
    }
}
