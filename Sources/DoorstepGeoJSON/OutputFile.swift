import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes results so that a failed run never leaves a half-written or clobbered file.
///
/// - A regular file (or a new one) is written to a temporary file beside it, which is then renamed
///   over it: readers see the old file or the whole new one.
/// - A character device, FIFO or socket (`/dev/null`, a pipe) is written straight to: renaming a file
///   over `/dev/null` would replace the device.
/// - `-`, `/dev/stdout`, `/dev/stderr` and `/dev/fd/N` are the descriptors already open, written as
///   the shell opened them: `--output /dev/stdout >> log.txt` appends to the log, never replaces it.
/// - An output that is one of the inputs, or a Shapefile sidecar of one (`units.dbf` beside the
///   input `units.shp`), is refused before any work.
/// - A temporary file a killed run left beside the target is removed by the next write to it.
///
/// Every failure, a full disk included, is an ``InputError`` naming the file.
///
/// ```swift
/// try OutputFile.checkWritable("gaps.geojson", inputs: ["units.geojson"])   // before the work
/// try OutputFile.write(bytes, to: "gaps.geojson")                          // after it
/// ```
public enum OutputFile {
    /// The name that means standard output.
    public static let standardOutput = "-"

    /// The descriptor a path names when it is standard output or another descriptor already open
    /// (`-`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`), else nil.
    ///
    /// ```swift
    /// OutputFile.openDescriptor("/dev/stdout")   // 1
    /// OutputFile.openDescriptor("gaps.geojson")  // nil
    /// ```
    public static func openDescriptor(_ path: String) -> Int32? {
        switch path {
        case standardOutput, "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                if let number = Int32(path.dropFirst(prefix.count)), number >= 0 { return number }
            }
            return nil
        }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(InputError) {
        try writeAll([(path, bytes)])
    }

    /// Writes several files as one set: every regular file is written to its temporary file first, and
    /// only when all of them are written are they renamed into place. A full disk leaves none of them.
    public static func writeAll(_ files: [(path: String, bytes: [UInt8])]) throws(InputError) {
        var staged: [(temporary: String, target: String)] = []
        do throws(InputError) {
            for (path, bytes) in files {
                switch try Target(path) {
                case .stream(let descriptor, let close):
                    defer { if close { closeDescriptor(descriptor) } }
                    try writeFully(bytes, to: descriptor, path: path)
                case .regular(let target):
                    removeStaleTemporaries(of: target)
                    let temporary = temporaryName(for: target)
                    staged.append((temporary, target))
                    try writeFile(bytes, to: temporary, reportedAs: path)
                }
            }
        } catch {
            for file in staged { unlink(file.temporary) }
            throw error
        }
        for (index, file) in staged.enumerated() where rename(file.temporary, file.target) != 0 {
            let reason = String(cString: strerror(errno))
            for rest in staged[index...] { unlink(rest.temporary) }
            throw InputError(file: file.target, message: "cannot write: \(reason)")
        }
    }

    /// Checks before any work starts that `path` can be written and is none of `inputs`, so a long run
    /// does not fail at the end and never replaces the data it read.
    public static func checkWritable(_ path: String, allowFolder: Bool = false, inputs: [String] = []) throws(InputError) {
        guard openDescriptor(path) == nil else { return }
        for written in fileSet(path) {
            var status = stat()
            guard stat(written, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            for input in inputs {
                for read in fileSet(input) {
                    var inputStatus = stat()
                    if stat(read, &inputStatus) == 0, inputStatus.st_dev == status.st_dev, inputStatus.st_ino == status.st_ino {
                        let what = read == input ? "the input \(input)" : "\(read), part of the input \(input)"
                        throw InputError(file: path, message: "cannot write: it is \(what); choose another output file")
                    }
                }
            }
        }
        var status = stat()
        if stat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                if !allowFolder { throw InputError(file: path, message: "cannot write: it is a folder") }
                return
            case S_IFCHR, S_IFIFO, S_IFSOCK:
                return  // written straight to; whether it accepts bytes shows when they are written
            default: break
            }
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(file: path, message: "cannot write: folder \(directory) does not exist")
        }
        guard access(directory, W_OK) == 0 else {
            throw InputError(file: path, message: "cannot write: folder \(directory) is not writable")
        }
    }

    /// Where bytes for a path go.
    enum Target {
        case stream(Int32, close: Bool)
        /// The file to rename the temporary file over: a symbolic link's target, so the link stays.
        case regular(String)

        init(_ path: String) throws(InputError) {
            if let descriptor = OutputFile.openDescriptor(path) {
                self = .stream(descriptor, close: false)
                return
            }
            var status = stat()
            guard stat(path, &status) == 0 else {
                self = .regular(path)
                return
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                self = .regular(URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
            case S_IFDIR:
                throw InputError(file: path, message: "cannot write: it is a folder")
            default:
                let descriptor = open(path, O_WRONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    throw InputError(file: path, message: "cannot write: \(String(cString: strerror(errno)))")
                }
                self = .stream(descriptor, close: true)
            }
        }
    }

    static func temporaryName(for target: String, process: Int32 = ProcessInfo.processInfo.processIdentifier) -> String {
        let url = URL(fileURLWithPath: target)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(process).tmp").path
    }

    /// Removes the temporary files of `target` whose writer no longer runs (a run killed while writing).
    static func removeStaleTemporaries(of target: String) {
        let url = URL(fileURLWithPath: target)
        let prefix = ".\(url.lastPathComponent).", folder = url.deletingLastPathComponent().path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            guard let process = Int32(name.dropFirst(prefix.count).dropLast(4)), process > 0,
                kill(process, 0) != 0, errno == ESRCH
            else { continue }
            unlink(temporaryName(for: target, process: process))
        }
    }

    /// The files a path stands for: a Shapefile is its .shp, .shx, .dbf, .prj and .cpg together.
    static func fileSet(_ path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let parts = ["shp", "shx", "dbf", "prj", "cpg"]
        let ext = url.pathExtension
        guard parts.contains(ext.lowercased()) else { return [path] }
        let base = url.deletingPathExtension().path
        let upper = ext == ext.uppercased()
        return [path] + parts.map { base + "." + (upper ? $0.uppercased() : $0) }.filter { $0 != path }
    }

    static func writeFile(_ bytes: [UInt8], to temporary: String, reportedAs path: String) throws(InputError) {
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw InputError(file: path, message: "cannot write here: \(String(cString: strerror(errno)))")
        }
        do throws(InputError) {
            try writeFully(bytes, to: descriptor, path: path)
            // A full disk can show only when the data reaches it.
            guard fsync(descriptor) == 0 else { throw InputError(file: path, message: "cannot write: \(String(cString: strerror(errno)))") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard close(descriptor) == 0 else {
            unlink(temporary)
            throw InputError(file: path, message: "cannot write: \(String(cString: strerror(errno)))")
        }
    }

    static func writeFully(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(InputError) {
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = writeDescriptor(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure {
            let name = path == standardOutput ? "standard output" : path
            throw InputError(file: name, message: "cannot write: \(String(cString: strerror(failure)))")
        }
    }
}

// At file scope the names are the C library's, not OutputFile's.
private func writeDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
