/// Builds the ADD result: interfaces = bridge, host veth, container interface (with
/// `sandbox`); `ips[].interface` pointing at the container interface; the installed
/// routes. podman and containerd need `sandbox` and `interface` to show the address.
public enum AttachResult {
    /// MACs and MTU as read back from the kernel after the changes.
    public struct Observed: Sendable {
        public var bridgeMAC: MACAddress?
        public var hostVethMAC: MACAddress?
        public var containerMAC: MACAddress?
        public var containerMTU: Int?

        public init(
            bridgeMAC: MACAddress?, hostVethMAC: MACAddress?, containerMAC: MACAddress?, containerMTU: Int?
        ) {
            self.bridgeMAC = bridgeMAC
            self.hostVethMAC = hostVethMAC
            self.containerMAC = containerMAC
            self.containerMTU = containerMTU
        }
    }

    public static func make(
        config: NetworkConfig, invocation: CNIInvocation, plan: AttachPlan, ipam: CNIResult,
        observed: Observed
    ) -> CNIResult {
        let previous = config.runtime.prevResult
        let offset = previous?.interfaces.count ?? 0
        var ours = CNIResult(
            interfaces: [
                CNIResult.Interface(name: config.bridge.value, mac: observed.bridgeMAC),
                CNIResult.Interface(name: plan.hostVeth.value, mac: observed.hostVethMAC),
                CNIResult.Interface(name: invocation.ifName, mac: observed.containerMAC,
                                    mtu: observed.containerMTU, sandbox: invocation.netns),
            ],
            ips: ipam.ips.map {
                CNIResult.IPConfig(address: $0.address, gateway: $0.gateway, interface: offset + 2)
            },
            routes: plan.routes, dns: ipam.dns)
        // Chained after another plugin: extend its result rather than replace it.
        if let previous {
            ours.interfaces = previous.interfaces + ours.interfaces
            ours.ips = previous.ips + ours.ips
            ours.routes = previous.routes + ours.routes
            if ours.dns == CNIResult.DNS() { ours.dns = previous.dns }
        }
        return ours
    }
}
