/// The word lists and limits the checks use. The bureau edits them; they live in the registry
/// (`doorstep names settings --load FILE`), and these are the defaults.
public struct NameSettings: Codable, Sendable, Equatable {
    /// Fewest and most characters in a whole name.
    public var minLength = 2
    public var maxLength = 8
    /// Most characters in the 专名; `nil` for no limit (one Jiangsu city uses 4).
    public var maxProperLength: Int? = nil
    /// "大、洋、怪、重" words (Art. 9(1); Hangzhou's 2019 clean-up of non-standard names).
    public var grandioseWords = [
        "宇宙", "中央", "世界", "环球", "国际", "欧洲", "皇家", "帝王", "帝豪", "天下", "全球", "寰宇", "至尊", "王朝", "霸王",
        "首府", "御景", "天子", "万国", "中华",
    ]
    /// Names of persons, above all state leaders (Art. 9(4)).
    public var blockedPersons = ["毛泽东", "周恩来", "刘少奇", "朱德", "邓小平", "江泽民", "胡锦涛", "习近平", "李克强"]
    /// Foreign persons and places (Art. 9(5); 实施办法 Art. 3).
    public var blockedForeign = [
        "曼哈顿", "威尼斯", "维也纳", "加州", "罗马", "巴黎", "伦敦", "纽约", "米兰", "香榭丽舍", "普罗旺斯", "托斯卡纳",
        "莱茵", "波尔多", "温莎", "凡尔赛", "华盛顿", "拿破仑", "莎士比亚", "哈佛",
    ]
    /// Companies and trademarks (Art. 9(6); 实施办法 Art. 4).
    public var blockedCompanies = ["万达", "碧桂园", "恒大", "万科", "阿里巴巴", "华为", "苏宁", "国美", "海底捞"]
    /// Characters outside GB 2312 (rare or traditional) go to a reviewer.
    public var reviewRareCharacters = true
    /// Names that sound almost alike (zh/z, n/l, -ng/-n …) go to a reviewer.
    public var reviewNearSounds = true
    /// The 通名 a planned road of each class may take (the plan's road classes), first preferred.
    public var roadClasses: [String: [String]] = NameSettings.defaultRoadClasses

    /// arterial 大道/路, secondary 路/街, branch 街/路/巷, lane 巷/弄.
    public static let defaultRoadClasses = [
        "arterial": ["大道", "路"], "secondary": ["路", "街"], "branch": ["街", "路", "巷"], "lane": ["巷", "弄"],
    ]

    public init() {}
}

extension NameSettings {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case minLength, maxLength, maxProperLength, grandioseWords, blockedPersons, blockedForeign, blockedCompanies
        case reviewRareCharacters, reviewNearSounds, roadClasses
    }

    /// Any key of a JSON object, to find those that are not settings.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Reads a settings file in which every key is optional: what it leaves out keeps its default. A
    /// key that is no setting (`maxLenght`) is an error, never a setting silently left at its default.
    public init(from decoder: any Decoder) throws {
        self.init()
        for key in try decoder.container(keyedBy: AnyKey.self).allKeys where CodingKeys(stringValue: key.stringValue) == nil {
            let known = CodingKeys.allCases.map(\.stringValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(codingPath: [key], debugDescription: "not a setting; the settings are \(known)"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minLength = try c.decodeIfPresent(Int.self, forKey: .minLength) ?? minLength
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength) ?? maxLength
        maxProperLength = try c.decodeIfPresent(Int.self, forKey: .maxProperLength) ?? maxProperLength
        grandioseWords = try c.decodeIfPresent([String].self, forKey: .grandioseWords) ?? grandioseWords
        blockedPersons = try c.decodeIfPresent([String].self, forKey: .blockedPersons) ?? blockedPersons
        blockedForeign = try c.decodeIfPresent([String].self, forKey: .blockedForeign) ?? blockedForeign
        blockedCompanies = try c.decodeIfPresent([String].self, forKey: .blockedCompanies) ?? blockedCompanies
        reviewRareCharacters = try c.decodeIfPresent(Bool.self, forKey: .reviewRareCharacters) ?? reviewRareCharacters
        reviewNearSounds = try c.decodeIfPresent(Bool.self, forKey: .reviewNearSounds) ?? reviewNearSounds
        roadClasses = try c.decodeIfPresent([String: [String]].self, forKey: .roadClasses) ?? roadClasses
    }
}

extension NameSettings {
    /// Why these settings cannot be used, or `nil`: limits that leave no name possible or that no
    /// name reaches, and words that match nothing or carry control characters.
    public var problem: String? {
        guard minLength >= 1 else { return "minLength is \(minLength); at least 1" }
        guard (minLength...RegistryInput.maxNameLength).contains(maxLength) else {
            return "maxLength is \(maxLength); between minLength (\(minLength)) and \(RegistryInput.maxNameLength)"
        }
        if let maxProperLength, !(1...maxLength).contains(maxProperLength) {
            return "maxProperLength is \(maxProperLength); between 1 and maxLength (\(maxLength))"
        }
        let lists = [
            ("grandioseWords", grandioseWords), ("blockedPersons", blockedPersons), ("blockedForeign", blockedForeign),
            ("blockedCompanies", blockedCompanies),
        ]
        for (key, words) in lists {
            for word in words {
                if let problem = RegistryInput.nameProblem(word) { return "\(key): \(RegistryInput.shown(word)) \(problem)" }
            }
        }
        for (roadClass, generics) in roadClasses.sorted(by: { $0.key < $1.key }) {
            guard !roadClass.isEmpty, roadClass.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else {
                return "roadClasses: the class \(RegistryInput.shown(roadClass)) is not an id of lowercase letters, digits and '-'"
            }
            guard !generics.isEmpty else { return "roadClasses.\(roadClass): give at least one 通名" }
            for generic in generics {
                if let problem = RegistryInput.nameProblem(generic) { return "roadClasses.\(roadClass): \(RegistryInput.shown(generic)) \(problem)" }
            }
        }
        return nil
    }

    /// One line for a settings file that does not decode: which key, and what was wrong with it.
    public static func describe(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty ? "the file" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)): expected \(type), found null"
        case .keyNotFound(let key, _): return "\(key.stringValue) is missing"
        case .dataCorrupted(let context) where context.underlyingError == nil && !context.codingPath.isEmpty:
            return "\(RegistryInput.shown(path(context.codingPath))): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): not valid JSON" + (context.underlyingError.map { " (\(String(describing: $0).prefix(120)))" } ?? "")
        @unknown default: return "\(error)"
        }
    }
}
