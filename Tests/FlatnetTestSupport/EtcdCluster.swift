import FlatnetCore
import Foundation

/// A 3-member etcd cluster with TLS (scripts/lib/etcd_cluster.sh): each member in its own
/// network namespace on a bridge in the test's namespace, client-certificate authentication
/// on, data on a tmpfs. Only for tests already running in a throwaway network namespace.
/// Call `down()` in a `defer`; deinit does it too, and the script's watchdog kills the
/// members if the test process dies first.
public final class EtcdCluster: @unchecked Sendable {  // the members' state lives in the script
    public let directory: String
    /// Client URLs, member 1 first.
    public let endpoints: [String]
    /// The same members' IPv6 client URLs (their certificates name both addresses).
    public let endpointsIPv6: [String]
    /// The client certificate, key and CA the cluster trusts, and a second CA (with a
    /// client certificate of its own) that it does not.
    public let trusted: EtcdStoreConfig.TLSFiles
    public let untrusted: EtcdStoreConfig.TLSFiles
    private var isDown = false

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/lib/etcd_cluster.sh").path
    }

    /// Starts the members and returns once every one is healthy (a leader is elected).
    /// `electionTimeoutMilliseconds`: etcd's --election-timeout (heartbeat a tenth of it);
    /// nil keeps etcd's defaults (1,000 and 100 ms).
    public init(electionTimeoutMilliseconds: Int? = nil) throws {
        let slot = Self.nextSlot()
        directory = NSTemporaryDirectory() + "flatnet-etcd-\(slot)-" + ProcessRunner.uniqueSuffix()
        do {
            try Self.run(["start", directory, String(slot), String(getpid())]
                         + (electionTimeoutMilliseconds.map { [String($0)] } ?? []))
        } catch {
            // Whatever start made before it failed (members, namespaces, the tmpfs, DIR).
            _ = try? Self.run(["down", directory])
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        endpoints = try Self.run(["endpoints", directory]).stdout.split(separator: "\n").map(String.init)
        endpointsIPv6 = try Self.run(["endpoints6", directory]).stdout.split(separator: "\n").map(String.init)
        let paths = try Self.certificatePaths(directory)
        trusted = .init(certFile: paths["cert"] ?? "", keyFile: paths["key"] ?? "", caFile: paths["ca"] ?? "")
        untrusted = .init(certFile: paths["other_cert"] ?? "", keyFile: paths["other_key"] ?? "",
                          caFile: paths["other_ca"] ?? "")
    }

    deinit { down() }

    /// The store config a node would have: these endpoints (in this order), the trusted files.
    public func config(endpoints order: [String]? = nil, tls: EtcdStoreConfig.TLSFiles? = nil,
                       timeoutMilliseconds: Int = EtcdStoreConfig.defaultTimeoutMilliseconds) -> EtcdStoreConfig {
        EtcdStoreConfig(endpoints: order ?? endpoints, tls: tls ?? trusted, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// SIGTERM member `member` (1-3) and wait for it to exit.
    public func stop(_ member: Int) throws { try Self.run(["stop", directory, String(member)]) }
    /// SIGKILL member `member`.
    public func kill(_ member: Int) throws { try Self.run(["kill", directory, String(member)]) }
    /// Drop every packet to and from member `member` (nothing is refused: packets vanish).
    public func cut(_ member: Int) throws { try Self.run(["cut", directory, String(member)]) }
    /// Undo `cut`; returns once the member is healthy.
    public func restore(_ member: Int) throws { try Self.run(["restore", directory, String(member)]) }
    /// Start a stopped or killed member again on its data; returns once it is healthy.
    public func restart(_ member: Int) throws { try Self.run(["restart", directory, String(member)]) }
    /// Start every member again (after all were stopped); returns once all are healthy.
    public func restartAll() throws { try Self.run(["restart", directory, "all"]) }
    /// SIGTERM every member at once and wait for all to exit.
    public func stopAll() throws { try Self.run(["stop", directory, "all"]) }

    /// The member (1-3) that is leader now, as the members report it.
    public func leader() throws -> Int {
        let text = try Self.run(["leader", directory]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let member = Int(text), (1...3).contains(member) else {
            throw EtcdClusterError(message: "etcd_cluster.sh leader answered '\(text)'")
        }
        return member
    }

    /// The client URLs with `first` first, then the others in member order.
    public func endpoints(first: Int) -> [String] {
        [endpoints[first - 1]] + endpoints.enumerated().filter { $0.offset != first - 1 }.map(\.element)
    }

    /// Kill the members, remove their namespaces and the bridge (idempotent).
    public func down() {
        guard !isDown else { return }
        isDown = true
        _ = try? Self.run(["down", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> ProcessOutcome {
        var environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        environment["FLATNET_OUTER_NETNS"] = ProcessInfo.processInfo.environment["FLATNET_OUTER_NETNS"]
        let argv = ["/bin/bash", script] + arguments
        let outcome = try ProcessRunner.run(argv, environment: environment)
        guard outcome.status == 0 else { throw FixtureError(command: argv.joined(separator: " "), stderr: outcome.stderr) }
        return outcome
    }

    private static func certificatePaths(_ directory: String) throws -> [String: String] {
        var paths: [String: String] = [:]
        for line in try run(["certs", directory]).stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { paths[parts[0]] = parts[1] }
        }
        return paths
    }

    /// Slots 1-99 (the script's 10.99.SLOT.0/24), round robin: clusters of tests running at
    /// the same time get different bridges and subnets.
    private static func nextSlot() -> Int {
        slotLock.withLock {
            lastSlot = lastSlot % 99 + 1
            return lastSlot
        }
    }

    private static let slotLock = NSLock()
    nonisolated(unsafe) private static var lastSlot = 0
}

public struct EtcdClusterError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
