import DoorstepGeoJSON
import DoorstepGeometry
import Foundation

/// The administrative level of a planning unit: 区县 → 镇街 → 村社.
public enum UnitLevel: String, CaseIterable, Comparable, Sendable {
    case district, street, community

    /// The level a NBS/GB 2260 code's length implies: 6 digits district, 9 street, 12 community.
    public init?(codeLength: Int) {
        switch codeLength {
        case 6: self = .district
        case 9: self = .street
        case 12: self = .community
        default: return nil
        }
    }

    public static func < (lhs: UnitLevel, rhs: UnitLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A district, town/street or community polygon with its code.
public struct PlanningUnit: Sendable, Equatable {
    public var code: String
    public var name: String
    public var level: UnitLevel
    public var parent: String?
    /// WGS84 longitude/latitude, valid (repaired with MakeValid when the input was not).
    public var geometry: GeometryValue

    public init(code: String, name: String, level: UnitLevel, parent: String? = nil, geometry: GeometryValue) {
        self.code = code
        self.name = name
        self.level = level
        self.parent = parent
        self.geometry = geometry
    }
}

/// A canteen, day-care centre, care home … at a point.
public struct Facility: Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    public var capacity: Double
    /// WGS84 longitude/latitude.
    public var location: Coordinate

    public init(id: String, name: String, kind: String, capacity: Double = 0, location: Coordinate) {
        self.id = id
        self.name = name
        self.kind = kind
        self.capacity = capacity
        self.location = location
    }

    /// The first ten as a warning names them: `CT-00002 (乐庄社区老年食堂), … …`.
    public static func listed(_ facilities: [Facility]) -> String {
        facilities.prefix(10).map { "\($0.id) (\($0.name))" }.joined(separator: ", ") + (facilities.count > 10 ? " …" : "")
    }
}

/// A place where elderly people live (a building, a compound, a census block centroid) and how many.
public struct DemandPoint: Sendable, Equatable {
    /// The id field's text, else the feature's id, else its index; empty when the loader keeps no
    /// demand ids (``LayerLoader/keepsDemandIDs``).
    public var id: String
    /// The number of elderly people; 1 when the layer has no weight field.
    public var elderly: Double
    /// WGS84 longitude/latitude.
    public var location: Coordinate

    public init(id: String, elderly: Double, location: Coordinate) {
        self.id = id
        self.elderly = elderly
        self.location = location
    }
}

/// The three input layers of an assessment, in WGS84.
public struct Layers: Sendable {
    public var units: [PlanningUnit]
    public var facilities: [Facility]
    public var demand: [DemandPoint]
    /// Things the planner should know that did not stop the run (repaired polygons, CRS notes).
    public var warnings: [String]
    /// How the demand was made, for every command and the report's settings to state: "30,001 demand
    /// points from demand.geojson", "demand from 2,160 community counts on a 50 m grid".
    public var demandMethod: String

    public init(units: [PlanningUnit], facilities: [Facility], demand: [DemandPoint], warnings: [String] = [], demandMethod: String = "") {
        self.units = units
        self.facilities = facilities
        self.demand = demand
        self.warnings = warnings
        self.demandMethod = demandMethod
    }
}
