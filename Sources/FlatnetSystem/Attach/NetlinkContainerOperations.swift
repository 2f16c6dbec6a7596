import CNetlink
import FlatnetCore

/// Container steps over netlink: a host socket for the veth, and a socket opened inside
/// the container's netns for everything in it (no setns while the steps run).
final class NetlinkContainerOperations: ContainerOperations {
    let host: NetlinkSocket
    let container: NetlinkSocket
    let bridgeIndex: Int32
    let namespace: NamespaceFile
    let hostVeth: InterfaceName  // announce waits for it to be a working port
    let network: String
    /// Runs the full host setup again (port security found its table gone: a flushed
    /// ruleset the ready stamp could not see).
    let repairHost: () throws -> Void

    init(host: consuming NetlinkSocket, container: consuming NetlinkSocket, bridgeIndex: Int32,
         namespace: consuming NamespaceFile, hostVeth: InterfaceName, network: String,
         repairHost: @escaping () throws -> Void) {
        self.host = host
        self.container = container
        self.bridgeIndex = bridgeIndex
        self.namespace = namespace
        self.hostVeth = hostVeth
        self.network = network
        self.repairHost = repairHost
    }

    /// The pair in one request; IPv6 off on the host end (one write, before the container
    /// end is up and so before the host end has a carrier: no address or route is ever
    /// made); then alias and bridge in one request, the kernel setting the alias first. The
    /// veth joins the bridge only once it carries flatnet's record: a host setup running
    /// meanwhile (another ADD, `flatnet repair`) would refuse an unmarked port as unknown
    /// (the red-team saw 4-6 of 80 ADDs fail that way when the master came first). A pair
    /// that could not be finished is deleted: an unmarked veth would be nobody's.
    func createVeth(host name: InterfaceName, container peer: InterfaceName, mtu: Int?, mac: MACAddress?,
                    alias: String) throws {
        try host.createVeth(VethRequest(hostName: name, bridgeIndex: nil, containerName: peer,
                                        containerNamespace: namespace.descriptor, mtu: mtu,
                                        containerMAC: mac))
        do {
            try InterfaceSysctl.disableIPv6(on: name)
            try host.changeLink(named: name.value, LinkChange(master: bridgeIndex, alias: alias))
        } catch {
            _ = try? host.deleteLink(named: name.value)
            throw error
        }
    }

    /// The port's link-local group mask (`PortSecurityRules.linkLocalGroupForwardMask`),
    /// then its record and set elements. A missing table means the ruleset was flushed
    /// behind the ready stamp's back: the host setup runs again (it restores every
    /// recorded port too), then the elements are added once more.
    func protectPort(_ protection: PortProtection) throws {
        guard let port = try host.link(named: protection.port.value) else {
            throw NetlinkError(call: "rtnl_link_get_kernel", code: NLE_OBJ_NOTFOUND, subject: protection.port.value)
        }
        hostVethLink = port
        try host.setGroupForwardMask(port: port.index, mask: PortSecurityRules.linkLocalGroupForwardMask,
                                     name: protection.port.value)
        let guarded = try PortGuard(network: network)
        do {
            try guarded.protect(protection)
        } catch {
            guard PortGuard.isMissingTable(error) else { throw PortGuard.wrapped(error) }
            try repairHost()
            try guarded.protect(protection)
        }
    }

    func unprotectPort(_ protection: PortProtection) throws {
        try PortGuard(network: network).unprotect(port: protection.port.value)
    }

    /// accept_ra 0 and addr_gen_mode 0, written to the container's /proc/sys/net (no
    /// netlink attribute sets them): the one container step that enters its netns. Two
    /// setns calls and two writes: 23 µs median, measured from Python (5,000 runs).
    func limitAutoconfiguration(_ name: InterfaceName) throws {
        try namespace.withEntered { try InterfaceSysctl.limitAutoconfiguration(on: name) }
    }

