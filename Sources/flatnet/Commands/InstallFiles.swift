import FlatnetCore
import FlatnetSystem
import Glibc

/// The file operations `flatnet install` and `uninstall` make, each naming its system
/// calls. Every replacement is a new file beside the old one, fsynced, then renamed over
/// it, then the directory fsynced: a kubelet reading the conf dir never sees half a
/// conflist, and a runtime exec'ing the plugin during an ADD keeps the old inode (writing
/// into a running binary fails with ETXTBSY; rename never touches it).
enum InstallFiles {
    /// What is at a path, as `lstat(2)` sees it (a symlink is not followed).
    enum Found: Equatable {
        case regular, directory, other
        case symlink(target: String)

        var description: String {
            switch self {
            case .regular: return "a file"
            case .directory: return "a directory"
            case .other: return "a special file"
            case .symlink(let target): return "a symlink to \(target)"
            }
        }
    }

    /// `lstat(path)`: nil when nothing is there.
    static func found(_ path: String) throws(SystemCallError) -> Found? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw SystemCallError(call: "lstat(\(path))", errno: errno)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink(target: (try StateFiles.readLink(path)) ?? "")
        default: return .other
        }
    }

    /// The bytes of a regular file (`open`, `fstat` for its size, `read` until end of
    /// file), or nil when it does not exist.
    static func readBytes(_ path: String) throws(SystemCallError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw SystemCallError(call: "open(\(path))", errno: errno)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw SystemCallError(call: "fstat(\(path))", errno: errno)
        }
        // One buffer of the file's size (the binary is 17 MB), grown only if the file grew.
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count == 0 { return Array(bytes[0..<filled]) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(call: "read(\(path))", errno: errno)
            }
            filled += count
        }
    }

    /// `stat(path)` (symlinks followed) finds a directory.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The permission bits of `path` (`stat`), or nil when it does not exist.
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    /// Replaces `path` with `bytes` and `mode`: a temp file beside it (`open` O_EXCL,
    /// `fchmod`, `write`, `fsync`), `rename` over `path`, `fsync` of the directory.
    static func replace(_ path: String, with bytes: [UInt8], mode: mode_t) throws(SystemCallError) {
        // A name no other run can pick: two installers at once (a DaemonSet update with
        // maxSurge) each rename only their own, whole, file. The pid alone is not enough:
        // in a container it is often 1.
        let unique = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let temporary = StateFilesPath.directory(of: path) + "/" + temporaryPrefix + "\(getpid()).\(unique)."
            + StateFilesPath.basename(of: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SystemCallError(call: "open(\(temporary))", errno: errno) }
        do {
            try fill(descriptor, with: bytes, mode: mode, path: temporary)
            close(descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw SystemCallError(call: "rename(\(temporary), \(path))", errno: failure)
        }
        try StateFiles.syncDirectory(of: path)
    }

    private static func fill(
        _ descriptor: Int32, with bytes: [UInt8], mode: mode_t, path: String
    ) throws(SystemCallError) {
        // fchmod, not the open mode: the umask would narrow that one.
        guard fchmod(descriptor, mode) == 0 else {
            throw SystemCallError(call: "fchmod(\(path))", errno: errno)
        }
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw SystemCallError(call: "write(\(path))", errno: errno) }
            remaining = remaining.dropFirst(written)
        }
        guard fsync(descriptor) == 0 else { throw SystemCallError(call: "fsync(\(path))", errno: errno) }
    }

    /// What every temp file of `replace` starts with.
    static let temporaryPrefix = ".flatnet-install."

    /// Removes temp files a run killed half way left in `directory` (`readdir`, `unlink`);
    /// a missing directory has none.
    static func removeLeftovers(in directory: String) throws(SystemCallError) {
        for name in try StateFiles.list(directory) ?? [] where name.hasPrefix(temporaryPrefix) {
            _ = try StateFiles.remove(directory + "/" + name)
        }
    }

    /// `rmdir(path)` when the directory is empty; false when it is not (or is gone).
    static func removeDirectoryIfEmpty(_ path: String) throws(SystemCallError) -> Bool {
        guard rmdir(path) == 0 else {
            if errno == ENOENT || errno == ENOTEMPTY || errno == EEXIST { return false }
            throw SystemCallError(call: "rmdir(\(path))", errno: errno)
        }
        return true
    }
}

/// Directory and base name of a path (StateFiles keeps its own internal).
enum StateFilesPath {
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }
}

/// A content digest for the manifest (FNV-1a, 64 bits): it tells uninstall whether a file
/// is still the one install wrote. Not a defence against an attacker (who could write
/// the conf dir is root already), only against removing a file someone changed since.
enum ContentDigest {
    static func of(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
