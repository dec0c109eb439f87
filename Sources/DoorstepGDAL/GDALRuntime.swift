import CGDAL
import DoorstepGeoJSON

/// GDAL's process-wide setup, done once: the library loaded (``GDALLibrary``), every driver
/// registered, and its messages kept off stderr (each failure is reported as one ``InputError`` line
/// instead, carrying GDAL's message).
enum GDALRuntime {
    private static let registered: Void = {
        GDALAllRegister()
        CPLSetErrorHandler(CPLQuietErrorHandler)
    }()

    /// Loads and sets up GDAL on first use; every path into GDAL starts here.
    ///
    /// ```swift
    /// try GDALRuntime.start(for: "towns.shp")   // "towns.shp: GDAL (libgdal.so) cannot be loaded: …"
    /// ```
    /// - Throws: an error about `file` (what was being read or written) when libgdal cannot be loaded.
    static func start(for file: String) throws(InputError) {
        if case .failure(let unavailable) = GDALLibrary.loaded { throw InputError(file: file, message: GDALLibrary.message(unavailable)) }
        _ = registered
    }

    /// GDAL's last error message on this thread, or `fallback` when it left none.
    static func lastError(or fallback: String) -> String {
        guard let message = CPLGetLastErrorMsg(), message.pointee != 0 else { return fallback }
        return InputError.quoted(String(cString: message), limit: 300)
    }

    /// Runs `body` with `strings` as a NULL-terminated C string list (GDAL's open and creation options).
    static func withOptions<T>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> T) rethrows -> T {
        var list: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        list.append(nil)
        defer { for pointer in list { free(pointer) } }
        return try list.withUnsafeMutableBufferPointer { try body(strings.isEmpty ? nil : $0.baseAddress) }
    }

    /// The same list as the `const char *const *` some calls take.
    static func constant(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> UnsafePointer<UnsafePointer<CChar>?>? {
        list.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
    }

    /// Runs `body` with GDAL configuration options set for this thread only, then puts back the values
    /// they had (or unsets them).
    static func withThreadConfig<T, E: Error>(_ options: [(key: String, value: String)], _ body: () throws(E) -> T) throws(E) -> T {
        let previous = options.map { threadConfig($0.key) }
        for option in options { CPLSetThreadLocalConfigOption(option.key, option.value) }
        defer {
            for (option, old) in zip(options, previous) {
                if let old { CPLSetThreadLocalConfigOption(option.key, old) } else { CPLSetThreadLocalConfigOption(option.key, nil) }
            }
        }
        return try body()
    }

    /// The value of a configuration option set for this thread, or nil.
    static func threadConfig(_ key: String) -> String? {
        CPLGetThreadLocalConfigOption(key, nil).map { String(cString: $0) }
    }

    /// The strings of a NULL-terminated list GDAL returned, which is then freed (it was ours to free).
    static func takeStringList(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
        guard let list else { return [] }
        defer { CSLDestroy(list) }
        var strings: [String] = []
        var index = 0
        while let item = list[index] {
            strings.append(String(cString: item))
            index += 1
        }
        return strings
    }
}

/// An open GDAL dataset, closed exactly once when the value goes away.
final class GDALDataset {
    let handle: GDALDatasetH

    init(handle: GDALDatasetH) { self.handle = handle }

    deinit { GDALClose(handle) }

    /// Opens `path` read-only as vector data, or throws GDAL's reason.
    static func open(_ path: String, options: [String]) throws(InputError) -> GDALDataset {
        try GDALRuntime.start(for: path)
        CPLErrorReset()
        let handle = GDALRuntime.withOptions(options) { GDALOpenEx(path, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, GDALRuntime.constant($0), nil) }
        guard let handle else {
            throw InputError(file: path, message: "GDAL cannot open it as vector data: \(GDALRuntime.lastError(or: "no driver recognises this file"))")
        }
        return GDALDataset(handle: handle)
    }

    var layerNames: [String] {
        (0..<GDALDatasetGetLayerCount(handle)).compactMap { index in
            GDALDatasetGetLayer(handle, index).flatMap { OGR_L_GetName($0) }.map { String(cString: $0) }
        }
    }
}
