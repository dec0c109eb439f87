import CGDAL
import DoorstepLoader

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// GDAL is opened with dlopen() the first time a command needs it, not linked: loading libgdal and the
// ~130 libraries it pulls in (poppler, x265, netcdf …) costs ~70 ms at every start, and most runs read
// GeoJSON and CSV with Doorstep's own readers and never touch GDAL. This file is the one seam between
// Doorstep and the library: every C function the module calls is resolved here with dlsym(), and a
// module-level function of the same name calls it — Swift prefers this module's declaration over the
// imported one, so the call sites read as plain GDAL C calls. The headers (types, enums, constants)
// still come from CGDAL. A GDAL function called elsewhere in the module without a wrapper here would
// be linked directly again; GDALLoadingTests fails when the binary references one.

// `const char *`, `char **` and `const char *const *` as Swift imports them.
typealias ConstCharPointer = UnsafePointer<CChar>
typealias CharPointerList = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
typealias ConstCharPointerList = UnsafePointer<UnsafePointer<CChar>?>

/// libgdal, opened once, the first time a command needs it.
///
/// ```swift
/// if case .failure(let unavailable) = GDALLibrary.loaded { print(unavailable) }
/// ```
enum GDALLibrary {
    /// What dlopen() tries, in order: the development symlink, then the sonames Debian and Ubuntu
    /// ship (libgdal.so.32 is GDAL 3.6, Debian 12), since a machine with only the runtime package
    /// (libgdal32, not libgdal-dev) has no `libgdal.so`.
    static let candidates = ["libgdal.so"] + [36, 35, 34, 33, 32, 31, 30, 28, 27, 26].map { "libgdal.so.\($0)" }

    /// Why GDAL cannot be used: the library that failed and dlerror()'s reason.
    typealias Unavailable = SharedLibrary.Unavailable

    /// GDAL's functions, or why there are none. Loaded on first use; Swift runs a static's
    /// initialiser exactly once, even when several threads ask at the same time.
    static let loaded: Result<GDALFunctions, Unavailable> = load(candidates)

    /// The functions of the first of `names` that dlopen() opens. The library stays open for the
    /// life of the process: the drivers GDAL registers and every handle Doorstep holds live in it.
    static func load(_ names: [String]) -> Result<GDALFunctions, Unavailable> {
        SharedLibrary.load(names) { library throws(Unavailable) in try GDALFunctions(library) }
    }

    /// The one-line message for a command that needs GDAL.
    static func message(_ unavailable: Unavailable) -> String {
        unavailable.message(product: "GDAL", package: "libgdal")
    }
}

/// Every GDAL C function Doorstep calls, resolved from the loaded library, each with its C
/// declaration's type (GDALLoadingTests checks each against the headers and the linked library).
final class GDALFunctions: Sendable {
    // MARK: CPL, CSL, VSI: errors, configuration, string lists, memory and files
    let CPLErrorReset: GDALSignature.CPLErrorReset
    let CPLGetLastErrorMsg: GDALSignature.CPLGetLastErrorMsg
    let CPLGetLastErrorType: GDALSignature.CPLGetLastErrorType
    let CPLGetThreadLocalConfigOption: GDALSignature.CPLGetThreadLocalConfigOption
    let CPLSetErrorHandler: GDALSignature.CPLSetErrorHandler
    let CPLSetThreadLocalConfigOption: GDALSignature.CPLSetThreadLocalConfigOption
    let CSLDestroy: GDALSignature.CSLDestroy
    let VSIFree: GDALSignature.VSIFree
    let VSIGetMemFileBuffer: GDALSignature.VSIGetMemFileBuffer
    let VSIMkdir: GDALSignature.VSIMkdir
    let VSIReadDir: GDALSignature.VSIReadDir
    let VSIRmdirRecursive: GDALSignature.VSIRmdirRecursive

    // MARK: GDAL: drivers and datasets
    let GDALAllRegister: GDALSignature.GDALAllRegister
    let GDALClose: GDALSignature.GDALClose
    let GDALCreate: GDALSignature.GDALCreate
    let GDALDatasetCommitTransaction: GDALSignature.GDALDatasetCommitTransaction
    let GDALDatasetCreateLayer: GDALSignature.GDALDatasetCreateLayer
    let GDALDatasetGetLayer: GDALSignature.GDALDatasetGetLayer
    let GDALDatasetGetLayerByName: GDALSignature.GDALDatasetGetLayerByName
    let GDALDatasetGetLayerCount: GDALSignature.GDALDatasetGetLayerCount
    let GDALDatasetStartTransaction: GDALSignature.GDALDatasetStartTransaction
    let GDALGetDriverByName: GDALSignature.GDALGetDriverByName
    let GDALOpenEx: GDALSignature.GDALOpenEx

