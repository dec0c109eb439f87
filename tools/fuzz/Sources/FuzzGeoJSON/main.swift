@_spi(Testing) import DoorstepGeoJSON

/// Any bytes as a GeoJSON file: the reader must return features or throw an `InputError` whose
/// message is one line naming the file — never crash, hang or overflow the stack.
///
/// Each input is also parsed by the parallel path (which normally starts above 4 MB) split into
/// 2 to 8 chunks, and that must give exactly what the sequential parse gives, error included; so
/// must the general path without the one-pass reading of plain Point features; and what is read
/// must write out and read back to the same features.
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
