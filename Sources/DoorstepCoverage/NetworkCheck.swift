import DoorstepCRS
import DoorstepGeoJSON
import DoorstepGeometry
import DoorstepNetwork
import Foundation

/// What a planner needs to trust a street network before measuring on it: which features were used
/// and why the others were not, its size, its connected pieces, and who is off it.
///
/// ```swift
/// let check = try NetworkCheck(walking, layers: layers)
/// print(check.text())
/// try OutputFile.write(GeoJSONWriter().featureCollection(check.componentFeatures()), to: "islands.geojson")
/// ```
public struct NetworkCheck: Sendable {
    public let network: StreetNetwork
    public let components: [NetworkComponent]
    /// Features per verdict, usable first.
    public let verdictCounts: [(verdict: LineVerdict, count: Int)]
    /// With layers: the demand points and elderly off the network, and the facilities off it.
    public let demandOff: (points: Int, elderly: Double, of: Int)?
    public let facilitiesOff: [Facility]?
    let source: String
    let snapMax: Double

    public init(_ walking: WalkingNetwork, layers: Layers?) throws {
        let network = try walking.networkInOwnZone()
        self.network = network
        components = network.components()
        verdictCounts = LineVerdict.allCases.map { verdict in (verdict, network.verdicts.count { $0 == verdict }) }.filter { $0.count > 0 }
        source = walking.source
        snapMax = walking.snapMax
        guard let layers else {
            demandOff = nil
            facilitiesOff = nil
            return
        }
        // Who is off the network is what the network distance model says, on the same joins.
        let projector = try network.projection.makeProjector()
        let measure = try NetworkMeasure(
            network: network, demand: try network.projection.project(layers.demand.map(\.location)), snapMax: snapMax, trim: walking.trim)
        let off = layers.demand.indices.filter { measure.demandJoins[$0] == nil }
        demandOff = (off.count, off.reduce(0) { $0 + layers.demand[$1].elderly }, layers.demand.count)
        facilitiesOff = measure.unreachable(sites: try projector.project(layers.facilities.map(\.location))).map { layers.facilities[$0] }
    }

    /// The share of the length in the largest piece (from the components already found); under
    /// ``WalkingNetwork/connectedShareWarning`` it deserves a warning.
    public var largestShare: Double {
        network.totalLength > 0 ? (components.first?.length ?? 0) / network.totalLength : 0
    }

    /// The report for the terminal.
    public func text() -> String {
        var lines = ["network \(source)"]
        lines.append("features: " + verdictCounts.map { "\($0.count) \($0.verdict == .usable ? "used" : "left out (\($0.verdict.reason))")" }.joined(separator: ", "))
        lines.append(
            "graph: \(Self.counted(network.nodeCount, "node")), \(Self.counted(network.edgeCount(), "edge")) "
                + "(\(Self.counted(network.segmentCount, "segment"))), \(String(format: "%.1f", network.totalLength / 1000)) km")
        lines.append(
            "connected pieces: \(components.count); the largest holds \(String(format: "%.1f", largestShare * 100)) % of the length"
                + (largestShare < WalkingNetwork.connectedShareWarning ? " (warning: under 90 %; see --output for the islands)" : ""))
        if let demandOff {
            lines.append(
                "demand off the network (farther than \(Int(snapMax)) m from a usable street): \(demandOff.points) of \(demandOff.of) points, "
                    + "\(String(format: "%.0f", demandOff.elderly)) elderly")
        }
        if let facilitiesOff {
            lines.append("facilities off the network: \(facilitiesOff.count)" + (facilitiesOff.isEmpty ? "" : ": " + Facility.listed(facilitiesOff)))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "1 node", "2 nodes".
    static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// One MultiLineString per connected piece, largest first, with its rank, segments, length and share.
    public func componentFeatures() -> [Feature] {
        components.enumerated().map { rank, component in
            let properties: JSONObject = [
                "component": .number(Double(rank + 1)), "segments": .number(Double(component.segments.count)),
                "nodes": .number(Double(component.nodeCount)), "length_m": .number(CoverageTable.rounded(component.length, 1)),
                "share": .number(CoverageTable.rounded(network.totalLength > 0 ? component.length / network.totalLength : 0, 4)),
            ]
            return Feature(geometry: .multiLineString(component.segments.map(network.segmentLonLat)), properties: properties)
        }
    }
}
