import FlatnetCore
import Glibc

extension HostSetup {
    /// Runs one host step, noting in `record` what it created or applied.
    func execute(_ step: HostStep, socket: borrowing NetlinkSocket, record: inout SetupRecord) throws {
        switch step {
        case .ensureBridge(let name, let mtu):
            try ensureBridge(name, mtu: mtu, socket: socket, record: &record)
        case .ensureVLAN(let name, let parent, let id, let mtu):
            try ensureVLAN(name, parent: parent, id: id, mtu: mtu, socket: socket, record: &record)
        case .enslaveUplink(let port, let bridge, let mtu):
            // The previous uplink leaves just before the new one joins: never two segments
            // on one bridge, and a new port that could not be made (a VLAN the kernel
            // refuses) leaves the old one serving.
            if let previous = record.uplinkPort, previous != port.value {
                try releasePreviousUplink(previous, record: &record, socket: socket)
            }
            try enslave(port, bridge: bridge, mtu: mtu, socket: socket)
            record.uplinkPort = port.value
        case .disableIPv6, .ensureLinkPair, .ensureReservedAddress, .ensureRules:
            try executeMetadataStep(step, socket: socket, record: &record)
        case .ensurePortSecurity(let rules):
            try ensurePortSecurity(rules, record: &record)
        }
    }

    /// Creates the bridge if missing (noting that flatnet made it), brings it up with the
    /// MTU, and pins its MAC: a bridge whose MAC was never set follows its lowest port's,
    /// so ports coming and going would change the MAC in every result and on the wire.
    private func ensureBridge(
        _ name: InterfaceName, mtu: Int?, socket: borrowing NetlinkSocket, record: inout SetupRecord
    ) throws {
        if try socket.createBridge(named: name, mtu: mtu) {
            record.createdBridge = name.value
            try saveApplied(record)
        }
        guard let link = try socket.link(named: name.value), link.kind == "bridge" else {
            throw HostSetupError.notABridge(name, kind: try socket.link(named: name.value)?.kind)
        }
        let mtuDrift = mtu != nil && link.mtu != mtu
        let change = LinkChange(up: link.isUp ? nil : true, mtu: mtuDrift ? mtu : nil, mac: link.mac)
        try socket.changeLink(named: name.value, change)
    }

    private func ensureVLAN(_ name: InterfaceName, parent: InterfaceName, id: Int, mtu: Int?,
                            socket: borrowing NetlinkSocket, record: inout SetupRecord) throws {
        if let existing = try socket.link(named: name.value) {
            guard existing.kind == "vlan" else { throw HostSetupError.notAVLAN(name, kind: existing.kind) }
            return
        }
        guard let parentLink = try socket.link(named: parent.value) else {
            throw HostSetupError.uplinkMissing(parent)
        }
        do {
            try socket.createVLAN(named: name, parentIndex: parentLink.index, id: id, mtu: mtu)
            record.createdVLAN = name.value
            try saveApplied(record)
        } catch let error as NetlinkError {
            guard error.isExisting else {
                throw HostSetupError.vlanUnsupported(name, error)
            }  // else: a racing setup made it
        }
        if !parentLink.isUp { try socket.changeLink(named: parent.value, LinkChange(up: true)) }
    }

    /// Enslaves the uplink side with the MTU, up. Preflight refused an uplink that carries
    /// addresses or belongs to another master; the check is repeated here because the
    /// host may have changed since (this runs under the host lock, not a kernel lock).
    private func enslave(
        _ port: InterfaceName, bridge: InterfaceName, mtu: Int?, socket: borrowing NetlinkSocket
    ) throws {
        guard let link = try socket.link(named: port.value) else { throw HostSetupError.uplinkMissing(port) }
        guard let bridgeLink = try socket.link(named: bridge.value) else {
            throw HostSetupError.notABridge(bridge, kind: nil)
        }
        try refuseUnusableUplink(link, bridgeIndex: bridgeLink.index, socket: socket)
        if link.masterIndex == bridgeLink.index && link.isUp && (mtu == nil || link.mtu == mtu) { return }
        try socket.changeLink(named: port.value, LinkChange(master: bridgeLink.index, up: true, mtu: mtu))
    }

    /// Refuses an uplink that carries addresses (other than IPv6 link-local) or belongs
    /// to another master: enslaving it would cut the host's own traffic or join segments.
    func refuseUnusableUplink(_ link: LinkInfo, bridgeIndex: Int32?, socket: borrowing NetlinkSocket) throws {
        let port = try InterfaceName(validating: link.name)
        if let master = link.masterIndex, master != bridgeIndex {
            let masterName = try socket.link(index: master)?.name ?? "index \(master)"
            throw HostSetupError.uplinkEnslavedElsewhere(port, master: masterName)
        }
        let addresses = try socket.addresses(interfaceIndex: link.index).map(\.prefix)
            .filter { !$0.isIPv6LinkLocal }
        guard addresses.isEmpty else { throw HostSetupError.uplinkHasAddresses(port, addresses) }
    }

    /// Container veths of this network that are not on the bridge (it was deleted and has
    /// just been created again) join it again: they are provably this network's (the
    /// host-side record), and their containers are cut off until then. Every one also gets
    /// IPv6 off, as ADD makes them now (ports attached by an earlier flatnet had link-local
    /// addresses and routes, and took router advertisements sent to LLDP's group).
    func reattachContainerVeths(to bridge: LinkInfo, socket: borrowing NetlinkSocket) throws {
        for link in try socket.links() where NetworkMembership.isContainerVeth(link, of: config.name) {
            guard let name = try? InterfaceName(validating: link.name) else { continue }
            // Best effort: a veth a DEL removes meanwhile has no sysctl left to write; with
            // port security on, its group mask keeps those frames off its stack anyway.
            try? InterfaceSysctl.disableIPv6(on: name, unlessAlready: true)
            if link.masterIndex == nil {
                try socket.changeLink(named: link.name, LinkChange(master: bridge.index, up: true))
            }
        }
    }
}
