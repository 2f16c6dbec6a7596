/// What one container port may send: the elements ADD adds to its network's sets, DEL
/// removes, CHECK and doctor look for. Built from what flatnet decided (the MAC it chose,
/// the addresses IPAM leased, the allowed addresses from the netconf and the runtime),
/// never from anything read inside the container.
public struct PortProtection: Equatable, Sendable {
    /// The network's table (`PortSecurityRules.tableName`).
    public var table: String
    /// The host end of the container's veth: every key starts with it.
    public var port: InterfaceName
    public var mac: MACAddress
    /// The leased IPv4 addresses, then the allowed ones, without repeats.
    public var ipv4: [IPv4Address]
    /// IPv6 addresses IPAM assigned (a delegated plugin may hand some out), besides the
    /// link-local address derived from the MAC.
    public var ipv6: [IPv6Address]
    /// Adopted by a setup (the port was attached before port security was on): its MAC
    /// is the one the container end had then, not one flatnet chose.
    public var adopted: Bool
    /// The leased address ADD announces (a gratuitous ARP), one of `ipv4`: its announcement
    /// goes to the segment, not to the container's neighbours on this host (the `announced`
    /// set and the forward chain of `PortSecurityRules.make`). Never an allowed address: a virtual address's
    /// gratuitous ARP, as keepalived sends on failover, must reach every neighbour.
    public var announced: IPv4Address?

    public init(table: String, port: InterfaceName, mac: MACAddress, ipv4: [IPv4Address],
                ipv6: [IPv6Address] = [], adopted: Bool = false, announced: IPv4Address? = nil) {
        self.table = table
        self.port = port
        self.mac = mac
        self.adopted = adopted
        self.announced = announced
        self.ipv6 = ipv6.filter { $0 != mac.linkLocalIPv6 }
        var seen = Set<IPv4Address>()
        self.ipv4 = ipv4.filter { seen.insert($0).inserted }
    }

    public var linkLocal: IPv6Address { mac.linkLocalIPv6 }

    /// Every IPv6 source the port may use: its link-local address, then the assigned ones.
    public var ipv6Sources: [IPv6Address] { [linkLocal] + ipv6 }

    /// What an operator would type to do the same: the port's link-local group mask, then
    /// its elements.
    public var commands: [String] {
        let port = "\"\(self.port)\""
        let element = { (set: String, key: String) in "nft add element bridge \(table) \(set) { \(key) }" }
        let lladdr = "0x" + mac.bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let target = { (address: IPv6Address) in "0x" + Self.hex16(address.high) + Self.hex16(address.low) }
        let mask = "0x" + String(PortSecurityRules.linkLocalGroupForwardMask, radix: 16)
        return ["ip link set dev \(self.port) type bridge_slave group_fwd_mask \(mask)",
                element("macs", "\(port) . \(mac)"), element("lladdrs", "\(port) . \(lladdr)")]
            + ipv4.map { element("ipv4", "\(port) . \(mac) . \($0)") }
            + ipv6Sources.map { element("ipv6", "\(port) . \($0)") }
            + ipv6Sources.map { element("targets", "\(port) . \(target($0))") }
            + [element("drops", port)]
            + (announced.map { [element("announced", "\(port) . \($0)")] } ?? [])
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension PortProtection {
    /// The record ADD writes before it adds the elements (so that DEL and GC know exactly
    /// what to remove, even after a killed ADD): one JSON object.
    public var record: String {
        JSONValue.object([
            "table": .string(table), "port": .string(port.value), "mac": .string(mac.description),
            "ipv4": .array(ipv4.map { .string($0.description) }),
            "ipv6": .array(ipv6.map { .string($0.description) }), "adopted": .bool(adopted),
            "announced": announced.map { .string($0.description) } ?? .null,
        ]).serialized()
    }

    /// A record read back; nil when it is not one flatnet wrote.
    public init?(record text: String) {
        guard let value = try? JSONValue.parse(text),
              let table = value["table"]?.stringValue,
              let portText = value["port"]?.stringValue, let port = try? InterfaceName(validating: portText),
              let macText = value["mac"]?.stringValue, let mac = MACAddress(macText),
              case .array(let list)? = value["ipv4"] else { return nil }
        let addresses = list.compactMap { $0.stringValue.flatMap { IPv4Address($0) } }
        guard addresses.count == list.count else { return nil }
        var assigned: [IPv6Address] = []
        if case .array(let v6)? = value["ipv6"] {
            assigned = v6.compactMap { $0.stringValue.flatMap { IPv6Address($0) } }
            guard assigned.count == v6.count else { return nil }
        }
        // Records written before issue 15 have no "announced": their ports' announcements
        // were sent to everyone, and still are.
        var announced: IPv4Address?
        if let text = value["announced"]?.stringValue {
            guard let address = IPv4Address(text), addresses.contains(address) else { return nil }
            announced = address
        }
        self.init(table: table, port: port, mac: mac, ipv4: addresses, ipv6: assigned,
                  adopted: value["adopted"] == .bool(true), announced: announced)
    }
}

extension PortProtection {
    /// The MACs adoption may trust: unicast, not zero, held by one unrecorded port only and
    /// by no recorded one. A container that copied another's MAC before port security was
    /// turned on must not be handed it (the red team tried): such ports stay without
    /// elements, cut off, and doctor names them.
    public static func adoptableMACs(_ found: [MACAddress], recorded: [MACAddress]) -> Set<MACAddress> {
        var seen: [MACAddress: Int] = [:]
        for mac in found { seen[mac, default: 0] += 1 }
        let taken = Set(recorded)
        return Set(seen.filter { $0.value == 1 && !taken.contains($0.key) && !$0.key.isMulticast && !$0.key.isZero }
            .keys)
    }
}
