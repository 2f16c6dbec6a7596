import FlatnetCore
import Glibc

extension HostSetup {
    /// The docker-link steps: the link pair, the reserved address, the ebtables rules;
    /// and IPv6 off on the flat bridge. `record` notes what was applied.
    func executeMetadataStep(
        _ step: HostStep, socket: borrowing NetlinkSocket, record: inout SetupRecord
    ) throws {
        switch step {
        case .disableIPv6(let bridge):
            try disableIPv6(on: bridge)
        case .ensureLinkPair(let bridgeSide, let dockerSide, let bridge, let dockerBridge, let mtu):
            record.linkVeth = bridgeSide.value  // noted first: a pair half made is still removed by teardown
            try saveApplied(record)
            try ensureLinkPair(bridgeSide: bridgeSide, dockerSide: dockerSide, bridge: bridge,
                               dockerBridge: dockerBridge, mtu: mtu, socket: socket)
        case .ensureReservedAddress(let prefix, let dockerBridge):
            try ensureReservedAddress(prefix, on: dockerBridge, socket: socket, record: &record)
        case .ensureRules(let rules):
            try Ebtables.forNetwork(config.name).converge(rules)
        case .ensureBridge, .ensureVLAN, .enslaveUplink, .ensurePortSecurity:
            preconditionFailure("not a metadata step: \(step)")
        }
    }

    /// Adds the reserved address to the docker bridge unless it is there already, noting
    /// it (before adding: a crash then still leaves it listed) as flatnet's. An address
    /// that was there and is not in the record is someone else's: teardown leaves it.
    private func ensureReservedAddress(_ prefix: IPPrefix, on dockerBridge: InterfaceName,
                                       socket: borrowing NetlinkSocket, record: inout SetupRecord) throws {
        guard let docker = try socket.link(named: dockerBridge.value) else {
            throw HostSetupError.dockerBridgeMissing(dockerBridge)
        }
        guard !(try socket.ipv4Addresses(interfaceIndex: docker.index).contains(prefix)) else { return }
        (record.reservedAddress, record.dockerBridge) = (prefix, dockerBridge.value)
        try saveApplied(record)
        do {
            try socket.addAddress(prefix, interfaceIndex: docker.index)
        } catch {
            guard error.isExisting else { throw error }  // a concurrent setup added it first
        }
    }

    /// `net.ipv6.conf.<bridge>.disable_ipv6=1` (read first: a setup that runs again writes
    /// nothing).
    func disableIPv6(on bridge: InterfaceName) throws {
        try InterfaceSysctl.disableIPv6(on: bridge, unlessAlready: true)
    }

    private func ensureLinkPair(bridgeSide: InterfaceName, dockerSide: InterfaceName, bridge: InterfaceName,
                                dockerBridge: InterfaceName, mtu: Int?,
                                socket: borrowing NetlinkSocket) throws {
        guard let docker = try socket.link(named: dockerBridge.value) else {
            throw HostSetupError.dockerBridgeMissing(dockerBridge)
        }
        guard let flat = try socket.link(named: bridge.value) else {
            throw HostSetupError.notABridge(bridge, kind: nil)
        }
        if try socket.link(named: bridgeSide.value) == nil {
            let hostNamespace = try NamespaceFile(path: "/proc/thread-self/ns/net")
            do {
                try socket.createVeth(VethRequest(hostName: bridgeSide, bridgeIndex: flat.index,
                                                  containerName: dockerSide,
                                                  containerNamespace: hostNamespace.descriptor, mtu: mtu,
                                                  containerMAC: nil))
            } catch {
                guard error.isExisting else { throw error }  // verified below either way
            }
        }
        try attach(bridgeSide, to: flat, mtu: mtu, socket: socket)
        if try socket.link(named: dockerSide.value)?.masterIndex != docker.index, let mac = docker.mac {
            // A bridge whose MAC was never set takes its lowest port's MAC, so adding or
            // removing a port can change it, and every neighbour that cached the old one
            // (containers resolving the reserved address, Docker's containers resolving
            // docker0) loses the gateway until its entry expires. Setting the bridge's
            // current MAC explicitly pins it (the kernel stops recomputing it); flatnet
            // must never be what changes docker0's MAC. Docker pins it the same way.
            try socket.changeLink(named: dockerBridge.value, LinkChange(mac: mac))
        }
        try attach(dockerSide, to: docker, mtu: mtu, socket: socket)
    }

    /// Makes `name` a port of `bridge`, up, with the MTU (an MTU edit converges the pair
    /// too); refuses a non-veth of that name.
    private func attach(
        _ name: InterfaceName, to bridge: LinkInfo, mtu: Int?, socket: borrowing NetlinkSocket
    ) throws {
        guard let link = try socket.link(named: name.value), link.kind == "veth" else {
            throw HostSetupError.notALinkVeth(name, kind: try socket.link(named: name.value)?.kind)
        }
        let mtuDrift = mtu != nil && link.mtu != mtu
        if link.masterIndex != bridge.index || !link.isUp || mtuDrift {
            try socket.changeLink(named: name.value,
                                  LinkChange(master: bridge.index, up: true, mtu: mtuDrift ? mtu : nil))
        }
    }
}
