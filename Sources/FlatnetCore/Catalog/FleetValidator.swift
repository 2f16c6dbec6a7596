/// One network rendered for one host.
public struct RenderedNetwork: Sendable {
    public var host: String
    public var config: NetworkConfig
    /// The rendered conflist.
    public var document: JSONValue
    /// Where its answers came from in the fleet file, for messages.
    public var path: String

    public init(host: String, config: NetworkConfig, document: JSONValue, path: String) {
        self.host = host
        self.config = config
        self.document = document
        self.path = path
    }
}

/// Checks that span hosts or networks; each problem names the host and the field.
public enum FleetValidator {
    public static func problems(_ rendered: [RenderedNetwork]) -> [ConfigProblem] {
        repeatedNetworks(rendered) + overlappingRanges(rendered) + sharedHostResources(rendered)
            + derivedNames(rendered)
    }

    /// A host runs a network once. A fleet that names a host twice for one network, or
    /// gives a host two networks of one name, would give it two different files of one name
    /// (and the CLI, which keys a host's files by network name, trapped on it).
    static func repeatedNetworks(_ rendered: [RenderedNetwork]) -> [ConfigProblem] {
        var first: [[String]: String] = [:]
        var problems: [ConfigProblem] = []
        for network in rendered {
            let key = [network.host, network.config.name]
            guard let earlier = first[key] else {
                first[key] = network.path
                continue
            }
            problems.append(ConfigProblem(path: network.path + ".host",
                message: "host \(network.host): network \(network.config.name) is already rendered"
                    + " for this host (\(earlier))"))
        }
        return problems
    }

    /// The pairs of ranges (any family) two hosts' pools share addresses in.
    static func overlaps(_ a: RenderedNetwork, _ b: RenderedNetwork) -> [(AddressRange, AddressRange)] {
        let ranges = { (network: RenderedNetwork) in
            network.config.ipam.pool?.rangeSets.flatMap(\.ranges) ?? []
        }
        return ranges(a).flatMap { first in ranges(b).filter { first.overlaps($0) }.map { (first, $0) } }
    }

    /// One network's hosts must not hand out the same addresses.
    static func overlappingRanges(_ rendered: [RenderedNetwork]) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        let byNetwork = Dictionary(grouping: rendered, by: { $0.config.name })
        for (_, members) in byNetwork.sorted(by: { $0.key < $1.key }) {
            for (index, current) in members.enumerated() {
                for earlier in members[..<index] {
                    for (a, b) in overlaps(current, earlier) {
                        let key = a.start.family == .ipv4 ? ".rangeStart" : ".ipv6RangeStart"
                        problems.append(ConfigProblem(path: current.path + key,
                            message: "host \(current.host): range \(a) overlaps host \(earlier.host)'s range"
                                + " \(b) in network \(current.config.name)"))
                    }
                }
            }
        }
        return problems
    }

    /// Two networks on one host must not share anything either claims there
    /// (`HostClaims`): a bridge, an uplink port (same NIC and VLAN), a reserved address,
    /// or a name derived from the network name (the host-veth prefix and so the ebtables
    /// wildcard, the link veth, the chains). ADD refuses the same on a live host.
    static func sharedHostResources(_ rendered: [RenderedNetwork]) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        let byHost = Dictionary(grouping: rendered, by: { $0.host })
        for (host, networks) in byHost.sorted(by: { $0.key < $1.key }) {
            let paths = Dictionary(networks.map { ($0.config.name, $0.path) },
                                   uniquingKeysWith: { first, _ in first })
            for conflict in HostClaims.conflicts(networks.map(\.config)) {
                let field = conflict.claim.field == "metadata.reservedAddress"
                    ? "reservedAddress" : conflict.claim.field
                let message = "networks \(conflict.first) and \(conflict.second) on host \(host)"
                    + " share \(conflict.claim)"
                let path = (paths[conflict.second] ?? "") + "." + field
                problems.append(ConfigProblem(path: path, message: message))
            }
        }
        return problems
    }

    /// `<uplink>.<vlan>` longer than 15 bytes would be renamed to a hashed name: surprising
    /// on a real host, so the catalog refuses it.
    static func derivedNames(_ rendered: [RenderedNetwork]) -> [ConfigProblem] {
        rendered.compactMap { network in
            guard let uplink = network.config.uplink, let vlan = network.config.vlan else { return nil }
            let readable = "\(uplink).\(vlan)"
            guard readable.utf8.count > InterfaceName.maximumLength else { return nil }
            return ConfigProblem(path: network.path + ".vlan",
                message: "host \(network.host): VLAN interface \(readable)"
                    + " would be \(readable.utf8.count) bytes; the kernel allows 15"
                    + " (flatnet would call it \(network.config.uplinkPort!))")
        }
    }
}
