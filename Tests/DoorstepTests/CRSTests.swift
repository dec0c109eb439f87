import DoorstepCRS
import DoorstepGeometry
import Foundation
import Testing

@Suite("Coordinate systems")
struct CRSTests {
    /// Metres between two lon/lat points, for tolerances people can read.
    static func metres(_ a: Coordinate, _ b: Coordinate) -> Double { Geodesic.distance(a, b) }

    @Suite("GCJ-02 and BD-09")
    struct ChineseDatums {
        // Published vectors of the standard formulas (wandergis/coordtransform and its ports).
        @Test("WGS84 → GCJ-02 matches the published formula")
        func forwardGCJ() {
            let gcj = ChinaDatum.wgs84ToGCJ02(Coordinate(116.404, 39.915))
            #expect(abs(gcj.x - 116.41024449916938) < 1e-12)
            #expect(abs(gcj.y - 39.91640428150164) < 1e-12)
            let nearHangzhou = ChinaDatum.wgs84ToGCJ02(Coordinate(121.0917077, 30.6107779))
            // Ports of the formula differ in their constants by millimetres; 1e-6° is 0.1 m.
            #expect(abs(nearHangzhou.x - 121.09626935575027) < 1e-6)
            #expect(abs(nearHangzhou.y - 30.608604331756705) < 1e-6)
        }

        @Test("GCJ-02 → BD-09 matches the published formula")
        func forwardBD() {
            let bd = ChinaDatum.gcj02ToBD09(Coordinate(116.404, 39.915))
            #expect(abs(bd.x - 116.41036949371029) < 1e-12)
            #expect(abs(bd.y - 39.92133699351021) < 1e-12)
            let nearHangzhou = ChinaDatum.wgs84ToBD09(Coordinate(121.0917077, 30.6107779))
            #expect(abs(nearHangzhou.x - 121.10271732371203) < 1e-6)
            #expect(abs(nearHangzhou.y - 30.61484572185035) < 1e-6)
        }

        @Test("the iterated inverses are within 1 cm; the one-step inverse is not")
        func inverses() {
            for wgs in [Coordinate(120.1551, 30.2741), Coordinate(119.2797, 29.4788), Coordinate(116.404, 39.915), Coordinate(113.2644, 23.1291)] {
                let gcj = ChinaDatum.wgs84ToGCJ02(wgs)
                #expect(CRSTests.metres(ChinaDatum.gcj02ToWGS84(gcj), wgs) < 0.01)
                let bd = ChinaDatum.wgs84ToBD09(wgs)
                #expect(CRSTests.metres(ChinaDatum.bd09ToWGS84(bd), wgs) < 0.01)
            }
            // The usual one-step inverse, published as gcj02towgs84(116.404, 39.915):
            let oneStep = Coordinate(116.39775550083061, 39.91359571849836)
            let exact = ChinaDatum.gcj02ToWGS84(Coordinate(116.404, 39.915))
            #expect(CRSTests.metres(ChinaDatum.wgs84ToGCJ02(exact), Coordinate(116.404, 39.915)) < 0.01)
            #expect(CRSTests.metres(ChinaDatum.wgs84ToGCJ02(oneStep), Coordinate(116.404, 39.915)) > 0.01)
        }

        @Test("outside China GCJ-02 is WGS84")
        func outsideChina() {
            #expect(ChinaDatum.wgs84ToGCJ02(Coordinate(2.35, 48.85)) == Coordinate(2.35, 48.85))
        }
    }

    @Suite("Names and PROJ")
    struct Names {
        @Test(
            "names parse",
            arguments: [
                ("wgs84", CoordinateSystem.wgs84), ("EPSG:4326", .wgs84), ("CGCS2000", .cgcs2000), ("epsg:4490", .cgcs2000),
                ("gcj02", .gcj02), ("GCJ-02", .gcj02), ("bd09", .bd09), ("BD-09", .bd09), ("EPSG:4549", .epsg(4549)),
            ])
        func parse(text: String, expected: CoordinateSystem) throws {
            #expect(try CoordinateSystem(parsing: text) == expected)
        }

        @Test("an unknown name is a clear error")
        func unknown() {
            let error = #expect(throws: CRSError.self) { try CoordinateSystem(parsing: "mars") }
            #expect(error?.message == "unknown coordinate system \"mars\"; use wgs84, cgcs2000, gcj02, bd09 or EPSG:NNNN")
        }

