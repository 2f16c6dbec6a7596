/// One network's port security: an nftables bridge table
/// (README.md#port-security-on-by-default).
///
/// The table's rules are the same for every container; what differs per container lives
/// in sets keyed by the host veth's name (`PortProtection`), so attaching one more
/// container adds set elements and never touches a rule: the cost of an ADD does not grow
/// with the number of containers (per-port ebtables chains measured 28 ms at 0 ports and
/// 81 ms at 3,000, PLATFORM-NOTES).
///
/// - prerouting (before the bridge learns a source MAC): every frame from one of this
///   network's container veths (`fl<tag>*`) goes through `port`. A veth whose elements
///   are missing matches no set, so it can send nothing: protection fails closed.
/// - `port`: Ethernet source = the port's MAC; a broadcast/multicast budget per port;
///   only ARP, IPv4 and IPv6. `port-arp`, `port-ipv4`, `port-ipv6` check each protocol.
/// - forward: no VLAN-tagged frame reaches a container port (an untagged network's bridge
///   gets, still tagged, the frames of VLANs this host has no interface for); a
///   container's announcement of its leased address stays off the other
///   container ports (it goes to the segment); from container veths into the docker
///   link, only ARP for the reserved address and IPv4 to the metadata address (other
///   broadcasts are dropped uncounted: flooding sends every container's ARP and neighbour
///   discovery there); nothing from the link's docker end is bridged on to docker0's
///   containers.
/// - input: nothing from a container veth reaches the host.
/// - Link-local group frames (01:80:c2:00:00:0X) are handled by the bridge before its
///   prerouting hook: LLDP's (0x0e) is learned from and passed up the host veth's own
///   stack with no hook at all. Every container port therefore gets a `group_fwd_mask`
///   (`linkLocalGroupForwardMask`) that sends them down the forwarding path, where `port`
///   drops and counts them.
/// - `spoof`: counts the drop against the port (the `drops` set's per-element counter),
///   then drops.
public struct PortSecurityRules: Equatable, Sendable {
    public struct NamedSet: Equatable, Sendable {
        public var name: String
        /// The declaration as `nft list` prints it (`type ifname . ether_addr`, ...).
        public var declaration: [String]
    }

    public struct Chain: Equatable, Sendable {
        public var name: String
        /// `type filter hook prerouting priority dstnat; policy accept;` for base chains.
        public var hook: String?
        /// Each rule exactly as `nft list table` prints it.
        public var rules: [String]
    }

    public var table: String
    public var sets: [NamedSet]
    public var chains: [Chain]

    /// The rules for `config`, or nil when its port security is off.
    public static func make(for config: NetworkConfig) -> PortSecurityRules? {
        guard config.portSecurity.enabled else { return nil }
        let ports = "\"" + InterfaceNaming.hostVethPrefix(network: config.name) + "*\""
        var chains = [
            Chain(name: "prerouting", hook: "type filter hook prerouting priority dstnat; policy accept;",
                  rules: ["iifname \(ports) jump port"]),
            Chain(name: "port", hook: nil, rules: portRules(config.portSecurity.floodLimit)),
            Chain(name: "port-arp", hook: nil, rules: arpRules),
            Chain(name: "port-ipv4", hook: nil, rules: ipv4Rules),
            Chain(name: "port-ipv6", hook: nil, rules: ipv6Rules),
            Chain(name: "port-first-fragment", hook: nil, rules: firstFragmentRules),
            Chain(name: "port-nd-option", hook: nil, rules: neighbourOptionRules),
            Chain(name: "port-rs-option", hook: nil, rules: routerSolicitationOptionRules),
            Chain(name: "spoof", hook: nil, rules: ["iifname @drops", "drop"]),
            // Frames for the host itself. Link-local group frames (01:80:c2:00:00:0X) skip
            // prerouting: the bridge hands them to its input hook and, if accepted, learns
            // their source MAC and passes them up the port's own stack (the red team moved
            // forwarding entries and gave the host an IPv6 route this way). The bridge has
            // no address, so nothing from a container has any business here.
            Chain(name: "input", hook: "type filter hook input priority filter; policy accept;", rules: [
                "iifname \(ports) ether daddr & ff:ff:ff:ff:ff:f0 == 01:80:c2:00:00:00 goto spoof",
                "iifname \(ports) drop",
            ]),
        ]
        var forward = [
            // 802.1Q and 802.1ad frames go to no container. An untagged network's bridge
            // holds the uplink itself, and the kernel hands it, still tagged, every frame
            // of a VLAN this host has no VLAN interface for: without this rule its
            // containers received other VLANs' broadcasts and flooded frames (seen on a
            // trunk in the VM lane, VLANIsolationTests). Not the container's doing: uncounted.
            "oifname \(ports) ether type { 8021q, 8021ad } drop",
            // A container's own announcement (flatnet's ADD re-sets its MAC with arp_notify
            // on: who-has A tell A for its leased address) goes to the segment, not to its
            // neighbours on this host: none can hold an entry for an address that was just
            // leased to it but a stale one from an earlier holder, which re-resolves
            // itself, and flooding it to 1,000 ports made it the largest part of an ADD
            // there (about 6 ms of 14). Allowed (virtual) addresses are not in the set:
            // their failover announcements reach everyone.
            "iifname \(ports) oifname \(ports) arp operation request"
                + " iifname . arp saddr ip @announced iifname . arp daddr ip @announced drop",
        ]
        if let metadata = config.metadata {
            let link = InterfaceNaming.linkPair(network: config.name).bridgeSide.value
            let dockerEnd = InterfaceNaming.linkPair(network: config.name).dockerSide.value
            forward += [
                "iifname \(ports) oifname \"\(link)\" goto to-link",
                // What comes out of the link's docker end is for the host (docker0's own
                // MAC: input, not forward); bridged on to docker0's containers, it would
                // bypass the host's routing.
                "iifname \"\(dockerEnd)\" drop",
            ]
        }
        chains.append(Chain(name: "forward", hook: "type filter hook forward priority filter; policy accept;",
                            rules: forward))
        if let metadata = config.metadata {
            chains.append(Chain(name: "to-link", hook: nil, rules: [
                "arp daddr ip \(metadata.reservedAddress) accept",
                "ip daddr \(metadata.address) accept",
                // Broadcasts and multicasts reach every port: not an attempt, not counted.
                "ether daddr & 01:00:00:00:00:00 == 01:00:00:00:00:00 drop",
                "goto spoof",
            ]))
        }
        return PortSecurityRules(table: tableName(network: config.name), sets: sets, chains: chains)
    }

