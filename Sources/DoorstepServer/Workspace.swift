import DoorstepCoverage
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// What `doorstep serve` serves: the layers, the settings and the assessment made from them once at
/// start, and the OGC API collections built from those. Shared read-only by every request.
///
/// Every number comes from the libraries: `coverage-{kind}` is ``CoverageTable/features`` and
/// `gaps-{kind}` is ``GapList/features`` of the assessment restricted to that kind, exactly what
/// `doorstep coverage --format geojson --kind KIND` and `doorstep gaps --kind KIND` write with the same
/// flags.
///
/// ```swift
/// let workspace = try Workspace(layers: layers, settings: settings, targets: GapTargets())
/// workspace.collection("gaps-canteen")?.features.count
/// ```
public final class Workspace: Sendable {
    public let layers: Layers
    public let settings: CoverageSettings
    public let targets: GapTargets
    /// The assessment with uncovered parts and unit geometries, for every kind of the settings.
    public let assessment: CoverageAssessment
    /// The kinds assessed, in report order, with their radii.
    public let kinds: [(kind: String, radius: Double)]
    /// The collections in the order `/collections` lists them.
    public let collections: [ServedCollection]
    let collectionIndex: [String: Int]
    /// Per kind, per level, per unit code: the assessed row (scenario "before" figures).
    let rowsByKind: [String: [String: CoverageRow]]
    /// Each unit's longitude/latitude envelope, for the units a proposed facility can reach.
    let unitEnvelopes: [Envelope?]
    /// Files the layers came from, for the report's settings section.
    public let sources: [(role: String, path: String, crs: String)]
    /// Things the planner should know about the layers and the assessment.
    public let warnings: [String]

