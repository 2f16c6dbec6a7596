/// What flatnet reads about one network interface, as a plain value (filled from
/// netlink by FlatnetSystem; compared with expectations by the pure core).
public struct LinkInfo: Equatable, Sendable {
    /// The alias flatnet gives a container's end of its veth: which host veth, in which
    /// host network namespace (by inode), it belongs to. Doctor finds containers by it.
    public static func containerAlias(hostVeth: String, hostNamespaceInode: UInt64) -> String {
        "flatnet:\(hostVeth)@\(hostNamespaceInode)"
    }

    public var index: Int32
    public var name: String
    /// The link kind (`bridge`, `veth`, `vlan`, ...); nil for a physical NIC or `lo`.
    public var kind: String?
    public var mtu: Int
    public var isUp: Bool
    /// The bridge this link is enslaved to, by interface index; nil when not enslaved.
    public var masterIndex: Int32?
    public var mac: MACAddress?
    /// Operational state UP (RFC 2863): administratively up and carrying traffic.
    public var isOperational: Bool
    /// IFLA_IFALIAS: flatnet marks container ends `flatnet:<host veth>@<host netns inode>`.
    public var alias: String?

    public init(index: Int32, name: String, kind: String?, mtu: Int, isUp: Bool, masterIndex: Int32?, mac: MACAddress?,
                isOperational: Bool = false, alias: String? = nil) {
        self.index = index
        self.name = name
        self.kind = kind
        self.mtu = mtu
        self.isUp = isUp
        self.masterIndex = masterIndex
        self.mac = mac
        self.isOperational = isOperational
        self.alias = alias
    }
}