    // MARK: OGR: layers, features, fields and geometries
    let OGRGeometryTypeToName: GDALSignature.OGRGeometryTypeToName
    let OGR_FD_GetFieldCount: GDALSignature.OGR_FD_GetFieldCount
    let OGR_FD_GetFieldDefn: GDALSignature.OGR_FD_GetFieldDefn
    let OGR_FD_GetFieldIndex: GDALSignature.OGR_FD_GetFieldIndex
    let OGR_FD_GetGeomFieldCount: GDALSignature.OGR_FD_GetGeomFieldCount
    let OGR_F_Create: GDALSignature.OGR_F_Create
    let OGR_F_Destroy: GDALSignature.OGR_F_Destroy
    let OGR_F_GetFID: GDALSignature.OGR_F_GetFID
    let OGR_F_GetFieldAsDouble: GDALSignature.OGR_F_GetFieldAsDouble
    let OGR_F_GetFieldAsInteger64: GDALSignature.OGR_F_GetFieldAsInteger64
    let OGR_F_GetFieldAsString: GDALSignature.OGR_F_GetFieldAsString
    let OGR_F_GetGeometryRef: GDALSignature.OGR_F_GetGeometryRef
    let OGR_F_IsFieldSetAndNotNull: GDALSignature.OGR_F_IsFieldSetAndNotNull
    let OGR_F_SetFieldDouble: GDALSignature.OGR_F_SetFieldDouble
    let OGR_F_SetFieldInteger: GDALSignature.OGR_F_SetFieldInteger
    let OGR_F_SetFieldString: GDALSignature.OGR_F_SetFieldString
    let OGR_F_SetGeometryDirectly: GDALSignature.OGR_F_SetGeometryDirectly
    let OGR_Fld_Create: GDALSignature.OGR_Fld_Create
    let OGR_Fld_Destroy: GDALSignature.OGR_Fld_Destroy
    let OGR_Fld_GetNameRef: GDALSignature.OGR_Fld_GetNameRef
    let OGR_Fld_GetType: GDALSignature.OGR_Fld_GetType
    let OGR_Fld_SetWidth: GDALSignature.OGR_Fld_SetWidth
    let OGR_GT_IsNonLinear: GDALSignature.OGR_GT_IsNonLinear
    let OGR_G_CreateFromWkb: GDALSignature.OGR_G_CreateFromWkb
    let OGR_G_DestroyGeometry: GDALSignature.OGR_G_DestroyGeometry
    let OGR_G_ExportToIsoWkb: GDALSignature.OGR_G_ExportToIsoWkb
    let OGR_G_GetGeometryType: GDALSignature.OGR_G_GetGeometryType
    let OGR_G_GetLinearGeometry: GDALSignature.OGR_G_GetLinearGeometry
    let OGR_G_IsEmpty: GDALSignature.OGR_G_IsEmpty
    let OGR_G_WkbSize: GDALSignature.OGR_G_WkbSize
    let OGR_L_CreateFeature: GDALSignature.OGR_L_CreateFeature
    let OGR_L_CreateField: GDALSignature.OGR_L_CreateField
    let OGR_L_GetLayerDefn: GDALSignature.OGR_L_GetLayerDefn
    let OGR_L_GetName: GDALSignature.OGR_L_GetName
    let OGR_L_GetNextFeature: GDALSignature.OGR_L_GetNextFeature
    let OGR_L_GetSpatialRef: GDALSignature.OGR_L_GetSpatialRef
    let OGR_L_ResetReading: GDALSignature.OGR_L_ResetReading

    // MARK: OSR: spatial references
    let OSRAutoIdentifyEPSG: GDALSignature.OSRAutoIdentifyEPSG
    let OSRClone: GDALSignature.OSRClone
    let OSRDestroySpatialReference: GDALSignature.OSRDestroySpatialReference
    let OSRFindMatches: GDALSignature.OSRFindMatches
    let OSRFreeSRSArray: GDALSignature.OSRFreeSRSArray
    let OSRGetAuthorityCode: GDALSignature.OSRGetAuthorityCode
    let OSRGetAuthorityName: GDALSignature.OSRGetAuthorityName
    let OSRGetName: GDALSignature.OSRGetName
    let OSRImportFromEPSG: GDALSignature.OSRImportFromEPSG
    let OSRNewSpatialReference: GDALSignature.OSRNewSpatialReference
    let OSRRelease: GDALSignature.OSRRelease
    let OSRSetAxisMappingStrategy: GDALSignature.OSRSetAxisMappingStrategy

    // MARK: Not called by Doorstep: given to CPLSetErrorHandler to keep GDAL's messages off stderr
    let CPLQuietErrorHandler: CPLErrorHandler

