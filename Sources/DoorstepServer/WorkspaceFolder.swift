import DoorstepGeoJSON
import Foundation

/// A folder holding one workspace for `doorstep serve --workspace DIR`, its layers found by name:
///
/// - `units.EXT` — the planning units (required);
/// - `facilities.EXT`, or one file per layer `facilities-NAME.EXT` (at least one required);
/// - `demand.EXT` — the elderly (required);
/// - `network.EXT` — the street network, for walking distance (optional);
/// - `names.sqlite` — the place-name registry (optional).
///
/// `EXT` is any format the layer flags read (``extensions``). A role with two files (`units.geojson`
/// and `units.gpkg`) is an error, not a guess.
///
/// ```swift
/// let folder = try WorkspaceFolder("/srv/doorstep/xihu")
/// folder.units        // "/srv/doorstep/xihu/units.gpkg"
/// ```
public struct WorkspaceFolder: Sendable, Equatable {
    public let units: String
    public let facilities: [String]
    public let demand: String
    public let network: String?
    public let names: String?

    public static let extensions = ["geojson", "json", "csv", "gpkg", "shp", "fgb", "kml", "kmz", "gml", "xlsx", "gdb", "osm.pbf"]

    public init(_ path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw InputError(file: path, message: "--workspace: no such folder")
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path).sorted() else {
            throw InputError(file: path, message: "--workspace: the folder cannot be listed")
        }
        func files(_ role: String, perLayer: Bool = false) -> [String] {
            entries.filter { entry in
                Self.extensions.contains { ext in
                    entry == "\(role).\(ext)"
                        || perLayer && entry.hasPrefix("\(role)-") && entry.hasSuffix(".\(ext)") && entry.count > role.count + ext.count + 2
                }
            }.map { path + "/" + $0 }
        }
        func one(_ role: String, required: Bool) throws -> String? {
            let found = files(role)
            guard found.count <= 1 else {
                let names = found.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " and ")
                throw InputError(file: path, message: "--workspace: \(names) both hold the \(role); keep one")
            }
            if required, found.isEmpty {
                throw InputError(file: path, message: "--workspace: no \(role) layer; name it \(role).geojson, \(role).gpkg, \(role).shp … (see `doorstep serve --help`)")
            }
            return found.first
        }
        units = try one("units", required: true) ?? ""
        demand = try one("demand", required: true) ?? ""
        facilities = files("facilities", perLayer: true)
        guard !facilities.isEmpty else {
            throw InputError(file: path, message: "--workspace: no facilities layer; name it facilities.csv, or one per layer: facilities-canteens.csv, facilities-care.gpkg …")
        }
        network = try one("network", required: false)
        let registry = path + "/names.sqlite"
        names = FileManager.default.fileExists(atPath: registry) ? registry : nil
    }
}
