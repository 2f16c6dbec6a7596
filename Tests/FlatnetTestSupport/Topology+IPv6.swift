import FlatnetCore
import Foundation

/// One address family of a test network: its subnet, gateway (the router's address on the
/// segment) and each host's range ("hA", "hB").
public struct FamilyRanges: Sendable {
    public let subnet: String
    public let gateway: String
    public let ranges: [String: [String]]

    /// The subnet's prefix length.
    public var prefixLength: String { String(subnet.split(separator: "/").last ?? "") }
}

/// A network of the IPv6 topology tests: dual-stack flat-a on segment 1 (eth1), IPv6-only
/// flat-b on segment 2 (eth2); the router has both families on segment 1 and IPv6 on 2.
public struct IPv6TestNetwork: Sendable {
    public let name: String
    public let uplink: String
    public let ipv4: FamilyRanges?
    public let ipv6: FamilyRanges

    public static let dualStack = IPv6TestNetwork(
        name: "flat-a", uplink: "eth1",
        ipv4: FamilyRanges(subnet: "10.43.0.0/16", gateway: "10.43.0.1",
                           ranges: ["hA": ["10.43.1.2", "10.43.1.254"], "hB": ["10.43.2.2", "10.43.2.254"]]),
        ipv6: FamilyRanges(subnet: "2001:db8:43::/64", gateway: "2001:db8:43::1",
                           ranges: ["hA": ["2001:db8:43::1:2", "2001:db8:43::1:ffff"],
                                    "hB": ["2001:db8:43::2:2", "2001:db8:43::2:ffff"]]))

    public static let ipv6Only = IPv6TestNetwork(
        name: "flat-b", uplink: "eth2", ipv4: nil,
        ipv6: FamilyRanges(subnet: "2001:db8:44::/64", gateway: "2001:db8:44::1",
                           ranges: ["hA": ["2001:db8:44::1:2", "2001:db8:44::1:ffff"],
                                    "hB": ["2001:db8:44::2:2", "2001:db8:44::2:ffff"]]))

    /// The bridge flatnet makes for this network.
    public var bridge: String { "br-" + name }
}

/// Which IPAM hands out the IPv6 topology tests' addresses.
public enum IPv6TestIPAM: Sendable {
    /// The reference host-local plugin, dual-stack `ranges` (one range set per family).
    case hostLocal
    /// flatnet-ipam: the IPv4 range set at the top level, the IPv6 one in `ipv6`
    /// (docs: the shared spec of issue 18).
    case flatnetIPAM

    /// The `ipam` block for `network` on `host`, its state under `dataDir`.
    public func block(_ network: IPv6TestNetwork, host: String, dataDir: String) -> JSONValue {
        let routes = JSONValue.array(
            (network.ipv4 == nil ? [] : [.object(["dst": "0.0.0.0/0"])]) + [.object(["dst": "::/0"])])
        switch self {
        case .hostLocal:
            let sets = [network.ipv4, network.ipv6].compactMap { family in
                family.map { JSONValue.array([Self.hostLocalRange($0, host: host)]) }
            }
            return .object(["type": "host-local", "ranges": .array(sets), "routes": routes,
                            "dataDir": .string(dataDir)])
        case .flatnetIPAM:
            var block = Self.flatnetRangeSet(network.ipv4, host: host)
            block["ipv6"] = .object(Self.flatnetRangeSet(network.ipv6, host: host))
            block["type"] = "flatnet-ipam"
            block["routes"] = routes
            block["dataDir"] = .string(dataDir)
            return .object(block)
        }
    }

    private static func hostLocalRange(_ family: FamilyRanges, host: String) -> JSONValue {
        let range = family.ranges[host] ?? []
        return .object(["subnet": .string(family.subnet), "gateway": .string(family.gateway),
                        "rangeStart": .string(range.first ?? ""), "rangeEnd": .string(range.last ?? "")])
    }

    private static func flatnetRangeSet(_ family: FamilyRanges?, host: String) -> [String: JSONValue] {
        guard let family else { return [:] }
        let range = family.ranges[host] ?? []
        return ["subnet": .string(family.subnet), "gateway": .string(family.gateway),
                "ranges": .array([.object(["rangeStart": .string(range.first ?? ""),
                                           "rangeEnd": .string(range.last ?? "")])])]
    }
}

