import CPROJ
@testable import DoorstepCRS
import Foundation
import Testing

@Suite("PROJ is loaded at run time")
struct PROJLoadingTests {
    @Test("every resolved function has its C declaration's type and is the function the linker finds")
    func signatures() throws {
        let functions = try PROJLibrary.functions()
        var linked = LinkedFunctions()
        linked.check("contextCreate", proj_context_create as PROJSignature.context_create, functions.contextCreate)
        linked.check("contextDestroy", proj_context_destroy as PROJSignature.context_destroy, functions.contextDestroy)
        linked.check("contextErrno", proj_context_errno as PROJSignature.context_errno, functions.contextErrno)
        linked.check("contextErrnoString", proj_context_errno_string as PROJSignature.context_errno_string, functions.contextErrnoString)
        linked.check("create", proj_create as PROJSignature.create, functions.create)
        linked.check("createCRSToCRS", proj_create_crs_to_crs as PROJSignature.create_crs_to_crs, functions.createCRSToCRS)
        linked.check("destroy", proj_destroy as PROJSignature.destroy, functions.destroy)
        linked.check("logLevel", proj_log_level as PROJSignature.log_level, functions.logLevel)
        linked.check("normalizeForVisualization", proj_normalize_for_visualization as PROJSignature.normalize_for_visualization, functions.normalizeForVisualization)
        linked.check("transGeneric", proj_trans_generic as PROJSignature.trans_generic, functions.transGeneric)
        linked.expectComplete(functions)
    }
}
