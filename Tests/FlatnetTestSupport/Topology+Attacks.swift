import FlatnetCore
import Foundation

/// Where an attack probe looks for its frames (Tests/Harness/l2attack.py).
public enum WatchPoint: Sendable {
    /// A packet socket on `interface` in namespace `name`: frames carrying the marker.
    case frames(String, interface: String = "eth0")
    /// A UDP socket on `[::]:port` in namespace `name`: who the marked datagrams came from.
    case datagrams(String, port: Int = 7777)
}

/// A legitimate datagram the probe sends after the attack, from the sender's own MAC and
/// IPv4 address (its global IPv6 address when `address` is IPv6): when it arrives, the
/// attack frames before it were delivered or dropped, and the path is shown to carry
/// legitimate traffic (the probe's positive control).
public struct Barrier: Sendable {
    public let mac: String
    public let address: String
    public let port: Int

    public init(mac: String, address: String, port: Int = 7777) {
        (self.mac, self.address, self.port) = (mac, address, port)
    }

    var argument: String { "\(mac)/\(address):\(port)" }
}

/// What one probe saw, keyed by the topology's short namespace names.
public struct AttackCapture: Sendable {
    public let sent: Int
    /// "name:interface" -> frames carrying the marker.
    public let frames: [String: Int]
    /// "name:port" -> the source address of each datagram carrying the marker.
    public let sources: [String: [String]]

    public func frames(at name: String, interface: String = "eth0") -> Int {
        frames["\(name):\(interface)"] ?? 0
    }
    public func sources(at name: String, port: Int = 7777) -> [String] { sources["\(name):\(port)"] ?? [] }
}

/// A probe whose barrier never arrived: legitimate traffic on the watched path was lost.
public struct BarrierLost: Error, CustomStringConvertible {
    public let output: String
    public var description: String { "the probe's legitimate barrier datagram never arrived: \(output)" }
}

