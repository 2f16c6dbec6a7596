/// Everything ADD will change, in order, before anything is changed.
public struct AttachPlan: Equatable, Sendable {
    public var host: [HostStep]
    public var hostVeth: InterfaceName
    public var container: [ContainerStep]
    /// The routes installed in the container (also reported in the result).
    public var routes: [CNIResult.Route]
}

/// Builds the plan ADD executes and the dry run prints: one decision path for both.
public enum AttachPlanner {
    /// Host setup for a network: the bridge, then the uplink side (VLAN sub-interface
    /// first when asked for).
    public static func hostSteps(for config: NetworkConfig) -> [HostStep] {
        var steps: [HostStep] = [.ensureBridge(config.bridge, mtu: config.mtu), .disableIPv6(config.bridge)]
        let rules = ContainmentRules.make(for: config)
        // The rules come before anything joins the bridge: a setup that fails later never
        // leaves the segment linked to docker0 (or the bridge open to the host) unguarded.
        if let rules { steps.append(.ensureRules(rules)) }
        if let portSecurity = PortSecurityRules.make(for: config) { steps.append(.ensurePortSecurity(portSecurity)) }
        if let uplink = config.uplink, let port = config.uplinkPort {
            if let vlan = config.vlan {
                steps.append(.ensureVLAN(name: port, parent: uplink, id: vlan, mtu: config.mtu))
            }
            steps.append(.enslaveUplink(port, bridge: config.bridge, mtu: config.mtu))
        }
        if let metadata = config.metadata, rules != nil {
            let pair = InterfaceNaming.linkPair(network: config.name)
            steps.append(.ensureLinkPair(bridgeSide: pair.bridgeSide, dockerSide: pair.dockerSide,
                                         bridge: config.bridge, dockerBridge: metadata.dockerBridge,
                                         mtu: config.mtu))
            steps.append(.ensureReservedAddress(reservedPrefix(metadata, config: config),
                                                dockerBridge: metadata.dockerBridge))
        }
        return steps
    }

    /// The reserved address carries the flat subnet's prefix on the docker bridge: the
    /// kernel's connected route for that prefix is what carries metadata replies back
    /// through the link pair to the containers (a /32 would need a route managed beside
    /// it). With a delegated IPAM the subnet is unknown here, so it is a /32 (and the
    /// operator routes the subnet).
    public static func reservedPrefix(_ metadata: MetadataConfig, config: NetworkConfig) -> IPPrefix {
        let length = config.ipam.ipv4Pool?.subnet.length ?? 32
        return IPPrefix(address: .v4(metadata.reservedAddress), length: length)!
    }

    /// The full plan, given the addresses IPAM decided on and the MAC flatnet chose.
    public static func plan(
        config: NetworkConfig, invocation: CNIInvocation, ipam: CNIResult, mac: MACAddress,
        firstLease: Bool = false
    ) throws(CNIError) -> AttachPlan {
        let ifName = try InterfaceName(validatingEnvironment: invocation.ifName)
        let hostVeth = InterfaceNaming.hostVeth(network: config.name, attachment: invocation.attachment)
        let routes = try containerRoutes(config: config, ipam: ipam)
        var steps: [ContainerStep] = [try vethStep(config: config, invocation: invocation, mac: mac)]
        // Protected before the container end is up: it can send nothing unchecked.
        if let protection = try portProtection(config: config, invocation: invocation, ipam: ipam, mac: mac,
                                               firstLease: firstLease) {
            steps.append(.protectPort(protection))
        }
        // Before it is up: the link-local is made, and advertisements heard, from then on.
        // Only where an address a router offered would be wrong: flatnet gives IPv6, or
        // port security would drop it. An IPv4-only network without port security leaves
        // the container's IPv6 as the kernel makes it, as before IPv6 pools.
        let ipv6Leased = ipam.ips.contains { $0.address.family == .ipv6 }
        if ipv6Leased || config.portSecurity.enabled { steps.append(.limitAutoconfiguration(ifName)) }
        // Up before the addresses: the bridge enables the host end while they are added.
        steps.append(.bringUp(ifName))
        steps += ipam.ips.map { .addAddress($0.address, ifName) }
        steps += routes.map { .addRoute(destination: $0.destination, gateway: $0.gateway!, ifName) }
        if let announced = ipam.ips.lazy.compactMap({ $0.address.address.v4 }).first {
            steps.append(.announce(announced, ifName, mac: mac))
        }
        return AttachPlan(host: hostSteps(for: config), hostVeth: hostVeth, container: steps, routes: routes)
    }

    /// The first container step, which needs no address: ADD runs it before IPAM, so a
    /// lease never exists without its host veth (`flatnet ipam gc` decides liveness by
    /// the veth, under the pool lock).
    public static func vethStep(
        config: NetworkConfig, invocation: CNIInvocation, mac: MACAddress?
    ) throws(CNIError) -> ContainerStep {
        .createVeth(host: InterfaceNaming.hostVeth(network: config.name, attachment: invocation.attachment),
                    bridge: config.bridge,
                    container: try InterfaceName(validatingEnvironment: invocation.ifName),
                    netns: invocation.netns ?? "",
                    mtu: config.mtu, mac: mac, alias: InterfaceNaming.hostVethAlias(network: config.name))
    }

    /// The port's protection when the network has port security: the MAC flatnet chose,
    /// the leased addresses (IPv6 ones too, from a delegated IPAM) and the allowed ones
    /// (netconf, then the runtime's). The leased address is `announced` (its announcement
    /// kept off the host's other container ports) only on its first lease from the pool: an
    /// address held before may still be in a neighbour's cache at the earlier holder's MAC,
    /// and only the announcement corrects that at once (the red team's reuse test).
    public static func portProtection(
        config: NetworkConfig, invocation: CNIInvocation, ipam: CNIResult, mac: MACAddress,
        firstLease: Bool = false
    ) throws(CNIError) -> PortProtection? {
        guard config.portSecurity.enabled else { return nil }
        let granted = config.runtime.effectiveAllowedAddresses(with: invocation.arguments)
        let source = config.runtime.allowedAddresses.isEmpty
            ? "CNI_ARGS ALLOWED_ADDRESSES" : config.runtime.allowedAddressesPath
        for address in granted {
            if let problem = NetworkConfigValidator.grantProblem(address, config: config) {
                throw CNIError(.invalidNetworkConfig, "allowed address \(address) \(problem)",
                               details: "from \(source)")
            }
        }
        let leased = ipam.ips.compactMap { $0.address.address.v4 }
        return PortProtection(table: PortSecurityRules.tableName(network: config.name),
                              port: InterfaceNaming.hostVeth(network: config.name, attachment: invocation.attachment),
                              mac: mac, ipv4: leased + config.portSecurity.allowedAddresses + granted,
                              ipv6: ipam.ips.compactMap { $0.address.address.v6 },
                              announced: firstLease ? leased.first : nil)
    }
}

extension InterfaceName {
    /// CNI_IFNAME was validated by the dispatcher already; this only re-wraps it.
    init(validatingEnvironment text: String) throws(CNIError) {
        do {
            try self.init(validating: text)
        } catch {
            throw CNIError(.invalidEnvironment, "invalid CNI_IFNAME", details: "\(error)")
        }
    }
}
