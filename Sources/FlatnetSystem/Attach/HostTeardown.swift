import FlatnetCore

/// The explicit removal of a network's host setup (`flatnet teardown`); DEL never does
/// this. Removes the ebtables chains and jumps, the link veth pair, the reserved address,
/// and the bridge and VLAN interface if flatnet created them. Refuses while containers
/// are attached unless forced: their veths would be left on a missing bridge.
public struct HostTeardown {
    public let setup: HostSetup

    public init(config: NetworkConfig, lockTimeoutMilliseconds: Int) {
        setup = HostSetup(config: config, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
    }

    var config: NetworkConfig { setup.config }

    /// Returns a line per thing removed.
    public func run(force: Bool) throws -> [String] {
        try setup.withHostLock {
            let socket = try NetlinkSocket()
            let attached = try attachedVeths(socket: socket)
            if !attached.isEmpty && !force {
                throw CNIError(.hostSetupConflict, "\(attached.count) container(s) are still attached to \(config.bridge)",
                               details: "host veths: \(attached.prefix(5).joined(separator: ", ")); DEL them first or use --force")
            }
            var removed: [String] = []
            if let rules = ContainmentRules.make(for: config), let ebtables = try Ebtables.recorded(for: config.name),
               try ebtables.remove(rules, network: config.name) {
                removed.append("ebtables chains " + rules.chains.map(\.name).joined(separator: ", "))
            }
            removed += try removeMetadataLinks(socket: socket)
            removed += try removeCreated(socket: socket)
            try? setup.invalidate()
            return removed
        }
    }

    /// Ports of the bridge that are this network's container veths.
    func attachedVeths(socket: borrowing NetlinkSocket) throws -> [String] {
        guard let bridge = try socket.link(named: config.bridge.value) else { return [] }
        let prefix = InterfaceNaming.hostVethPrefix(network: config.name)
        return try socket.links().filter { $0.masterIndex == bridge.index && $0.name.hasPrefix(prefix) }.map(\.name)
    }

    private func removeMetadataLinks(socket: borrowing NetlinkSocket) throws -> [String] {
        guard let metadata = config.metadata else { return [] }
        var removed: [String] = []
        let pair = InterfaceNaming.linkPair(network: config.name)
        if try socket.deleteLink(named: pair.bridgeSide.value) { removed.append("link veth pair \(pair.bridgeSide)/\(pair.dockerSide)") }
        let reserved = AttachPlanner.reservedPrefix(metadata, config: config)
        if let docker = try socket.link(named: metadata.dockerBridge.value),
           try socket.deleteAddress(reserved, interfaceIndex: docker.index) {
            removed.append("address \(reserved) on \(metadata.dockerBridge)")
        }
        return removed
    }

    /// The bridge and VLAN interface, only where flatnet's creation markers say it made them.
    private func removeCreated(socket: borrowing NetlinkSocket) throws -> [String] {
        var removed: [String] = []
        let links: [(String, String?)] = [("vlan", config.uplinkPort.map(\.value)), ("bridge", config.bridge.value)]
        for (kind, name) in links {
            guard let name, let marker = try? setup.createdMarkerPath(kind), try StateFiles.read(marker) != nil else { continue }
            if try socket.deleteLink(named: name) { removed.append("\(kind) \(name)") }
            try StateFiles.remove(marker)
        }
        return removed
    }
}