/// The IPv6 side of the reference topology: the router with both families, netconfs for
/// dual-stack and IPv6-only networks, plain namespaces on a segment, and readers of what a
/// namespace holds.
extension Topology {
    /// Gives the router IPv6: 2001:db8:43::1/64 beside its 10.43.0.1 on segment 1 (eth1), a
    /// new eth2 on segment 2 with 2001:db8:44::1/64 only, and forwarding on (it routes
    /// between the two). Its addresses skip duplicate address detection (usable at once).
    public func enableIPv6Router() throws {
        try plug("rt", into: "sw2", as: "eth2")
        try run(["/usr/sbin/ip", "netns", "exec", namespace("rt"), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"])
        for (interface, network) in [("eth1", IPv6TestNetwork.dualStack), ("eth2", .ipv6Only)] {
            let address = network.ipv6.gateway + "/" + network.ipv6.prefixLength
            _ = try ip("rt", "addr", "add", address, "dev", interface, "nodad")
        }
    }

    /// A netconf (cniVersion `version`) for `network` on `host`, addresses from `ipam`.
    public func ipv6Netconf(_ network: IPv6TestNetwork, host: String, ipam: IPv6TestIPAM,
                            version: String = "1.0.0") -> JSONValue {
        .object([
            "cniVersion": .string(version), "name": .string(network.name), "type": "flatnet",
            "uplink": .string(network.uplink),
            "ipam": ipam.block(network, host: host, dataDir: "\(stateDirectory)/\(host)/ipam"),
        ])
    }

    /// A new namespace `name` whose eth0 is a plain port of switch `segment` ("sw" or
    /// "sw2"): a machine on the segment, behind no port security.
    public func segmentNamespace(_ name: String, on segment: String, addresses: [String]) throws {
        _ = try container(name)
        try plug(name, into: segment, as: "eth0")
        for address in addresses { _ = try ip(name, "addr", "add", address, "dev", "eth0", "nodad") }
    }

    /// Plugs namespace `name` into switch `segment`: a veth whose peer is born in `name` as
    /// `interface`, both ends up.
    func plug(_ name: String, into segment: String, as interface: String) throws {
        let port = "p-" + name.prefix(10)
        try run(["/usr/sbin/ip", "-n", namespace(segment), "link", "add", port, "type", "veth", "peer", "name",
                 interface, "netns", namespace(name)])
        _ = try ip(segment, "link", "set", port, "master", "sw", "up")
        _ = try ip(name, "link", "set", interface, "up")
    }

    /// The IPv6 addresses on `interface` in namespace `name` whose scope is `scope`
    /// ("global", "link"), without prefix length; `tentative` only those still in
    /// duplicate address detection.
    public func ipv6Addresses(of name: String, interface: String = "eth0", scope: String = "global",
                              tentative: Bool = false) throws -> [String] {
        let text = try ip(name, "-6", "-o", "addr", "show", "dev", interface, "scope", scope)
        return Self.addresses(in: text.split(separator: "\n").filter { !tentative || $0.contains(" tentative") })
    }

    /// Every IPv6 address in namespace `name`, on any interface, without prefix length.
    public func allIPv6Addresses(of name: String) throws -> [String] {
        Self.addresses(in: try ip(name, "-6", "-o", "addr", "show").split(separator: "\n"))
    }

    /// The address after "inet6" in each line of `ip -o addr`, without prefix length.
    static func addresses(in lines: [Substring]) -> [String] {
        lines.compactMap { line in
            line.split(separator: " ").drop { $0 != "inet6" }.dropFirst().first?.split(separator: "/").first
                .map(String.init)
        }
    }

    /// The first global IPv6 address on container `name`'s eth0.
    public func globalIPv6(of name: String) throws -> String {
        guard let address = try ipv6Addresses(of: name).first else {
            throw FixtureError(command: "ip -6 addr show dev eth0 scope global", stderr: "\(name) has none")
        }
        return address
    }

    /// A barrier (see `attack`) to container `name`'s own MAC and global IPv6 address:
    /// l2attack.py sends it from the attacker's own global IPv6 address.
    public func ipv6Barrier(to name: String, interface: String = "eth0") throws -> Barrier {
        let address = try ipv6Addresses(of: name, interface: interface).first ?? ""
        return Barrier(mac: try mac(of: name, interface: interface), address: address)
    }

    /// Pings every `(from, to)` pair once, and all nodes (ff02::1 on eth0) from each of
    /// `allNodesFrom`, all at once with a 1 s bound: the pairs answered ("from to"), and who
    /// answered each all-nodes ping (addresses without zone).
    public func probeIPv6(_ pairs: [(from: String, to: String)],
                          allNodesFrom names: [String]) throws -> (answered: Set<String>, responders: [String: Set<String>]) {
        let pings = pairs.map { pair in
            "(ip netns exec \(namespace(pair.from)) ping -c 1 -W 1 \(pair.to) >/dev/null 2>&1"
                + " && echo 'answered \(pair.from) \(pair.to)') &"
        }
        let allNodes = names.map { name in
            "(ip netns exec \(namespace(name)) ping -6 -c 3 -i 0.2 -w 1 ff02::1%eth0 2>/dev/null | sed 's/^/\(name) /') &"
        }
        let lines = try run(["/bin/sh", "-c", (pings + allNodes).joined(separator: "\n") + "\nwait"]).stdout
            .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        var answered = Set<String>(), responders = [String: Set<String>]()
        for fields in lines where fields.count > 2 {
            if fields[0] == "answered" { answered.insert(fields[1] + " " + fields[2]); continue }
            // "NAME 64 bytes from fe80::1%eth0: icmp_seq=1 ..." ("from 2001:db8::1: ..." for a global).
            guard let from = fields.firstIndex(of: "from"), from + 1 < fields.count else { continue }
            let address = fields[from + 1].split(separator: "%")[0]
            responders[fields[0], default: []].insert(String(address.hasSuffix(":") ? address.dropLast() : address))
        }
        return (answered, responders)
    }

    /// `sysctl -n KEY` in namespace `name`.
    public func sysctl(_ key: String, in name: String) throws -> String {
        try run(["/usr/sbin/ip", "netns", "exec", namespace(name), "sysctl", "-n", key]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The IPv6 link-local address the kernel derives from `mac` with addr_gen_mode 0
    /// (modified EUI-64, RFC 4291 appendix A), as `ip` prints it.
    public static func eui64LinkLocal(of mac: String) -> String {
        guard let parsed = MACAddress(mac) else { return "" }
        return IPAddress.v6(parsed.linkLocalIPv6).description
    }
}
