@testable import DoorstepGeometry
import Foundation
import Testing

@Suite("Geometry core")
struct GeometryTests {
    let context = GEOSContext()

    @Suite("Ownership")
    struct Ownership {
        let context = GEOSContext()

        @Test("parts are copies that outlive their collection")
        func partsOutliveParent() throws {
            var parts: [Geometry] = []
            do {
                let multi = try Geometry(wkt: "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))", in: context)
                parts = multi.parts
            }
            #expect(parts.count == 2)
            #expect(parts[1].wkt == "POLYGON ((5 5, 6 5, 6 6, 5 5))")
        }

        @Test("a collection built from geometries leaves the originals usable")
        func collectionKeepsOriginals() throws {
            let a = try Geometry(point: Coordinate(0, 0), in: context).buffer(1)
            let b = try Geometry(point: Coordinate(10, 0), in: context).buffer(1)
            let both = try Geometry.collection([a, b], type: .multiPolygon, in: context)
            #expect(both.parts.count == 2)
            #expect(abs(a.area - b.area) < 1e-12)
            #expect(abs(both.area - 2 * a.area) < 1e-9)
        }

        @Test("a collection of the wrong parts is refused and the parts stay with their owner")
        func wrongParts() throws {
            let point = try Geometry(point: Coordinate(0, 0), in: context)
            let error = #expect(throws: GEOSError.self) { try Geometry.collection([point], type: .multiPolygon, in: context) }
            #expect(error?.description == "GEOS create collection failed: a multiPolygon holds Polygons, not a Point")
            #expect(point.wkt == "POINT (0 0)")
        }

        @Test("a collection whose second part fails frees the first once and reports GEOS's reason")
        func failingPart() throws {
            let good: [Coordinate] = [.init(0, 0), .init(1, 0), .init(1, 1), .init(0, 0)]
            let open: [Coordinate] = [.init(5, 5), .init(6, 5), .init(6, 6), .init(5, 6)]
            let error = #expect(throws: GEOSError.self) { try Geometry(.multiPolygon([[good], [open]]), in: context) }
            #expect(error?.message.contains("closed") == true)
            // The context is still usable afterwards.
            #expect(try Geometry(.polygon([good]), in: context).area == 0.5)
        }

        @Test("geometries from a value round-trip through GEOS, holes and islands included")
        func valueRoundTrip() throws {
            let value = GeometryValue.multiPolygon([
                [
                    [.init(0, 0), .init(10, 0), .init(10, 10), .init(0, 10), .init(0, 0)],
                    [.init(2, 2), .init(2, 8), .init(8, 8), .init(8, 2), .init(2, 2)],
                ],
                [[.init(4, 4), .init(6, 4), .init(6, 6), .init(4, 6), .init(4, 4)]],
            ])
            let geometry = try Geometry(value, in: context)
            #expect(geometry.value() == value)
            #expect(geometry.area == 100 - 36 + 4)
            #expect(geometry.isValid)
        }

