import CGDAL
@testable import DoorstepGDAL
import DoorstepLoader
import Foundation
import Testing

// Each GDAL function by a scoped import: DoorstepGDAL's wrappers of the same names would make the
// bare names ambiguous here, and a scoped import wins, so every bare name below is GDAL's own C
// function (the test target links libgdal for them).
import func CGDAL.CPLErrorReset
import func CGDAL.CPLGetLastErrorMsg
import func CGDAL.CPLGetLastErrorType
import func CGDAL.CPLGetThreadLocalConfigOption
import func CGDAL.CPLSetErrorHandler
import func CGDAL.CPLSetThreadLocalConfigOption
import func CGDAL.CSLDestroy
import func CGDAL.VSIFree
import func CGDAL.VSIGetMemFileBuffer
import func CGDAL.VSIMkdir
import func CGDAL.VSIReadDir
import func CGDAL.VSIRmdirRecursive
import func CGDAL.GDALAllRegister
import func CGDAL.GDALClose
import func CGDAL.GDALCreate
import func CGDAL.GDALDatasetCommitTransaction
import func CGDAL.GDALDatasetCreateLayer
import func CGDAL.GDALDatasetGetLayer
import func CGDAL.GDALDatasetGetLayerByName
import func CGDAL.GDALDatasetGetLayerCount
import func CGDAL.GDALDatasetStartTransaction
import func CGDAL.GDALGetDriverByName
import func CGDAL.GDALOpenEx
import func CGDAL.OGRGeometryTypeToName
import func CGDAL.OGR_FD_GetFieldCount
import func CGDAL.OGR_FD_GetFieldDefn
import func CGDAL.OGR_FD_GetFieldIndex
import func CGDAL.OGR_FD_GetGeomFieldCount
import func CGDAL.OGR_F_Create
import func CGDAL.OGR_F_Destroy
import func CGDAL.OGR_F_GetFID
import func CGDAL.OGR_F_GetFieldAsDouble
import func CGDAL.OGR_F_GetFieldAsInteger64
import func CGDAL.OGR_F_GetFieldAsString
import func CGDAL.OGR_F_GetGeometryRef
import func CGDAL.OGR_F_IsFieldSetAndNotNull
import func CGDAL.OGR_F_SetFieldDouble
import func CGDAL.OGR_F_SetFieldInteger
import func CGDAL.OGR_F_SetFieldString
import func CGDAL.OGR_F_SetGeometryDirectly
import func CGDAL.OGR_Fld_Create
import func CGDAL.OGR_Fld_Destroy
import func CGDAL.OGR_Fld_GetNameRef
import func CGDAL.OGR_Fld_GetType
import func CGDAL.OGR_Fld_SetWidth
import func CGDAL.OGR_GT_IsNonLinear
import func CGDAL.OGR_G_CreateFromWkb
import func CGDAL.OGR_G_DestroyGeometry
import func CGDAL.OGR_G_ExportToIsoWkb
import func CGDAL.OGR_G_GetGeometryType
import func CGDAL.OGR_G_GetLinearGeometry
import func CGDAL.OGR_G_IsEmpty
import func CGDAL.OGR_G_WkbSize
import func CGDAL.OGR_L_CreateFeature
import func CGDAL.OGR_L_CreateField
import func CGDAL.OGR_L_GetLayerDefn
import func CGDAL.OGR_L_GetName
import func CGDAL.OGR_L_GetNextFeature
import func CGDAL.OGR_L_GetSpatialRef
import func CGDAL.OGR_L_ResetReading
import func CGDAL.OSRAutoIdentifyEPSG
import func CGDAL.OSRClone
import func CGDAL.OSRDestroySpatialReference
import func CGDAL.OSRFindMatches
import func CGDAL.OSRFreeSRSArray
import func CGDAL.OSRGetAuthorityCode
import func CGDAL.OSRGetAuthorityName
import func CGDAL.OSRGetName
import func CGDAL.OSRImportFromEPSG
import func CGDAL.OSRNewSpatialReference
import func CGDAL.OSRRelease
import func CGDAL.OSRSetAxisMappingStrategy
import func CGDAL.CPLQuietErrorHandler

