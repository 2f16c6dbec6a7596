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
        var found = try checkedFile(descriptor)
        if found.st_size > 0, Int(found.st_size) + line.utf8.count > maxBytes {
            do {
                try FileLock.withLock(path: path + ".lock", timeoutMilliseconds: Self.rotationLockMilliseconds) {
                    try rotate(ifStill: found)
                }
            } catch {
                StandardStreams.writeDiagnostic("flatnet: audit log \(path) not rotated: \(error)\n")
            }
            close(descriptor)
            descriptor = try openForAppend()
            found = try checkedFile(descriptor)
        }
        // A line cut short by a full disk has no newline: start on a line of our own, or
        // this line would be glued to it and both would be lost to a reader.
        let cutShort = found.st_size > 0 && lastByte(descriptor, size: found.st_size) != UInt8(ascii: "\n")
        try StandardStreams.write((cutShort ? "\n" : "") + line, to: descriptor)
    }

    /// The file flatnet may write to: a regular file (not a FIFO, which would block the
    /// call, nor a device), empty or starting with an audit line's `{`, so that a
    /// `logFile` naming some other file (a typo, `/etc/passwd`) is neither appended to nor
    /// rotated away.
    private func checkedFile(_ descriptor: Int32) throws -> stat {
        var found = stat()
        guard fstat(descriptor, &found) == 0 else { throw SystemCallError(call: "fstat(\(path))", errno: errno) }
        guard found.st_mode & S_IFMT == S_IFREG else { throw AuditLogRefused(path: path, reason: "not a regular file") }
        var first: UInt8 = 0
        if found.st_size > 0, pread(descriptor, &first, 1, 0) == 1, first != UInt8(ascii: "{") {
            throw AuditLogRefused(path: path, reason: "it holds something else than audit lines")
        }
        return found
    }

    private func lastByte(_ descriptor: Int32, size: off_t) -> UInt8? {
        var byte: UInt8 = 0
        return pread(descriptor, &byte, 1, size - 1) == 1 ? byte : nil
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
        // Files past `keep` (left when another network's netconf keeps more, or logKeep
        // was lowered) are not deleted: one netconf must not erase another's history.
    }

    /// Opens (creating it 0640, and its directory 0750, when missing) for appending.
    private func openForAppend() throws(SystemCallError) -> Int32 {
        // O_NONBLOCK: opening a FIFO must not wait for a reader (checkedFile refuses it).
        let flags = O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK  // read: checkedFile looks
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
    public static func files(of path: String) throws(SystemCallError) -> [String] {
        var found: [String] = []
        for index in 1...100 {
            guard try exists("\(path).\(index)") else { break }
            found.append("\(path).\(index)")
        }
        return found.reversed() + (try exists(path) ? [path] : [])
    }

    /// Whether `file` exists; an error other than "no such file" (EACCES for a user who
    /// may not read the log's directory) is thrown, never read as "no log".
    private static func exists(_ file: String) throws(SystemCallError) -> Bool {
        var found = stat()
        if stat(file, &found) == 0 { return true }
        guard errno == ENOENT else { throw SystemCallError(call: "stat(\(file))", errno: errno) }
        return false
    }
}

/// A `logFile` flatnet will not write to (reported on stderr; the call goes on).
public struct AuditLogRefused: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path) is refused: \(reason)" }
}
