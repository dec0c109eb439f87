@_spi(Testing) import DoorstepGeoJSON
import DoorstepGeometry

/// Any bytes as a GeoJSON file: the reader must return features or throw an `InputError` whose
/// message is one line naming the file — never crash, hang or overflow the stack.
///
/// Each input is also parsed by the parallel path (which normally starts above 4 MB) split into
/// 2 to 8 chunks, and that must give exactly what the sequential parse gives, error included; so
/// must the general path without the one-pass reading of plain Point features; read as point
/// columns, it must give the general path's positions and the values `value(forField:)` finds (or
/// its features, or its error); and what is read must write out and read back to the same features.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let sequential = Result { () throws(InputError) in try GeoJSONReader.parse(bytes, file: "fuzz.geojson") }
    let workers = 2 + (size % 7)
    let parallel = Result { () throws(InputError) in
        try GeoJSONReader.parse(bytes, file: "fuzz.geojson", parallelAbove: 0, workers: workers)
    }
    if sequential != parallel {
        fatalError("the parallel parse (\(workers) chunks) differs from the sequential one:\n\(sequential)\n\(parallel)")
    }
    let general = Result { () throws(InputError) in
        try GeoJSONReader.parse(bytes, file: "fuzz.geojson", parallelAbove: Int.max, onePass: false)
    }
    if sequential != general {
        fatalError("the one-pass reading of Point features differs from the general path:\n\(sequential)\n\(general)")
    }
    checkPointColumns(bytes, general: general, workers: workers)
    switch sequential {
    case .success(let collection):
        let written = GeoJSONWriter().featureCollection(collection.features)
        guard (try? GeoJSONReader.parse(written, file: "rewritten.geojson")) != nil else {
            fatalError("written output does not read back: \(String(decoding: written, as: UTF8.self))")
        }
    case .failure(let error):
        let text = error.description
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            fatalError("error message has a control character: \(text.debugDescription)")
        }
        if !text.hasPrefix("fuzz.geojson: ") { fatalError("error does not name the file: \(text.debugDescription)") }
        if text.utf8.count > 2_000 { fatalError("error message is \(text.utf8.count) bytes long") }
    }
    return 0
}

/// SwiftPM links an executable's entry point under this name (and points `main` at it); hand the
/// process to libFuzzer's driver from here.
@_cdecl("FuzzGeoJSON_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzGeoJSON)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

/// The fields asked for as columns: in the fuzzer's dictionary, differing in case, in another script;
/// or the weight alone, as commands that name no demand point ask (every other input).
let columnFieldSets = [["id", "elderly", "NAME", "名称"], ["elderly"]]

func checkPointColumns(_ bytes: [UInt8], general: Result<FeatureCollection, InputError>, workers: Int) {
    let columnFields = columnFieldSets[bytes.count % columnFieldSets.count]
    for threshold in [Int.max, 0] {
        let columns = Result { () throws(InputError) in
            try GeoJSONReader.parse(bytes, file: "fuzz.geojson", parallelAbove: threshold, workers: workers, pointColumns: columnFields)
        }
        guard case .success(let read) = columns, let points = read.points else {
            if columns != general { fatalError("reading point columns gave other features or another error:\n\(columns)\n\(general)") }
            continue
        }
        guard case .success(let expected) = general, !expected.features.isEmpty else { fatalError("point columns where the general path gives none: \(general)") }
        let locations = expected.features.compactMap { feature -> Coordinate? in
            guard case .point(let c)? = feature.geometry, feature.id == nil else { return nil }
            return c
        }
        let values = columnFields.map { field in expected.features.map { $0.properties.value(forField: field) } }
        guard locations.count == expected.features.count, points == PointColumns(fields: columnFields, locations: locations, values: values),
            read.features.isEmpty, read.declaredEPSG == expected.declaredEPSG
        else { fatalError("point columns differ from the general path:\n\(points)\n\(expected)") }
    }
}
