import CGDAL

/// What GDAL can tell of a layer's coordinate system: its EPSG code, or only its name.
enum SpatialReference {
    enum Identity: Equatable {
        case code(Int)
        case unidentified(String)
    }

    /// The EPSG code of `reference` (a `.prj` written by ArcGIS often lacks it: GDAL then matches the
    /// definition against its database and takes a match it is sure of).
    static func epsgCode(of reference: OGRSpatialReferenceH) -> Identity {
        guard let copy = OSRClone(reference) else { return .unidentified("unknown") }
        defer { OSRDestroySpatialReference(copy) }
        let name = OSRGetName(copy).map { String(cString: $0) } ?? "unnamed"
        if OSRAutoIdentifyEPSG(copy) == OGRERR_NONE, let code = authorityCode(copy) { return .code(code) }
        var count: Int32 = 0
        var confidences: UnsafeMutablePointer<Int32>?
        guard let matches = OSRFindMatches(copy, nil, &count, &confidences) else { return .unidentified(name) }
        defer {
            OSRFreeSRSArray(matches)
            VSIFree(confidences)
        }
        for index in 0..<Int(count) where (confidences?[index] ?? 0) >= 70 {
            if let match = matches[index], let code = authorityCode(match) { return .code(code) }
        }
        return .unidentified(name)
    }

    static func authorityCode(_ reference: OGRSpatialReferenceH) -> Int? {
        guard let authority = OSRGetAuthorityName(reference, nil), String(cString: authority) == "EPSG",
            let code = OSRGetAuthorityCode(reference, nil)
        else { return nil }
        return Int(String(cString: code))
    }
}