    /// arp_notify on and up, one request to the container end.
    func bringUp(_ name: InterfaceName) throws {
        try container.changeLink(named: name.value, LinkChange(up: true, arpNotify: true))
    }

    /// IPv6 without duplicate address detection (see ContainerStep.addAddress).
    func addAddress(_ prefix: IPPrefix, to name: InterfaceName) throws {
        try container.addAddress(prefix, interfaceIndex: try containerLink(name).index,
                                 duplicateAddressDetection: prefix.address.v6 == nil)
    }

    /// A default route the kernel says "exists" means the container already has one from
    /// another network (Multus's primary, say): the fix is a setting, so the message says
    /// what is wrong and the details name the setting. Code 101 is kept: a libnl call did
    /// fail, README.md#error-codes lists a refused route under 101, and whatever matches on the code
    /// sees what it saw before. ADD's rollback then removes the veth and gives the address
    /// back.
    func addRoute(_ destination: IPPrefix, via gateway: IPAddress, dev name: InterfaceName) throws {
        let route = RouteEntry(destination: destination, gateway: gateway,
                               interfaceIndex: try containerLink(name).index)
        do {
            try container.addRoute(route)
        } catch {  // (a `catch ... where` here crashes Swift 6.3.1's SIL ownership checker)
            guard error.isExisting, destination.length == 0 else { throw error }
            let attempted = "\(destination) via \(gateway) dev \(name.value)"
            let fix = "set \"defaultRoute\": false in the netconf to attach without one"
                + " (a secondary attachment, e.g. a Multus NetworkAttachmentDefinition)"
            throw CNIError(.netlinkFailure, "the container already has a default route",
                           details: "\(fix); flatnet's \(attempted) was refused: \(error)")
        }
    }

    func deleteVeth(host name: InterfaceName) throws { try host.deleteLink(named: name.value) }

    /// Announces the address once the host end is a working port (waiting at most 200 ms,
    /// normally about 1 ms): re-setting the container end's MAC (flatnet's choice, known
    /// without asking) makes the kernel send a gratuitous ARP, since arp_notify is on.
    /// (Sending one from an AF_PACKET socket was measured at +18 ms per ADD: closing such
    /// a socket waits for an RCU grace period.)
    func announce(_ address: IPv4Address, on name: InterfaceName, mac: MACAddress) throws {
        let deadline = MonotonicClock.milliseconds() + 200
        while true {
            hostVethLink = try host.link(named: hostVeth.value)
            guard hostVethLink?.isOperational != true, MonotonicClock.milliseconds() < deadline else { break }
            MonotonicClock.sleep(milliseconds: 1)
        }
        try container.changeLink(named: name.value, LinkChange(mac: mac))
    }

    /// What the result reports: MACs of the three interfaces, container MTU. The host end
    /// and the container end were read on the way (their MACs and MTU do not change after);
    /// only the bridge is asked.
    func observe(
        bridge: InterfaceName, hostVeth: InterfaceName, container name: InterfaceName
    ) throws -> AttachResult.Observed {
        let containerLink = try containerLink(name)
        let hostLink = try hostVethLink ?? host.link(named: hostVeth.value)
        return AttachResult.Observed(bridgeMAC: try host.link(named: bridge.value)?.mac,
                                     hostVethMAC: hostLink?.mac,
                                     containerMAC: containerLink.mac, containerMTU: containerLink.mtu)
    }

    /// The host end as last read (by `protectPort` or `announce`).
    private var hostVethLink: LinkInfo?
    /// The container end, read once: the address and every route need its index.
    private var containerLinks: [InterfaceName: LinkInfo] = [:]

    private func containerLink(_ name: InterfaceName) throws -> LinkInfo {
        if let link = containerLinks[name] { return link }
        guard let link = try container.link(named: name.value) else {
            throw NetlinkError(call: "rtnl_link_get_kernel", code: NLE_OBJ_NOTFOUND, subject: name.value)
        }
        containerLinks[name] = link
        return link
    }
}