@Suite("GDAL is loaded at run time")
struct GDALLoadingTests {
    @Suite("Signatures")
    struct Signatures {
        @Test("every resolved function has its C declaration's type and is the function the linker finds")
        func everyFunction() throws {
            let functions = try GDALLibrary.loaded.get()
            var linked = LinkedFunctions()
            linked.check("CPLErrorReset", CPLErrorReset as GDALSignature.CPLErrorReset, functions.CPLErrorReset)
            linked.check("CPLGetLastErrorMsg", CPLGetLastErrorMsg as GDALSignature.CPLGetLastErrorMsg, functions.CPLGetLastErrorMsg)
            linked.check("CPLGetLastErrorType", CPLGetLastErrorType as GDALSignature.CPLGetLastErrorType, functions.CPLGetLastErrorType)
            linked.check("CPLGetThreadLocalConfigOption", CPLGetThreadLocalConfigOption as GDALSignature.CPLGetThreadLocalConfigOption, functions.CPLGetThreadLocalConfigOption)
            linked.check("CPLSetErrorHandler", CPLSetErrorHandler as GDALSignature.CPLSetErrorHandler, functions.CPLSetErrorHandler)
            linked.check("CPLSetThreadLocalConfigOption", CPLSetThreadLocalConfigOption as GDALSignature.CPLSetThreadLocalConfigOption, functions.CPLSetThreadLocalConfigOption)
            linked.check("CSLDestroy", CSLDestroy as GDALSignature.CSLDestroy, functions.CSLDestroy)
            linked.check("VSIFree", VSIFree as GDALSignature.VSIFree, functions.VSIFree)
            linked.check("VSIGetMemFileBuffer", VSIGetMemFileBuffer as GDALSignature.VSIGetMemFileBuffer, functions.VSIGetMemFileBuffer)
            linked.check("VSIMkdir", VSIMkdir as GDALSignature.VSIMkdir, functions.VSIMkdir)
            linked.check("VSIReadDir", VSIReadDir as GDALSignature.VSIReadDir, functions.VSIReadDir)
            linked.check("VSIRmdirRecursive", VSIRmdirRecursive as GDALSignature.VSIRmdirRecursive, functions.VSIRmdirRecursive)
            linked.check("GDALAllRegister", GDALAllRegister as GDALSignature.GDALAllRegister, functions.GDALAllRegister)
            linked.check("GDALClose", GDALClose as GDALSignature.GDALClose, functions.GDALClose)
            linked.check("GDALCreate", GDALCreate as GDALSignature.GDALCreate, functions.GDALCreate)
            linked.check("GDALDatasetCommitTransaction", GDALDatasetCommitTransaction as GDALSignature.GDALDatasetCommitTransaction, functions.GDALDatasetCommitTransaction)
            linked.check("GDALDatasetCreateLayer", GDALDatasetCreateLayer as GDALSignature.GDALDatasetCreateLayer, functions.GDALDatasetCreateLayer)
            linked.check("GDALDatasetGetLayer", GDALDatasetGetLayer as GDALSignature.GDALDatasetGetLayer, functions.GDALDatasetGetLayer)
            linked.check("GDALDatasetGetLayerByName", GDALDatasetGetLayerByName as GDALSignature.GDALDatasetGetLayerByName, functions.GDALDatasetGetLayerByName)
            linked.check("GDALDatasetGetLayerCount", GDALDatasetGetLayerCount as GDALSignature.GDALDatasetGetLayerCount, functions.GDALDatasetGetLayerCount)
            linked.check("GDALDatasetStartTransaction", GDALDatasetStartTransaction as GDALSignature.GDALDatasetStartTransaction, functions.GDALDatasetStartTransaction)
            linked.check("GDALGetDriverByName", GDALGetDriverByName as GDALSignature.GDALGetDriverByName, functions.GDALGetDriverByName)
            linked.check("GDALOpenEx", GDALOpenEx as GDALSignature.GDALOpenEx, functions.GDALOpenEx)
            linked.check("OGRGeometryTypeToName", OGRGeometryTypeToName as GDALSignature.OGRGeometryTypeToName, functions.OGRGeometryTypeToName)
            linked.check("OGR_FD_GetFieldCount", OGR_FD_GetFieldCount as GDALSignature.OGR_FD_GetFieldCount, functions.OGR_FD_GetFieldCount)
            linked.check("OGR_FD_GetFieldDefn", OGR_FD_GetFieldDefn as GDALSignature.OGR_FD_GetFieldDefn, functions.OGR_FD_GetFieldDefn)
            linked.check("OGR_FD_GetFieldIndex", OGR_FD_GetFieldIndex as GDALSignature.OGR_FD_GetFieldIndex, functions.OGR_FD_GetFieldIndex)
            linked.check("OGR_FD_GetGeomFieldCount", OGR_FD_GetGeomFieldCount as GDALSignature.OGR_FD_GetGeomFieldCount, functions.OGR_FD_GetGeomFieldCount)
            linked.check("OGR_F_Create", OGR_F_Create as GDALSignature.OGR_F_Create, functions.OGR_F_Create)
            linked.check("OGR_F_Destroy", OGR_F_Destroy as GDALSignature.OGR_F_Destroy, functions.OGR_F_Destroy)
            linked.check("OGR_F_GetFID", OGR_F_GetFID as GDALSignature.OGR_F_GetFID, functions.OGR_F_GetFID)
            linked.check("OGR_F_GetFieldAsDouble", OGR_F_GetFieldAsDouble as GDALSignature.OGR_F_GetFieldAsDouble, functions.OGR_F_GetFieldAsDouble)
            linked.check("OGR_F_GetFieldAsInteger64", OGR_F_GetFieldAsInteger64 as GDALSignature.OGR_F_GetFieldAsInteger64, functions.OGR_F_GetFieldAsInteger64)
            linked.check("OGR_F_GetFieldAsString", OGR_F_GetFieldAsString as GDALSignature.OGR_F_GetFieldAsString, functions.OGR_F_GetFieldAsString)
            linked.check("OGR_F_GetGeometryRef", OGR_F_GetGeometryRef as GDALSignature.OGR_F_GetGeometryRef, functions.OGR_F_GetGeometryRef)
            linked.check("OGR_F_IsFieldSetAndNotNull", OGR_F_IsFieldSetAndNotNull as GDALSignature.OGR_F_IsFieldSetAndNotNull, functions.OGR_F_IsFieldSetAndNotNull)
            linked.check("OGR_F_SetFieldDouble", OGR_F_SetFieldDouble as GDALSignature.OGR_F_SetFieldDouble, functions.OGR_F_SetFieldDouble)
            linked.check("OGR_F_SetFieldInteger", OGR_F_SetFieldInteger as GDALSignature.OGR_F_SetFieldInteger, functions.OGR_F_SetFieldInteger)
            linked.check("OGR_F_SetFieldString", OGR_F_SetFieldString as GDALSignature.OGR_F_SetFieldString, functions.OGR_F_SetFieldString)
            linked.check("OGR_F_SetGeometryDirectly", OGR_F_SetGeometryDirectly as GDALSignature.OGR_F_SetGeometryDirectly, functions.OGR_F_SetGeometryDirectly)
            linked.check("OGR_Fld_Create", OGR_Fld_Create as GDALSignature.OGR_Fld_Create, functions.OGR_Fld_Create)
            linked.check("OGR_Fld_Destroy", OGR_Fld_Destroy as GDALSignature.OGR_Fld_Destroy, functions.OGR_Fld_Destroy)
            linked.check("OGR_Fld_GetNameRef", OGR_Fld_GetNameRef as GDALSignature.OGR_Fld_GetNameRef, functions.OGR_Fld_GetNameRef)
            linked.check("OGR_Fld_GetType", OGR_Fld_GetType as GDALSignature.OGR_Fld_GetType, functions.OGR_Fld_GetType)
            linked.check("OGR_Fld_SetWidth", OGR_Fld_SetWidth as GDALSignature.OGR_Fld_SetWidth, functions.OGR_Fld_SetWidth)
            linked.check("OGR_GT_IsNonLinear", OGR_GT_IsNonLinear as GDALSignature.OGR_GT_IsNonLinear, functions.OGR_GT_IsNonLinear)
            linked.check("OGR_G_CreateFromWkb", OGR_G_CreateFromWkb as GDALSignature.OGR_G_CreateFromWkb, functions.OGR_G_CreateFromWkb)
            linked.check("OGR_G_DestroyGeometry", OGR_G_DestroyGeometry as GDALSignature.OGR_G_DestroyGeometry, functions.OGR_G_DestroyGeometry)
            linked.check("OGR_G_ExportToIsoWkb", OGR_G_ExportToIsoWkb as GDALSignature.OGR_G_ExportToIsoWkb, functions.OGR_G_ExportToIsoWkb)
            linked.check("OGR_G_GetGeometryType", OGR_G_GetGeometryType as GDALSignature.OGR_G_GetGeometryType, functions.OGR_G_GetGeometryType)
            linked.check("OGR_G_GetLinearGeometry", OGR_G_GetLinearGeometry as GDALSignature.OGR_G_GetLinearGeometry, functions.OGR_G_GetLinearGeometry)
            linked.check("OGR_G_IsEmpty", OGR_G_IsEmpty as GDALSignature.OGR_G_IsEmpty, functions.OGR_G_IsEmpty)
            linked.check("OGR_G_WkbSize", OGR_G_WkbSize as GDALSignature.OGR_G_WkbSize, functions.OGR_G_WkbSize)
            linked.check("OGR_L_CreateFeature", OGR_L_CreateFeature as GDALSignature.OGR_L_CreateFeature, functions.OGR_L_CreateFeature)
            linked.check("OGR_L_CreateField", OGR_L_CreateField as GDALSignature.OGR_L_CreateField, functions.OGR_L_CreateField)
            linked.check("OGR_L_GetLayerDefn", OGR_L_GetLayerDefn as GDALSignature.OGR_L_GetLayerDefn, functions.OGR_L_GetLayerDefn)
            linked.check("OGR_L_GetName", OGR_L_GetName as GDALSignature.OGR_L_GetName, functions.OGR_L_GetName)
            linked.check("OGR_L_GetNextFeature", OGR_L_GetNextFeature as GDALSignature.OGR_L_GetNextFeature, functions.OGR_L_GetNextFeature)
            linked.check("OGR_L_GetSpatialRef", OGR_L_GetSpatialRef as GDALSignature.OGR_L_GetSpatialRef, functions.OGR_L_GetSpatialRef)
            linked.check("OGR_L_ResetReading", OGR_L_ResetReading as GDALSignature.OGR_L_ResetReading, functions.OGR_L_ResetReading)
            linked.check("OSRAutoIdentifyEPSG", OSRAutoIdentifyEPSG as GDALSignature.OSRAutoIdentifyEPSG, functions.OSRAutoIdentifyEPSG)
            linked.check("OSRClone", OSRClone as GDALSignature.OSRClone, functions.OSRClone)
            linked.check("OSRDestroySpatialReference", OSRDestroySpatialReference as GDALSignature.OSRDestroySpatialReference, functions.OSRDestroySpatialReference)
            linked.check("OSRFindMatches", OSRFindMatches as GDALSignature.OSRFindMatches, functions.OSRFindMatches)
            linked.check("OSRFreeSRSArray", OSRFreeSRSArray as GDALSignature.OSRFreeSRSArray, functions.OSRFreeSRSArray)
            linked.check("OSRGetAuthorityCode", OSRGetAuthorityCode as GDALSignature.OSRGetAuthorityCode, functions.OSRGetAuthorityCode)
            linked.check("OSRGetAuthorityName", OSRGetAuthorityName as GDALSignature.OSRGetAuthorityName, functions.OSRGetAuthorityName)
            linked.check("OSRGetName", OSRGetName as GDALSignature.OSRGetName, functions.OSRGetName)
            linked.check("OSRImportFromEPSG", OSRImportFromEPSG as GDALSignature.OSRImportFromEPSG, functions.OSRImportFromEPSG)
            linked.check("OSRNewSpatialReference", OSRNewSpatialReference as GDALSignature.OSRNewSpatialReference, functions.OSRNewSpatialReference)
            linked.check("OSRRelease", OSRRelease as GDALSignature.OSRRelease, functions.OSRRelease)
            linked.check("OSRSetAxisMappingStrategy", OSRSetAxisMappingStrategy as GDALSignature.OSRSetAxisMappingStrategy, functions.OSRSetAxisMappingStrategy)
            linked.check("CPLQuietErrorHandler", CPLQuietErrorHandler as CPLErrorHandler, functions.CPLQuietErrorHandler)

            linked.expectComplete(functions)
        }
    }

