import FlatnetCore
import Glibc

/// flatnet's notes about ebtables backends, on tmpfs under /run/flatnet (gone at reboot,
/// with the rules themselves), keyed by the host's network namespace inode like
/// HostSetup's records, so simulated hosts on one machine keep their own.
/// - `ebtables-backend/net-<inode>.<network>`: the backend that holds the network's
///   rules, written before its rules are first installed, removed by teardown.
/// - `ebtables-works/net-<inode>.<backend>`: a positive probe (its list command exited
///   0 here). Negative results are never cached: installing the missing package must
///   take effect at the next call.
enum EbtablesRecords {
    static let backendDirectory = "/run/flatnet/ebtables-backend"
    static let workingDirectory = "/run/flatnet/ebtables-works"

    static func namespaceKey() throws -> String {
        "net-\(try NetworkNamespace.identity(path: "/proc/thread-self/ns/net").inode)"
    }

    static func backendPath(network: String) throws -> String {
        "\(backendDirectory)/\(try namespaceKey()).\(network)"
    }

    /// The recorded backend, or nil when none is (an unreadable record counts as none:
    /// the choice then follows the chains that are live).
    static func recordedBackend(network: String) throws -> EbtablesBackend? {
        guard let text = try StateFiles.read(try backendPath(network: network)) else { return nil }
        return EbtablesBackend(rawValue: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func record(_ backend: EbtablesBackend, network: String) throws {
        try makeDirectory(backendDirectory)
        let path = try backendPath(network: network)
        try StateFiles.replace(path, with: backend.rawValue + "\n", durable: false)
    }

    static func forget(network: String) throws {
        _ = try StateFiles.remove(try backendPath(network: network))
    }

    /// Whether a probe of `backend` succeeded before in this network namespace.
    static func isKnownWorking(_ backend: EbtablesBackend) -> Bool {
        guard let path = try? workingPath(backend) else { return false }
        return access(path, F_OK) == 0
    }

    /// Best effort: a cache that cannot be written only costs a probe next time.
    static func rememberWorking(_ backend: EbtablesBackend) {
        guard !isKnownWorking(backend), let path = try? workingPath(backend),
              (try? makeDirectory(workingDirectory)) != nil else { return }
        try? StateFiles.replace(path, with: "works\n", durable: false)
    }

    static func workingPath(_ backend: EbtablesBackend) throws -> String {
        "\(workingDirectory)/\(try namespaceKey()).\(backend.rawValue)"
    }

    private static func makeDirectory(_ path: String) throws {
        try StateFiles.makeDirectory("/run/flatnet", mode: 0o755)
        try StateFiles.makeDirectory(path)
    }
}
