import CPROJ
import DoorstepLoader

// PROJ is opened with dlopen(), not linked: libproj pulls in some forty libraries (curl, TLS,
// Kerberos, LDAP, TIFF, SQLite …) whose ~14,000 relocations every start paid for before its first
// line ran. Opened on another thread while the layers are read (``PROJLibrary/open()``),
// it costs a run almost nothing, and commands that never measure (`--help`, `--version`) nothing at
// all. CPROJ gives the types; the functions come from here, resolved through SharedLibrary
// (PROJLoadingTests checks each against the header and the linked library, RuntimeLibraryTests that
// the binary needs no PROJ library).

/// PROJ's C API, opened once, the first time a transformation is made.
///
/// ```swift
/// let opening = InBackground { PROJLibrary.open() }   // while the layers are read
/// let proj = try PROJLibrary.functions()              // waits for that, or loads now
/// ```
public enum PROJLibrary {
    /// What dlopen() tries, in order: the development symlink, then the sonames of PROJ 9.x, 8.x and
    /// 7.x (Debian 12 ships libproj.so.25), for a machine with only the runtime package.
    static let candidates = ["libproj.so", "libproj.so.25", "libproj.so.22", "libproj.so.19"]

    /// Loaded on first use; Swift runs a static's initialiser once, and a second thread asking
    /// meanwhile waits for it.
    static let loaded: Result<PROJFunctions, CRSError> = load(candidates)

    /// PROJ's functions, or why there are none.
    static func functions() throws(CRSError) -> PROJFunctions { try loaded.get() }

    /// Loads PROJ now, unless it is loaded (a second caller meanwhile waits), and builds one
    /// projection, which sets PROJ up (its settings, the search for proj.db: milliseconds the first
    /// projection would otherwise pay on the main thread): for a thread that prepares it while
    /// another reads the layers. That thread must be waited for before the process exits, which must
    /// not run while dlopen() is half done.
    public static func open() {
        guard case .success = loaded else { return }
        _ = try? PROJTransform(definition: "+proj=tmerc +lon_0=120 +ellps=WGS84", anglesInDegrees: true)
    }

    static func load(_ names: [String]) -> Result<PROJFunctions, CRSError> {
        SharedLibrary.load(names) { library throws(SharedLibrary.Unavailable) in try PROJFunctions(library) }
            .mapError { CRSError($0.message(product: "PROJ", package: "libproj-dev")) }
    }
}

/// The C types of the PROJ functions Doorstep calls (`PJ_CONTEXT *`, `PJ *` and `PJ_AREA *` are opaque).
enum PROJSignature {
    typealias context_create = @convention(c) () -> OpaquePointer?
    typealias context_destroy = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias context_errno = @convention(c) (OpaquePointer?) -> Int32
    typealias context_errno_string = @convention(c) (OpaquePointer?, Int32) -> UnsafePointer<CChar>?
    typealias create = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    typealias create_crs_to_crs = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, OpaquePointer?) -> OpaquePointer?
    typealias destroy = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias log_level = @convention(c) (OpaquePointer?, PJ_LOG_LEVEL) -> PJ_LOG_LEVEL
    typealias normalize_for_visualization = @convention(c) (OpaquePointer?, OpaquePointer?) -> OpaquePointer?
    typealias trans_generic = @convention(c) (
        OpaquePointer?, PJ_DIRECTION, UnsafeMutablePointer<Double>?, Int, Int, UnsafeMutablePointer<Double>?, Int, Int,
        UnsafeMutablePointer<Double>?, Int, Int, UnsafeMutablePointer<Double>?, Int, Int
    ) -> Int
}

/// The PROJ C functions Doorstep calls, resolved from the loaded library.
final class PROJFunctions: Sendable {
    let contextCreate: PROJSignature.context_create
    let contextDestroy: PROJSignature.context_destroy
    let contextErrno: PROJSignature.context_errno
    let contextErrnoString: PROJSignature.context_errno_string
    let create: PROJSignature.create
    let createCRSToCRS: PROJSignature.create_crs_to_crs
    let destroy: PROJSignature.destroy
    let logLevel: PROJSignature.log_level
    let normalizeForVisualization: PROJSignature.normalize_for_visualization
    let transGeneric: PROJSignature.trans_generic

    init(_ library: SharedLibrary) throws(SharedLibrary.Unavailable) {
        contextCreate = try library.function("proj_context_create")
        contextDestroy = try library.function("proj_context_destroy")
        contextErrno = try library.function("proj_context_errno")
        contextErrnoString = try library.function("proj_context_errno_string")
        create = try library.function("proj_create")
        createCRSToCRS = try library.function("proj_create_crs_to_crs")
        destroy = try library.function("proj_destroy")
        logLevel = try library.function("proj_log_level")
        normalizeForVisualization = try library.function("proj_normalize_for_visualization")
        transGeneric = try library.function("proj_trans_generic")
    }

    /// The message of the context's last error.
    func lastError(_ context: OpaquePointer) -> String {
        contextErrnoString(context, contextErrno(context)).map { String(cString: $0) } ?? "unknown error"
    }
}
