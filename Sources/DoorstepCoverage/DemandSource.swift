import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// Where the elderly come from: points, or counts that ``DemandPlacement`` turns into points.
///
/// ```swift
/// let layers = try loader.load(units: units, facilities: [canteens],
///                              demand: .table(LayerSource(path: "ledger.xlsx"), join: "code"))
/// print(layers.demandMethod)   // demand from 2,160 community counts on a 50 m grid
/// ```
public enum DemandSource: Sendable, Equatable {
    /// A layer of points with a weight each, or of polygons with a count each.
    case layer(LayerSource)
    /// A table of counts per unit (CSV, Excel: the civil-affairs ledger's 村社老年人口数), joined to the
    /// units by code; `join` names the table's column holding the unit code.
    case table(LayerSource, join: String)
}

/// How counts become points: the grid spacing, or the residential buildings to spread them over.
public struct DemandOptions: Sendable, Equatable {
    public var spacing: Double
    public var buildings: LayerSource?
    /// The buildings' property holding the number of floors (footprint area × floors weighs them).
    public var floorsField: String

    public init(spacing: Double = 50, buildings: LayerSource? = nil, floorsField: String = "floors") {
        self.spacing = spacing
        self.buildings = buildings
        self.floorsField = floorsField
    }
}

extension LayerLoader {
    /// The demand points and how they were made.
    func loadDemand(_ source: DemandSource, units: [PlanningUnit], warnings: inout [String]) throws(InputError) -> (points: [DemandPoint], method: String) {
        switch source {
        case .layer(let layer):
            var request = layer.request()
            request.pointColumns = keepsDemandIDs ? [demandFields.id, demandFields.weight] : [demandFields.weight]
            var collection = try read(layer, request, warnings: &warnings)
            let points: [DemandPoint]
            if let columns = collection.points {
                collection.points = nil
                points = try demandPoints(columns, file: layer.path)
                FreedElsewhere.free(consume columns, count: points.count)
            } else {
                let features = collection.features
                collection.features = []
                guard !features.isEmpty else { throw InputError(file: layer.path, message: "the demand layer has no features") }
                guard !features.contains(where: { $0.geometry?.isPolygonal == true }) else {
                    return try place(try countAreas(features, file: layer.path), noun: "polygon", file: layer.path, warnings: &warnings)
                }
                points = try demandPoints(features, file: layer.path)
                FreedElsewhere.free(consume features, count: points.count)
            }
            return (points, "\(DemandPlacementSummary.grouped(points.count)) demand points from \(Self.fileName(layer.path))")
        case .table(let table, let join):
            var request = table.request()
            request.attributesOnly = true
            let collection = try formats.read(request)
            warnings += collection.notes
            // Errors name the row's line, as a planner finds it in Excel.
            let lines = collection.featureLines ?? collection.features.indices.map { $0 + 2 }
            do {
                let (areas, noun) = try joinedAreas(collection.features, lines: lines, join: join, units: units, file: table.path, warnings: &warnings)
                return try place(areas, noun: noun, file: table.path, warnings: &warnings)
            } catch {
                throw error.onLine(of: FeatureCollection(features: [], featureLines: lines))
            }
        }
    }

    static func fileName(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }

    /// A layer of polygons, each with a count.
    func countAreas(_ features: [Feature], file: String) throws(InputError) -> [DemandArea] {
        try features.enumerated().map { index, feature throws(InputError) in
            guard let geometry = feature.geometry, geometry.isPolygonal else {
                let kind = feature.geometry?.typeName ?? "no geometry"
                throw .feature(index, in: file, "is \(kind); a demand layer of counts holds polygons throughout (or points throughout)")
            }
            let id = text(feature, demandFields.id) ?? text(feature, unitFields.code) ?? String(index)
            return DemandArea(id: id, geometry: geometry, count: try count(feature, index: index, file: file))
        }
    }

    /// The count of elderly a row or polygon gives: a whole number from 0 to ``largestCount``.
    func count(_ feature: Feature, index: Int, file: String) throws(InputError) -> Int {
        let field = demandFields.weight
        guard let value = Self.value(feature, field), value != .null, value.textValue?.trimmingSpaces() != "" else {
            throw .feature(index, in: file, "has no \"\(field)\" count (use --demand-weight-field to name the count column)")
        }
        let number = try self.number(feature, field, fallback: 0, index: index, file: file)
        guard number == number.rounded() else { throw .feature(index, in: file, "\"\(field)\" is \(number); a count of people is a whole number") }
        return Int(number)
    }

