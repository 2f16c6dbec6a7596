/// Which host objects are a network's. Nothing is deleted, released or blamed on a name
/// (or a name prefix) alone, nor on anything a container controls.
public enum NetworkMembership {
    /// A container's host veth is this network's when flatnet's own record says so: the
    /// alias flatnet set on it in the host's namespace (`InterfaceNaming.hostVethAlias`).
    /// Attached or not: a veth cut off from a deleted bridge is still the network's.
    public static func isContainerVeth(_ link: LinkInfo, of network: String) -> Bool {
        link.kind == "veth" && link.alias == InterfaceNaming.hostVethAlias(network: network)
    }

    /// Why a port of the network's bridge is there: nil for the ports flatnet put there
    /// for this netconf (the uplink side, the link veth, the network's container veths).
    public static func unexpectedPortReason(_ port: LinkInfo, config: NetworkConfig) -> String? {
        if port.name == config.uplinkPort?.value { return nil }
        if config.metadata != nil,
           port.name == InterfaceNaming.linkPair(network: config.name).bridgeSide.value,
           port.kind == "veth" { return nil }
        if isContainerVeth(port, of: config.name) { return nil }
        if port.kind == "veth", let alias = port.alias, alias.hasPrefix("flatnet:") {
            return "a container veth of network \(alias.dropFirst("flatnet:".count))"
        }
        if port.kind == nil || port.kind == "vlan" {
            return "not the uplink the netconf names (\(config.uplinkPort?.value ?? "none"))"
        }
        return "not created by flatnet for network \(config.name)"
    }
}
