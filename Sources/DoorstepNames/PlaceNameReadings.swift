/// Readings of place names that ICU's Han-Latin transform gets wrong, toneless, one syllable per
/// character. Longest match wins; a record's own approved romanisation wins over all of these.
///
/// Sources: the 1984 rules for romanising Chinese place names, the national gazetteer's spellings
/// (长兴 Changxing, 乐清 Yueqing, 六安 Lu'an …) and Hangzhou's street and community names.
enum PlaceNameReadings {
    /// Whole words whose reading differs from the characters' usual one.
    static let phrases: [String: [String]] = [
        // Named in GB/T 16159 practice and the gazetteer.
        "长兴": ["chang", "xing"], "乐清": ["yue", "qing"], "六安": ["lu", "an"], "厦门": ["xia", "men"],
        "蚌埠": ["beng", "bu"], "番禺": ["pan", "yu"], "铅山": ["yan", "shan"], "洪洞": ["hong", "tong"],
        "十里堡": ["shi", "li", "pu"], "吴堡": ["wu", "bu"], "成都": ["cheng", "du"], "莘县": ["shen", "xian"],
        "六合": ["lu", "he"], "蔚县": ["yu", "xian"], "单县": ["shan", "xian"], "句容": ["ju", "rong"],
        "会稽": ["kuai", "ji"], "台州": ["tai", "zhou"], "天台": ["tian", "tai"], "丽水": ["li", "shui"],
        "嵊州": ["sheng", "zhou"], "嵊泗": ["sheng", "si"], "鄞州": ["yin", "zhou"], "诸暨": ["zhu", "ji"],
        "括苍": ["kuo", "cang"], "瓯海": ["ou", "hai"], "龙游": ["long", "you"],
        // Hangzhou.
        "朝晖": ["zhao", "hui"], "拱墅": ["gong", "shu"], "塘栖": ["tang", "qi"], "良渚": ["liang", "zhu"],
        "闸弄口": ["zha", "long", "kou"], "五常": ["wu", "chang"], "转塘": ["zhuan", "tang"],
        "大厦": ["da", "sha"], "银行": ["yin", "hang"], "行宫": ["xing", "gong"], "曲院": ["qu", "yuan"],
        // 通名 as the gazetteer reads them (ICU: 地 de).
        "地区": ["di", "qu"],
        // Single characters read differently in place names (厍 shè, as in 郭家厍).
        "厍": ["she"],
    ]

    /// Characters whose usual reading in place names is not ICU's first choice.
    static let characters: [Character: String] = [
        "长": "chang",  // ICU: zhǎng (长兴, 长河, 长庆 …)
        "弄": "long",  // the lane 通名 of Jiangnan: 弄 lòng, not nòng
        "都": "du",  // ICU: dōu (成都, 三都, 都市 …)
        "乐": "le",
        "堡": "bao",
        "厦": "sha",
        "行": "xing",
        "朝": "chao",
        "重": "chong",  // 重庆; names rarely use zhòng
        "圩": "wei",
        "埭": "dai",
        "岙": "ao",
        "垟": "yang",
        "浜": "bang",
        "溇": "lou",
        "畈": "fan",
        "〇": "ling",
    ]

    /// The longest phrase length in ``phrases``, to bound the search.
    static let longestPhrase = phrases.keys.map(\.count).max() ?? 1
}
