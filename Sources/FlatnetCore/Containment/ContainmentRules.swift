/// The ebtables rules that contain one network's metadata link
/// (README.md#the-metadata-link-and-its-containment-metadata).
///
/// One chain per base chain, named from the network (identity must live in chain names:
/// this ebtables has no comment match), each jumped to exactly once, first:
/// - FORWARD: reserved-address ARP and metadata IPv4 never cross the uplink; from the
///   link veth into the flat bridge only ARP replies and requests from the reserved
///   address and IPv4 from the metadata address pass. ARP *requests* from the reserved
///   address are the host asking for a container whose neighbour entry expired: the
///   original design dropped them, which broke metadata replies; they may now reach the
///   containers but never the uplink (the uplink drops come first).
/// - INPUT / OUTPUT: nothing reaches or leaves the host through a port of the flat
///   bridge (uplink, link veth, this network's container veths), so the bridge is layer 2
///   only and the reserved address is answered through docker0 alone.
public struct ContainmentRules: Equatable, Sendable {
    public struct Chain: Equatable, Sendable {
        /// FORWARD, INPUT or OUTPUT.
        public var base: String
        public var name: String
        public var rules: [EbtablesRule]
    }

    public var chains: [Chain]

    public var allRules: [EbtablesRule] { chains.flatMap(\.rules) }

    /// The rules for `config`, or nil when it has no metadata block (no link, no rules).
    public static func make(for config: NetworkConfig) -> ContainmentRules? {
        guard let metadata = config.metadata else { return nil }
        let pair = InterfaceNaming.linkPair(network: config.name)
        let link = pair.bridgeSide.value
        let ports = [link, InterfaceNaming.hostVethWildcard(network: config.name)]
            + (config.uplinkPort.map { [$0.value] } ?? [])
        let forward = chainName(config.name, "F"), input = chainName(config.name, "I"),
            output = chainName(config.name, "O")
        let forwarding = forwardRules(forward, metadata: metadata, link: link,
                                      uplink: config.uplinkPort?.value)
        // Nothing is bridged into the link pair's docker end: what the flat network gets
        // from docker0 comes from the host's own stack (OUTPUT), never from another port
        // of docker0 (a Docker container, another flat network's link veth) that could
        // claim the reserved address (the red-team poisoned flat-b's from flat-a this way).
        let dockerEnd = EbtablesRule(chain: forward, matches: ["-o": pair.dockerSide.value], target: "DROP")
        return ContainmentRules(chains: [
            Chain(base: "FORWARD", name: forward, rules: forwarding + [dockerEnd]),
            Chain(base: "INPUT", name: input,
                  rules: ports.map { EbtablesRule(chain: input, matches: ["-i": $0], target: "DROP") }),
            Chain(base: "OUTPUT", name: output,
                  rules: ports.map { EbtablesRule(chain: output, matches: ["-o": $0], target: "DROP") }),
        ])
    }

    static func forwardRules(
        _ chain: String, metadata: MetadataConfig, link: String, uplink: String?
    ) -> [EbtablesRule] {
        let reserved = metadata.reservedAddress.description, service = metadata.address.description
        let rule = { (matches: [String: String], target: String) in
            EbtablesRule(chain: chain, matches: matches, target: target)
        }
        var rules: [EbtablesRule] = []
        if let uplink {
            for direction in ["-o", "-i"] {
                rules.append(rule([direction: uplink, "-p": "ARP", "--arp-ip-src": reserved], "DROP"))
                rules.append(rule([direction: uplink, "-p": "ARP", "--arp-ip-dst": reserved], "DROP"))
            }
            rules.append(rule(["-o": uplink, "-p": "IPv4", "--ip-src": service], "DROP"))
            rules.append(rule(["-o": uplink, "-p": "IPv4", "--ip-dst": service], "DROP"))
            rules.append(rule(["-i": uplink, "-p": "IPv4", "--ip-src": service], "DROP"))
        }
        rules.append(rule(["-i": link, "-p": "ARP", "--arp-op": "Reply", "--arp-ip-src": reserved], "ACCEPT"))
        rules.append(rule(["-i": link, "-p": "ARP", "--arp-op": "Request", "--arp-ip-src": reserved],
                          "ACCEPT"))
        rules.append(rule(["-i": link, "-p": "IPv4", "--ip-src": service], "ACCEPT"))
        rules.append(rule(["-i": link], "DROP"))
        return rules
    }

    /// The network's chains and jumps without their rules: what removing a network's rules
    /// needs when its netconf no longer says what they were (its metadata block removed).
    public static func chainsOnly(network: String) -> ContainmentRules {
        ContainmentRules(chains: zip(["FORWARD", "INPUT", "OUTPUT"], chainNames(network: network)).map {
            Chain(base: $0.0, name: $0.1, rules: [])
        })
    }

    /// Every chain flatnet creates for `network`: a table holding any of them holds
    /// (part of) the network's rules.
    public static func chainNames(network: String) -> [String] {
        ["F", "I", "O"].map { chainName(network, $0) }
    }

    /// `FN-<up to 12 chars of the name>-<6 hex>-<F|I|O>`: readable, unique, at most 24
    /// characters (ebtables allows 31).
    public static func chainName(_ network: String, _ suffix: String) -> String {
        let readable = String(network.prefix(12))
        return "FN-\(readable)-\(StableHash.hex("chain/" + network, digits: 6))-\(suffix)"
    }

    /// Whether `name` has the shape of `chainName(_:_:)` (any network's): what lets one
    /// network's jump stand behind another network's without either counting as out of
    /// place (RuleConvergence). A shape, not proof: it only decides ordering, never
    /// what flatnet deletes.
    public static func isChainName(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0] == "FN", ["F", "I", "O"].contains(parts[parts.count - 1]) else {
            return false
        }
        let hash = parts[parts.count - 2], readable = parts[1..<(parts.count - 2)].joined(separator: "-")
        return hash.count == 6 && hash.allSatisfy(\.isHexDigit) && (1...12).contains(readable.count)
    }
}
