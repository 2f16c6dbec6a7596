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

/// flatnet-ipam's pool: one subnet shared by the flat segment, and this host's ranges.
public struct PoolConfig: Equatable, Sendable {
    public static let pluginType = "flatnet-ipam"
    public static let defaultDataDirectory = "/var/lib/cni/flatnet"

    public var subnet: IPv4Prefix
    public var gateway: IPv4Address
    public var ranges: [AddressRange]
    /// Addresses and CIDRs never handed out (bare-metal servers, appliances).
    public var exclude: [IPv4Prefix]
    public var routes: [RouteConfig]
    /// Parent of the per-network state directory `<dataDir>/<network name>`.
    public var dataDirectory: String

    public init(subnet: IPv4Prefix, gateway: IPv4Address, ranges: [AddressRange], exclude: [IPv4Prefix] = [],
                routes: [RouteConfig] = [], dataDirectory: String = PoolConfig.defaultDataDirectory) {
        self.subnet = subnet
        self.gateway = gateway
        self.ranges = ranges
        self.exclude = exclude
        self.routes = routes
        self.dataDirectory = dataDirectory
    }
}

/// An inclusive range of addresses this host allocates from.
public struct AddressRange: Equatable, Sendable, CustomStringConvertible {
    public var start: IPv4Address
    public var end: IPv4Address

    public init(start: IPv4Address, end: IPv4Address) {
        self.start = start
        self.end = end
    }

    public func contains(_ address: IPv4Address) -> Bool { start <= address && address <= end }

    public func overlaps(_ other: AddressRange) -> Bool { start <= other.end && other.start <= end }

    public var size: Int { Int(end.value) - Int(start.value) + 1 }

    public var description: String { "\(start)-\(end)" }
}

/// A route to install in the container; without `gw`, the route goes via the gateway.
public struct RouteConfig: Equatable, Sendable {
    public var destination: IPPrefix
    public var gateway: IPAddress?
}