    /// Resolves every function, or throws naming the first one `library` lacks (an older GDAL).
    init(_ library: SharedLibrary) throws(GDALLibrary.Unavailable) {
        CPLErrorReset = try library.function("CPLErrorReset")
        CPLGetLastErrorMsg = try library.function("CPLGetLastErrorMsg")
        CPLGetLastErrorType = try library.function("CPLGetLastErrorType")
        CPLGetThreadLocalConfigOption = try library.function("CPLGetThreadLocalConfigOption")
        CPLSetErrorHandler = try library.function("CPLSetErrorHandler")
        CPLSetThreadLocalConfigOption = try library.function("CPLSetThreadLocalConfigOption")
        CSLDestroy = try library.function("CSLDestroy")
        VSIFree = try library.function("VSIFree")
        VSIGetMemFileBuffer = try library.function("VSIGetMemFileBuffer")
        VSIMkdir = try library.function("VSIMkdir")
        VSIReadDir = try library.function("VSIReadDir")
        VSIRmdirRecursive = try library.function("VSIRmdirRecursive")
        GDALAllRegister = try library.function("GDALAllRegister")
        GDALClose = try library.function("GDALClose")
        GDALCreate = try library.function("GDALCreate")
        GDALDatasetCommitTransaction = try library.function("GDALDatasetCommitTransaction")
        GDALDatasetCreateLayer = try library.function("GDALDatasetCreateLayer")
        GDALDatasetGetLayer = try library.function("GDALDatasetGetLayer")
        GDALDatasetGetLayerByName = try library.function("GDALDatasetGetLayerByName")
        GDALDatasetGetLayerCount = try library.function("GDALDatasetGetLayerCount")
        GDALDatasetStartTransaction = try library.function("GDALDatasetStartTransaction")
        GDALGetDriverByName = try library.function("GDALGetDriverByName")
        GDALOpenEx = try library.function("GDALOpenEx")
        OGRGeometryTypeToName = try library.function("OGRGeometryTypeToName")
        OGR_FD_GetFieldCount = try library.function("OGR_FD_GetFieldCount")
        OGR_FD_GetFieldDefn = try library.function("OGR_FD_GetFieldDefn")
        OGR_FD_GetFieldIndex = try library.function("OGR_FD_GetFieldIndex")
        OGR_FD_GetGeomFieldCount = try library.function("OGR_FD_GetGeomFieldCount")
        OGR_F_Create = try library.function("OGR_F_Create")
        OGR_F_Destroy = try library.function("OGR_F_Destroy")
        OGR_F_GetFID = try library.function("OGR_F_GetFID")
        OGR_F_GetFieldAsDouble = try library.function("OGR_F_GetFieldAsDouble")
        OGR_F_GetFieldAsInteger64 = try library.function("OGR_F_GetFieldAsInteger64")
        OGR_F_GetFieldAsString = try library.function("OGR_F_GetFieldAsString")
        OGR_F_GetGeometryRef = try library.function("OGR_F_GetGeometryRef")
        OGR_F_IsFieldSetAndNotNull = try library.function("OGR_F_IsFieldSetAndNotNull")
        OGR_F_SetFieldDouble = try library.function("OGR_F_SetFieldDouble")
        OGR_F_SetFieldInteger = try library.function("OGR_F_SetFieldInteger")
        OGR_F_SetFieldString = try library.function("OGR_F_SetFieldString")
        OGR_F_SetGeometryDirectly = try library.function("OGR_F_SetGeometryDirectly")
        OGR_Fld_Create = try library.function("OGR_Fld_Create")
        OGR_Fld_Destroy = try library.function("OGR_Fld_Destroy")
        OGR_Fld_GetNameRef = try library.function("OGR_Fld_GetNameRef")
        OGR_Fld_GetType = try library.function("OGR_Fld_GetType")
        OGR_Fld_SetWidth = try library.function("OGR_Fld_SetWidth")
        OGR_GT_IsNonLinear = try library.function("OGR_GT_IsNonLinear")
        OGR_G_CreateFromWkb = try library.function("OGR_G_CreateFromWkb")
        OGR_G_DestroyGeometry = try library.function("OGR_G_DestroyGeometry")
        OGR_G_ExportToIsoWkb = try library.function("OGR_G_ExportToIsoWkb")
        OGR_G_GetGeometryType = try library.function("OGR_G_GetGeometryType")
        OGR_G_GetLinearGeometry = try library.function("OGR_G_GetLinearGeometry")
        OGR_G_IsEmpty = try library.function("OGR_G_IsEmpty")
        OGR_G_WkbSize = try library.function("OGR_G_WkbSize")
        OGR_L_CreateFeature = try library.function("OGR_L_CreateFeature")
        OGR_L_CreateField = try library.function("OGR_L_CreateField")
        OGR_L_GetLayerDefn = try library.function("OGR_L_GetLayerDefn")
        OGR_L_GetName = try library.function("OGR_L_GetName")
        OGR_L_GetNextFeature = try library.function("OGR_L_GetNextFeature")
        OGR_L_GetSpatialRef = try library.function("OGR_L_GetSpatialRef")
        OGR_L_ResetReading = try library.function("OGR_L_ResetReading")
        OSRAutoIdentifyEPSG = try library.function("OSRAutoIdentifyEPSG")
        OSRClone = try library.function("OSRClone")
        OSRDestroySpatialReference = try library.function("OSRDestroySpatialReference")
        OSRFindMatches = try library.function("OSRFindMatches")
        OSRFreeSRSArray = try library.function("OSRFreeSRSArray")
        OSRGetAuthorityCode = try library.function("OSRGetAuthorityCode")
        OSRGetAuthorityName = try library.function("OSRGetAuthorityName")
        OSRGetName = try library.function("OSRGetName")
        OSRImportFromEPSG = try library.function("OSRImportFromEPSG")
        OSRNewSpatialReference = try library.function("OSRNewSpatialReference")
        OSRRelease = try library.function("OSRRelease")
        OSRSetAxisMappingStrategy = try library.function("OSRSetAxisMappingStrategy")
        CPLQuietErrorHandler = try library.function("CPLQuietErrorHandler")
    }
}

