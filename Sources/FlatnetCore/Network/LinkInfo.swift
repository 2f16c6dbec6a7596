/// What flatnet reads about one network interface, as a plain value (filled from
/// netlink by FlatnetSystem; compared with expectations by the pure core).
public struct LinkInfo: Equatable, Sendable {
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
    /// IFLA_IFALIAS: flatnet marks the host end of each container veth
    /// `flatnet:<network>` (`InterfaceNaming.hostVethAlias`).
    public var alias: String?
    /// IFLA_LINK: for a veth, its peer's interface index (in the peer's namespace).
    public var peerIndex: Int32?
    /// IFLA_LINK_NETNSID: the id under which this namespace knows the peer's namespace,
    /// when the peer lives in another one. Read on the host, where the container cannot
    /// change it, this is how doctor finds a container (never by anything inside it).
    public var peerNamespaceID: Int32?

    public init(index: Int32, name: String, kind: String?, mtu: Int, isUp: Bool, masterIndex: Int32?,
                mac: MACAddress?, isOperational: Bool = false, alias: String? = nil, peerIndex: Int32? = nil,
                peerNamespaceID: Int32? = nil) {
        self.index = index
        self.name = name
        self.kind = kind
        self.mtu = mtu
        self.isUp = isUp
        self.masterIndex = masterIndex
        self.mac = mac
        self.isOperational = isOperational
        self.alias = alias
        self.peerIndex = peerIndex
        self.peerNamespaceID = peerNamespaceID
    }
}
