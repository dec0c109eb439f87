/// Where a name must not repeat (地名管理条例 Art. 9(7)–(8) and local practice).
public enum DuplicateScope: String, Codable, Sendable, CaseIterable {
    /// The whole built-up area: the registry's city (roads, streets, lanes, residential areas …).
    case city
    /// The same county-level area: the same district code (社区, 村).
    case county
    /// The whole province (乡, 镇, 街道); a registry holds one city, so in practice the registry.
    case province
    /// The same 乡/镇: the same town code (natural villages).
    case town
}

/// A kind of named place, with the 通名 it may end in and where its names must be unique.
///
/// The bureau can add types (`doorstep names types add`); these are the defaults.
public struct PlaceType: Codable, Sendable, Equatable {
    public var id: String
    /// The Chinese label, e.g. 道路.
    public var label: String
    /// Allowed 通名, e.g. ["路", "大道"]; the longest that ends a name is its 通名.
    public var generics: [String]
    public var scope: DuplicateScope

    public init(id: String, label: String, generics: [String], scope: DuplicateScope) {
        self.id = id
        self.label = label
        self.generics = generics
        self.scope = scope
    }

    public static let defaults: [PlaceType] = [
        PlaceType(id: "road", label: "道路", generics: ["路", "公路", "大道", "街", "大街"], scope: .city),
        PlaceType(id: "street", label: "街", generics: ["街", "大街", "路"], scope: .city),
        PlaceType(id: "lane", label: "巷弄", generics: ["巷", "弄", "里", "坊", "胡同"], scope: .city),
        PlaceType(id: "avenue", label: "大道", generics: ["大道"], scope: .city),
        PlaceType(id: "bridge", label: "桥梁", generics: ["桥", "大桥", "立交桥", "立交"], scope: .city),
        PlaceType(id: "tunnel", label: "隧道", generics: ["隧道"], scope: .city),
        PlaceType(id: "square", label: "广场", generics: ["广场"], scope: .city),
        PlaceType(id: "park", label: "公园", generics: ["公园", "园"], scope: .city),
        PlaceType(
            id: "residential", label: "居住区",
            generics: ["小区", "苑", "园", "府", "庭", "居", "家园", "花园", "新村", "公寓", "社区"], scope: .city),
        PlaceType(id: "building", label: "建筑物", generics: ["大厦", "大楼", "楼", "中心", "广场", "馆", "塔"], scope: .city),
        PlaceType(id: "community", label: "社区", generics: ["社区", "居委会", "居民委员会"], scope: .county),
        PlaceType(id: "village", label: "行政村", generics: ["村", "村委会", "村民委员会", "社区"], scope: .county),
        PlaceType(
            id: "natural-village", label: "自然村",
            generics: ["村", "庄", "坞", "湾", "岙", "埠", "墩", "桥", "塘", "里", "弄", "头", "家", "山", "坪"], scope: .town),
        PlaceType(id: "town", label: "乡镇", generics: ["镇", "乡"], scope: .province),
        PlaceType(id: "subdistrict", label: "街道", generics: ["街道"], scope: .province),
        PlaceType(
            id: "district", label: "区县", generics: ["区", "县", "市", "新区", "自治县", "旗", "自治旗", "特区"], scope: .province),
    ]

    /// The defaults by id: the types a registry starts with.
    public static var defaultsByID: [String: PlaceType] {
        Dictionary(defaults.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The order in which a type is guessed from a name's 通名 when a row does not say: the longest
    /// 通名 wins, and among equal ones the earlier type (社区 is a community before a residential area).
    public static let inferenceOrder = [
        "subdistrict", "town", "district", "community", "village", "avenue", "road", "street", "lane", "bridge", "tunnel",
        "square", "park", "residential", "building", "natural-village",
    ]

    /// The type a name's 通名 suggests, among `types`.
    public static func infer(from name: String, types: [String: PlaceType]) -> PlaceType? {
        let ordered = inferenceOrder.compactMap { types[$0] } + types.values.filter { !inferenceOrder.contains($0.id) }.sorted { $0.id < $1.id }
        var best: (type: PlaceType, length: Int)?
        for type in ordered {
            if let generic = type.generic(of: name), generic.count < name.count, generic.count > best?.length ?? 0 {
                best = (type, generic.count)
            }
        }
        return best?.type
    }

    /// Types whose names a road-side label ("文三路以北") can use.
    public static let roadTypes: Set<String> = ["road", "street", "lane", "avenue"]

    /// Types that are communities or villages, for "the community a place lies in".
    public static let communityTypes: Set<String> = ["community", "village"]

    /// The 通名 that ends `name`, or nil (longest first, so 大道 wins over 道).
    public func generic(of name: String) -> String? {
        generics.filter { name.hasSuffix($0) }.max { $0.count < $1.count }
    }
}

/// A name cut into 专名 and 通名.
public struct NameParts: Sendable, Equatable {
    public var proper: String
    public var generic: String

    public init(proper: String, generic: String) {
        self.proper = proper
        self.generic = generic
    }

    /// Splits with the type's 通名; without one the whole name is the 专名.
    public init(_ name: String, type: PlaceType?) {
        if let generic = type?.generic(of: name) {
            self.init(proper: String(name.dropLast(generic.count)), generic: generic)  // 专名 empty: a 通名 alone
        } else {
            self.init(proper: name, generic: "")
        }
    }
}
