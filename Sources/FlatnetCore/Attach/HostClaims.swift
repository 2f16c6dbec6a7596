/// One thing a network takes on a host, which no other network on that host may take:
/// a shared bridge or uplink would join two L2 segments, a shared reserved address would
/// be removed by either network's teardown, two metadata networks on one subnet would
/// share one connected route, and a shared derived name (the host-veth
/// prefix, the link veth, the ebtables chains) would make one network's wildcard rules,
/// GC or doctor act on the other's containers.
public struct HostClaim: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case bridge, uplink, vethPrefix = "veth-prefix", linkVeth = "link-veth", chains
        case reservedAddress = "reserved"
        case metadataSubnet = "metadata-subnet"
    }

    public var kind: Kind
    /// The claimed name or address, as the host shows it.
    public var name: String
    /// The netconf field an operator changes to resolve a conflict.
    public var field: String

    /// `bridge br-flat-a`, `host-veth prefix fl1a2b (derived from the network name)`, ...
    public var description: String {
        switch kind {
        case .bridge: return "bridge \(name)"
        case .uplink: return "uplink \(name)"
        case .vethPrefix: return "host-veth prefix \(name) (derived from the network name)"
        case .linkVeth: return "link veth \(name) (derived from the network name)"
        case .chains: return "ebtables chains \(name)-* (derived from the network name)"
        case .reservedAddress: return "reserved address \(name)"
        case .metadataSubnet: return "subnet \(name) on the host's docker side"
        }
    }

    /// A file name for the host's claim registry: `<kind>.<name>`, with the `/` of a
    /// prefix as `_` (interface names and addresses carry no other `/`).
    public var key: String { kind.rawValue + "." + name.replacing("/", with: "_") }
}

/// The claims of one network, and the conflicts between networks meant for one host.
public enum HostClaims {
    public static func claims(for config: NetworkConfig) -> [HostClaim] {
        let vethPrefix = InterfaceNaming.hostVethPrefix(network: config.name)
        var claims = [HostClaim(kind: .bridge, name: config.bridge.value, field: "bridge"),
                      HostClaim(kind: .vethPrefix, name: vethPrefix, field: "name")]
        if let port = config.uplinkPort {
            claims.append(HostClaim(kind: .uplink, name: port.value,
                                    field: config.vlan == nil ? "uplink" : "vlan"))
        }
        if let metadata = config.metadata {
            let chains = String(ContainmentRules.chainName(config.name, "F").dropLast(2))
            let linkVeth = InterfaceNaming.linkPair(network: config.name).bridgeSide.value
            claims += [
                HostClaim(kind: .linkVeth, name: linkVeth, field: "name"),
                HostClaim(kind: .chains, name: chains, field: "name"),
                HostClaim(kind: .reservedAddress, name: "\(metadata.reservedAddress)",
                          field: "metadata.reservedAddress"),
            ]
            // The reserved address carries the subnet's prefix, and the host has one
            // connected route per prefix: a second metadata network on the same subnet
            // would have its replies and ARP leave through the first one's link.
            if let pool = config.ipam.ipv4Pool {
                let subnet = "\(pool.subnet.network)/\(pool.subnet.length)"
                claims.append(HostClaim(kind: .metadataSubnet, name: subnet, field: "ipam.subnet"))
            }
        }
        return claims
    }

    /// Every claim two of `configs` share, each pair named once (the later network is
    /// `second`: it is the one to change).
    public static func conflicts(_ configs: [NetworkConfig]) -> [HostConflict] {
        var conflicts: [HostConflict] = []
        for (index, second) in configs.enumerated() {
            let mine = claims(for: second)
            for first in configs[..<index] where first.name != second.name {
                let theirs = Set(claims(for: first).map { [$0.kind.rawValue, $0.name] })
                conflicts += mine.filter { theirs.contains([$0.kind.rawValue, $0.name]) }
                    .map { HostConflict(claim: $0, first: first.name, second: second.name) }
            }
        }
        return conflicts
    }
}

/// Two networks meant for one host that claim the same thing.
public struct HostConflict: Equatable, Sendable, CustomStringConvertible {
    public var claim: HostClaim
    public var first: String
    public var second: String

    public var description: String { "networks \(first) and \(second) share \(claim)" }
}
