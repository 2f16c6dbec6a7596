import Glibc

/// Small, crash-safe file operations for state directories. Each names the system calls
/// it makes. Durability follows PLATFORM-NOTES: write a temp file in the same
/// directory, fsync it, then rename or link it into place, then fsync the directory
/// (rename alone is atomic but not durable).
public enum StateFiles {
    /// `mkdir(path, mode)`; an existing directory is fine.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(SystemCallError) {
        guard mkdir(path, mode) == 0 || errno == EEXIST else {
            throw SystemCallError(call: "mkdir(\(path))", errno: errno)
        }
    }

    /// The file's text, or nil when it does not exist (`open` + `read`).
    public static func read(_ path: String) throws(SystemCallError) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw SystemCallError(call: "open(\(path))", errno: errno)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(call: "read(\(path))", errno: errno)
            }
            bytes += chunk[0..<count]
        }
    }

    /// Writes `text` to a fresh temp file beside `path` (0600) and fsyncs it if durable.
    /// Returns the temp path; the caller links or renames it into place.
    static func writeTemporary(
        beside path: String, _ text: String, durable: Bool
    ) throws(SystemCallError) -> String {
        let temporary = directory(of: path) + "/.tmp.\(getpid()).\(basename(of: path))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SystemCallError(call: "open(\(temporary))", errno: errno) }
        defer { close(descriptor) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw SystemCallError(call: "write(\(temporary))", errno: errno) }
            bytes = bytes.dropFirst(written)
        }
        if durable && fsync(descriptor) != 0 {
            throw SystemCallError(call: "fsync(\(temporary))", errno: errno)
        }
        return temporary
    }

    /// Replaces `path` with `text` atomically (temp, [fsync], `rename`, [fsync dir]).
    public static func replace(_ path: String, with text: String, durable: Bool) throws(SystemCallError) {
        let temporary = try writeTemporary(beside: path, text, durable: durable)
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw SystemCallError(call: "rename(\(temporary), \(path))", errno: failure)
        }
        if durable { try syncDirectory(of: path) }
    }

    /// Creates the symlink `path` -> `target` only if nothing is at `path` (`symlink(2)`,
    /// which fails with EEXIST instead of overwriting). The caller fsyncs the directory.
    /// A symlink's target is written with the link itself: no reader can see it empty
    /// or partial, so no temp file and no file fsync are needed. Returns false when
    /// `path` already existed.
    public static func createLinkExclusively(_ path: String, target: String) throws(SystemCallError) -> Bool {
        guard symlink(target, path) == 0 else {
            if errno == EEXIST { return false }
            throw SystemCallError(call: "symlink(\(path))", errno: errno)
        }
        return true
    }

    /// The target of the symlink at `path`, or nil when there is none (`readlink`).
    public static func readLink(_ path: String) throws(SystemCallError) -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else {
            if errno == ENOENT { return nil }
            throw SystemCallError(call: "readlink(\(path))", errno: errno)
        }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Points the symlink `path` at `target`, atomically (`symlink` to a temp name,
    /// `rename` over `path`, fsync dir).
    public static func replaceLink(_ path: String, target: String) throws(SystemCallError) {
        let temporary = directory(of: path) + "/.tmp.\(getpid()).link"
        unlink(temporary)
        guard symlink(target, temporary) == 0 else {
            throw SystemCallError(call: "symlink(\(temporary))", errno: errno)
        }
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw SystemCallError(call: "rename(\(temporary), \(path))", errno: failure)
        }
        try syncDirectory(of: path)
    }

    /// `unlink(path)`; a missing file is fine. Returns whether something was removed.
    @discardableResult
    public static func remove(_ path: String) throws(SystemCallError) -> Bool {
        guard unlink(path) == 0 else {
            if errno == ENOENT { return false }
            throw SystemCallError(call: "unlink(\(path))", errno: errno)
        }
        return true
    }

    /// fsync of the directory holding `path`, so a rename, link or unlink in it survives
    /// a power loss.
    public static func syncDirectory(of path: String) throws(SystemCallError) {
        try syncDirectory(at: directory(of: path))
    }

    /// fsync of the directory at `path` itself.
    public static func syncDirectory(at path: String) throws(SystemCallError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemCallError(call: "open(\(path))", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw SystemCallError(call: "fsync(\(path))", errno: errno) }
    }

    /// Names in a directory, without `.` and `..` (`opendir`/`readdir`); nil if missing.
    public static func list(_ path: String) throws(SystemCallError) -> [String]? {
        guard let handle = opendir(path) else {
            if errno == ENOENT { return nil }
            throw SystemCallError(call: "opendir(\(path))", errno: errno)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            // d_name is declared char[256], but the kernel's record ends after the name's NUL
            // (getdents64): read the name in place up to its NUL. Copying the whole array read
            // past the record (uninitialised bytes under valgrind) and, for the last record of
            // a full buffer, past readdir's buffer.
            let name = withUnsafeMutablePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Seconds since the file at `path` was last changed (`lstat`), or nil if missing.
    public static func age(_ path: String) -> Int? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return max(0, Int(time(nil)) - Int(info.st_mtim.tv_sec))
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }
}
