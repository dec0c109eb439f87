import Foundation
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
        var info = stat()
        guard stat(path, &info) == 0 else { throw openError(path, errno) }
        if let error = notAFile(path, mode: info.st_mode) { throw error }
        // O_NONBLOCK: should the path be swapped for a pipe after the check, opening does not wait.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw openError(path, errno) }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else { throw openError(path, errno) }
        if let kind = kind(of: info.st_mode) { throw InputError(file: path, message: "is \(kind), not a file") }
        // Read straight into an array of the size the file says it has (one spare byte shows whether
        // there is more); a file that grew meanwhile is read on in chunks.
        var failure: Int32 = 0
        func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
            guard let base = buffer.baseAddress else { return 0 }
            var count = 0
            while count < buffer.count {
                let n = read(descriptor, base + count, buffer.count - count)
                if n == 0 { break }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                count += n
            }
            return count
        }
        let expected = max(Int(info.st_size), 0) + 1
        var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, count in
            adviseHugePages(buffer)
            count = fill(buffer)
        }
        var more = bytes.count == expected
        var chunk = [UInt8](repeating: 0, count: more ? 1 << 16 : 0)
        while more, failure == 0 {
            let count = chunk.withUnsafeMutableBufferPointer { fill($0) }
            bytes.append(contentsOf: chunk[0..<count])
            more = count == chunk.count
        }
        if failure != 0 { throw InputError(file: path, message: "cannot be read (\(String(cString: strerror(failure))))") }
        return bytes
    }

    /// Asks the kernel to back a large buffer with 2 MB pages: reading a 40 MB layer then takes 20
    /// page faults instead of 10,000. A hint only; nothing changes where it is not taken.
    static func adviseHugePages(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        #if os(Linux)
        let huge = 2 << 20
        guard buffer.count >= 4 * huge, let base = buffer.baseAddress else { return }
        let start = (Int(bitPattern: base) + huge - 1) / huge * huge
        let end = (Int(bitPattern: base) + buffer.count) / huge * huge
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, 14)  // MADV_HUGEPAGE
        #endif
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