/// The C type of each function as the headers declare it: pointers are optionals, `int` is `Int32`,
/// `long` is `Int`, `GIntBig` is `Int64`, and enums and handles keep their imported names.
enum GDALSignature {
    // MARK: CPL, CSL, VSI: errors, configuration, string lists, memory and files
    typealias CPLErrorReset = @convention(c) () -> Void
    typealias CPLGetLastErrorMsg = @convention(c) () -> ConstCharPointer?
    typealias CPLGetLastErrorType = @convention(c) () -> CPLErr
    typealias CPLGetThreadLocalConfigOption = @convention(c) (ConstCharPointer?, ConstCharPointer?) -> ConstCharPointer?
    typealias CPLSetErrorHandler = @convention(c) (CPLErrorHandler?) -> CPLErrorHandler?
    typealias CPLSetThreadLocalConfigOption = @convention(c) (ConstCharPointer?, ConstCharPointer?) -> Void
    typealias CSLDestroy = @convention(c) (CharPointerList?) -> Void
    typealias VSIFree = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias VSIGetMemFileBuffer = @convention(c) (
        ConstCharPointer?, UnsafeMutablePointer<vsi_l_offset>?, Int32
    ) -> UnsafeMutablePointer<GByte>?
    typealias VSIMkdir = @convention(c) (ConstCharPointer?, Int) -> Int32
    typealias VSIReadDir = @convention(c) (ConstCharPointer?) -> CharPointerList?
    typealias VSIRmdirRecursive = @convention(c) (ConstCharPointer?) -> Int32

    // MARK: GDAL: drivers and datasets
    typealias GDALAllRegister = @convention(c) () -> Void
    typealias GDALClose = @convention(c) (GDALDatasetH?) -> Void
    typealias GDALCreate = @convention(c) (
        GDALDriverH?, ConstCharPointer?, Int32, Int32, Int32, GDALDataType, CSLConstList?
    ) -> GDALDatasetH?
    typealias GDALDatasetCommitTransaction = @convention(c) (GDALDatasetH?) -> OGRErr
    typealias GDALDatasetCreateLayer = @convention(c) (
        GDALDatasetH?, ConstCharPointer?, OGRSpatialReferenceH?, OGRwkbGeometryType, CSLConstList?
    ) -> OGRLayerH?
    typealias GDALDatasetGetLayer = @convention(c) (GDALDatasetH?, Int32) -> OGRLayerH?
    typealias GDALDatasetGetLayerByName = @convention(c) (GDALDatasetH?, ConstCharPointer?) -> OGRLayerH?
    typealias GDALDatasetGetLayerCount = @convention(c) (GDALDatasetH?) -> Int32
    typealias GDALDatasetStartTransaction = @convention(c) (GDALDatasetH?, Int32) -> OGRErr
    typealias GDALGetDriverByName = @convention(c) (ConstCharPointer?) -> GDALDriverH?
    typealias GDALOpenEx = @convention(c) (
        ConstCharPointer?, UInt32, ConstCharPointerList?, ConstCharPointerList?, ConstCharPointerList?
    ) -> GDALDatasetH?

