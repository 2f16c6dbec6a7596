import FlatnetCore
import Foundation

/// What a real host looks like (TESTING.md): two flat networks whose names differ only in
/// their last character, each on its own uplink, and helpers to read what the host holds.
extension Topology {
    /// flat-a: uplink eth1 (segment 1, where the router 10.43.0.1 is), subnet 10.43.0.0/16,
    /// range 10.43.1.x on hA and 10.43.2.x on hB; with `metadata`, reserved 10.43.0.2.
    public func flatA(host: String, metadata: Bool = false, version: String = "1.1.0") -> JSONValue {
        let third = host == "hB" ? "2" : "1"
        return netconf("flat-a", host: host, range: ("10.43.\(third).2", "10.43.\(third).254"), version: version,
                       reserved: metadata ? "10.43.0.2" : nil)
    }

    /// flat-b: uplink eth2 (segment 2), subnet 10.44.0.0/16, range 10.44.1.x on hA and
    /// 10.44.2.x on hB; with `metadata`, reserved 10.44.0.2.
    public func flatB(host: String, metadata: Bool = false, version: String = "1.1.0") -> JSONValue {
        let third = host == "hB" ? "2" : "1"
        return netconf("flat-b", host: host, range: ("10.44.\(third).2", "10.44.\(third).254"), uplink: "eth2",
                       subnet: "10.44.0.0/16", gateway: "10.44.0.1", version: version,
                       reserved: metadata ? "10.44.0.2" : nil)
    }

    /// Runs flatnet in host `host` inside a private mount namespace, after `setup` (a shell
    /// snippet: bind mounts that hide or replace tools) ran there. Nothing it mounts leaks.
    public func flatnet(_ command: String, host: String, container: String, config: JSONValue,
                        mountSetup setup: String) throws -> PluginCall {
        let environment = [
            "CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/run/netns/" + namespace(container),
            "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni", "PATH": Self.path["PATH"]!,
        ]
        let script = setup + "\nexec ip netns exec \(namespace(host)) \(TestHost.binary ?? "")"
        let outcome = try ProcessRunner.run(["/usr/bin/unshare", "--mount", "sh", "-ec", script],
                                            environment: environment, stdin: config.serialized())
        return PluginCall(outcome: outcome)
    }

    /// Runs `flatnet ARGS` (the operator CLI) inside host `host`, arguments as an array.
    public func operatorCommand(host: String, _ arguments: [String]) throws -> ProcessOutcome {
        try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", namespace(host), TestHost.binary ?? ""] + arguments,
                              environment: Self.path)
    }

    /// The IPv4 addresses configured on `ifName` in container `name` (without prefix length).
    public func addresses(of name: String, ifName: String = "eth0") throws -> [String] {
        let text = try ip(name, "-4", "-o", "addr", "show", "dev", ifName)
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard let index = fields.firstIndex(of: "inet"), index + 1 < fields.count else { return nil }
            return String(fields[index + 1].split(separator: "/")[0])
        }
    }

    /// The pool's leases on `host` for `network`: address -> lease record (symlink target).
    public func leases(host: String, network: String) -> [String: String] {
        let directory = "\(stateDirectory)/\(host)/\(network)/addresses"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var leases: [String: String] = [:]
        for name in names where !name.hasPrefix(".") {
            leases[name] = try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + name)
        }
        return leases
    }

    /// The names of the ports of `bridge` on `host`.
    public func bridgePorts(host: String, bridge: String) throws -> [String] {
        try ip(host, "-o", "link", "show", "master", bridge).split(separator: "\n").compactMap { line in
            let name = line.split(separator: ":").dropFirst().first?.trimmingCharacters(in: .whitespaces)
            return name.map { String($0.split(separator: "@")[0]) }
        }
    }

    /// One line of `ip -o link show NAME` on `host`, or nil when there is no such link.
    public func link(_ name: String, on host: String) throws -> String? {
        let outcome = try ProcessRunner.run(["/usr/sbin/ip", "-n", namespace(host), "-o", "link", "show", name],
                                            environment: Self.path)
        return outcome.status == 0 ? outcome.stdout : nil
    }

    /// Runs `command` (a shell line) inside namespace `name` and returns its outcome.
    @discardableResult
    public func shell(_ name: String, _ command: String) throws -> ProcessOutcome {
        try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", namespace(name), "sh", "-c", command],
                              environment: Self.path)
    }
}
