import FlatnetCore

extension HostSetup {
    /// Everything that could refuse the setup, checked before anything is created (a
    /// refused ADD used to leave an empty bridge behind): the uplink exists and is free,
    /// the docker bridge exists, and an existing bridge is a bridge without host addresses
    /// whose ports are all this network's (or the uplink the last setup enslaved, which
    /// convergence releases).
    func preflight(socket: borrowing NetlinkSocket, record: SetupRecord) throws {
        let bridge = try socket.link(named: config.bridge.value)
        if let bridge { try checkExistingBridge(bridge, record: record, socket: socket) }
        if let uplink = config.uplink {
            guard let parent = try socket.link(named: uplink.value) else {
                throw HostSetupError.uplinkMissing(uplink)
            }
            let port = try config.uplinkPort.flatMap { try socket.link(named: $0.value) }
                ?? (config.vlan == nil ? parent : nil)
            if let port { try refuseUnusableUplink(port, bridgeIndex: bridge?.index, socket: socket) }
        }
        if let metadata = config.metadata {
            guard let docker = try socket.link(named: metadata.dockerBridge.value) else {
                throw HostSetupError.dockerBridgeMissing(metadata.dockerBridge)
            }
            guard docker.kind == "bridge" else {
                throw HostSetupError.notABridge(metadata.dockerBridge, kind: docker.kind)
            }
        }
    }

    private func checkExistingBridge(
        _ bridge: LinkInfo, record: SetupRecord, socket: borrowing NetlinkSocket
    ) throws {
        guard bridge.kind == "bridge" else {
            throw HostSetupError.notABridge(config.bridge, kind: bridge.kind)
        }
        let addresses = try socket.addresses(interfaceIndex: bridge.index).map(\.prefix)
            .filter { !$0.isIPv6LinkLocal }
        guard addresses.isEmpty else { throw HostSetupError.bridgeHasAddresses(config.bridge, addresses) }
        let bridgePorts = try socket.links().filter { $0.masterIndex == bridge.index }
        let unexpected = bridgePorts.compactMap { port -> (String, String)? in
            // convergence handles them
            if port.name == record.uplinkPort || port.name == record.linkVeth { return nil }
            return NetworkMembership.unexpectedPortReason(port, config: config).map { (port.name, $0) }
        }
        guard unexpected.isEmpty else { throw HostSetupError.unexpectedPorts(config.bridge, unexpected) }
    }

    /// What the last setup applied and this netconf no longer wants goes first: a changed
    /// reserved address leaves the docker bridge, a link pair whose metadata block is gone
    /// is deleted, and an uplink the netconf dropped leaves the bridge. (A changed uplink
    /// leaves only once its replacement exists, just before it joins: `enslaveUplink`.)
    /// The record is updated as each goes.
    func convergeFromRecord(_ record: inout SetupRecord, socket: borrowing NetlinkSocket) throws {
        try removePortSecurityIfOff(&record)
        if let previous = record.uplinkPort, config.uplinkPort == nil {
            try releasePreviousUplink(previous, record: &record, socket: socket)
        }
        let reserved = config.metadata.map { AttachPlanner.reservedPrefix($0, config: config) }
        if let previous = record.reservedAddress, let docker = record.dockerBridge,
           previous != reserved || docker != config.metadata?.dockerBridge.value {
            if let link = try socket.link(named: docker) {
                try socket.deleteAddress(previous, interfaceIndex: link.index)
            }
            record.reservedAddress = nil
            record.dockerBridge = nil
            try saveApplied(record)
        }
        if config.metadata == nil, let linkVeth = record.linkVeth {
            try socket.deleteLink(named: linkVeth)  // docker0 leaves the segment before its rules go
            let ebtables = try Ebtables.recorded(for: config.name)
            _ = try ebtables?.remove(.chainsOnly(network: config.name), network: config.name)
            record.linkVeth = nil
            try saveApplied(record)
        }
    }

    func releasePreviousUplink(
        _ previous: String, record: inout SetupRecord, socket: borrowing NetlinkSocket
    ) throws {
        if record.createdVLAN == previous {
            try socket.deleteLink(named: previous)
            record.createdVLAN = nil
        } else if let link = try socket.link(named: previous),
                  let bridge = try socket.link(named: config.bridge.value),
                  link.masterIndex == bridge.index {
            try socket.changeLink(named: previous, LinkChange(master: 0))
        }
        record.uplinkPort = nil
        try saveApplied(record)
    }
}