    // MARK: OGR: layers, features, fields and geometries
    typealias OGRGeometryTypeToName = @convention(c) (OGRwkbGeometryType) -> ConstCharPointer?
    typealias OGR_FD_GetFieldCount = @convention(c) (OGRFeatureDefnH?) -> Int32
    typealias OGR_FD_GetFieldDefn = @convention(c) (OGRFeatureDefnH?, Int32) -> OGRFieldDefnH?
    typealias OGR_FD_GetFieldIndex = @convention(c) (OGRFeatureDefnH?, ConstCharPointer?) -> Int32
    typealias OGR_FD_GetGeomFieldCount = @convention(c) (OGRFeatureDefnH?) -> Int32
    typealias OGR_F_Create = @convention(c) (OGRFeatureDefnH?) -> OGRFeatureH?
    typealias OGR_F_Destroy = @convention(c) (OGRFeatureH?) -> Void
    typealias OGR_F_GetFID = @convention(c) (OGRFeatureH?) -> GIntBig
    typealias OGR_F_GetFieldAsDouble = @convention(c) (OGRFeatureH?, Int32) -> Double
    typealias OGR_F_GetFieldAsInteger64 = @convention(c) (OGRFeatureH?, Int32) -> GIntBig
    typealias OGR_F_GetFieldAsString = @convention(c) (OGRFeatureH?, Int32) -> ConstCharPointer?
    typealias OGR_F_GetGeometryRef = @convention(c) (OGRFeatureH?) -> OGRGeometryH?
    typealias OGR_F_IsFieldSetAndNotNull = @convention(c) (OGRFeatureH?, Int32) -> Int32
    typealias OGR_F_SetFieldDouble = @convention(c) (OGRFeatureH?, Int32, Double) -> Void
    typealias OGR_F_SetFieldInteger = @convention(c) (OGRFeatureH?, Int32, Int32) -> Void
    typealias OGR_F_SetFieldString = @convention(c) (OGRFeatureH?, Int32, ConstCharPointer?) -> Void
    typealias OGR_F_SetGeometryDirectly = @convention(c) (OGRFeatureH?, OGRGeometryH?) -> OGRErr
    typealias OGR_Fld_Create = @convention(c) (ConstCharPointer?, OGRFieldType) -> OGRFieldDefnH?
    typealias OGR_Fld_Destroy = @convention(c) (OGRFieldDefnH?) -> Void
    typealias OGR_Fld_GetNameRef = @convention(c) (OGRFieldDefnH?) -> ConstCharPointer?
    typealias OGR_Fld_GetType = @convention(c) (OGRFieldDefnH?) -> OGRFieldType
    typealias OGR_Fld_SetWidth = @convention(c) (OGRFieldDefnH?, Int32) -> Void
    typealias OGR_GT_IsNonLinear = @convention(c) (OGRwkbGeometryType) -> Int32
    typealias OGR_G_CreateFromWkb = @convention(c) (
        UnsafeRawPointer?, OGRSpatialReferenceH?, UnsafeMutablePointer<OGRGeometryH?>?, Int32
    ) -> OGRErr
    typealias OGR_G_DestroyGeometry = @convention(c) (OGRGeometryH?) -> Void
    typealias OGR_G_ExportToIsoWkb = @convention(c) (OGRGeometryH?, OGRwkbByteOrder, UnsafeMutablePointer<UInt8>?) -> OGRErr
    typealias OGR_G_GetGeometryType = @convention(c) (OGRGeometryH?) -> OGRwkbGeometryType
    typealias OGR_G_GetLinearGeometry = @convention(c) (OGRGeometryH?, Double, CharPointerList?) -> OGRGeometryH?
    typealias OGR_G_IsEmpty = @convention(c) (OGRGeometryH?) -> Int32
    typealias OGR_G_WkbSize = @convention(c) (OGRGeometryH?) -> Int32
    typealias OGR_L_CreateFeature = @convention(c) (OGRLayerH?, OGRFeatureH?) -> OGRErr
    typealias OGR_L_CreateField = @convention(c) (OGRLayerH?, OGRFieldDefnH?, Int32) -> OGRErr
    typealias OGR_L_GetLayerDefn = @convention(c) (OGRLayerH?) -> OGRFeatureDefnH?
    typealias OGR_L_GetName = @convention(c) (OGRLayerH?) -> ConstCharPointer?
    typealias OGR_L_GetNextFeature = @convention(c) (OGRLayerH?) -> OGRFeatureH?
    typealias OGR_L_GetSpatialRef = @convention(c) (OGRLayerH?) -> OGRSpatialReferenceH?
    typealias OGR_L_ResetReading = @convention(c) (OGRLayerH?) -> Void

    // MARK: OSR: spatial references
    typealias OSRAutoIdentifyEPSG = @convention(c) (OGRSpatialReferenceH?) -> OGRErr
    typealias OSRClone = @convention(c) (OGRSpatialReferenceH?) -> OGRSpatialReferenceH?
    typealias OSRDestroySpatialReference = @convention(c) (OGRSpatialReferenceH?) -> Void
    typealias OSRFindMatches = @convention(c) (
        OGRSpatialReferenceH?, CharPointerList?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>?
    ) -> UnsafeMutablePointer<OGRSpatialReferenceH?>?
    typealias OSRFreeSRSArray = @convention(c) (UnsafeMutablePointer<OGRSpatialReferenceH?>?) -> Void
    typealias OSRGetAuthorityCode = @convention(c) (OGRSpatialReferenceH?, ConstCharPointer?) -> ConstCharPointer?
    typealias OSRGetAuthorityName = @convention(c) (OGRSpatialReferenceH?, ConstCharPointer?) -> ConstCharPointer?
    typealias OSRGetName = @convention(c) (OGRSpatialReferenceH?) -> ConstCharPointer?
    typealias OSRImportFromEPSG = @convention(c) (OGRSpatialReferenceH?, Int32) -> OGRErr
    typealias OSRNewSpatialReference = @convention(c) (ConstCharPointer?) -> OGRSpatialReferenceH?
    typealias OSRRelease = @convention(c) (OGRSpatialReferenceH?) -> Void
    typealias OSRSetAxisMappingStrategy = @convention(c) (OGRSpatialReferenceH?, OSRAxisMappingStrategy) -> Void
}