    /// `flatnet-<up to 24 characters of the name>-<8 hex>`: readable, and distinct for
    /// networks whose names differ only after the 24th character.
    /// Every link-local group but 0x01 (pause frames, which the bridge always drops and a
    /// port's mask may not name): frames a container sends to one take prerouting.
    public static let linkLocalGroupForwardMask: UInt16 = 0xfffd

    public static func tableName(network: String) -> String {
        "flatnet-\(network.prefix(24))-\(StableHash.hex("table/" + network, digits: 8))"
    }

    /// The per-port sets. Keys start with the host veth's name: a port's elements never
    /// vouch for another port.
    static let sets = [
        NamedSet(name: "macs", declaration: ["type ifname . ether_addr"]),
        NamedSet(name: "ipv4", declaration: ["type ifname . ether_addr . ipv4_addr"]),
        NamedSet(name: "ipv6", declaration: ["type ifname . ipv6_addr"]),
        // The same keys as ipv6, typed for the neighbour-discovery target field.
        NamedSet(name: "targets", declaration: ["typeof iifname . @th,64,128"]),
        // The same keys as macs, typed for a neighbour-discovery link-layer address option.
        NamedSet(name: "lladdrs", declaration: ["typeof iifname . @th,208,48"]),
        NamedSet(name: "drops", declaration: ["type ifname", "counter"]),
        // The leased address each port announces (`PortProtection.announced`).
        NamedSet(name: "announced", declaration: ["type ifname . ipv4_addr"]),
        // One token bucket per port, created by the first broadcast it sends.
        NamedSet(name: "flood", declaration: ["type ifname", "size 65535", "flags dynamic,timeout",
                                              "timeout 1m"]),
    ]

    static func portRules(_ limit: FloodLimit) -> [String] {
        // nft prints no burst when it is its default, 5: the rule must read as nft lists it.
        let burst = limit.burst == 5 ? "" : " burst \(limit.burst) packets"
        let bucket = "limit rate over \(limit.packetsPerSecond)/second\(burst)"
        return [
            "iifname . ether saddr != @macs goto spoof",
            "ether daddr & ff:ff:ff:ff:ff:f0 == 01:80:c2:00:00:00 goto spoof",
            "ether daddr & 01:00:00:00:00:00 == 01:00:00:00:00:00 update @flood { iifname \(bucket) } goto spoof",
            "ether type arp goto port-arp",
            "ether type ip goto port-ipv4",
            "ether type ip6 goto port-ipv6",
            // Everything else: VLAN tags (an offloaded tag still reads 0x8100 here), STP
            // BPDUs (802.3 length, not a type), every other ethertype.
            "goto spoof",
        ]
    }

