/// One kind of facility, as the plan knows it: its id, default catchment and where that comes from,
/// the Chinese labels ledgers use for it, and its names in reports.
public struct FacilityKindInfo: Sendable, Equatable {
    public var id: String
    /// Metres of walking (or straight line without a network).
    public var defaultRadius: Double
    /// Substrings of a Chinese label that name this kind: 老年食堂, 助餐点 → canteen.
    public var aliases: [String]
    public var nameZh: String
    public var nameEn: String
    /// The standard or policy behind the default radius.
    public var basisZh: String
    public var basisEn: String
    /// Places per 1,000 elderly a standard asks for, when one does (care homes: 40 beds, GB 50437).
    public var placesPer1000Elderly: Double?
}

/// The catalogue of facility kinds: the one table the loader, the coverage model, the report and the
/// sample read (GB 50180-2018 life circles: 5 minutes ≈ 300 m, 10 ≈ 500 m, 15 ≈ 1,000 m of walking).
///
/// ```swift
/// FacilityKind.normalized("社区老年食堂")      // "canteen"
/// FacilityKind.info("care-home")?.nameZh     // "养老院"
/// ```
public enum FacilityKind {
    /// In the order reports list kinds.
    public static let catalogue: [FacilityKindInfo] = [
        FacilityKindInfo(
            id: "canteen", defaultRadius: 500, aliases: ["食堂", "助餐"], nameZh: "老年食堂/助餐点", nameEn: "elderly canteen / meal point",
            basisZh: "GB 50180-2018 10分钟生活圈 (500 m)", basisEn: "GB 50180-2018 10-minute life circle (500 m)"),
        FacilityKindInfo(
            id: "day-care", defaultRadius: 300, aliases: ["日间照料", "托老所"], nameZh: "日间照料中心", nameEn: "day-care centre",
            basisZh: "GB 50180-2018 5分钟生活圈 (300 m)", basisEn: "GB 50180-2018 5-minute life circle (300 m)"),
        FacilityKindInfo(
            id: "embedded-care", defaultRadius: 1000, aliases: ["嵌入式"], nameZh: "嵌入式养老机构",
            nameEn: "embedded elder-care institution", basisZh: "GB 50180-2018 15分钟生活圈 (1000 m)",
            basisEn: "GB 50180-2018 15-minute life circle (1000 m)"),
        FacilityKindInfo(
            id: "care-home", defaultRadius: 1000, aliases: ["养老院", "敬老院", "养护院", "护理院"], nameZh: "养老院", nameEn: "care home",
            basisZh: "GB 50180-2018 15分钟生活圈 (1000 m)", basisEn: "GB 50180-2018 15-minute life circle (1000 m)",
            placesPer1000Elderly: 40),
        FacilityKindInfo(
            id: "home-care-center", defaultRadius: 1000, aliases: ["居家养老服务中心"], nameZh: "居家养老服务中心",
            nameEn: "home-care service centre", basisZh: "镇街全覆盖政策; 15分钟生活圈 (1000 m)",
            basisEn: "one per town/street policy; 15-minute life circle (1000 m)"),
    ]

    public static func info(_ id: String) -> FacilityKindInfo? { catalogue.first { $0.id == id } }

    /// The kind a Chinese or English label names: 老年食堂 → canteen, 日间照料中心 → day-care …
    public static func normalized(_ label: String) -> String {
        let trimmed = label.trimmingSpaces().lowercased()
        if trimmed.utf8.contains(where: { $0 >= 0x80 }) {  // only Chinese labels need the alias search
            for (alias, kind) in aliasesLongestFirst where trimmed.contains(alias) { return kind }
        }
        if !trimmed.contains(where: { $0 == "_" || $0 == " " }) { return trimmed }
        return trimmed.replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
    }

    /// Longest first, so that 居家养老服务中心 is found before anything it contains.
    static let aliasesLongestFirst: [(String, String)] = catalogue.flatMap { info in info.aliases.map { ($0, info.id) } }
        .sorted { $0.0.count > $1.0.count }

    /// Sorts kinds as reports list them: the catalogue's in its order, then the rest alphabetically.
    public static func reportOrder(_ kinds: some Sequence<String>) -> [String] {
        let known = catalogue.map(\.id)
        return Set(kinds).sorted { a, b in
            switch (known.firstIndex(of: a), known.firstIndex(of: b)) {
            case let (x?, y?): x < y
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): a < b
            }
        }
    }
}
