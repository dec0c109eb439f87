import CGEOS

/// A failure reported by GEOS, with the message GEOS gave.
public struct GEOSError: Error, CustomStringConvertible, Sendable {
    /// What was being done, e.g. "buffer".
    public var operation: String
    /// GEOS's own message, when it gave one.
    public var message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String {
        message.isEmpty ? "GEOS \(operation) failed" : "GEOS \(operation) failed: \(message)"
    }
}

/// One GEOS context (`GEOS_init_r`): create one per task and never share it.
///
/// Geometries keep their context alive, so a context is finished only after its last geometry is
/// freed. The type is deliberately not `Sendable`; pass ``GeometryValue``s or WKB between tasks.
///
/// ```swift
/// let context = GEOSContext()
/// let disc = try Geometry(point: Coordinate(0, 0), in: context).buffer(500)
/// ```
public final class GEOSContext {
    let handle: GEOSContextHandle_t
    /// The last error message GEOS reported through the handler.
    fileprivate(set) var lastError = ""

    public init() {
        guard let handle = GEOS_init_r() else {
            fatalError("GEOS_init_r returned NULL: out of memory")
        }
        self.handle = handle
        let userData = Unmanaged.passUnretained(self).toOpaque()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userData in
            guard let userData else { return }
            let context = Unmanaged<GEOSContext>.fromOpaque(userData).takeUnretainedValue()
            context.lastError = message.map { String(cString: $0) } ?? ""
        }, userData)
    }

    deinit {
        GEOS_finish_r(handle)
    }

    /// An error for `operation` carrying GEOS's last message, which it then clears.
    func error(_ operation: String) -> GEOSError {
        defer { lastError = "" }
        return GEOSError(operation: operation, message: lastError)
    }

    /// The GEOS library version, e.g. "3.11.1-CAPI-1.17.1".
    public static var version: String { String(cString: GEOSversion()) }
}
