import FlatnetCore
import Foundation

/// The reference topology (scripts/lib/topology.sh): two hosts, two switch segments, a
/// router, plus container namespaces, all named with a unique prefix and deleted on deinit.
/// Only for tests already running in a throwaway network namespace.
public final class Topology: @unchecked Sendable {  // immutable after init
    public let prefix: String
    public let stateDirectory: String
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/lib/topology.sh").path
    }

    /// What a topology is built as (a verb of scripts/lib/topology.sh).
    public enum Layout: String, Sendable {
        /// Two hosts on two plain switch segments and a router (TESTING.md).
        case reference = "up"
        /// Two hosts and a router on trunk ports of a VLAN-aware switch (needs 802.1Q).
        case trunk
    }

    public init(_ layout: Layout = .reference) throws {
        prefix = "t" + ProcessRunner.uniqueSuffix().prefix(5)
        stateDirectory = NSTemporaryDirectory() + "flatnet-topology-" + prefix
        try run([Self.script, layout.rawValue, prefix])
    }

    deinit {
        _ = try? ProcessRunner.run([Self.script, "down", prefix], environment: Self.path)
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    static let path = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]

    /// The namespace name of a host ("hA"), switch ("sw") or container.
    public func namespace(_ name: String) -> String { "\(prefix)-\(name)" }

    @discardableResult
    public func run(_ argv: [String]) throws -> ProcessOutcome {
        let outcome = try ProcessRunner.run(argv, environment: Self.path)
        guard outcome.status == 0 else { throw FixtureError(command: argv.joined(separator: " "), stderr: outcome.stderr) }
        return outcome
    }

    /// A new, empty container namespace.
    public func container(_ name: String) throws -> String {
        try run([Self.script, "container", prefix, name])
        return namespace(name)
    }

    /// docker0 and a metadata service answering with the host's name, on `host`.
    public func metadata(on host: String) throws {
        try run([Self.script, "metadata", prefix, host])
    }

    /// What the metadata service answers to a TCP connection from `name`, or nil.
    public func fetchMetadata(from name: String) throws -> String? {
        let client = "import socket; s = socket.create_connection(('169.254.169.250', 80), timeout=3); print(s.recv(64).decode())"
        let outcome = try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", namespace(name), "python3", "-c", client],
                                            environment: Self.path)
        return outcome.status == 0 ? outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// Deletes a container namespace the way a crashed runtime would (no DEL) and waits
    /// until the kernel has removed its veth pair on `host`: netns cleanup runs
    /// asynchronously, so the host veth outlives `ip netns del` briefly. A fixture wait
    /// (bounded at 10 s), not a timed assertion.
    public func deleteNamespaceWithoutDEL(_ name: String, host: String, network: String, ifName: String = "eth0") throws {
        try run(["/usr/sbin/ip", "netns", "del", namespace(name)])
        let veth = InterfaceNaming.hostVeth(network: network, attachment: Attachment(containerID: name, ifName: ifName)).value
        for _ in 0..<200 where try ip(host, "-br", "link").contains(veth) { usleep(50_000) }
    }

    /// Runs a command inside namespace `name` (`ip netns exec`).
    @discardableResult
    public func exec(_ name: String, _ argv: String...) throws -> ProcessOutcome {
        try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", namespace(name)] + argv, environment: Self.path)
    }

    /// Runs `ip ARGS` inside namespace `name` and returns stdout.
    public func ip(_ name: String, _ arguments: String...) throws -> String {
        try run(["/usr/sbin/ip", "-n", namespace(name)] + arguments).stdout
    }

    /// One ping from a namespace; true when answered.
    public func ping(from name: String, _ address: String, echoes: Int = 1) throws -> Bool {
        try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", namespace(name), "ping", "-c", "\(echoes)", "-W", "2",
                               address], environment: Self.path).status == 0
    }

    /// Runs the flatnet binary inside host `host` as a runtime there would.
    public func flatnet(_ command: String, host: String, container: String, config: JSONValue,
                        ifName: String = "eth0", arguments: String = "", binary: String? = nil,
                        extraEnvironment: [String: String] = [:]) throws -> PluginCall {
        let environment = [
            "CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/run/netns/" + namespace(container),
            "CNI_IFNAME": ifName, "CNI_PATH": "/usr/lib/cni", "CNI_ARGS": arguments,
        ].merging(extraEnvironment) { $1 }
        let outcome = try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", namespace(host), binary ?? TestHost.binary ?? ""],
                                            environment: environment, stdin: config.serialized())
        return PluginCall(outcome: outcome)
    }

    /// Runs `flatnet ARGS...` (the operator CLI) inside host `host`.
    public func operatorCommand(host: String, _ arguments: String...) throws -> ProcessOutcome {
        try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", namespace(host), TestHost.binary ?? ""] + arguments,
                              environment: Self.path)
    }

    /// Writes `config` to a file in the topology's state directory and returns its path.
    public func write(_ config: JSONValue, as name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let path = stateDirectory + "/" + name
        try config.prettyPrinted().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A flatnet netconf for this topology: network `name` on `uplink`, this host's range,
    /// state under the topology's directory (one per simulated host).
    public func netconf(_ name: String, host: String, range: (String, String), uplink: String? = "eth1",
                        subnet: String = "10.43.0.0/16", gateway: String = "10.43.0.1", version: String = "1.1.0",
                        reserved: String? = nil) -> JSONValue {
        var config: [String: JSONValue] = [
            "cniVersion": .string(version), "name": .string(name), "type": .string("flatnet"),
            "ipam": .object([
                "type": .string("flatnet-ipam"), "subnet": .string(subnet), "gateway": .string(gateway),
                "ranges": .array([.object(["rangeStart": .string(range.0), "rangeEnd": .string(range.1)])]),
                "routes": .array([.object(["dst": .string("0.0.0.0/0")])]),
                "dataDir": .string("\(stateDirectory)/\(host)"),
            ]),
        ]
        if let uplink { config["uplink"] = .string(uplink) }
        if let reserved { config["metadata"] = .object(["reservedAddress": .string(reserved)]) }
        return .object(config)
    }
}

/// One plugin run and its parsed reply.
public struct PluginCall: Sendable {
    public let outcome: ProcessOutcome

    public init(outcome: ProcessOutcome) { self.outcome = outcome }
    public var status: Int32 { outcome.status }
    public var reply: JSONValue? { try? JSONValue.parse(outcome.stdout) }
    public var code: Int? {
        if case .number(let code)? = reply?["code"] { return Int(code) }
        return nil
    }

    /// The first address in the result, without its prefix length.
    public var address: String? {
        guard case .array(let ips)? = reply?["ips"], let text = ips.first?["address"]?.stringValue else { return nil }
        return String(text.split(separator: "/")[0])
    }
}
