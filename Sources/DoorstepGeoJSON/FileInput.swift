import CFileMapping
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading input files safely: only regular files, checked before a byte is read, with errors that
/// say what the path is when it is not a file.
public enum FileInput {
    /// What a path that is not a regular file is, for messages: "a folder", "a character device", …;
    /// `nil` for a regular file.
    static func kind(of mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a folder"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a pipe (FIFO)"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    /// The error for a path that exists but is not a regular file, or `nil` for a regular file.
    public static func notAFile(_ path: String) -> InputError? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return notAFile(path, mode: info.st_mode)
    }

    static func notAFile(_ path: String, mode: mode_t) -> InputError? {
        guard let kind = kind(of: mode) else { return nil }
        return InputError(file: path, message: kind.hasPrefix("not") ? "is \(kind)" : "is \(kind), not a file")
    }

    /// The bytes of a regular file, or an error naming what is wrong: missing, not a file (a folder,
    /// a device such as `/dev/zero`, a pipe), or not readable.
    public static func readRegularFile(_ path: String) throws(InputError) -> [UInt8] {
        let (descriptor, size) = try openRegularFile(path)
        defer { close(descriptor) }
        return try read(descriptor, size: size, path: path)
    }

    /// Files this large are mapped (``withRegularFile(_:_:)``) rather than read.
    public static let mappingThreshold = 8 << 20

    /// Runs `body` over the bytes of a regular file (checked as ``readRegularFile(_:)`` checks it):
    /// a large file mapped from the page cache, which spares copying it into fresh memory (for a
    /// 40 MB layer, a tenth of the time of reading it), a small one read. `body` must not keep a
    /// pointer into the bytes.
    ///
    /// ```swift
    /// let count = try FileInput.withRegularFile("demand.geojson") { bytes in bytes.count }
    /// ```
    public static func withRegularFile<Value>(
        _ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws(InputError) -> Value
    ) throws(InputError) -> Value {
        let (descriptor, size) = try openRegularFile(path)
        defer { close(descriptor) }
        let shortened = InputError(file: path, message: "was shortened while it was being read (by another program?); nothing was written, run again")
        if size >= mappingThreshold, let base = doorstep_map_file(descriptor, size, "Error: \(shortened)\n") {
            defer { doorstep_unmap_file(base, size) }
            return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size))
        }
        let bytes = try read(descriptor, size: size, path: path)
        return try bytes.withUnsafeBufferPointer { buffer throws(InputError) in try body(buffer) }
    }

    /// An open regular file and the size it says it has.
    static func openRegularFile(_ path: String) throws(InputError) -> (descriptor: Int32, size: Int) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw openError(path, errno) }
        if let error = notAFile(path, mode: info.st_mode) { throw error }
        // O_NONBLOCK: should the path be swapped for a pipe after the check, opening does not wait.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw openError(path, errno) }
        guard fstat(descriptor, &info) == 0 else {
            let error = openError(path, errno)
            close(descriptor)
            throw error
        }
        if let kind = kind(of: info.st_mode) {
            close(descriptor)
            throw InputError(file: path, message: "is \(kind), not a file")
        }
        return (descriptor, max(Int(info.st_size), 0))
    }

    /// The whole file: read straight into an array of the size the file says it has (one spare byte
    /// shows whether there is more); a file that grew meanwhile is read on in chunks.
    static func read(_ descriptor: Int32, size: Int, path: String) throws(InputError) -> [UInt8] {
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            (count, failure) = readParts(descriptor, into: buffer, size: size)
        }
        var more = bytes.count == size + 1
        var chunk = [UInt8](repeating: 0, count: more ? 1 << 16 : 0)
        while more, failure == 0 {
            let (count, error) = chunk.withUnsafeMutableBufferPointer { readAll(descriptor, into: $0, at: bytes.count) }
            bytes.append(contentsOf: chunk[0..<count])
            failure = error
            more = count == chunk.count
        }
        if failure != 0 { throw InputError(file: path, message: "cannot be read (\(String(cString: strerror(failure))))") }
        return bytes
    }

    /// Fills `buffer` from the file at `offset` on, as far as the file goes: how many bytes were read,
    /// and the error that stopped the reading (0 for none).
    static func readAll(_ descriptor: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> (Int, Int32) {
        guard let base = buffer.baseAddress else { return (0, 0) }
        var count = 0
        while count < buffer.count {
            let n = pread(descriptor, base + count, buffer.count - count, off_t(offset + count))
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                return (count, errno)
            }
            count += n
        }
        return (count, 0)
    }

    /// Reads `size` bytes and the spare byte after them into `buffer`, a large file in parts on all
    /// cores: copying 40 MB into fresh memory costs its page faults, which one core takes twice as
    /// long over.
    static func readParts(_ descriptor: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>, size: Int) -> (Int, Int32) {
        let parts = size >= 8 << 20 ? min(ProcessInfo.processInfo.activeProcessorCount, 4) : 1
        let results = Mutex([(count: Int, error: Int32)](repeating: (0, 0), count: parts))
        let target = SendableBuffer(buffer: buffer)
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let range = (size * p / parts)..<(size * (p + 1) / parts)
            let result = readAll(descriptor, into: UnsafeMutableBufferPointer(rebasing: target.buffer[range]), at: range.lowerBound)
            results.withLock { $0[p] = result }
        }
        var count = 0
        for (p, result) in results.withLock({ $0 }).enumerated() {
            count += result.count
            // A part cut short (the file shrank, or an error) ends what was read.
            guard result.error == 0, count == size * (p + 1) / parts else { return (count, result.error) }
        }
        let (spare, error) = readAll(descriptor, into: UnsafeMutableBufferPointer(rebasing: buffer[size...]), at: size)
        return (count + spare, error)
    }

    /// A buffer the parts of a file are read into from several threads, each into its own range.
    private struct SendableBuffer: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<UInt8>
    }

    static func openError(_ path: String, _ code: Int32) -> InputError {
        switch code {
        case ENOENT: InputError(file: path, message: "no such file")
        case ENOTDIR: InputError(file: path, message: "no such file (a part of the path is not a folder)")
        case EACCES, EPERM: InputError(file: path, message: "cannot be read: permission denied")
        default: InputError(file: path, message: "cannot be read (\(String(cString: strerror(code))))")
        }
    }
}

extension InputError {
    /// `text` fit to quote inside a one-line message: control characters (a NUL, a line break, an
    /// escape sequence…) written as `\u{…}` escapes, and cut to `limit` characters.
    public static func quoted(_ text: some StringProtocol, limit: Int = 60) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            out += escaped(scalar)
            count += 1
        }
        return out
    }

    /// A scalar as written in messages: itself when printable, an escape when a control character.
    ///
    /// ```swift
    /// InputError.escaped("\u{1B}")   // "\\u{1B}": no escape sequence reaches the terminal
    /// ```
    public static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: "\\n"
        case 0x0D: "\\r"
        case 0x09: "\\t"
        case 0..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0xFEFF: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        default: String(scalar)
        }
    }

    /// The text with every control character escaped, so the message stays on one line and puts no
    /// raw input bytes on the terminal.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { escaped($0).unicodeScalars.count != 1 }) else { return text }
        return text.unicodeScalars.map(escaped).joined()
    }
}
