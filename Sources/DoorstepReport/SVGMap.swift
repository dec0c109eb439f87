import DoorstepCoverage
import DoorstepGeometry
import Foundation

/// Draws WGS84 geometries into an SVG of fixed width, in a local equirectangular frame (longitudes
/// shrunk by cos(latitude)), simplified to half a pixel so a city of thousands of units stays small.
struct SVGFrame {
    let width: Double
    let height: Double
    let minX: Double, maxY: Double
    let scale: Double  // pixels per degree of latitude
    let shrink: Double  // cos(latitude)
    /// Metres per pixel, for drawing catchment radii.
    let metresPerPixel: Double

    init(extent: Envelope, width: Double = 1000) {
        let middle = (extent.minY + extent.maxY) / 2
        shrink = cos(middle * .pi / 180)
        let spanX = max((extent.maxX - extent.minX) * shrink, 1e-9), spanY = max(extent.maxY - extent.minY, 1e-9)
        self.width = width
        scale = width / spanX
        height = (spanY * scale).rounded(.up)
        minX = extent.minX
        maxY = extent.maxY
        metresPerPixel = 111_320 / scale
    }

    func x(_ c: Coordinate) -> Double { (c.x - minX) * shrink * scale }
    func y(_ c: Coordinate) -> Double { (maxY - c.y) * scale }

    /// Degrees equal to `pixels` on screen, for simplification.
    func degrees(_ pixels: Double) -> Double { pixels / scale }

    static func number(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// An SVG path ("M…Z") for the polygons of a geometry; holes use the even-odd rule.
    func path(_ geometry: GeometryValue, context: GEOSContext) -> String {
        let simple = (try? Geometry(geometry, in: context).simplified(tolerance: degrees(0.5)).value()) ?? geometry
        var out = ""
        for polygon in simple.polygons {
            for ring in polygon where ring.count > 2 {
                var last = ""
                for (i, c) in ring.dropLast().enumerated() {
                    let point = Self.number(x(c)) + " " + Self.number(y(c))
                    if point == last { continue }
                    out += (i == 0 ? "M" : "L") + point
                    last = point
                }
                out += "Z"
            }
        }
        return out
    }
}

/// Colours of the coverage classes, worst first.
enum CoverageClasses {
    static let classes: [(upTo: Double, colour: String, label: String)] = [
        (0.5, "#d73027", "< 50%"), (0.7, "#fc8d59", "50–70%"), (0.8, "#fee08b", "70–80%"), (0.9, "#d9ef8b", "80–90%"),
        (1.01, "#1a9850", "≥ 90%"),
    ]

    static func colour(_ ratio: Double?) -> String {
        guard let ratio else { return "#dddddd" }
        return classes.first { ratio < $0.upTo }?.colour ?? "#1a9850"
    }

    static let kindColours = ["#1f4e9c", "#7b3294", "#c2185b", "#00796b", "#5d4037", "#455a64"]
}
