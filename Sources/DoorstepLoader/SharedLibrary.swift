#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A C library opened at run time with dlopen(), not linked: GDAL, PROJ and CBC each pull in dozens
/// of libraries whose loading every start of every command paid for, though many runs need one of
/// them or none. Each is opened once, the first time it is needed, and stays open for the life of
/// the process (every handle made with it lives in it); RTLD_LOCAL keeps its symbols out of the
/// global namespace, where they could stand in for another library's. The caller resolves the
/// functions it calls, each with its C declaration's type.
///
/// ```swift
/// let loaded = SharedLibrary.load(["libproj.so", "libproj.so.25"]) { library throws(SharedLibrary.Unavailable) in
///     try ProjFunctions(create: library.function("proj_create"), …)
/// }
/// ```
public struct SharedLibrary: @unchecked Sendable {
    /// dlopen()'s handle.
    public let handle: UnsafeMutableRawPointer
    /// The name it was opened under.
    public let name: String

    /// Why a library cannot be used: the library that failed and dlerror()'s reason.
    public struct Unavailable: Error, Sendable, Equatable, CustomStringConvertible {
        public var library: String
        public var reason: String

        public init(library: String, reason: String) {
            self.library = library
            self.reason = reason
        }

        /// "`product` (`library`) cannot be loaded: `reason`; install `package` (tools/setup.sh does)".
        public func message(product: String, package: String) -> String {
            "\(product) (\(library)) cannot be loaded: \(reason); install \(package) (tools/setup.sh does)"
        }

        public var description: String { "\(library) cannot be loaded: \(reason)" }
    }

    /// What `resolve` takes from the first of `names` that dlopen() opens; else the most telling
    /// failure. A library that opens but lacks a function is closed, and its failure reported.
    public static func load<Functions>(
        _ names: [String], _ resolve: (SharedLibrary) throws(Unavailable) -> Functions
    ) -> Result<Functions, Unavailable> {
        var failures: [Unavailable] = []
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                failures.append(Unavailable(library: name, reason: lastLoaderError()))
                continue
            }
            do {
                return .success(try resolve(SharedLibrary(handle: handle, name: name)))
            } catch {
                dlclose(handle)
                return .failure(error)
            }
        }
        return .failure(mostTelling(failures, names: names))
    }

    /// The function `symbol` as the C function type `F` (a `@convention(c)` type: one pointer).
    public func function<F>(_ symbol: String) throws(Unavailable) -> F {
        _ = dlerror()  // clears an older message, so the one reported is this lookup's
        guard let address = dlsym(handle, symbol) else { throw Unavailable(library: name, reason: Self.lastLoaderError()) }
        return unsafeBitCast(address, to: F.self)
    }

    /// The failure worth reporting: one where the library was there but did not load (a library it
    /// needs is missing, say), else the first ("libgdal.so: cannot open shared object file …").
    public static func mostTelling(_ failures: [Unavailable], names: [String]) -> Unavailable {
        let found = failures.first { !$0.reason.hasPrefix($0.library + ":") }
        return found ?? failures.first ?? Unavailable(library: names.first ?? "a library", reason: "no library name to try")
    }

    static func lastLoaderError() -> String { dlerror().map { String(cString: $0) } ?? "unknown reason" }
}
