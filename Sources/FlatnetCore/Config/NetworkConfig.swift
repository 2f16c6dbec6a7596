/// One flatnet network, as the runtime hands it to the plugin on stdin (the plugin
/// object of a conflist, with `name` and `cniVersion` injected). Every field is
/// documented in README.md#netconf-reference.
public struct NetworkConfig: Equatable, Sendable {
    public var cniVersion: CNIVersion
    /// The network name: also names the state directory and derived interfaces.
    public var name: String
    /// The plugin type (`flatnet`).
    public var type: String
    /// The flat bridge; derived from `name` when the netconf does not set it.
    public var bridge: InterfaceName
    /// The NIC joined to the bridge; nil means a host-local L2 segment.
    public var uplink: InterfaceName?
    /// 802.1Q VLAN id (1-4094); flatnet enslaves `<uplink>.<vlan>` instead of the uplink.
    public var vlan: Int?
    /// MTU for the bridge, uplink side and veths; nil keeps the kernel's defaults.
    public var mtu: Int?
    /// Install `default via <gateway>` in containers (default true). When false, no
    /// default route is installed, even one the IPAM result lists.
    public var defaultRoute: Bool
    /// The docker0 link and reserved address; nil means no link and no containment rules.
    public var metadata: MetadataConfig?
    /// What each container port may send; on by default.
    public var portSecurity: PortSecurityConfig = PortSecurityConfig()
    /// Where each call's audit line goes (README.md#audit-log).
    public var audit = AuditSettings()
    public var ipam: IPAMConfig
    /// What the runtime supplied for this one call (requests, chaining, GC list).
    public var runtime: RuntimeInputs
    /// The whole stdin object, unchanged, for handing to a delegated IPAM plugin.
    public var raw: JSONValue

    /// The interface enslaved to the bridge: the uplink, or its VLAN sub-interface.
    public var uplinkPort: InterfaceName? {
        guard let uplink else { return nil }
        guard let vlan else { return uplink }
        return InterfaceNaming.vlanInterface(uplink: uplink, vlan: vlan)
    }
}

/// The `metadata` block: how containers reach the platform's metadata/DNS service.
public struct MetadataConfig: Equatable, Sendable {
    /// The bridge the metadata service lives behind (default `docker0`).
    public var dockerBridge: InterfaceName
    /// The gateway address every host binds identically on `dockerBridge`.
    public var reservedAddress: IPv4Address
    /// The metadata service address (default 169.254.169.250).
    public var address: IPv4Address

    public static let defaultDockerBridge = "docker0"
    public static let defaultAddress = IPv4Address(0xA9FE_A9FA)  // 169.254.169.250
}

/// The `ipam` block: flatnet's own pool, or another IPAM plugin to delegate to.
public enum IPAMConfig: Equatable, Sendable {
    case pool(PoolConfig)
    /// Any other `ipam.type` (host-local, dhcp, ...): run from CNI_PATH, not validated here.
    case delegated(type: String)

    /// The IPAM plugin type as the netconf names it.
    public var type: String {
        switch self {
        case .pool: return PoolConfig.pluginType
        case .delegated(let type): return type
        }
    }

    public var pool: PoolConfig? {
        if case .pool(let pool) = self { return pool }
        return nil
    }
}

/// flatnet-ipam's pool: per family, one subnet shared by the flat segment and this
/// host's ranges in it (README.md#ipv6-and-dual-stack). The IPv4 range set is the
/// block's top-level keys; the IPv6 one is its `ipv6` object. At least one is present.
public struct PoolConfig: Equatable, Sendable {
    public static let pluginType = "flatnet-ipam"
    public static let defaultDataDirectory = "/var/lib/cni/flatnet"

    public var ipv4: RangeSet?
    public var ipv6: RangeSet?
    public var routes: [RouteConfig]
    /// Parent of the per-network state directory `<dataDir>/<network name>`.
    public var dataDirectory: String
    /// `ipam.nodes`: every node's ranges (empty when the netconf gives `ranges` itself).
    public var nodes: [NodeRanges] = []
    /// The node whose ranges the range sets hold, or whose name a cluster-store lease
    /// records (nil without `ipam.nodes` or `ipam.store`, or when the parse chose none).
    public var node: NodeIdentity?
    /// `ipam.store`: the pool lives in etcd, shared by every host (nil: this host's disk).
    public var store: EtcdStoreConfig?
    /// `ipam.reservations`: workloads keep their addresses (in the store, or on this host's disk).
    public var reservations: ReservationPolicy?

    public init(ipv4: RangeSet?, ipv6: RangeSet? = nil, routes: [RouteConfig] = [],
                dataDirectory: String = PoolConfig.defaultDataDirectory) {
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.routes = routes
        self.dataDirectory = dataDirectory
    }

