import CCbc
@testable import DoorstepSiting
import Foundation
import Testing

@Suite("CBC is loaded at run time")
struct CbcLoadingTests {
    @Test("every resolved function has its C declaration's type and is the function the linker finds")
    func signatures() throws {
        let functions = try CbcLibrary.functions()
        var linked = LinkedFunctions()
        linked.check("newModel", Cbc_newModel as CbcSignature.newModel, functions.newModel)
        linked.check("deleteModel", Cbc_deleteModel as CbcSignature.deleteModel, functions.deleteModel)
        linked.check("loadProblem", Cbc_loadProblem as CbcSignature.loadProblem, functions.loadProblem)
        linked.check("setInteger", Cbc_setInteger as CbcSignature.setColumn, functions.setInteger)
        linked.check("setLogLevel", Cbc_setLogLevel as CbcSignature.setColumn, functions.setLogLevel)
        linked.check("setObjSense", Cbc_setObjSense as CbcSignature.setNumber, functions.setObjSense)
        linked.check("setMaximumSeconds", Cbc_setMaximumSeconds as CbcSignature.setNumber, functions.setMaximumSeconds)
        linked.check("setAllowableFractionGap", Cbc_setAllowableFractionGap as CbcSignature.setNumber, functions.setAllowableFractionGap)
        linked.check("setParameter", Cbc_setParameter as CbcSignature.setParameter, functions.setParameter)
        linked.check("setMIPStartI", Cbc_setMIPStartI as CbcSignature.setMIPStartI, functions.setMIPStartI)
        linked.check("solve", Cbc_solve as CbcSignature.status, functions.solve)
        linked.check("isProvenInfeasible", Cbc_isProvenInfeasible as CbcSignature.status, functions.isProvenInfeasible)
        linked.check("isProvenOptimal", Cbc_isProvenOptimal as CbcSignature.status, functions.isProvenOptimal)
        linked.check("isSecondsLimitReached", Cbc_isSecondsLimitReached as CbcSignature.status, functions.isSecondsLimitReached)
        linked.check("bestSolution", Cbc_bestSolution as CbcSignature.bestSolution, functions.bestSolution)
        linked.check("getColSolution", Cbc_getColSolution as CbcSignature.solution, functions.getColSolution)
        linked.check("getBestPossibleObjValue", Cbc_getBestPossibleObjValue as CbcSignature.number, functions.getBestPossibleObjValue)
        linked.expectComplete(functions)
    }
}
