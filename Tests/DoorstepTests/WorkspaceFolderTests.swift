import DoorstepNames
import DoorstepServer
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("Workspace folder (serve --workspace)")
struct WorkspaceFolderTests {
    /// A folder with the sample city's layers under the workspace names.
    static func sampleFolder(facilities: [String] = ["facilities.geojson"]) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for (source, target) in [("units.geojson", "units.geojson"), ("demand.geojson", "demand.geojson")] {
            try FileManager.default.copyItem(atPath: Paths.sample + "/" + source, toPath: folder.file(target))
        }
        for name in facilities {
            try FileManager.default.copyItem(atPath: Paths.sample + "/facilities.geojson", toPath: folder.file(name))
        }
        return folder
    }

    @Test func findsEachRoleByName() throws {
        let folder = try Self.sampleFolder(facilities: ["facilities-canteens.geojson", "facilities-care.geojson"])
        defer { folder.cleanup() }
        try folder.write("README.txt", "not a layer")
        try folder.write("network.geojson", #"{"type": "FeatureCollection", "features": []}"#)
        let found = try WorkspaceFolder(folder.path)
        #expect(found.units == folder.file("units.geojson"))
        #expect(found.demand == folder.file("demand.geojson"))
        #expect(found.facilities == [folder.file("facilities-canteens.geojson"), folder.file("facilities-care.geojson")])
        #expect(found.network == folder.file("network.geojson"))
        #expect(found.names == nil)
    }

    @Test func aMissingOrDoubledRoleIsAnErrorNamingIt() throws {
        let folder = try Self.sampleFolder()
        defer { folder.cleanup() }
        try FileManager.default.copyItem(atPath: folder.file("units.geojson"), toPath: folder.file("units.json"))
        #expect { try WorkspaceFolder(folder.path) } throws: { "\($0)".contains("units.geojson and units.json") }
        try FileManager.default.removeItem(atPath: folder.file("units.json"))
        try FileManager.default.removeItem(atPath: folder.file("demand.geojson"))
        #expect { try WorkspaceFolder(folder.path) } throws: { "\($0)".contains("no demand layer") }
        #expect { try WorkspaceFolder(folder.file("nothing-here")) } throws: { "\($0)".contains("no such folder") }
    }

    /// `doorstep serve --workspace DIR` serves the folder's layers and its registry.
    @Test func serveTakesTheFolder() async throws {
        let folder = try Self.sampleFolder()
        defer { folder.cleanup() }
        let made = try CLI.run(["names", "propose", "文三路", "--type", "road", "--district", "330106", "--db", folder.file("names.sqlite")])
        #expect(made.status == 0, "\(made.stderr)")
        let (process, base) = try await ServerTests.EndToEnd.start(["--workspace", folder.path, "--kind", "canteen"])
        defer { process.terminate() }
        let collections = try await ServerTests.EndToEnd.fetch(base + "/collections")
        let ids = ((try JSONSerialization.jsonObject(with: collections.body) as? [String: Any])?["collections"] as? [[String: Any]] ?? [])
            .compactMap { $0["id"] as? String }
        #expect(Set(["units", "facilities", "coverage-canteen", "gaps-canteen", "names"]).isSubset(of: Set(ids)), "\(ids)")
        let record = try await ServerTests.EndToEnd.fetch(base + "/api/names/1")
        #expect(record.status == 200)
        let units = try await ServerTests.EndToEnd.fetch(base + "/collections/units/items?limit=1")
        let expected = try Data(contentsOf: URL(fileURLWithPath: folder.file("units.geojson")))
        let count = ((try JSONSerialization.jsonObject(with: expected) as? [String: Any])?["features"] as? [Any])?.count
        #expect((try JSONSerialization.jsonObject(with: units.body) as? [String: Any])?["numberMatched"] as? Int == count)
    }
}