        @Test("many geometries in many contexts, in parallel tasks")
        func parallelContexts() async throws {
            let areas = try await withThrowingTaskGroup(of: Double.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        let context = GEOSContext()  // one per task
                        var total = 0.0
                        for j in 0..<200 {
                            total += try Geometry(point: Coordinate(Double(i), Double(j)), in: context).buffer(1, quadrantSegments: 8).area
                        }
                        return total
                    }
                }
                return try await group.reduce(into: [Double]()) { $0.append($1) }
            }
            #expect(areas.count == 8)
            #expect(Set(areas.map { ($0 * 1e6).rounded() }).count == 1)
        }
    }

    @Suite("Operations")
    struct Operations {
        let context = GEOSContext()

        @Test("WKB round trip")
        func wkbRoundTrip() throws {
            let original = try Geometry(wkt: "POLYGON ((0 0, 4 0, 4 3, 0 0))", in: context)
            let copy = try Geometry(wkb: original.wkb, in: context)
            #expect(copy.wkt == original.wkt)
            #expect(copy.area == 6)
        }

        @Test("bad WKT is an error with GEOS's message")
        func badWKT() throws {
            let error = #expect(throws: GEOSError.self) { try Geometry(wkt: "POLYGON ((0 0, 1", in: context) }
            #expect(error?.description.contains("read WKT") == true)
            #expect(error?.message.isEmpty == false)
        }

        @Test("a disc of 16 segments per quadrant is within 0.3 % of πR²")
        func bufferArea() throws {
            let disc = try Geometry(point: Coordinate(0, 0), in: context).buffer(500)
            let exact = Double.pi * 500 * 500
            #expect(disc.area < exact)
            #expect(abs(disc.area - exact) / exact < 0.003)
        }

        @Test("union, difference, intersection and distance of two squares")
        func overlay() throws {
            let a = try Geometry(wkt: "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))", in: context)
            let b = try Geometry(wkt: "POLYGON ((1 0, 3 0, 3 2, 1 2, 1 0))", in: context)
            #expect(try a.union(b).area == 6)
            #expect(try a.difference(b).area == 2)
            #expect(try a.intersection(b).area == 2)
            let far = try Geometry(point: Coordinate(5, 2), in: context)
            #expect(try a.distance(to: far) == 3)
            #expect(try Geometry.unionOf([a, b, a], in: context).area == 6)
            #expect(try Geometry.unionOf([], in: context).isEmpty)
        }

        @Test("MakeValid repairs a bow-tie into two triangles")
        func makeValid() throws {
            let bowTie = try Geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))", in: context)
            #expect(!bowTie.isValid)
            #expect(bowTie.validityReason.contains("Self-intersection"))
            let fixed = try bowTie.makeValid()
            #expect(fixed.isValid)
            #expect(abs(fixed.area - 2) < 1e-12)
            #expect(fixed.value().polygons.count == 2)
        }

        @Test("prepared covers counts the boundary and excludes holes")
        func preparedCovers() throws {
            let unit = try Geometry(wkt: "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))", in: context)
            let prepared = try unit.prepared()
            #expect(prepared.covers(Coordinate(10, 5)))
            #expect(prepared.covers(Coordinate(1, 1)))
            #expect(!prepared.covers(Coordinate(5, 5)))
            #expect(!prepared.covers(Coordinate(11, 5)))
            #expect(prepared.covers([Coordinate(0, 0), Coordinate(5, 5), Coordinate(9, 9), Coordinate(-1, 0)]) == [true, false, true, false])
        }

        @Test("snapping to a grid rounds coordinates and stays valid")
        func snapping() throws {
            let g = try Geometry(wkt: "POLYGON ((0.00000004 0, 1 0, 1 1.00000006, 0.00000004 0))", in: context).snapped(toGrid: 1e-7)
            #expect(g.isValid)
            #expect(g.value().coordinates.contains(Coordinate(1, 1.0000001)))
        }

        /// The output snapping (`snappedValue`): rounding alone where that stays valid, GEOS's
        /// snap-rounding where rounding would make the outline cross itself.
        @Test("output snapping rounds what stays valid, and repairs what rounding would break")
        func outputSnapping() throws {
            let plain = try Geometry(wkt: "POLYGON ((0.00000004 0, 1 0, 1 1.00000006, 0.00000001 0.00000002, 0.00000004 0))", in: context)
            // Rounded, the last two positions are the same and one is dropped.
            #expect(try plain.snappedValue(toGrid: 1e-7) == .polygon([[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1.0000001), Coordinate(0, 0)]]))
            // A hole 0.3e-7 from its shell touches it along an edge once rounded: invalid, so snapped.
            let tight = try Geometry(
                wkt: "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0), (0.00000003 0.1, 0.5 0.1, 0.5 0.5, 0.00000003 0.5, 0.00000003 0.1))", in: context)
            #expect(tight.roundedIfStillValid(toGrid: 1e-7) == nil)
            let snapped = try Geometry(try tight.snappedValue(toGrid: 1e-7), in: context)
            #expect(snapped.isValid)
            #expect(abs(snapped.area - tight.area) < 1e-6)
        }
    }

    @Suite("Envelopes")
    struct Envelopes {
        static let ring: [Coordinate] = [.init(0, 0), .init(4, -1), .init(5, 3), .init(0, 0)]
        static let hole: [Coordinate] = [.init(1, 0), .init(2, 0), .init(2, 1), .init(1, 0)]

        @Test(
            "a geometry's envelope and coordinate count are those of its gathered coordinates",
            arguments: [
                GeometryValue.point(.init(7, -2)), .multiPoint([.init(1, 1), .init(-3, 9)]), .lineString(ring), .multiLineString([ring, [.init(9, 9)]]),
                .polygon([ring, hole]), .multiPolygon([[ring], [[.init(-8, 2), .init(-7, 2), .init(-7, 3), .init(-8, 2)]]]),
                .geometryCollection([.point(.init(20, 20)), .polygon([ring])]), .multiPolygon([]), .geometryCollection([]), .polygon([[], ring]),
            ])
        func sameAsGathered(geometry: GeometryValue) {
            #expect(geometry.envelope == Envelope(of: geometry.coordinates))
            #expect(geometry.coordinateCount == geometry.coordinates.count)
        }
    }

    @Suite("Indexes")
    struct Indexes {
        @Test("indexes gathered cell by cell come out ascending, close together (a bitmap) or spread (sorted)")
        func ascending() {
            var random = SeededGenerator(seed: 5)
            for spread in [1, 2, 63, 64, 65, 1_000, 1_000_000] {
                for count in [0, 1, 33, 500] {
                    let indexes = Array(Set((0..<count).map { _ in Int.random(in: 0...(count * spread), using: &random) })).shuffled(using: &random)
                    #expect(PointIndex.ascending(indexes) == indexes.sorted(), "spread \(spread), \(count) indexes")
                }
            }
            #expect(PointIndex.ascending(Array(1_000..<1_040).reversed()) == Array(1_000..<1_040))
        }

        @Test("STRtree answers envelope queries")
        func strtree() throws {
            let context = GEOSContext()
            let boxes = (0..<100).map { i in
                Envelope(minX: Double(i), minY: 0, maxX: Double(i) + 0.5, maxY: 1)
            }
            let tree = try STRtree(envelopes: boxes, in: context)
            #expect(try tree.query(Envelope(minX: 10.2, minY: 0.5, maxX: 12.1, maxY: 0.6)) == [10, 11, 12])
            #expect(try tree.query(Envelope(minX: 200, minY: 0, maxX: 201, maxY: 1)).isEmpty)
        }

        @Test("point grid finds the nearest point within a radius, and only then")
        func pointIndex() {
            let index = PointIndex(points: [Coordinate(0, 0), Coordinate(3000, 4000), Coordinate(1000, 0)], cellSize: 500)
            #expect(index.nearest(to: Coordinate(2990, 3990), within: 500)?.index == 1)
            #expect(index.nearest(to: Coordinate(400, 0), within: 500)?.index == 0)
            #expect(index.nearest(to: Coordinate(600, 0), within: 500)?.index == 2)
            #expect(index.nearestDistance(to: Coordinate(0, 499), within: 500) == 499)
            #expect(index.nearestDistance(to: Coordinate(0, 500), within: 500) == 500)  // the boundary is in reach
            #expect(index.nearest(to: Coordinate(-300, -400.001), within: 500) == nil)
            #expect(index.nearestDistance(to: Coordinate(-600, 0), within: 500) == nil)
            #expect(index.indexes(within: 1000, of: Coordinate(0, 0)) == [0, 2])
            #expect(index.indexes(in: Envelope(minX: -1, minY: -1, maxX: 3000, maxY: 4000)) == [0, 1, 2])
            #expect(index.indexes(in: Envelope(minX: -1e6, minY: -1e6, maxX: 1e6, maxY: 3999)) == [0, 2])
        }
    }
}
