import CCbc
@testable import DoorstepSiting
import Foundation
import Testing

@Suite("CBC is loaded at run time")
struct CbcLoadingTests {
    @Test("every resolved function has its C declaration's type and is the function the linker finds")
    func signatures() throws {
        let functions = try CbcLibrary.functions()
        var checked: [String: Bool] = [:]
        // That a linked function converts to the resolved one's type is the compiler's check of the signature.
        func check<F>(_ name: String, _ linked: F, _ resolved: F) {
            checked[name] = unsafeBitCast(linked, to: UnsafeRawPointer.self) == unsafeBitCast(resolved, to: UnsafeRawPointer.self)
        }
        check("Cbc_newModel", Cbc_newModel as CbcSignature.newModel, functions.newModel)
        check("Cbc_deleteModel", Cbc_deleteModel as CbcSignature.deleteModel, functions.deleteModel)
        check("Cbc_loadProblem", Cbc_loadProblem as CbcSignature.loadProblem, functions.loadProblem)
        check("Cbc_setInteger", Cbc_setInteger as CbcSignature.setColumn, functions.setInteger)
        check("Cbc_setLogLevel", Cbc_setLogLevel as CbcSignature.setColumn, functions.setLogLevel)
        check("Cbc_setObjSense", Cbc_setObjSense as CbcSignature.setNumber, functions.setObjSense)
        check("Cbc_setMaximumSeconds", Cbc_setMaximumSeconds as CbcSignature.setNumber, functions.setMaximumSeconds)
        check("Cbc_setAllowableFractionGap", Cbc_setAllowableFractionGap as CbcSignature.setNumber, functions.setAllowableFractionGap)
        check("Cbc_setParameter", Cbc_setParameter as CbcSignature.setParameter, functions.setParameter)
        check("Cbc_setMIPStartI", Cbc_setMIPStartI as CbcSignature.setMIPStartI, functions.setMIPStartI)
        check("Cbc_solve", Cbc_solve as CbcSignature.status, functions.solve)
        check("Cbc_isProvenInfeasible", Cbc_isProvenInfeasible as CbcSignature.status, functions.isProvenInfeasible)
        check("Cbc_isProvenOptimal", Cbc_isProvenOptimal as CbcSignature.status, functions.isProvenOptimal)
        check("Cbc_isSecondsLimitReached", Cbc_isSecondsLimitReached as CbcSignature.status, functions.isSecondsLimitReached)
        check("Cbc_bestSolution", Cbc_bestSolution as CbcSignature.bestSolution, functions.bestSolution)
        check("Cbc_getColSolution", Cbc_getColSolution as CbcSignature.solution, functions.getColSolution)
        check("Cbc_getBestPossibleObjValue", Cbc_getBestPossibleObjValue as CbcSignature.number, functions.getBestPossibleObjValue)
        #expect(checked.count == 17 && checked.values.allSatisfy { $0 }, "\(checked.filter { !$0.value }.keys.sorted())")
    }
}
