import CPROJ
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// PROJ is opened with dlopen(), not linked: libproj pulls in some forty libraries (curl, TLS,
// Kerberos, LDAP, TIFF, SQLite …) whose ~14,000 relocations every start paid for before its first
// line ran. Opened on another thread while the layers are read (``PROJLibrary/open()``),
// it costs a run almost nothing, and commands that never measure (`--help`, `sample`) nothing at
// all. CPROJ gives the types; the functions come from here (PROJLoadingTests checks each against
// the header and the linked library, and that the binary needs no PROJ library).

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

    /// Loads PROJ now, unless it is loaded (a second caller meanwhile waits): for a thread that
    /// prepares it while another reads the layers. That thread must be waited for before the
    /// process exits, which must not run while dlopen() is half done.
    public static func open() { _ = loaded }

    static func load(_ names: [String]) -> Result<PROJFunctions, CRSError> {
        var reasons: [String] = []
        for name in names {
            // RTLD_LOCAL: PROJ's symbols (and its SQLite's) stay out of the global namespace.
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? "\(name): unknown reason")
                continue
            }
            do {
                return .success(try PROJFunctions(library: handle))
            } catch {
                dlclose(handle)
                reasons.append("\(name) lacks \(error.name)")
            }
        }
        // A library that is there but does not load says more than "no such file".
        let reason = reasons.first { !$0.contains("No such file") } ?? reasons.first ?? "no library to try"
        return .failure(CRSError("PROJ cannot be loaded (\(reason)); install libproj-dev (tools/setup.sh does)"))
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

    /// A function the library lacks.
    struct Missing: Error {
        var name: String
    }

    init(library: UnsafeMutableRawPointer) throws(Missing) {
        func resolve<F>(_ name: String) throws(Missing) -> F {
            guard let symbol = dlsym(library, name) else { throw Missing(name: name) }
            return unsafeBitCast(symbol, to: F.self)
        }
        contextCreate = try resolve("proj_context_create")
        contextDestroy = try resolve("proj_context_destroy")
        contextErrno = try resolve("proj_context_errno")
        contextErrnoString = try resolve("proj_context_errno_string")
        create = try resolve("proj_create")
        createCRSToCRS = try resolve("proj_create_crs_to_crs")
        destroy = try resolve("proj_destroy")
        logLevel = try resolve("proj_log_level")
        normalizeForVisualization = try resolve("proj_normalize_for_visualization")
        transGeneric = try resolve("proj_trans_generic")
    }

    /// The message of the context's last error.
    func lastError(_ context: OpaquePointer) -> String {
        contextErrnoString(context, contextErrno(context)).map { String(cString: $0) } ?? "unknown error"
    }
}
