/// CHECK's comparison of the expected state (prevResult) with what the kernel reports.
public enum AttachmentCheck {
    /// What was read from the host and the container for one attachment.
    public struct Observation: Sendable {
        public var bridge: LinkInfo?
        public var hostVeth: LinkInfo?
        /// nil when the interface does not exist in the container.
        public var container: LinkInfo?
        public var containerAddresses: [IPPrefix]
        public var containerRoutes: [RouteEntry]

        public init(bridge: LinkInfo?, hostVeth: LinkInfo?, container: LinkInfo?,
                    containerAddresses: [IPPrefix], containerRoutes: [RouteEntry]) {
            self.bridge = bridge
            self.hostVeth = hostVeth
            self.container = container
            self.containerAddresses = containerAddresses
            self.containerRoutes = containerRoutes
        }
    }

    /// Every difference, each a sentence naming the object; empty when all matches.
    public static func drift(
        expected: CNIResult, config: NetworkConfig, invocation: CNIInvocation, observed: Observation
    ) -> [String] {
        let hostVeth = InterfaceNaming.hostVeth(network: config.name, attachment: invocation.attachment)
        var drift = hostSide(config: config, hostVeth: hostVeth, observed: observed)
        guard let container = observed.container else {
            let namespace = invocation.netns ?? "the container"
            return drift + ["interface \(invocation.ifName) is missing from \(namespace)"]
        }
        let index = expected.interfaces.lastIndex { $0.name == invocation.ifName && $0.sandbox != nil }
        if let index, let mac = expected.interfaces[index].mac, container.mac != mac {
            let observedMAC = container.mac.map { "\($0)" } ?? "none"
            drift.append("\(invocation.ifName) has MAC \(observedMAC), prevResult says \(mac)")
        }
        if !container.isUp { drift.append("\(invocation.ifName) is down") }
        for ip in expected.ips where index == nil || ip.interface == nil || ip.interface == index {
            if !observed.containerAddresses.contains(ip.address) {
                drift.append("\(invocation.ifName) lacks address \(ip.address)")
            }
        }
        for route in expected.routes where !observed.containerRoutes.contains(where: {
            $0.destination == route.destination && $0.gateway == route.gateway
        }) {
            let gateway = route.gateway.map { "\($0)" } ?? "-"
            drift.append("route \(route.destination) via \(gateway) is missing in the container")
        }
        return drift
    }

    private static func hostSide(
        config: NetworkConfig, hostVeth: InterfaceName, observed: Observation
    ) -> [String] {
        guard let bridge = observed.bridge, bridge.kind == "bridge" else {
            return ["bridge \(config.bridge) is missing"]
        }
        guard let veth = observed.hostVeth else { return ["host veth \(hostVeth) is missing"] }
        var drift: [String] = []
        if veth.masterIndex != bridge.index {
            drift.append("host veth \(hostVeth) is not attached to bridge \(config.bridge)")
        }
        if !veth.isUp { drift.append("host veth \(hostVeth) is down") }
        if !bridge.isUp { drift.append("bridge \(config.bridge) is down") }
        return drift
    }
}
