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
        var steps: [HostStep] = [.ensureBridge(config.bridge, mtu: config.mtu)]
        if let uplink = config.uplink, let port = config.uplinkPort {
            if let vlan = config.vlan { steps.append(.ensureVLAN(name: port, parent: uplink, id: vlan, mtu: config.mtu)) }
            steps.append(.enslaveUplink(port, bridge: config.bridge, mtu: config.mtu))
        }
        return steps
    }

    /// The full plan, given the addresses IPAM decided on.
    public static func plan(
        config: NetworkConfig, invocation: CNIInvocation, ipam: CNIResult, mac: MACAddress?
    ) throws(CNIError) -> AttachPlan {
        let ifName = try InterfaceName(validatingEnvironment: invocation.ifName)
        let hostVeth = InterfaceNaming.hostVeth(network: config.name, attachment: invocation.attachment)
        let routes = try containerRoutes(config: config, ipam: ipam)
        var steps: [ContainerStep] = [
            .createVeth(host: hostVeth, bridge: config.bridge, container: ifName, netns: invocation.netns ?? "",
                        mtu: config.mtu, mac: mac),
            .enableARPNotify(ifName),
        ]
        steps += ipam.ips.map { .addAddress($0.address, ifName) }
        steps.append(.bringUp(ifName))
        steps += routes.map { .addRoute(destination: $0.destination, gateway: $0.gateway!, ifName) }
        return AttachPlan(host: hostSteps(for: config), hostVeth: hostVeth, container: steps, routes: routes)
    }

    /// IPAM's routes with a gateway on each (the IPv4 gateway of the result when a route
    /// names none), plus `default via <gateway>` unless `defaultRoute` is false (which
    /// also drops a default route IPAM returned).
    static func containerRoutes(config: NetworkConfig, ipam: CNIResult) throws(CNIError) -> [CNIResult.Route] {
        let gateway = ipam.ips.lazy.compactMap(\.gateway).first { $0.v4 != nil }
        let defaultDestination = IPPrefix("0.0.0.0/0")!
        var routes: [CNIResult.Route] = []
        for route in ipam.routes where config.defaultRoute || route.destination != defaultDestination {
            guard let via = route.gateway ?? gateway else {
                throw CNIError(.delegatedIPAMFailed, "IPAM route \(route.destination) has no gateway",
                               details: "and the IPAM result names no IPv4 gateway to route it through")
            }
            routes.append(CNIResult.Route(destination: route.destination, gateway: via))
        }
        if config.defaultRoute, let gateway, !routes.contains(where: { $0.destination == defaultDestination }) {
            routes.insert(CNIResult.Route(destination: defaultDestination, gateway: gateway), at: 0)
        }
        return routes
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
