import FlatnetCore

/// Why the host cannot be set up as the netconf asks (plugin code 108). flatnet never
/// takes over an interface that is not clearly meant for it.
public enum HostSetupError: Error, CNIErrorConvertible, CustomStringConvertible {
    case notABridge(InterfaceName, kind: String?)
    case uplinkMissing(InterfaceName)
    case uplinkHasAddresses(InterfaceName, [IPPrefix])
    case uplinkEnslavedElsewhere(InterfaceName, master: String)
    case vlanUnsupported(InterfaceName, NetlinkError)
    case notAVLAN(InterfaceName, kind: String?)
    case dockerBridgeMissing(InterfaceName)
    case notALinkVeth(InterfaceName, kind: String?)
    case claimed(HostClaim, network: String, holder: String)
    case bridgeHasAddresses(InterfaceName, [IPPrefix])
    case unexpectedPorts(InterfaceName, [(port: String, reason: String)])

    public var description: String { cniError.message + ": " + cniError.details }

    public var cniError: CNIError {
        switch self {
        case .notABridge(let name, let kind):
            return CNIError(.hostSetupConflict, "\(name) exists and is not a bridge",
                            details: "it is a \(kind ?? "physical") link;"
                                + " set \"bridge\" to another name or remove it")
        case .uplinkMissing(let name):
            return CNIError(.hostSetupConflict, "uplink \(name) does not exist on this host",
                            details: "check \"uplink\" in the netconf")
        case .uplinkHasAddresses(let name, let addresses):
            let list = addresses.map(\.description).joined(separator: ", ")
            return CNIError(.hostSetupConflict, "uplink \(name) carries IP addresses; refusing to enslave it",
                            details: "addresses: \(list); enslaving it would cut the host off."
                                + " Use a dedicated NIC or VLAN")
        case .uplinkEnslavedElsewhere(let name, let master):
            return CNIError(.hostSetupConflict, "uplink \(name) is already enslaved to \(master)",
                            details: "flatnet will not move it; free it or choose another uplink")
        case .vlanUnsupported(let name, let error):
            return CNIError(.hostSetupConflict, "cannot create VLAN interface \(name)",
                            details: "\(error); does this kernel have 802.1Q (8021q) support?")
        case .dockerBridgeMissing(let name):
            return CNIError(.hostSetupConflict, "docker bridge \(name) does not exist on this host",
                            details: "metadata.dockerBridge names the bridge the metadata service"
                                + " lives behind; is Docker running?")
        case .notALinkVeth(let name, let kind):
            return CNIError(.hostSetupConflict, "\(name) exists and is not flatnet's link veth",
                            details: "it is a \(kind ?? "physical") link;"
                                + " flatnet derives this name from the network name")
        case .claimed(let claim, let network, let holder):
            return CNIError(.hostSetupConflict, "\(claim) is already network \(holder)'s on this host",
                            details: "networks \(holder) and \(network) may not share it on one host;"
                                + " change \"\(claim.field)\" of \(network),"
                                + " or remove \(holder) with flatnet teardown")
        case .bridgeHasAddresses(let name, let addresses):
            let list = addresses.map(\.description).joined(separator: ", ")
            return CNIError(.hostSetupConflict,
                            "bridge \(name) carries host addresses; refusing to use it as a flat bridge",
                            details: "addresses: \(list); the uplink would put the host on the segment."
                                + " Set \"bridge\" to a bridge of its own")
        case .unexpectedPorts(let bridge, let ports):
            let list = ports.map { "\($0.port) (\($0.reason))" }.joined(separator: ", ")
            let names = ports.map(\.port).joined(separator: ", ")
            return CNIError(.hostSetupConflict, "bridge \(bridge) has ports flatnet does not know: \(names)",
                            details: "\(list); remove them (ip link set PORT nomaster)"
                                + " or check \"uplink\" and \"bridge\"")
        case .notAVLAN(let name, let kind):
            return CNIError(.hostSetupConflict, "\(name) exists and is not a VLAN interface",
                            details: "it is a \(kind ?? "physical") link")
        }
    }
}
