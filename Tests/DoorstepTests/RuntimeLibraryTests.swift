@testable import DoorstepCRS
@testable import DoorstepSiting
import Foundation
import Testing

/// PROJ and CBC, opened with dlopen() (GDAL has its own suite): a missing or wrong library gives one
/// line saying how to install it, and the doorstep binary neither needs them to start nor calls them
/// through the linker.
@Suite("C libraries opened at run time")
struct RuntimeLibraryTests {
    struct Library: Sendable, CustomTestStringConvertible {
        var product: String
        /// The message of loading these names, or nil when one loaded.
        var failure: @Sendable ([String]) -> String?
        /// What the message starts with, before the library's name.
        var prefix: String
        var package: String
        var firstFunction: String
        /// Parts of the names of the libraries the binary must not need.
        var libraries: [String]
        /// The prefix of the functions the binary must not call through the linker.
        var functions: String

        var testDescription: String { product }
    }

    static let libraries = [
        Library(
            product: "PROJ", failure: { names in if case .failure(let error) = PROJLibrary.load(names) { error.message } else { nil } },
            prefix: "PROJ", package: "libproj-dev", firstFunction: "proj_context_create", libraries: ["libproj", "libcurl"], functions: "proj_"),
        Library(
            product: "CBC", failure: { names in if case .failure(let error) = CbcLibrary.load(names) { error.message } else { nil } },
            prefix: "the exact solver cannot start: CBC", package: "coinor-libcbc-dev", firstFunction: "Cbc_newModel",
            libraries: ["Cbc", "Clp", "Coin"], functions: "Cbc_"),
    ]

    @Test("a library that is not there, or one without the functions: one line naming it and saying how to install it", arguments: libraries)
    func unavailable(_ library: Library) {
        for (name, reason) in [("libdoorstep-no-such-library.so", "cannot open shared object file"), ("libm.so.6", "undefined symbol: \(library.firstFunction)")] {
            guard let message = library.failure([name]) else {
                Issue.record("\(name) was taken for \(library.product)")
                continue
            }
            #expect(message.hasPrefix("\(library.prefix) (\(name)) cannot be loaded: ") && message.contains(reason), "\(message)")
            #expect(message.hasSuffix("; install \(library.package) (tools/setup.sh does)") && !message.contains("\n"), "\(message)")
        }
    }

    @Test("the doorstep binary needs no such library to start and calls none of its functions through the linker", arguments: libraries)
    func notLinked(_ library: Library) throws {
        let needed = try requiredTool("readelf", ["-d", CLI.executable]).stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(!needed.contains { line in library.libraries.contains { line.contains($0) } }, "\(needed)")
        let undefined = try requiredTool("nm", ["-D", "--undefined-only", CLI.executable]).stdout.split(separator: "\n")
        #expect(!undefined.contains { $0.split(separator: " ").last?.hasPrefix(library.functions) == true }, "\(undefined)")
    }
}