    /// Ethernet/IPv4 ARP only; sender MAC and IP must be the port's (0.0.0.0 for probes).
    static let arpRules = [
        "arp htype 1 arp ptype ip arp hlen 6 arp plen 4 arp operation { request, reply }"
            + " iifname . arp saddr ether . arp saddr ip @ipv4 accept",
        "arp htype 1 arp ptype ip arp hlen 6 arp plen 4 arp operation request arp saddr ip 0.0.0.0"
            + " iifname . arp saddr ether @macs accept",
        "goto spoof",
    ]

    /// Source = one of the port's addresses; no DHCP server (from its port, or to a
    /// client's port from any other).
    static let ipv4Rules = [
        "udp sport 67 goto spoof",
        "udp dport 68 goto spoof",
        "iifname . ether saddr . ip saddr @ipv4 accept",
        "goto spoof",
    ]

    /// No router advertisements, redirects, renumbering, MLD queries or DHCPv6 server;
    /// from :: only what a starting interface sends (router solicitation, MLDv2 report,
    /// duplicate address detection of its own address); otherwise source = its link-local
    /// or an assigned address, neighbour advertisements only for its own addresses,
    /// link-layer options only with its own MAC. First, what would hide the ICMPv6 or UDP
    /// header from every rule below (the red team's advertisements): a first fragment
    /// without it (RFC 7112 wants the whole header chain there), and an AH header, where
    /// the kernel's header walk stops.
    static let ipv6Rules = [
        "frag frag-off 0 jump port-first-fragment",
        "meta l4proto ah goto spoof",
        "icmpv6 type { mld-listener-query, nd-router-advert, nd-redirect, router-renumbering } goto spoof",
        "udp sport 547 goto spoof",
        "udp dport 546 goto spoof",
        "ip6 saddr :: icmpv6 type { nd-router-solicit, mld2-listener-report } accept",
        "ip6 saddr :: icmpv6 type nd-neighbor-solicit iifname . @th,64,128 @targets accept",
        "iifname . ip6 saddr != @ipv6 goto spoof",
        "icmpv6 type nd-neighbor-advert iifname . @th,64,128 != @targets goto spoof",
        "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 length > 24 goto port-nd-option",
        "icmpv6 type nd-router-solicit ip6 length > 8 goto port-rs-option",
        "accept",
    ]

    /// A first fragment returns only when its transport header's first byte can be read
    /// (each rule needs it; together they match any value); otherwise it is dropped.
    static let firstFragmentRules = [
        "@th,0,8 < 0x80 return",
        "@th,0,8 >= 0x80 return",
        "goto spoof",
    ]

    /// A solicitation or advertisement with options carries exactly one: the port's own
    /// MAC as source (1) or target (2) link-layer address. (The ARP rule's check, for
    /// neighbour discovery: no advertising one's address at a victim's MAC.)
    static let neighbourOptionRules = [
        "ip6 length 32 @th,192,16 { 0x101, 0x201 } iifname . @th,208,48 @lladdrs accept",
        "goto spoof",
    ]

    /// A router solicitation with options carries only its own MAC as source address.
    static let routerSolicitationOptionRules = [
        "ip6 length 16 @th,64,16 0x101 iifname . @th,80,48 @lladdrs accept",
        "goto spoof",
    ]
}

extension PortSecurityRules {
    /// One `nft -f` transaction that makes the table exactly this, keeping the sets'
    /// elements: tables, sets and chains are added (a no-op when they exist), every chain
    /// is flushed and refilled, and chains no longer wanted are deleted. Atomic: no frame
    /// ever sees a half-written table.
    public func script(removingChains stale: [String] = []) -> String {
        var lines = ["add table bridge \(table)"]
        for set in sets {
            lines.append("add set bridge \(table) \(set.name) { \(set.declaration.joined(separator: "; ")); }")
        }
        for chain in chains {
            lines.append("add chain bridge \(table) \(chain.name)" + (chain.hook.map { " { \($0) }" } ?? ""))
        }
        lines += (chains.map(\.name) + stale).map { "flush chain bridge \(table) \($0)" }
        // The token buckets restart: ports flooding under an old limit get the new one.
        lines.append("flush set bridge \(table) flood")
        lines += stale.map { "delete chain bridge \(table) \($0)" }
        for chain in chains {
            lines += chain.rules.map { "add rule bridge \(table) \(chain.name) \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Removes a network's table whether or not it exists (`add` first makes the delete
    /// safe on nft versions without `destroy`).
    public static func removalScript(network: String) -> String {
        let table = tableName(network: network)
        return "add table bridge \(table)\ndelete table bridge \(table)\n"
    }
}
