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
/// - A character device, FIFO or socket (`/dev/null`, `/dev/stdout`, a pipe) is written straight
///   to: renaming a file over `/dev/null` would replace the device.
/// - `-` is standard output.
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
        guard path != standardOutput else { return }
        var status = stat()
        if stat(path, &status) == 0 {
            for input in inputs {
                var inputStatus = stat()
                if stat(input, &inputStatus) == 0, inputStatus.st_dev == status.st_dev, inputStatus.st_ino == status.st_ino {
                    throw InputError(file: path, message: "cannot write: it is the input \(input); choose another output file")
                }
            }
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
            if path == OutputFile.standardOutput {
                self = .stream(STDOUT_FILENO, close: false)
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

    static func temporaryName(for target: String) -> String {
        let url = URL(fileURLWithPath: target)
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
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