/// The loaded functions, for the wrappers below. Every path into GDAL starts with
/// ``GDALRuntime/start(for:)``, which turns a failed load into an ``InputError``; reaching a wrapper
/// without it is a bug in this module, so it stops here with the reason rather than call through null.
private var gdal: GDALFunctions {
    switch GDALLibrary.loaded {
    case .success(let functions): return functions
    case .failure(let unavailable): fatalError("GDAL called before GDALRuntime.start(for:): \(unavailable)")
    }
}

// The wrappers: each has the imported C function's name and signature (with its `!`s, and a result one
// may ignore, as Swift imports C functions) and shadows it inside DoorstepGDAL.

/// GDAL's error handler that drops every message (Doorstep reports GDAL's last error itself).
var CPLQuietErrorHandler: CPLErrorHandler { gdal.CPLQuietErrorHandler }

// MARK: CPL, CSL, VSI: errors, configuration, string lists, memory and files
func CPLErrorReset() { gdal.CPLErrorReset() }
@discardableResult func CPLGetLastErrorMsg() -> ConstCharPointer! { gdal.CPLGetLastErrorMsg() }
@discardableResult func CPLGetLastErrorType() -> CPLErr { gdal.CPLGetLastErrorType() }
@discardableResult func CPLGetThreadLocalConfigOption(_ key: ConstCharPointer!, _ fallback: ConstCharPointer!) -> ConstCharPointer! {
    gdal.CPLGetThreadLocalConfigOption(key, fallback)
}
@discardableResult func CPLSetErrorHandler(_ handler: CPLErrorHandler!) -> CPLErrorHandler! { gdal.CPLSetErrorHandler(handler) }
func CPLSetThreadLocalConfigOption(_ key: ConstCharPointer!, _ value: ConstCharPointer!) { gdal.CPLSetThreadLocalConfigOption(key, value) }
func CSLDestroy(_ list: CharPointerList!) { gdal.CSLDestroy(list) }
func VSIFree(_ pointer: UnsafeMutableRawPointer!) { gdal.VSIFree(pointer) }
@discardableResult func VSIGetMemFileBuffer(
    _ path: ConstCharPointer!, _ length: UnsafeMutablePointer<vsi_l_offset>!,
    _ unlinkAndSeize: Int32
) -> UnsafeMutablePointer<GByte>! {
    gdal.VSIGetMemFileBuffer(path, length, unlinkAndSeize)
}
@discardableResult func VSIMkdir(_ path: ConstCharPointer!, _ mode: Int) -> Int32 { gdal.VSIMkdir(path, mode) }
@discardableResult func VSIReadDir(_ path: ConstCharPointer!) -> CharPointerList! { gdal.VSIReadDir(path) }
@discardableResult func VSIRmdirRecursive(_ path: ConstCharPointer!) -> Int32 { gdal.VSIRmdirRecursive(path) }

// MARK: GDAL: drivers and datasets
func GDALAllRegister() { gdal.GDALAllRegister() }
func GDALClose(_ dataset: GDALDatasetH!) { gdal.GDALClose(dataset) }
@discardableResult func GDALCreate(
    _ driver: GDALDriverH!, _ path: ConstCharPointer!, _ width: Int32, _ height: Int32,
    _ bands: Int32, _ type: GDALDataType, _ options: CSLConstList!
) -> GDALDatasetH! {
    gdal.GDALCreate(driver, path, width, height, bands, type, options)
}
@discardableResult func GDALDatasetCommitTransaction(_ dataset: GDALDatasetH!) -> OGRErr { gdal.GDALDatasetCommitTransaction(dataset) }
@discardableResult func GDALDatasetCreateLayer(
    _ dataset: GDALDatasetH!, _ name: ConstCharPointer!, _ reference: OGRSpatialReferenceH!,
    _ type: OGRwkbGeometryType, _ options: CSLConstList!
) -> OGRLayerH! {
    gdal.GDALDatasetCreateLayer(dataset, name, reference, type, options)
}
@discardableResult func GDALDatasetGetLayer(_ dataset: GDALDatasetH!, _ index: Int32) -> OGRLayerH! { gdal.GDALDatasetGetLayer(dataset, index) }
@discardableResult
func GDALDatasetGetLayerByName(_ dataset: GDALDatasetH!, _ name: ConstCharPointer!) -> OGRLayerH! { gdal.GDALDatasetGetLayerByName(dataset, name) }
@discardableResult func GDALDatasetGetLayerCount(_ dataset: GDALDatasetH!) -> Int32 { gdal.GDALDatasetGetLayerCount(dataset) }
@discardableResult
func GDALDatasetStartTransaction(_ dataset: GDALDatasetH!, _ force: Int32) -> OGRErr { gdal.GDALDatasetStartTransaction(dataset, force) }
@discardableResult func GDALGetDriverByName(_ name: ConstCharPointer!) -> GDALDriverH! { gdal.GDALGetDriverByName(name) }
@discardableResult func GDALOpenEx(
    _ path: ConstCharPointer!, _ flags: UInt32, _ allowedDrivers: ConstCharPointerList!,
    _ openOptions: ConstCharPointerList!, _ siblingFiles: ConstCharPointerList!
) -> GDALDatasetH! {
    gdal.GDALOpenEx(path, flags, allowedDrivers, openOptions, siblingFiles)
}

