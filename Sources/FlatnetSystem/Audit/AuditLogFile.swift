import Glibc

/// Appends audit lines to one file and rotates it by size, with any number of plugin
/// processes writing at once (README "Audit log").
///
/// Each line is a single write(2) on an O_APPEND descriptor: the kernel appends it whole
/// at the end of the file (it holds the inode lock for the write), so lines of concurrent
/// writers never interleave and no lock is taken on the common path. Rotation is rare:
/// the writer that finds the file full takes an flock on `<file>.lock`, and rotates only
/// if the file at the path is still the one it found full (another writer may have
/// rotated it meanwhile); then it reopens the path. A writer that opened the file just
/// before a rotation appends its line to `<file>.1`, still whole.
public struct AuditLogFile {
    public let path: String
    public let maxBytes: Int
    public let keep: Int

    public init(path: String, maxBytes: Int, keep: Int) {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
    }

    /// How long a writer waits for another's rotation before appending anyway: a full
    /// log may grow a little, a CNI call must not wait on it.
    static let rotationLockMilliseconds = 200

    /// Appends `line` (which ends in a newline).
    public func append(_ line: String) throws {
        var descriptor = try openForAppend()
        defer { close(descriptor) }
        var found = stat()
        guard fstat(descriptor, &found) == 0 else { throw SystemCallError(call: "fstat(\(path))", errno: errno) }
        if found.st_size > 0, Int(found.st_size) + line.utf8.count > maxBytes {
            try? FileLock.withLock(path: path + ".lock", timeoutMilliseconds: Self.rotationLockMilliseconds) {
                try rotate(ifStill: found)
            }
            close(descriptor)
            descriptor = try openForAppend()
        }
        try StandardStreams.write(line, to: descriptor)
    }

    /// `<file>.<keep-1>` -> `.<keep>` ... `<file>` -> `.1`, if the path still names `file`.
    private func rotate(ifStill file: stat) throws {
        var current = stat()
        guard stat(path, &current) == 0, current.st_dev == file.st_dev, current.st_ino == file.st_ino else {
            return
        }
        for index in stride(from: keep - 1, through: 1, by: -1) {
            guard rename("\(path).\(index)", "\(path).\(index + 1)") == 0 || errno == ENOENT else {
                throw SystemCallError(call: "rename(\(path).\(index))", errno: errno)
            }
        }
        guard rename(path, "\(path).1") == 0 else { throw SystemCallError(call: "rename(\(path))", errno: errno) }
        // Files past `keep`, left when logKeep was lowered: the setting is the bound.
        var extra = keep + 1
        while unlink("\(path).\(extra)") == 0 { extra += 1 }
    }

    /// Opens (creating it 0640, and its directory 0750, when missing) for appending.
    private func openForAppend() throws(SystemCallError) -> Int32 {
        let flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC
        var descriptor = open(path, flags, 0o640)
        if descriptor < 0 && errno == ENOENT {
            try StateFiles.makeDirectory(StateFiles.directory(of: path), mode: 0o750)
            descriptor = open(path, flags, 0o640)
        }
        guard descriptor >= 0 else { throw SystemCallError(call: "open(\(path))", errno: errno) }
        return descriptor
    }
}

extension AuditLogFile {
    /// The log's files that exist, oldest first: `<file>.N` ... `<file>.1`, `<file>`.
    /// Rotated files are looked for up to 100 (the most `logKeep` allows).
    public static func files(of path: String) -> [String] {
        let exists = { (file: String) in access(file, F_OK) == 0 }
        let rotated = (1...100).map { (index: Int) in "\(path).\(index)" }.prefix(while: exists)
        return (rotated.reversed() + [path]).filter(exists)
    }
}
