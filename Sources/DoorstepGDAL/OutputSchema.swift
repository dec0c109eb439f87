/// What an output layer holds, declared by the code that writes it: its one geometry type and its
/// fields with their types, in order. GeoPackage, Shapefile, FlatGeobuf, KML and CSV outputs are made
/// from it, so a layer with no features (no gaps today) is still a MultiPolygon (or Point …) layer in
/// EPSG:4326 with every field, and a number field is Real even when every value is null (a unit
/// without elderly has no coverage ratio). GeoJSON carries no schema and is written as before.
///
/// Fields the features carry beyond the declared ones (a `--names` label, say) follow the declared
/// ones, typed from their values.
///
/// ```swift
/// try VectorOutput.write(gaps.features, to: "gaps.gpkg", schema: .gaps)
/// try VectorOutput.write(sites, to: "sites.shp", schema: .sites.withPlaceLabels)
/// ```
public struct OutputSchema: Sendable, Equatable {
    public enum Geometry: String, Sendable, CaseIterable {
        /// A table (the report's coverage layer).
        case none
        case point, multiPoint, lineString, multiLineString, multiPolygon
    }

    /// A field's type on disk: numbers are Real, booleans Integer (0/1), text and lists String.
    public enum FieldType: String, Sendable {
        case real, boolean, string
    }

    public struct Field: Sendable, Equatable {
        public var name: String
        public var type: FieldType

        public init(_ name: String, _ type: FieldType) {
            self.name = name
            self.type = type
        }
    }

    public var geometry: Geometry
    public var fields: [Field]

    public init(geometry: Geometry, fields: [Field]) {
        self.geometry = geometry
        self.fields = fields
    }

    /// The same fields with another geometry type.
    public func with(geometry: Geometry) -> OutputSchema { OutputSchema(geometry: geometry, fields: fields) }

    /// The fields of `other` added after these (those already declared keep their place and type).
    public func adding(_ other: [Field]) -> OutputSchema {
        let known = Set(fields.map(\.name))
        return OutputSchema(geometry: geometry, fields: fields + other.filter { !known.contains($0.name) })
    }

    /// With the fields `PlaceLabeler.annotate` adds (`gaps --names`, `site --names`).
    public var withPlaceLabels: OutputSchema { adding(Self.placeLabelFields) }
}

/// The layers Doorstep writes, field for field as their features carry them (the tests compare each
/// with a real output's properties, so the lists cannot drift from the code that makes the features).
extension OutputSchema {
    static func fields(_ list: [(String, FieldType)]) -> [Field] { list.map { Field($0.0, $0.1) } }

    /// `coverage --format layer`: unit polygons with `CoverageTable`'s columns.
    public static let coverage = OutputSchema(
        geometry: .multiPolygon,
        fields: fields([
            ("code", .string), ("name", .string), ("level", .string), ("kind", .string), ("radius_m", .real),
            ("elderly_total", .real), ("elderly_covered", .real), ("coverage_ratio", .real), ("facilities", .real),
            ("capacity", .real), ("uncovered_area_m2", .real), ("elderly_off_network", .real),
        ]))

    /// `report --tables-format gpkg`, layer `coverage`: the same columns without geometry.
    public static let coverageTable = coverage.with(geometry: .none)

    /// `gaps` (and the report's `gaps` layer): unit gaps' columns, then `area_m2` of the area gaps.
    public static let gaps = OutputSchema(
        geometry: .multiPolygon,
        fields: fields([
            ("gap", .string), ("code", .string), ("name", .string), ("level", .string), ("kind", .string), ("radius_m", .real),
            ("elderly_total", .real), ("elderly_covered", .real), ("elderly_uncovered", .real), ("coverage_ratio", .real),
            ("facilities", .real), ("reasons", .string), ("rank", .real), ("elderly_off_network", .real),
            ("distance_model", .string), ("area_m2", .real),
        ]))

    /// `access --format layer`: unit polygons with `AccessTable`'s columns.
    public static let access = OutputSchema(
        geometry: .multiPolygon,
        fields: fields([
            ("code", .string), ("name", .string), ("level", .string), ("kind", .string), ("method", .string), ("radius_m", .real),
            ("elderly_total", .real), ("supply", .real), ("supply_per_1000", .real), ("access_mean", .real),
            ("access_per_1000", .real), ("elderly_below_norm", .real), ("norm_per_1000", .real),
        ]))

    /// `access --points-output`: a demand point's access score.
    public static let accessPoints = OutputSchema(
        geometry: .point, fields: fields([("id", .string), ("elderly", .real), ("kind", .string), ("access_per_1000", .real)]))

    /// `site --output`: the chosen sites (`SiteReport.feature`).
    public static let sites = OutputSchema(
        geometry: .point,
        fields: fields([
            ("rank", .real), ("candidate_id", .string), ("kind", .string), ("gain_elderly", .real), ("cumulative_covered", .real),
            ("coverage_ratio_after", .real), ("code", .string), ("name", .string), ("candidate_name", .string), ("capacity", .real),
            ("cost", .real), ("for_min_facilities", .boolean),
        ]))

    /// `network check --output`: the connected pieces of the network.
    public static let networkComponents = OutputSchema(
        geometry: .multiLineString,
        fields: fields([("component", .real), ("segments", .real), ("nodes", .real), ("length_m", .real), ("share", .real)]))

    /// `names export --output` with `--geometry point` (Point), `line` (MultiLineString) or `polygon`
    /// (MultiPolygon): `Place.exportProperties`.
    public static func namesExport(geometry: Geometry) -> OutputSchema {
        OutputSchema(
            geometry: geometry,
            fields: fields([
                ("id", .real), ("name", .string), ("pinyin", .string), ("type", .string), ("status", .string), ("district", .string),
                ("town", .string), ("protected", .boolean), ("former_names", .string), ("former_names_from", .string),
                ("former_names_to", .string), ("aliases", .string), ("approval_body", .string), ("approval_date", .string),
                ("approval_document", .string), ("notice_date", .string), ("sources", .string), ("remarks", .string),
                ("shape", .string),
            ]))
    }

    /// What `PlaceLabeler.annotate` adds: `road_distance_m` is −1 when no road is found.
    public static let placeLabelFields = fields([("place_label", .string), ("road", .string), ("road_distance_m", .real), ("community", .string)])

    /// Every layer above, by a name for messages and tests.
    public static let catalogue: [(name: String, schema: OutputSchema)] = [
        ("coverage", coverage), ("coverage table", coverageTable), ("gaps", gaps.withPlaceLabels), ("access", access),
        ("access points", accessPoints), ("sites", sites.withPlaceLabels), ("network components", networkComponents),
        ("names export", namesExport(geometry: .point)),
    ]

    /// The type of each of Doorstep's own field names that has one type in every layer above: how a
    /// field is typed when no schema is given and every value is null (`coverage_ratio` stays Real).
    static let knownFieldTypes: [String: FieldType] = {
        var types: [String: FieldType] = [:]
        var conflicting: Set<String> = []
        for (_, schema) in catalogue {
            for field in schema.fields {
                if let known = types[field.name], known != field.type { conflicting.insert(field.name) }
                types[field.name] = field.type
            }
        }
        for name in conflicting { types[name] = nil }
        return types
    }()
}
