import FlatnetCore
import Glibc

/// What ADD protected, per port: `/run/flatnet/ports/net-<host netns inode>.<network>/<port>`,
/// one `PortProtection.record` each. Written before the elements are added, so that DEL,
/// a rollback and GC remove exactly what was added, even after an ADD killed half way.
/// In /run: gone at reboot, as are the sets it describes.
struct PortRecords {
    static let root = "/run/flatnet/ports"

    let directory: String

    init(network: String) throws {
        let identity = try NetworkNamespace.identity(path: "/proc/thread-self/ns/net")
        directory = "\(PortRecords.root)/net-\(identity.inode).\(network)"
    }

    func save(_ protection: PortProtection) throws {
        try StateFiles.makeDirectory("/run/flatnet", mode: 0o755)
        try StateFiles.makeDirectory(PortRecords.root)
        try StateFiles.makeDirectory(directory)
        try StateFiles.replace(directory + "/" + protection.port.value, with: protection.record, durable: false)
    }

    /// The port's record; nil when there is none (or it is not one flatnet wrote).
    func load(port: String) throws -> PortProtection? {
        try StateFiles.read(directory + "/" + port).flatMap { PortProtection(record: $0) }
    }

    func remove(port: String) throws {
        _ = try StateFiles.remove(directory + "/" + port)
    }

    /// Every recorded port (teardown, GC, setup restoring a re-created table).
    func all() throws -> [PortProtection] {
        try (StateFiles.list(directory) ?? []).filter { !$0.hasPrefix(".") }.compactMap { try load(port: $0) }
    }

    /// Forgets every port (teardown, port security turned off).
    func removeAll() throws {
        for name in try StateFiles.list(directory) ?? [] { _ = try StateFiles.remove(directory + "/" + name) }
        rmdir(directory)  // (ENOENT or a racing ADD's new record: either is fine)
    }
}
