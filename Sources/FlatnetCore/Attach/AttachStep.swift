/// One change ADD makes to the host, as a value: executed by ADD, printed by the dry run.
public enum HostStep: Equatable, Sendable {
    /// Create the flat bridge if missing, then make sure it is a bridge, up, with the MTU,
    /// and pin its MAC (set it to the one it has, so it stops following its ports).
    case ensureBridge(InterfaceName, mtu: Int?)
    /// Create the 802.1Q sub-interface `name` on `parent` if missing.
    case ensureVLAN(name: InterfaceName, parent: InterfaceName, id: Int, mtu: Int?)
    /// Enslave the uplink (or its VLAN sub-interface) to the bridge and bring it up,
    /// refusing one that carries addresses or belongs to another master.
    case enslaveUplink(InterfaceName, bridge: InterfaceName, mtu: Int?)
    /// No IPv6 (and so no link-local address) on the flat bridge: layer 2 only.
    case disableIPv6(InterfaceName)
    /// The veth pair joining the flat bridge and the docker bridge, both ends up.
    case ensureLinkPair(bridgeSide: InterfaceName, dockerSide: InterfaceName, bridge: InterfaceName,
                        dockerBridge: InterfaceName, mtu: Int?)
    /// The network's reserved address on the docker bridge, with the subnet's prefix.
    case ensureReservedAddress(IPPrefix, dockerBridge: InterfaceName)
    /// The network's ebtables chains and jumps (created, repaired, or left as they are).
    case ensureRules(ContainmentRules)
    /// The network's port security table (nftables): sets kept, chains rewritten.
    case ensurePortSecurity(PortSecurityRules)

    /// What an operator would type to do the same with iproute2.
    public var ipCommand: String {
        switch self {
        case .ensureBridge(let name, let mtu):
            return "ip link add \(name)\(mtu.map { " mtu \($0)" } ?? "") type bridge"
                + " && ip link set \(name) address \"$(cat /sys/class/net/\(name)/address)\" up"
        case .ensureVLAN(let name, let parent, let id, let mtu):
            let mtuText = mtu.map { " mtu \($0)" } ?? ""
            return "ip link add link \(parent) name \(name)\(mtuText) type vlan id \(id)"
        case .enslaveUplink(let name, let bridge, let mtu):
            return "ip link set \(name) master \(bridge)\(mtu.map { " mtu \($0)" } ?? "") up"
        case .disableIPv6(let name):
            return "sysctl -w net.ipv6.conf.\(name).disable_ipv6=1"
        case .ensureLinkPair(let bridgeSide, let dockerSide, let bridge, let dockerBridge, let mtu):
            let mtuText = mtu.map { " mtu \($0)" } ?? ""
            return "ip link add \(bridgeSide)\(mtuText) master \(bridge) up"
                + " type veth peer name \(dockerSide)\(mtuText)"
                + " && ip link set \(dockerSide) master \(dockerBridge) up"
        case .ensureReservedAddress(let prefix, let dockerBridge):
            return "ip addr add \(prefix) dev \(dockerBridge)"
        case .ensureRules(let rules):
            let chains = rules.chains.map {
                "ebtables -t filter --new-chain \($0.name) && ebtables -t filter --policy \($0.name) RETURN"
            }
            let jumps = rules.chains.map { "ebtables -t filter --insert \($0.base) 1 -j \($0.name)" }
            return (chains + rules.allRules.map(\.appendCommand) + jumps).joined(separator: "\n")
        case .ensurePortSecurity(let rules):
            return "nft -f - <<'EOF'\n" + rules.script() + "EOF"
        }
    }
}

/// One change ADD makes for a container, as a value.
public enum ContainerStep: Equatable, Sendable {
    /// The veth pair: host end up, the peer born inside the netns (named, MTU, MAC); then
    /// IPv6 off on the host end, before its carrier can come up (so it never gets an
    /// address or a route: a bridge port needs neither, and the link-local group frames
    /// the bridge passes up a port's own stack would find nothing there); then, in one
    /// request, the alias `flatnet:<network>`, flatnet's record that it is this network's
    /// (the kernel ignores an alias in the creating request), and the bridge: the kernel
    /// sets the alias before the master.
    case createVeth(host: InterfaceName, bridge: InterfaceName, container: InterfaceName, netns: String,
                    mtu: Int?, mac: MACAddress?, alias: String)
    /// The port's link-local group mask, then its elements in the network's port security
    /// sets (before the container end is up or has an address: until then its port can
    /// send nothing).
    case protectPort(PortProtection)
    /// IPv6 autoconfiguration limited to what port security lets the container use, before
    /// the interface is up: its link-local from the MAC (addr_gen_mode 0, EUI-64: the one
    /// port security allows), and nothing from router advertisements (accept_ra 0: no
    /// address or route a rogue, or a router flatnet did not configure, offers).
    case limitAutoconfiguration(InterfaceName)
    /// arp_notify=1 and up, in one request (the kernel then announces the address whenever
    /// the MAC is set).
    case bringUp(InterfaceName)
    /// An IPv6 address is added without duplicate address detection (IFA_F_NODAD): usable
    /// at once; the pool hands each address out once and port security stops the others
    /// from claiming it, which is what detection would have checked.
    case addAddress(IPPrefix, InterfaceName)
    case addRoute(destination: IPPrefix, gateway: IPAddress, InterfaceName)
    /// A gratuitous ARP for the address, once the host end is forwarding: the MAC (the one
    /// flatnet chose) is set again, and arp_notify makes the kernel announce
    /// (NETDEV_CHANGEADDR).
    case announce(IPv4Address, InterfaceName, mac: MACAddress)

    /// What an operator would type to do the same (inside the container with `ip -n`).
    public func ipCommand(namespace: String) -> String {
        switch self {
        case .createVeth(let host, let bridge, let container, let netns, let mtu, let mac, let alias):
            let mtuText = mtu.map { " mtu \($0)" } ?? ""
            let macText = mac.map { " address \($0)" } ?? ""
            return "ip link add \(host)\(mtuText) up type veth peer name \(container)\(mtuText)\(macText)"
                + " netns \(netns)"
                + " && sysctl -w net.ipv6.conf.\(host).disable_ipv6=1"
                + " && ip link set \(host) alias \(alias) master \(bridge)"
        case .protectPort(let protection):
            return protection.commands.joined(separator: "\n")
        case .limitAutoconfiguration(let name):
            return "ip netns exec \(namespace) sysctl -w net.ipv6.conf.\(name).accept_ra=0"
                + " net.ipv6.conf.\(name).addr_gen_mode=0"
        case .bringUp(let name):
            return "ip netns exec \(namespace) sysctl -w net.ipv4.conf.\(name).arp_notify=1"
                + " && ip -n \(namespace) link set \(name) up"
        case .addAddress(let prefix, let name):
            let noDAD = prefix.address.v6 != nil ? " nodad" : ""
            return "ip -n \(namespace) addr add \(prefix) dev \(name)\(noDAD)"
        case .addRoute(let destination, let gateway, let name):
            return "ip -n \(namespace) route add \(destination) via \(gateway) dev \(name)"
        case .announce(let address, let name, let mac):
            return "ip -n \(namespace) link set \(name) address \(mac)"
                + "  # re-set the MAC: arp_notify announces \(address)"
        }
    }
}