        @Test("EPSG:4549 (CGCS2000 3° Gauss-Krüger, CM 120°E) to longitude/latitude")
        func gaussKruger() throws {
            let converter = try ToWGS84(from: .epsg(4549))
            let points = try converter.convert([Coordinate(500_000, 3_320_113.3978450196), Coordinate(547_999.7612747991, 3_375_648.0326048625)])
            #expect(CRSTests.metres(points[0], Coordinate(120, 30)) < 0.001)
            #expect(CRSTests.metres(points[1], Coordinate(120.5, 30.5)) < 0.001)
        }

        @Test("an EPSG code PROJ does not know")
        func unknownEPSG() {
            #expect(throws: CRSError.self) { try ToWGS84(from: .epsg(999_999)) }
        }
    }

    @Suite("Metric projection")
    struct Metric {
        @Test("distances within 0.1 % of the geodesic across a city 200 km wide")
        func distances() throws {
            let projection = MetricProjection(centralMeridian: 119.5)
            let projector = try projection.makeProjector()
            let pairs = [
                (Coordinate(120.15, 30.27), Coordinate(120.155, 30.274)),  // 600 m in the city
                (Coordinate(118.4, 29.6), Coordinate(118.41, 29.6)),  // 1 km, 100 km off the meridian
                (Coordinate(118.5, 29.2), Coordinate(120.6, 30.5)),  // across the whole region
            ]
            for (a, b) in pairs {
                let xy = try projector.project([a, b])
                let planar = ((xy[0].x - xy[1].x) * (xy[0].x - xy[1].x) + (xy[0].y - xy[1].y) * (xy[0].y - xy[1].y)).squareRoot()
                let geodesic = Geodesic.distance(a, b)
                #expect(abs(planar - geodesic) / geodesic < 0.001, "planar \(planar) geodesic \(geodesic)")
            }
        }

        @Test("areas within 0.1 % of the geodesic area")
        func areas() throws {
            let ring = [Coordinate(119.9, 30.1), Coordinate(120.3, 30.1), Coordinate(120.3, 30.4), Coordinate(119.9, 30.4), Coordinate(119.9, 30.1)]
            let projector = try MetricProjection(around: Envelope(of: ring)!).makeProjector()
            let planar = abs(GeometryValue.signedArea(try projector.project(ring)))
            let geodesic = Geodesic.area(ofRing: ring)
            #expect(abs(planar - geodesic) / geodesic < 0.001)
        }

        @Test("degrees converted around a single tmerc step give PROJ's own unitconvert pipeline to the bit, both ways, and its errors")
        func sameAsPipeline() throws {
            let pipeline = try PROJTransform(
                definition: "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=0 +y_0=0 +ellps=WGS84")
            let projector = try MetricProjection(centralMeridian: 120).makeProjector()
            var generator = SeededGenerator(seed: 5)
            let points = (0..<20_000).map { _ in
                Coordinate(Double.random(in: 117...123, using: &generator), Double.random(in: -60...60, using: &generator))
            }
            let metres = try pipeline.forward(points)
            #expect(try projector.project(points) == metres)
            #expect(try projector.unproject(metres) == pipeline.inverse(metres))
            let outside = [Coordinate(120, 95)]
            #expect(Result { () throws(CRSError) in try projector.project(outside) } == Result { () throws(CRSError) in try pipeline.forward(outside) })
        }

        @Test("project and unproject round-trip to a millimetre")
        func roundTrip() throws {
            let projector = try MetricProjection(centralMeridian: 120.16).makeProjector()
            let points = [Coordinate(120.1, 30.2), Coordinate(119.0, 29.5)]
            let back = try projector.unproject(try projector.project(points))
            for (a, b) in zip(points, back) { #expect(Geodesic.distance(a, b) < 0.001) }
        }

        @Test("a large batch on all cores gives exactly what one projector gives, and the same error")
        func parallelBatch() throws {
            let projection = MetricProjection(centralMeridian: 120)
            var points = (0..<100_003).map { Coordinate(119 + Double($0 % 1000) * 0.002, 29 + Double($0 / 1000) * 0.01) }
            #expect(try projection.project(points) == (try projection.makeProjector().project(points)))
            points[77_777] = Coordinate(0, 95)
            let parallel = Result { () throws(CRSError) in try projection.project(points) }
            let single = Result { () throws(CRSError) in try projection.makeProjector().project(points) }
            #expect(parallel == single)
            guard case .failure(let error) = parallel else { return #expect(Bool(false), "no error for latitude 95") }
            #expect(error.message.contains("(0.0, 95.0)"))
        }
    }
}