// MARK: OGR: layers, features, fields and geometries
@discardableResult func OGRGeometryTypeToName(_ type: OGRwkbGeometryType) -> ConstCharPointer! { gdal.OGRGeometryTypeToName(type) }
@discardableResult func OGR_FD_GetFieldCount(_ definition: OGRFeatureDefnH!) -> Int32 { gdal.OGR_FD_GetFieldCount(definition) }
@discardableResult
func OGR_FD_GetFieldDefn(_ definition: OGRFeatureDefnH!, _ index: Int32) -> OGRFieldDefnH! { gdal.OGR_FD_GetFieldDefn(definition, index) }
@discardableResult
func OGR_FD_GetFieldIndex(_ definition: OGRFeatureDefnH!, _ name: ConstCharPointer!) -> Int32 { gdal.OGR_FD_GetFieldIndex(definition, name) }
@discardableResult func OGR_FD_GetGeomFieldCount(_ definition: OGRFeatureDefnH!) -> Int32 { gdal.OGR_FD_GetGeomFieldCount(definition) }
@discardableResult func OGR_F_Create(_ definition: OGRFeatureDefnH!) -> OGRFeatureH! { gdal.OGR_F_Create(definition) }
func OGR_F_Destroy(_ feature: OGRFeatureH!) { gdal.OGR_F_Destroy(feature) }
@discardableResult func OGR_F_GetFID(_ feature: OGRFeatureH!) -> GIntBig { gdal.OGR_F_GetFID(feature) }
@discardableResult func OGR_F_GetFieldAsDouble(_ feature: OGRFeatureH!, _ index: Int32) -> Double { gdal.OGR_F_GetFieldAsDouble(feature, index) }
@discardableResult
func OGR_F_GetFieldAsInteger64(_ feature: OGRFeatureH!, _ index: Int32) -> GIntBig { gdal.OGR_F_GetFieldAsInteger64(feature, index) }
@discardableResult
func OGR_F_GetFieldAsString(_ feature: OGRFeatureH!, _ index: Int32) -> ConstCharPointer! { gdal.OGR_F_GetFieldAsString(feature, index) }
@discardableResult func OGR_F_GetGeometryRef(_ feature: OGRFeatureH!) -> OGRGeometryH! { gdal.OGR_F_GetGeometryRef(feature) }
@discardableResult
func OGR_F_IsFieldSetAndNotNull(_ feature: OGRFeatureH!, _ index: Int32) -> Int32 { gdal.OGR_F_IsFieldSetAndNotNull(feature, index) }
func OGR_F_SetFieldDouble(_ feature: OGRFeatureH!, _ index: Int32, _ value: Double) { gdal.OGR_F_SetFieldDouble(feature, index, value) }
func OGR_F_SetFieldInteger(_ feature: OGRFeatureH!, _ index: Int32, _ value: Int32) { gdal.OGR_F_SetFieldInteger(feature, index, value) }
func OGR_F_SetFieldString(_ feature: OGRFeatureH!, _ index: Int32, _ value: ConstCharPointer!) { gdal.OGR_F_SetFieldString(feature, index, value) }
@discardableResult
func OGR_F_SetGeometryDirectly(_ feature: OGRFeatureH!, _ geometry: OGRGeometryH!) -> OGRErr { gdal.OGR_F_SetGeometryDirectly(feature, geometry) }
@discardableResult func OGR_Fld_Create(_ name: ConstCharPointer!, _ type: OGRFieldType) -> OGRFieldDefnH! { gdal.OGR_Fld_Create(name, type) }
func OGR_Fld_Destroy(_ field: OGRFieldDefnH!) { gdal.OGR_Fld_Destroy(field) }
@discardableResult func OGR_Fld_GetNameRef(_ field: OGRFieldDefnH!) -> ConstCharPointer! { gdal.OGR_Fld_GetNameRef(field) }
@discardableResult func OGR_Fld_GetType(_ field: OGRFieldDefnH!) -> OGRFieldType { gdal.OGR_Fld_GetType(field) }
func OGR_Fld_SetWidth(_ field: OGRFieldDefnH!, _ width: Int32) { gdal.OGR_Fld_SetWidth(field, width) }
@discardableResult func OGR_GT_IsNonLinear(_ type: OGRwkbGeometryType) -> Int32 { gdal.OGR_GT_IsNonLinear(type) }
@discardableResult func OGR_G_CreateFromWkb(
    _ bytes: UnsafeRawPointer!, _ reference: OGRSpatialReferenceH!,
    _ made: UnsafeMutablePointer<OGRGeometryH?>!, _ size: Int32
) -> OGRErr {
    gdal.OGR_G_CreateFromWkb(bytes, reference, made, size)
}
func OGR_G_DestroyGeometry(_ geometry: OGRGeometryH!) { gdal.OGR_G_DestroyGeometry(geometry) }
@discardableResult func OGR_G_ExportToIsoWkb(_ geometry: OGRGeometryH!, _ order: OGRwkbByteOrder, _ bytes: UnsafeMutablePointer<UInt8>!) -> OGRErr {
    gdal.OGR_G_ExportToIsoWkb(geometry, order, bytes)
}
@discardableResult func OGR_G_GetGeometryType(_ geometry: OGRGeometryH!) -> OGRwkbGeometryType { gdal.OGR_G_GetGeometryType(geometry) }
@discardableResult func OGR_G_GetLinearGeometry(_ geometry: OGRGeometryH!, _ maxAngleStep: Double, _ options: CharPointerList!) -> OGRGeometryH! {
    gdal.OGR_G_GetLinearGeometry(geometry, maxAngleStep, options)
}
@discardableResult func OGR_G_IsEmpty(_ geometry: OGRGeometryH!) -> Int32 { gdal.OGR_G_IsEmpty(geometry) }
@discardableResult func OGR_G_WkbSize(_ geometry: OGRGeometryH!) -> Int32 { gdal.OGR_G_WkbSize(geometry) }
@discardableResult func OGR_L_CreateFeature(_ layer: OGRLayerH!, _ feature: OGRFeatureH!) -> OGRErr { gdal.OGR_L_CreateFeature(layer, feature) }
@discardableResult func OGR_L_CreateField(_ layer: OGRLayerH!, _ field: OGRFieldDefnH!, _ approximateOK: Int32) -> OGRErr {
    gdal.OGR_L_CreateField(layer, field, approximateOK)
}
@discardableResult func OGR_L_GetLayerDefn(_ layer: OGRLayerH!) -> OGRFeatureDefnH! { gdal.OGR_L_GetLayerDefn(layer) }
@discardableResult func OGR_L_GetName(_ layer: OGRLayerH!) -> ConstCharPointer! { gdal.OGR_L_GetName(layer) }
@discardableResult func OGR_L_GetNextFeature(_ layer: OGRLayerH!) -> OGRFeatureH! { gdal.OGR_L_GetNextFeature(layer) }
@discardableResult func OGR_L_GetSpatialRef(_ layer: OGRLayerH!) -> OGRSpatialReferenceH! { gdal.OGR_L_GetSpatialRef(layer) }
func OGR_L_ResetReading(_ layer: OGRLayerH!) { gdal.OGR_L_ResetReading(layer) }

