import CPROJ
@testable import DoorstepCRS
import Foundation
import Testing

@Suite("PROJ is loaded at run time")
struct PROJLoadingTests {
    @Test("every resolved function has its C declaration's type and is the function the linker finds")
    func signatures() throws {
        let functions = try PROJLibrary.functions()
        var checked: [String: Bool] = [:]
        // That a linked function converts to the resolved one's type is the compiler's check of the signature.
        func check<F>(_ name: String, _ linked: F, _ resolved: F) {
            checked[name] = unsafeBitCast(linked, to: UnsafeRawPointer.self) == unsafeBitCast(resolved, to: UnsafeRawPointer.self)
        }
        check("proj_context_create", proj_context_create as PROJSignature.context_create, functions.contextCreate)
        check("proj_context_destroy", proj_context_destroy as PROJSignature.context_destroy, functions.contextDestroy)
        check("proj_context_errno", proj_context_errno as PROJSignature.context_errno, functions.contextErrno)
        check("proj_context_errno_string", proj_context_errno_string as PROJSignature.context_errno_string, functions.contextErrnoString)
        check("proj_create", proj_create as PROJSignature.create, functions.create)
        check("proj_create_crs_to_crs", proj_create_crs_to_crs as PROJSignature.create_crs_to_crs, functions.createCRSToCRS)
        check("proj_destroy", proj_destroy as PROJSignature.destroy, functions.destroy)
        check("proj_log_level", proj_log_level as PROJSignature.log_level, functions.logLevel)
        check("proj_normalize_for_visualization", proj_normalize_for_visualization as PROJSignature.normalize_for_visualization, functions.normalizeForVisualization)
        check("proj_trans_generic", proj_trans_generic as PROJSignature.trans_generic, functions.transGeneric)
        #expect(checked.count == 10 && checked.values.allSatisfy { $0 }, "\(checked.filter { !$0.value }.keys.sorted())")
    }
}