    /// Assesses the layers (with their uncovered parts) and builds the collections.
    ///
    /// - Parameters:
    ///   - names: the registry's in-use names as features (served as `names`), or nil without `--names`.
    ///   - progress: told what is being done, for the server's start-up messages.
    public init(
        layers: Layers, settings: CoverageSettings, targets: GapTargets = GapTargets(), names: [Feature]? = nil,
        sources: [(role: String, path: String, crs: String)] = [], progress: (String) -> Void = { _ in }
    ) throws {
        self.layers = layers
        self.settings = settings
        self.targets = targets
        self.sources = sources
        progress("assessing coverage of \(layers.units.count) units, \(layers.facilities.count) facilities, \(layers.demand.count) demand points")
        let assessment = try CoverageModel.assess(layers, settings: settings, withParts: true)
        self.assessment = assessment
        self.kinds = assessment.kinds
        self.warnings = layers.warnings + assessment.warnings
        progress("building collections")

        var collections: [ServedCollection] = []
        collections.append(
            ServedCollection(
                id: "units", title: "Planning units", description: "The planning units (districts, streets, communities) as read.",
                features: layers.units.map { unit in
                    Feature(
                        id: .string(unit.code), geometry: unit.geometry,
                        properties: [
                            "code": .string(unit.code), "name": .string(unit.name), "level": .string(unit.level.rawValue),
                            "parent": unit.parent.map(JSONValue.string) ?? .null,
                        ])
                }))
        collections.append(
            ServedCollection(
                id: "facilities", title: "Facilities", description: "The existing facilities of every kind.",
                features: layers.facilities.enumerated().map { index, facility in
                    Feature(
                        id: .number(Double(index + 1)), geometry: .point(facility.location),
                        properties: [
                            "id": .string(facility.id), "name": .string(facility.name), "kind": .string(facility.kind),
                            "capacity": .number(facility.capacity),
                        ])
                }))
        var rowsByKind: [String: [String: CoverageRow]] = [:]
        for (kind, radius) in assessment.kinds {
            let only = Self.restricted(assessment, to: kind)
            let table = CoverageTable(only)
            collections.append(
                ServedCollection(
                    id: "coverage-\(kind)", title: "Coverage: \(kind)",
                    description: "The units with their \(kind) coverage row (radius \(Int(radius)) m), as `doorstep coverage --kind \(kind)` gives.",
                    features: table.features.map { feature in
                        var feature = feature
                        feature.id = feature.properties["code"]
                        return feature
                    }))
            let gaps = GapList(only, targets: targets)
            collections.append(
                ServedCollection(
                    id: "gaps-\(kind)", title: "Gaps: \(kind)",
                    description: "Units that miss their \(kind) targets and their uncovered areas, as `doorstep gaps --kind \(kind)` gives.",
                    features: gaps.features.enumerated().map { index, feature in
                        var feature = feature
                        feature.id = .number(Double(index + 1))
                        return feature
                    }))
            rowsByKind[kind] = Dictionary(only.rows.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        }
        if let names { collections.append(.names(names)) }
        self.collections = collections
        self.collectionIndex = Dictionary(collections.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.rowsByKind = rowsByKind
        self.unitEnvelopes = layers.units.map { $0.geometry.envelope }
    }

    public func collection(_ id: String) -> ServedCollection? {
        collectionIndex[id].map { collections[$0] }
    }

    /// The assessment with only `kind`'s rows: what `--kind KIND` gives (ranks count within the kind).
    static func restricted(_ assessment: CoverageAssessment, to kind: String) -> CoverageAssessment {
        var only = assessment
        only.rows = assessment.rows.filter { $0.kind == kind }
        only.kinds = assessment.kinds.filter { $0.kind == kind }
        return only
    }

    /// The radius of `kind` in these settings, or nil for a kind that cannot be assessed.
    func radius(of kind: String) -> Double? {
        kinds.first { $0.kind == kind }?.radius ?? (try? settings.radius(of: kind))
    }

    /// The levels assessed at start.
    public var levels: Set<UnitLevel> { settings.levels }
}

/// One collection of features served by OGC API Features, each feature encoded once at start so a
/// page of items is a concatenation.
public struct ServedCollection: Sendable {
    public let id: String
    public let title: String
    public let description: String
    public let features: [Feature]
    /// Each feature as RFC 7946 GeoJSON (``GeoJSONWriter``).
    let encoded: [[UInt8]]
    let envelopes: [Envelope?]
    /// A feature's id as text → its position.
    let positions: [String: Int]
    /// The bounding box of every feature, WGS84.
    let extent: Envelope?
    /// Property names in the order the first features give them, for filters and the HTML table.
    let propertyNames: [String]
    /// Per property, its JSON type ("string", "number", "boolean"), for the queryables and OpenAPI.
    let propertyTypes: [String: String]

    init(id: String, title: String, description: String, features: [Feature]) {
        self.id = id
        self.title = title
        self.description = description
        self.features = features
        let writer = GeoJSONWriter()
        encoded = features.map { feature in
            var out: [UInt8] = []
            writer.write(feature, to: &out)
            return out
        }
        envelopes = features.map { $0.geometry.flatMap { $0.envelope } }
        var positions: [String: Int] = [:]
        for (index, feature) in features.enumerated() {
            if let text = feature.id?.textValue, positions[text] == nil { positions[text] = index }
        }
        self.positions = positions
        extent = envelopes.compactMap { $0 }.reduce(nil as Envelope?) { sum, box in sum.map { $0.union(box) } ?? box }
        var names: [String] = []
        var seen = Set<String>()
        var types: [String: String] = [:]
        for feature in features {
            for (key, value) in feature.properties.entries {
                if seen.insert(key).inserted { names.append(key) }
                if types[key] == nil {
                    switch value {
                    case .string: types[key] = "string"
                    case .number: types[key] = "number"
                    case .bool: types[key] = "boolean"
                    case .array: types[key] = "array"
                    case .object: types[key] = "object"
                    case .null: break
                    }
                }
            }
        }
        propertyNames = names
        propertyTypes = types
    }

    /// The registry's in-use names, each feature's id its record's.
    static func names(_ features: [Feature]) -> ServedCollection {
        ServedCollection(
            id: "names", title: "Place names in use", description: "The registry's in-use place names.",
            features: features.enumerated().map { index, feature in
                var feature = feature
                feature.id = feature.properties["id"].flatMap { $0.numberValue != nil ? $0 : nil } ?? .number(Double(index + 1))
                return feature
            })
    }

    /// The position of the feature with this id, or nil.
    func position(of featureID: String) -> Int? { positions[featureID] }
}
