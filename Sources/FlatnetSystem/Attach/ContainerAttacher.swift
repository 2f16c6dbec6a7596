import CNetlink
import FlatnetCore

/// Executes a plan's container steps. The only thing to undo is the veth: deleting the
/// host end removes the container end with its addresses and routes.
struct ContainerAttacher: ~Copyable {
    let host: NetlinkSocket
    let container: NetlinkSocket
    let bridgeIndex: Int32
    let namespaceDescriptor: Int32
    private(set) var createdVeth: InterfaceName?

    init(host: consuming NetlinkSocket, container: consuming NetlinkSocket, bridgeIndex: Int32, namespaceDescriptor: Int32) {
        self.host = host
        self.container = container
        self.bridgeIndex = bridgeIndex
        self.namespaceDescriptor = namespaceDescriptor
    }

    /// Runs every step in order; on failure, removes the veth it created and rethrows.
    mutating func run(_ steps: [ContainerStep]) throws {
        do {
            for step in steps { try execute(step) }
        } catch {
            rollBack()
            throw error
        }
    }

    mutating func rollBack() {
        if let veth = createdVeth { _ = try? host.deleteLink(named: veth.value) }
        createdVeth = nil
    }

    private mutating func execute(_ step: ContainerStep) throws {
        switch step {
        case .createVeth(let hostName, _, let containerName, _, let mtu, let mac):
            try host.createVeth(VethRequest(hostName: hostName, bridgeIndex: bridgeIndex, containerName: containerName,
                                            containerNamespace: namespaceDescriptor, mtu: mtu, containerMAC: mac))
            createdVeth = hostName
        case .enableARPNotify(let name):
            try container.changeLink(named: name.value, LinkChange(arpNotify: true))
        case .addAddress(let prefix, let name):
            try container.addAddress(prefix, interfaceIndex: try index(of: name))
        case .bringUp(let name):
            try container.changeLink(named: name.value, LinkChange(up: true))
        case .addRoute(let destination, let gateway, let name):
            try container.addRoute(RouteEntry(destination: destination, gateway: gateway, interfaceIndex: try index(of: name)))
        }
    }

    /// Reads back what the result reports: MACs of the three interfaces, container MTU.
    func observe(bridge: InterfaceName, hostVeth: InterfaceName, container name: InterfaceName) throws -> AttachResult.Observed {
        let containerLink = try container.link(named: name.value)
        return AttachResult.Observed(bridgeMAC: try host.link(named: bridge.value)?.mac,
                                     hostVethMAC: try host.link(named: hostVeth.value)?.mac,
                                     containerMAC: containerLink?.mac, containerMTU: containerLink?.mtu)
    }

    private func index(of name: InterfaceName) throws -> Int32 {
        guard let link = try container.link(named: name.value) else {
            throw NetlinkError(call: "rtnl_link_get_kernel", code: NLE_OBJ_NOTFOUND, subject: name.value)
        }
        return link.index
    }
}