    /// The table's counts on the units whose code they name. A row naming no unit, or a unit twice, is an
    /// error; a unit of the same level without a row gets no demand, with a warning naming it.
    func joinedAreas(
        _ rows: [Feature], lines: [Int], join: String, units: [PlanningUnit], file: String, warnings: inout [String]
    ) throws(InputError) -> (areas: [DemandArea], noun: String) {
        guard !rows.isEmpty else { throw InputError(file: file, message: "the demand table has no rows") }
        let unitsByCode = Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var areas: [DemandArea] = []
        var rowOfCode: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            guard let code = text(row, join) else {
                throw .feature(index, in: file, "has no \"\(join)\" (use --demand-join to name the column holding the unit code)")
            }
            if let earlier = rowOfCode[code] { throw .feature(index, in: file, "code \(code) is already given on line \(lines[earlier])") }
            rowOfCode[code] = index
            guard let unit = unitsByCode[code] else { throw .feature(index, in: file, "code \(code) matches no unit in the units layer") }
            areas.append(DemandArea(id: code, geometry: unit.geometry, count: try count(row, index: index, file: file)))
        }
        let levels = Set(areas.compactMap { unitsByCode[$0.id]?.level })
        let missing = units.filter { levels.contains($0.level) && rowOfCode[$0.code] == nil }.map(\.code)
        if !missing.isEmpty {
            warnings.append(
                "\(file): \(missing.count) unit\(missing.count == 1 ? " has" : "s have") no row and no demand: "
                    + missing.prefix(10).joined(separator: ", ") + (missing.count > 10 ? ", …" : ""))
        }
        return (areas, levels.count == 1 ? levels.first?.rawValue ?? "unit" : "unit")
    }

    /// Places the counts, on the buildings when given.
    func place(_ areas: [DemandArea], noun: String, file: String, warnings: inout [String]) throws(InputError) -> (points: [DemandPoint], method: String) {
        let buildings = try demandOptions.buildings.map { source throws(InputError) in try loadBuildings(source, warnings: &warnings) }
        let placed: PlacedDemand
        do {
            placed = try DemandPlacement(spacing: demandOptions.spacing, areaNoun: noun).place(areas, buildings: buildings)
        } catch {
            let source = error.inBuildings ? demandOptions.buildings?.path ?? file : file
            throw InputError(file: source, location: error.area.map { "area \($0)" } ?? "", message: error.message)
        }
        let summary = placed.summary
        if !summary.onePointAreas.isEmpty || !summary.gridFallbackAreas.isEmpty { warnings.append("\(file): \(summary)") }
        return (placed.points, summary.method + " (\(Self.fileName(file)))")
    }

    func loadBuildings(_ source: LayerSource, warnings: inout [String]) throws(InputError) -> [DemandBuilding] {
        try read(source, warnings: &warnings).enumerated().map { index, feature throws(InputError) in
            guard let geometry = feature.geometry, geometry.isPolygonal else {
                throw .feature(index, in: source.path, "is \(feature.geometry?.typeName ?? "no geometry"); a building is a Polygon or MultiPolygon")
            }
            let floors = Self.value(feature, demandOptions.floorsField) == nil
                ? nil : try number(feature, demandOptions.floorsField, fallback: 1, index: index, file: source.path)
            return DemandBuilding(geometry: geometry, floors: floors)
        }
    }
}

/// Frees a large layer's features or columns on another core: the 300,000 small values of a demand
/// layer, done with once its points are taken, cost the main thread as long to free as a phase of the
/// analysis.
enum FreedElsewhere {
    static func free<Value>(_ value: consuming Value, count: Int) {
        guard count >= 50_000 else { return }
        let held = Held(value)
        DispatchQueue.global(qos: .utility).async { held.value = nil }
    }

    private final class Held<Value>: @unchecked Sendable {
        var value: Value?

        init(_ value: consuming Value) { self.value = value }
    }
}