// MARK: OSR: spatial references
@discardableResult func OSRAutoIdentifyEPSG(_ reference: OGRSpatialReferenceH!) -> OGRErr { gdal.OSRAutoIdentifyEPSG(reference) }
@discardableResult func OSRClone(_ reference: OGRSpatialReferenceH!) -> OGRSpatialReferenceH! { gdal.OSRClone(reference) }
func OSRDestroySpatialReference(_ reference: OGRSpatialReferenceH!) { gdal.OSRDestroySpatialReference(reference) }
@discardableResult func OSRFindMatches(
    _ reference: OGRSpatialReferenceH!, _ options: CharPointerList!,
    _ count: UnsafeMutablePointer<Int32>!, _ confidences: UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>!
) -> UnsafeMutablePointer<OGRSpatialReferenceH?>! {
    gdal.OSRFindMatches(reference, options, count, confidences)
}
func OSRFreeSRSArray(_ references: UnsafeMutablePointer<OGRSpatialReferenceH?>!) { gdal.OSRFreeSRSArray(references) }
@discardableResult func OSRGetAuthorityCode(_ reference: OGRSpatialReferenceH!, _ targetKey: ConstCharPointer!) -> ConstCharPointer! {
    gdal.OSRGetAuthorityCode(reference, targetKey)
}
@discardableResult func OSRGetAuthorityName(_ reference: OGRSpatialReferenceH!, _ targetKey: ConstCharPointer!) -> ConstCharPointer! {
    gdal.OSRGetAuthorityName(reference, targetKey)
}
@discardableResult func OSRGetName(_ reference: OGRSpatialReferenceH!) -> ConstCharPointer! { gdal.OSRGetName(reference) }
@discardableResult func OSRImportFromEPSG(_ reference: OGRSpatialReferenceH!, _ code: Int32) -> OGRErr { gdal.OSRImportFromEPSG(reference, code) }
@discardableResult func OSRNewSpatialReference(_ wkt: ConstCharPointer!) -> OGRSpatialReferenceH! { gdal.OSRNewSpatialReference(wkt) }
func OSRRelease(_ reference: OGRSpatialReferenceH!) { gdal.OSRRelease(reference) }
func OSRSetAxisMappingStrategy(_ reference: OGRSpatialReferenceH!, _ strategy: OSRAxisMappingStrategy) {
    gdal.OSRSetAxisMappingStrategy(reference, strategy)
}