    /// An IPv4-only pool.
    public init(subnet: IPv4Prefix, gateway: IPv4Address, ranges: [AddressRange], exclude: [IPv4Prefix] = [],
                routes: [RouteConfig] = [], dataDirectory: String = PoolConfig.defaultDataDirectory) {
        let set = RangeSet(subnet: IPPrefix(address: .v4(subnet.address), length: subnet.length)!,
                           gateway: .v4(gateway), ranges: ranges,
                           exclude: exclude.map { IPPrefix(address: .v4($0.address), length: $0.length)! })
        self.init(ipv4: set, routes: routes, dataDirectory: dataDirectory)
    }

    /// The range sets present, IPv4 first.
    public var rangeSets: [RangeSet] { [ipv4, ipv6].compactMap { $0 } }

    public func rangeSet(_ family: IPFamily) -> RangeSet? { family == .ipv4 ? ipv4 : ipv6 }
}

/// One family's part of a pool: the subnet, its gateway (optional for IPv6), this host's
/// ranges and the addresses never handed out.
public struct RangeSet: Equatable, Sendable {
    /// Written as its network address (validated).
    public var subnet: IPPrefix
    public var gateway: IPAddress?
    public var ranges: [AddressRange]
    /// Addresses and CIDRs never handed out (bare-metal servers, appliances).
    public var exclude: [IPPrefix]
    /// Every range any node of the network allocates from: `ranges` itself, or with
    /// `ipam.nodes` all nodes' ranges. Addresses that must never be leased (the reserved
    /// address, grants) are checked against these, not only this node's.
    public var clusterRanges: [PathedRange]

    public init(subnet: IPPrefix, gateway: IPAddress?, ranges: [AddressRange], exclude: [IPPrefix] = [],
                clusterRanges: [PathedRange]? = nil) {
        self.subnet = subnet
        self.gateway = gateway
        self.ranges = ranges
        self.exclude = exclude
        let path = subnet.family == .ipv4 ? "ipam.ranges" : "ipam.ipv6.ranges"
        self.clusterRanges = clusterRanges
            ?? ranges.enumerated().map { PathedRange(path: "\(path)[\($0.offset)]", range: $0.element) }
    }

    public var family: IPFamily { subnet.family }

    /// The netconf path of a key of this set: `ipam.gateway` or `ipam.ipv6.gateway`.
    public var path: String { family == .ipv4 ? "ipam" : "ipam.ipv6" }

    /// The IPv4 view (nil for IPv6), for IPv4-only features (metadata, grants).
    public var subnetV4: IPv4Prefix? { subnet.v4 }
    public var gatewayV4: IPv4Address? { gateway?.v4 }
}

/// An inclusive range of addresses (one family) this host allocates from.
public struct AddressRange: Equatable, Sendable, CustomStringConvertible {
    public var start: IPAddress
    public var end: IPAddress

    public init(start: IPAddress, end: IPAddress) {
        self.start = start
        self.end = end
    }

    public init(start: IPv4Address, end: IPv4Address) {
        self.init(start: .v4(start), end: .v4(end))
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.family == start.family && start <= address && address <= end
    }

    public func contains(_ address: IPv4Address) -> Bool { contains(.v4(address)) }

    public func overlaps(_ other: AddressRange) -> Bool {
        start.family == other.start.family && start <= other.end && other.start <= end
    }

    public var description: String { "\(start)-\(end)" }
}

/// A route to install in the container; without `gw`, the route goes via the gateway.
public struct RouteConfig: Equatable, Sendable {
    public var destination: IPPrefix
    public var gateway: IPAddress?

    public init(destination: IPPrefix, gateway: IPAddress?) {
        self.destination = destination
        self.gateway = gateway
    }
}

/// The IPv4 range set with IPv4 types, for the features that are IPv4 only (metadata,
/// allowed and granted addresses, the host's claim on the subnet).
public struct IPv4RangeSet: Equatable, Sendable {
    public var subnet: IPv4Prefix
    public var gateway: IPv4Address
    public var ranges: [AddressRange]
    public var exclude: [IPv4Prefix]
    /// See RangeSet.clusterRanges.
    public var clusterRanges: [PathedRange]
}

/// A range with the netconf path that wrote it (`ipam.ranges[0]`,
/// `ipam.nodes.node-a.ranges[1]`), so a message can name it.
public struct PathedRange: Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var range: AddressRange
    /// The `ipam.nodes` entry it belongs to, if any.
    public var node: String?

    public init(path: String, range: AddressRange, node: String? = nil) {
        self.path = path
        self.range = range
        self.node = node
    }

    /// `ipam.ranges[0] (10.43.1.2-10.43.1.254)`
    public var description: String { "\(path) (\(range))" }
}

extension PoolConfig {
    /// Nil for an IPv6-only pool.
    public var ipv4View: IPv4RangeSet? {
        guard let set = ipv4, let subnet = set.subnetV4, let gateway = set.gatewayV4 else { return nil }
        return IPv4RangeSet(subnet: subnet, gateway: gateway, ranges: set.ranges,
                            exclude: set.exclude.compactMap(\.v4), clusterRanges: set.clusterRanges)
    }
}

extension IPAMConfig {
    /// flatnet-ipam's IPv4 range set (nil for a delegated IPAM or an IPv6-only pool).
    public var ipv4Pool: IPv4RangeSet? { pool?.ipv4View }
}