    @Suite("Loading")
    struct Loading {
        @Test("GDAL loads here, under the first name that opens")
        func loads() throws {
            #expect(throws: Never.self) { try GDALLibrary.loaded.get() }
            #expect(GDALLibrary.candidates.first == "libgdal.so" && GDALLibrary.candidates.contains("libgdal.so.32"))
        }

        @Test("a library that is not there: one line naming it and saying how to install GDAL")
        func missing() {
            let result = GDALLibrary.load(["libdoorstep-no-such-gdal.so"])
            #expect(throws: GDALLibrary.Unavailable.self) { try result.get() }
            guard case .failure(let unavailable) = result else { return }
            #expect(
                GDALLibrary.message(unavailable)
                    == "GDAL (libdoorstep-no-such-gdal.so) cannot be loaded: libdoorstep-no-such-gdal.so: cannot open shared object file: "
                    + "No such file or directory; install libgdal (tools/setup.sh does)")
        }

        @Test("a library without GDAL's functions is refused, naming the first one it lacks")
        func notGDAL() {
            guard case .failure(let unavailable) = GDALLibrary.load(["libm.so.6"]) else {
                Issue.record("libm.so.6 was taken for GDAL")
                return
            }
            #expect(unavailable.library == "libm.so.6")
            #expect(unavailable.reason.hasSuffix("undefined symbol: CPLErrorReset"), "\(unavailable.reason)")
        }