extension Topology {
    static var attackScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Harness/l2attack.py").path
    }

    /// Runs `l2attack.py KIND` from container `name` (options without their leading "--")
    /// and returns what the watch points saw. Throws `BarrierLost` when a barrier did
    /// not arrive.
    public func attack(_ kind: String, from name: String, interface: String = "eth0",
                       _ options: KeyValuePairs<String, String> = [:], watch: [WatchPoint],
                       barriers: [Barrier]) throws -> AttackCapture {
        var argv = ["/usr/bin/python3", Self.attackScript, kind, "--netns", namespace(name)]
        argv += ["--iface", interface]
        for (key, value) in options { argv += ["--" + key, value] }
        for point in watch {
            switch point {
            case .frames(let name, let interface): argv += ["--watch", "\(namespace(name)):\(interface)"]
            case .datagrams(let name, let port): argv += ["--listen", "\(namespace(name)):\(port)"]
            }
        }
        for barrier in barriers { argv += ["--barrier", barrier.argument] }
        let outcome = try ProcessRunner.run(argv, environment: Self.path)
        if outcome.status == 3 { throw BarrierLost(output: outcome.stdout + outcome.stderr) }
        guard outcome.status == 0, let reply = try? JSONValue.parse(outcome.stdout) else {
            throw FixtureError(command: argv.joined(separator: " "), stderr: outcome.stderr)
        }
        return AttackCapture(sent: Self.integer(reply["sent"]),
                             frames: shortKeys(reply["frames"]).mapValues { Self.integer($0) },
                             sources: shortKeys(reply["sources"]).mapValues { value in
                                 guard case .array(let items) = value else { return [] }
                                 return items.compactMap(\.stringValue)
                             })
    }

    /// What container `victim` gets from the metadata address while container `impostor`
    /// serves `text` on 169.254.169.250:80 (it must hold that address): one process,
    /// so the impostor listens before the victim connects.
    public func metadataAnswer(to victim: String, impostor: String, text: String) throws -> String? {
        let argv = ["/usr/bin/python3", Self.attackScript, "impostor", "--netns", namespace(impostor),
                    "--victim", namespace(victim), "--text", text, "--timeout", "3"]
        let outcome = try run(argv)
        return try JSONValue.parse(outcome.stdout)["answer"]?.stringValue
    }

    /// A barrier to container (or router) `name`'s own MAC and first IPv4 address.
    public func barrier(to name: String, interface: String = "eth0", port: Int = 7777) throws -> Barrier {
        let address = try required(try addresses(of: name, ifName: interface).first, "\(name) has no IPv4")
        return Barrier(mac: try mac(of: name, interface: interface), address: address, port: port)
    }

    /// The MAC address of `interface` in namespace `name`.
    public func mac(of name: String, interface: String = "eth0") throws -> String {
        let fields = try ip(name, "-br", "link", "show", interface).split(separator: " ")
        return try required(fields.count > 2 ? String(fields[2]) : nil, "no MAC for \(name) \(interface)")
    }

    /// The IPv6 link-local address of `interface` in namespace `name`.
    public func linkLocal(of name: String, interface: String = "eth0") throws -> String {
        let text = try ip(name, "-6", "-o", "addr", "show", "dev", interface, "scope", "link")
        let field = text.split(separator: " ").drop { $0 != "inet6" }.dropFirst().first
        let address = field?.split(separator: "/").first
        return try required(address.map(String.init), "no link-local address on \(name) \(interface)")
    }

    /// Waits (a fixture wait, at most 5 s per namespace) until no address in `names` is
    /// tentative: an IPv6 address cannot be used before duplicate address detection ends.
    public func awaitLinkLocal(in names: [String]) throws {
        for name in names {
            for _ in 0..<100 where try ip(name, "-6", "addr", "show", "tentative").contains("inet6") {
                usleep(50_000)
            }
        }
    }

    /// The switch's port (in namespace sw, or sw2 for eth2) that `host`'s `uplink` is plugged into.
    public func switchPort(of host: String, uplink: String = "eth1") throws -> String {
        let line = try ip(host, "-o", "link", "show", uplink)
        let peerIndex = try required(line.split(separator: "@if").dropFirst().first?.prefix { $0.isNumber },
                                     "no peer index in \(line)")
        let switchName = uplink == "eth2" ? "sw2" : "sw"
        let links = try ip(switchName, "-o", "link").split(separator: "\n")
        let port = links.first { $0.hasPrefix("\(peerIndex): ") }
        let name = port?.split(separator: ": ").dropFirst().first?.split(separator: "@").first
        return try required(name.map(String.init), "no switch port with index \(peerIndex)")
    }

    /// A failover as keepalived makes it: `name` takes `address` (with the subnet's /16) and
    /// broadcasts a gratuitous ARP for it; returns once `watcher` has seen a frame (or the
    /// barrier's bound passed), with `watcher`'s neighbour entry for the address.
    public func takeOver(_ address: String, in name: String, watchedBy watcher: String) throws -> String {
        _ = try ip(name, "addr", "add", address + "/16", "dev", "eth0")
        _ = try attack("arp", from: name, [
            "op": "request", "sender-ip": address, "target-ip": address, "dst-mac": "ff:ff:ff:ff:ff:ff",
        ], watch: [.frames(watcher)], barriers: [try barrier(to: watcher)])
        return try neighbour(address, in: watcher)
    }

    /// `ip neigh show ADDRESS` in namespace `name` (IPv4 or IPv6).
    public func neighbour(_ address: String, in name: String) throws -> String {
        try ip(name, "neigh", "show", address)
    }

    /// The port of `bridge` in namespace `name` whose forwarding entry holds `mac`, or nil.
    public func forwardingPort(of mac: String, bridge: String, in name: String) throws -> String? {
        let entries = try run(["/usr/sbin/bridge", "-n", namespace(name), "fdb", "show", "br", bridge]).stdout
        let entry = entries.split(separator: "\n").first { $0.lowercased().hasPrefix(mac.lowercased() + " ") }
        return entry?.split(separator: " ").drop { $0 != "dev" }.dropFirst().first.map(String.init)
    }

    /// The host veth flatnet derives for container `name` on `network` (its bridge port).
    public func hostVeth(of name: String, network: String = "flat-a") -> String {
        let attachment = Attachment(containerID: name, ifName: "eth0")
        return InterfaceNaming.hostVeth(network: network, attachment: attachment).value
    }

    /// Runs `ip ARGS` in namespace `name`, ignoring failure (clean-up of state that may
    /// not exist, such as a neighbour entry an attack did not create).
    public func ipIgnoringFailure(_ name: String, _ arguments: String...) {
        let argv = ["/usr/sbin/ip", "-n", namespace(name)] + arguments
        _ = try? ProcessRunner.run(argv, environment: Self.path)
    }

    private func required<Value>(_ value: Value?, _ message: String) throws -> Value {
        guard let value else { throw FixtureError(command: "topology lookup", stderr: message) }
        return value
    }

    private func shortKeys(_ value: JSONValue?) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        for (key, value) in value?.objectValue ?? [:] {
            members[key.hasPrefix(prefix + "-") ? String(key.dropFirst(prefix.count + 1)) : key] = value
        }
        return members
    }

    private static func integer(_ value: JSONValue?) -> Int {
        if case .number(let number)? = value { return Int(number) }
        return 0
    }
}
