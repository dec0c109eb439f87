import Foundation

/// Writes a file atomically: the bytes go to a temporary file beside the target, which is then
/// renamed over it, so a failed run never leaves a half-written result.
///
/// ```swift
/// try OutputFile.write(bytes, to: "gaps.geojson")
/// ```
public enum OutputFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(InputError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(file: path, message: "cannot write: folder \(directory) does not exist")
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw InputError(file: path, message: "cannot write here (permission denied or disk full)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw InputError(file: path, message: "cannot write: \(reason)")
        }
    }

    /// Checks before any work starts that `path` can be written, so a long run does not fail at the end.
    public static func checkWritable(_ path: String, allowFolder: Bool = false) throws(InputError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(file: path, message: "cannot write: folder \(directory) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue, !allowFolder {
            throw InputError(file: path, message: "cannot write: it is a folder")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw InputError(file: path, message: "cannot write: folder \(directory) is not writable")
        }
    }
}