        @Test("of several names, the failure reported is the library that was there but did not load")
        func mostTelling() {
            let absent = GDALLibrary.Unavailable(library: "libgdal.so", reason: "libgdal.so: cannot open shared object file: No such file or directory")
            let broken = GDALLibrary.Unavailable(library: "libgdal.so.32", reason: "libpoppler.so.126: cannot open shared object file: No such file or directory")
            #expect(SharedLibrary.mostTelling([absent, broken, absent], names: GDALLibrary.candidates) == broken)
            #expect(SharedLibrary.mostTelling([absent], names: GDALLibrary.candidates) == absent)
            #expect(SharedLibrary.mostTelling([], names: GDALLibrary.candidates).library == "libgdal.so")
        }
    }

    @Suite("The doorstep binary")
    struct Binary {
        /// A run of `doorstep`, and the dynamic loader's lines about libgdal: "file=libgdal.so.32 [0];
        /// needed by …" when the binary links it, "file=libgdal.so [0];  dynamically loaded by …" when
        /// it opens it. The loader writes its report into files (`LD_DEBUG_OUTPUT`), not onto stderr,
        /// where thousands of lines would fill the pipe.
        static func traced(_ arguments: [String]) throws -> (result: CommandResult, gdalLines: [Substring]) {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.executable)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: Paths.package)
            let tracing = ["LD_DEBUG": "files", "LD_DEBUG_OUTPUT": folder.file("loader")]
            process.environment = ProcessInfo.processInfo.environment.merging(tracing) { _, traced in traced }
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            // Read before waiting: a full pipe would block the child.
            let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let result = CommandResult(
                status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
            let reports = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("loader.") }
            #expect(!reports.isEmpty, "the loader wrote no report")
            let lines = try reports.flatMap { try String(contentsOfFile: folder.file($0), encoding: .utf8).split(separator: "\n") }
            return (result, lines.filter { $0.contains("file=libgdal.so") })
        }

        @Test("calls no GDAL function through the linker: every call goes through the table")
        func noLinkedGDALFunction() throws {
            let undefined = try requiredTool("nm", ["-D", "--undefined-only", CLI.executable]).stdout
            let prefixes = ["GDAL", "OGR", "OSR", "CPL", "VSI", "CSL", "OCT"]
            let gdal = undefined.split(separator: "\n").compactMap { $0.split(separator: " ").last }.filter { symbol in
                prefixes.contains { symbol.hasPrefix($0) }
            }
            #expect(gdal.isEmpty, "\(gdal)")
        }

        @Test("does not need libgdal to start")
        func notNeeded() throws {
            let dynamic = try requiredTool("readelf", ["-d", CLI.executable]).stdout
            let needed = dynamic.split(separator: "\n").filter { $0.contains("(NEEDED)") && $0.contains("libgdal") }
            #expect(needed.isEmpty, "\(needed)")
        }

        @Test("a GeoJSON-only run does not open libgdal")
        func geoJSONRun() throws {
            let run = try Self.traced(["coverage"] + GDALFormatTests.kindArguments)
            #expect(run.result.status == 0)
            #expect(run.result.stdout == (try GDALFormatTests.reference()))
            #expect(run.gdalLines.isEmpty, "\(run.gdalLines)")
        }

        @Test("a Shapefile in and a GeoPackage out open libgdal, and read and write as before")
        func gdalRun() throws {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            let units = folder.file("units.shp"), gaps = folder.file("gaps.gpkg")
            try convert(GDALFormatTests.sample + "/units.geojson", to: units, ["-lco", "ENCODING=UTF-8"])
            let read = try Self.traced(
                ["coverage", "--units", units, "--facilities", GDALFormatTests.sample + "/facilities.geojson", "--demand", GDALFormatTests.sample + "/demand.geojson"]
                    + GDALFormatTests.kindArguments)
            #expect(read.result.status == 0)
            #expect(read.gdalLines.contains { $0.contains("dynamically loaded") }, "\(read.gdalLines)")
            #expect(read.result.stdout == (try GDALFormatTests.reference()))
            let written = try Self.traced(["gaps", "--output", gaps])
            #expect(written.result.status == 0)
            #expect(written.gdalLines.contains { $0.contains("dynamically loaded") }, "\(written.gdalLines)")
            let info = try requiredTool("ogrinfo", ["-so", gaps, "gaps"]).stdout
            #expect(info.contains("Geometry: Multi Polygon"), "\(info)")
        }
    }
}
