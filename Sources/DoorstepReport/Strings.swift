import DoorstepCoverage

/// The report's language: Chinese (default) or English.
public enum ReportLanguage: String, Sendable, CaseIterable {
    case zh, en

    func text(_ key: Key) -> String {
        let pair = Self.table[key]!
        return self == .zh ? pair.0 : pair.1
    }

    enum Key: CaseIterable {
        case title, generated, summary, kind, radius, elderly, covered, ratio, facilities, capacity, uncoveredArea
        case unitsMissing, topAreas, area, reasons, place, rank, mapTitle, legend, noData, districtTable, levelTable
        case settings, radiiUsed, standard, overridden, targets, minRatio, minFacilities, minArea, dataFiles, crs, tool
        case scenario, before, after, change, newlyCovered, newSites, code, name, reasonCoverage, reasonFacilities
        case none, warnings, hatchNote, catchmentNote, serviceAreaNote, distanceModel, straightLineModel, demandMethod
    }

    static let table: [Key: (String, String)] = [
        .title: ("养老服务设施覆盖评估报告", "Elder-care facility coverage report"),
        .generated: ("生成时间", "Generated"),
        .summary: ("概要", "Summary"),
        .kind: ("设施类型", "Facility kind"),
        .radius: ("服务半径", "Radius"),
        .elderly: ("老年人口", "Elderly"),
        .covered: ("覆盖人数", "Covered"),
        .ratio: ("覆盖率", "Ratio"),
        .facilities: ("设施数", "Facilities"),
        .capacity: ("容量", "Capacity"),
        .uncoveredArea: ("未覆盖面积 (km²)", "Uncovered (km²)"),
        .unitsMissing: ("未达标单元", "Units that miss their targets"),
        .topAreas: ("未覆盖人数最多的区域", "Uncovered areas with most elderly"),
        .area: ("面积 (m²)", "Area (m²)"),
        .reasons: ("原因", "Reasons"),
        .place: ("位置", "Place"),
        .rank: ("排名", "Rank"),
        .mapTitle: ("覆盖率地图", "Coverage map"),
        .legend: ("图例", "Legend"),
        .noData: ("无老年人口", "no elderly"),
        .districtTable: ("各区县覆盖情况", "Coverage per district"),
        .levelTable: ("各单元覆盖情况", "Coverage per unit"),
        .settings: ("评估设置", "Settings"),
        .radiiUsed: ("服务半径", "Service radii"),
        .standard: ("依据", "Basis"),
        .overridden: ("(本次指定)", "(set for this run)"),
        .targets: ("目标", "Targets"),
        .minRatio: ("最低覆盖率", "Minimum coverage ratio"),
        .minFacilities: ("每单元最少设施数", "Minimum facilities per unit"),
        .minArea: ("最小列出面积 (m²)", "Smallest area listed (m²)"),
        .dataFiles: ("数据文件", "Data files"),
        .crs: ("坐标系", "CRS"),
        .tool: ("工具版本", "Tool version"),
        .scenario: ("方案对比", "Scenario comparison"),
        .before: ("现状", "Before"),
        .after: ("方案", "After"),
        .change: ("变化", "Change"),
        .newlyCovered: ("新增覆盖区域", "Newly covered areas"),
        .newSites: ("新增设施", "New facilities"),
        .code: ("代码", "Code"),
        .name: ("名称", "Name"),
        .reasonCoverage: ("覆盖率不足", "coverage"),
        .reasonFacilities: ("设施不足", "facilities"),
        .none: ("无", "none"),
        .warnings: ("数据提示", "Data warnings"),
        .hatchNote: ("斜线：未覆盖区域", "hatched: uncovered areas"),
        .catchmentNote: ("浅色圆：服务范围", "light discs: catchments"),
        .serviceAreaNote: ("浅色区域：步行服务区；灰线：步行路网", "light areas: walking service areas; grey lines: the street network"),
        .distanceModel: ("距离计算方式", "Distance model"),
        .straightLineModel: ("直线距离", "straight-line distance"),
        .demandMethod: ("老年人口分布", "Demand"),
    ]

    func kindName(_ kind: String) -> String {
        guard self == .zh else { return kind }
        return FacilityKind.info(kind)?.nameZh ?? kind
    }

    func levelName(_ level: String) -> String {
        guard self == .zh else { return level }
        return ["district": "区县", "street": "镇街", "community": "村社"][level] ?? level
    }

    /// Where each default radius comes from.
    func basis(_ kind: String) -> String {
        guard let info = FacilityKind.info(kind) else { return "–" }
        return self == .zh ? info.basisZh : info.basisEn
    }
}
