import CCbc
import DoorstepLoader

// CBC is opened with dlopen() the first time a siting run solves exactly, not linked: libCbcSolver
// and the dozen libraries it pulls in (Clp, Cgl, Osi, CoinUtils, LAPACK, BLAS, gfortran) carry
// ~15,000 relocations that every start of every command paid for, and only `site` uses them.
// CCbc gives the types; the functions come from here, resolved through SharedLibrary (CbcLoadingTests
// checks each against the header and the linked library, RuntimeLibraryTests that the binary needs
// no CBC library).

/// COIN-OR CBC's C interface, opened once, the first time an exact solve needs it.
///
/// ```swift
/// let cbc = try CbcLibrary.functions()   // a SitingError naming the library when it cannot load
/// let model = cbc.newModel()
/// ```
enum CbcLibrary {
    /// What dlopen() tries, in order: the development symlink, then the soname Debian ships.
    static let candidates = ["libCbcSolver.so", "libCbcSolver.so.3"]

    /// Loaded on first use; Swift runs a static's initialiser once, even when threads race.
    static let loaded: Result<CbcFunctions, SitingError> = load(candidates)

    /// CBC's functions, or why the exact solver cannot run.
    static func functions() throws(SitingError) -> CbcFunctions { try loaded.get() }

    static func load(_ names: [String]) -> Result<CbcFunctions, SitingError> {
        SharedLibrary.load(names) { library throws(SharedLibrary.Unavailable) in try CbcFunctions(library) }
            .mapError { SitingError("the exact solver cannot start: " + $0.message(product: "CBC", package: "coinor-libcbc-dev")) }
    }
}

/// The C types of the CBC functions Doorstep calls (`Cbc_Model *` is `void *`).
enum CbcSignature {
    typealias Model = UnsafeMutableRawPointer
    typealias newModel = @convention(c) () -> Model?
    typealias deleteModel = @convention(c) (Model?) -> Void
    typealias loadProblem = @convention(c) (
        Model?, Int32, Int32, UnsafePointer<CoinBigIndex>?, UnsafePointer<Int32>?, UnsafePointer<Double>?, UnsafePointer<Double>?,
        UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?
    ) -> Void
    typealias setColumn = @convention(c) (Model?, Int32) -> Void
    typealias setNumber = @convention(c) (Model?, Double) -> Void
    typealias setParameter = @convention(c) (Model?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void
    typealias setMIPStartI = @convention(c) (Model?, Int32, UnsafePointer<Int32>?, UnsafePointer<Double>?) -> Void
    typealias status = @convention(c) (Model?) -> Int32
    typealias solution = @convention(c) (Model?) -> UnsafePointer<Double>?
    typealias bestSolution = @convention(c) (Model?) -> UnsafeMutablePointer<Double>?
    typealias number = @convention(c) (Model?) -> Double
}

/// The CBC C functions Doorstep calls, resolved from the loaded library.
final class CbcFunctions: Sendable {
    let newModel: CbcSignature.newModel
    let deleteModel: CbcSignature.deleteModel
    let loadProblem: CbcSignature.loadProblem
    let setInteger: CbcSignature.setColumn
    let setLogLevel: CbcSignature.setColumn
    let setObjSense: CbcSignature.setNumber
    let setMaximumSeconds: CbcSignature.setNumber
    let setAllowableFractionGap: CbcSignature.setNumber
    let setParameter: CbcSignature.setParameter
    let setMIPStartI: CbcSignature.setMIPStartI
    let solve: CbcSignature.status
    let isProvenInfeasible: CbcSignature.status
    let isProvenOptimal: CbcSignature.status
    let isSecondsLimitReached: CbcSignature.status
    let bestSolution: CbcSignature.bestSolution
    let getColSolution: CbcSignature.solution
    let getBestPossibleObjValue: CbcSignature.number

    init(_ library: SharedLibrary) throws(SharedLibrary.Unavailable) {
        newModel = try library.function("Cbc_newModel")
        deleteModel = try library.function("Cbc_deleteModel")
        loadProblem = try library.function("Cbc_loadProblem")
        setInteger = try library.function("Cbc_setInteger")
        setLogLevel = try library.function("Cbc_setLogLevel")
        setObjSense = try library.function("Cbc_setObjSense")
        setMaximumSeconds = try library.function("Cbc_setMaximumSeconds")
        setAllowableFractionGap = try library.function("Cbc_setAllowableFractionGap")
        setParameter = try library.function("Cbc_setParameter")
        setMIPStartI = try library.function("Cbc_setMIPStartI")
        solve = try library.function("Cbc_solve")
        isProvenInfeasible = try library.function("Cbc_isProvenInfeasible")
        isProvenOptimal = try library.function("Cbc_isProvenOptimal")
        isSecondsLimitReached = try library.function("Cbc_isSecondsLimitReached")
        bestSolution = try library.function("Cbc_bestSolution")
        getColSolution = try library.function("Cbc_getColSolution")
        getBestPossibleObjValue = try library.function("Cbc_getBestPossibleObjValue")
    }
}
