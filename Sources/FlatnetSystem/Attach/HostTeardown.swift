import FlatnetCore

/// The explicit removal of a network's host setup (`flatnet teardown`); DEL never does
/// this. In order: the readiness stamp first (so a teardown that fails midway never
/// leaves ADDs trusting a half-removed setup), then with `--force` the attached
/// containers (veth and lease: nothing is left half-attached), then the link pair (docker0
/// leaves the segment before its rules go), the reserved address, the ebtables chains, the
/// port security table and port records, the VLAN interface and bridge if flatnet created them, and flatnet's records.
/// Refuses while containers are attached unless forced.
public struct HostTeardown {
    public let setup: HostSetup

    public init(config: NetworkConfig, lockTimeoutMilliseconds: Int) {
        setup = HostSetup(config: config, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
    }

    var config: NetworkConfig { setup.config }

    /// One thing teardown removes.
    enum Item: CustomStringConvertible {
        case container(veth: String, owner: Attachment?)
        case linkPair(String)
        case address(IPPrefix, on: String)
        case rules(ContainmentRules)
        case portSecurity(table: String)
        case link(kind: String, name: String)

        var description: String {
            switch self {
            case .container(let veth, let owner):
                return owner.map {
                    "container \($0.containerID) \($0.ifName) (host veth \(veth) and its lease)"
                } ?? "host veth \(veth) (no lease)"
            case .linkPair(let name): return "link veth pair \(name)/fld-\(name.dropFirst(4))"
            case .address(let prefix, let bridge): return "address \(prefix) on \(bridge)"
            case .rules(let rules):
                return "ebtables chains " + rules.chains.map(\.name).joined(separator: ", ")
            case .portSecurity(let table): return "port security table bridge \(table) and its port records"
            case .link(let kind, let name): return "\(kind) \(name)"
            }
        }
    }

    /// Returns a line per thing removed (`removed ...`), or with `dryRun` per thing that
    /// would be (`would remove ...`), changing nothing.
    public func run(force: Bool, dryRun: Bool = false) throws -> [String] {
        try setup.withHostLock {
            let socket = try NetlinkSocket()
            let containers = try attachedContainers(socket: socket)
            try refuseAttached(containers, force: force)
            let items = containers + (try hostItems(socket: socket))
            let kept = try keptObjects(socket: socket)
            if dryRun { return items.map { "would remove \($0)" } + kept }
            try setup.invalidate()
            var removed: [String] = []
            for item in items {
                try remove(item, socket: socket)
                removed.append("removed \(item)")
            }
            try forgetNetwork()
            return removed + kept
        }
    }

    /// Removes what a failed first setup recorded, best effort, for `HostSetup`, which
    /// holds the host lock and reports its own error: each part, then flatnet's records.
    func undoFailedSetup(socket: borrowing NetlinkSocket) {
        try? setup.invalidate()
        for item in (try? hostItems(socket: socket)) ?? [] { try? remove(item, socket: socket) }
        try? forgetNetwork()
    }

    /// flatnet's records of the network on this host: its claims, its ebtables backend,
    /// what setup applied.
    private func forgetNetwork() throws {
        try HostClaimRegistry().release(network: config.name)
        try EbtablesRecords.forget(network: config.name)
        try StateFiles.remove(try setup.path(in: HostSetup.appliedDirectory))
    }

    /// This network's container veths (flatnet's record on each), attached or cut off,
    /// with the lease owner each was derived for.
    func attachedContainers(socket: borrowing NetlinkSocket) throws -> [Item] {
        let vethsAndOwners = try leases().map {
            (InterfaceNaming.hostVeth(network: config.name, attachment: $0.owner).value, $0.owner)
        }
        let owners = Dictionary(vethsAndOwners, uniquingKeysWith: { first, _ in first })
        return try socket.links().filter { NetworkMembership.isContainerVeth($0, of: config.name) }
            .sorted { $0.name < $1.name }.map { .container(veth: $0.name, owner: owners[$0.name]) }
    }

    /// This node's leases, on disk or in the cluster store.
    func leases() throws -> [PoolLease] {
        guard let pool = try ownPool() else { return [] }
        return try pool.nodeLeases().map { PoolLease(address: $0.address, owner: $0.owner, ageSeconds: 0) }
    }

    func ownPool() throws -> (any OwnPool)? {
        guard let pool = config.ipam.pool else { return nil }
        return try IPAMClient.ownPool(network: config, pool: pool,
                                      lockTimeoutMilliseconds: setup.lockTimeoutMilliseconds)
    }

    /// Without --force, attached containers are named and nothing is removed; with a
    /// delegated IPAM even --force refuses: their addresses live in another plugin, which
    /// only the runtime's DEL releases.
    private func refuseAttached(_ containers: [Item], force: Bool) throws {
        guard !containers.isEmpty else { return }
        let names = containers.prefix(5).map(\.description).joined(separator: "; ")
        if !force {
            throw CNIError(.hostSetupConflict,
                           "\(containers.count) container(s) are still attached to \(config.bridge)",
                           details: "\(names); DEL them first, or --force removes them (veth and lease)")
        }
        if config.ipam.pool == nil {
            throw CNIError(.hostSetupConflict,
                           "\(containers.count) container(s) are still attached to \(config.bridge)",
                           details: "\(names); their addresses belong to the \(config.ipam.type) plugin:"
                               + " DEL them through the runtime")
        }
    }

    /// The host setup's parts that are there now, in removal order.
    private func hostItems(socket: borrowing NetlinkSocket) throws -> [Item] {
        let record = try setup.appliedRecord()
        var items: [Item] = []
        let pairName = record.linkVeth
            ?? (config.metadata != nil
                ? InterfaceNaming.linkPair(network: config.name).bridgeSide.value : nil)
        if let pairName, try socket.link(named: pairName) != nil { items.append(.linkPair(pairName)) }
        // Only what flatnet noted adding: an address that was there before is someone else's.
        let reserved = record.reservedAddress.map { ($0, record.dockerBridge ?? "") }
        if let (prefix, bridge) = reserved, let docker = try socket.link(named: bridge),
           try socket.ipv4Addresses(interfaceIndex: docker.index).contains(prefix) {
            items.append(.address(prefix, on: bridge))
        }
        if let rules = ContainmentRules.make(for: config),
           let ebtables = try Ebtables.recorded(for: config.name),
           RuleConvergence.teardown(rules, live: try ebtables.live()) != nil {
            items.append(.rules(rules))
        }
        if let table = record.portSecurityTable { items.append(.portSecurity(table: table)) }
        for (kind, name) in [("vlan", record.createdVLAN), ("bridge", record.createdBridge)] {
            if let name, try socket.link(named: name) != nil {
                items.append(.link(kind: kind, name: name))
            }
        }
        return items
    }

    /// What stays, said aloud: the bridge and the reserved address when flatnet has no
    /// record of making them (they were there before, or /run/flatnet was wiped).
    private func keptObjects(socket: borrowing NetlinkSocket) throws -> [String] {
        let record = try setup.appliedRecord()
        var kept: [String] = []
        if record.createdBridge == nil, try socket.link(named: config.bridge.value) != nil {
            kept.append("kept bridge \(config.bridge): flatnet has no record of creating it")
        }
        if let metadata = config.metadata, record.reservedAddress == nil,
           let docker = try socket.link(named: metadata.dockerBridge.value) {
            let prefix = AttachPlanner.reservedPrefix(metadata, config: config)
            if try socket.ipv4Addresses(interfaceIndex: docker.index).contains(prefix) {
                kept.append("kept address \(prefix) on \(metadata.dockerBridge):"
                    + " flatnet has no record of adding it")
            }
        }
        return kept
    }

    private func remove(_ item: Item, socket: borrowing NetlinkSocket) throws {
        switch item {
        case .container(let veth, let owner):
            try socket.deleteLink(named: veth)
            if let owner, let pool = try ownPool() {
                let addresses = try pool.nodeLeases().filter { $0.owner == owner }.map(\.address)
                try pool.release(for: owner)
                // `flatnet who` must see this holding end: the runtime will send no DEL for it.
                for address in addresses {
                    AuditTrail.recordRelease(config, verb: "teardown", owner: owner,
                                             address: address.description)
                }
            }
        case .linkPair(let name):
            try socket.deleteLink(named: name)
        case .address(let prefix, let bridge):
            if let docker = try socket.link(named: bridge) {
                try socket.deleteAddress(prefix, interfaceIndex: docker.index)
            }
        case .rules(let rules):
            // Also forgets which backend held them: a later setup chooses afresh.
            _ = try Ebtables.recorded(for: config.name)?.remove(rules, network: config.name)
        case .portSecurity:
            try Nft.apply(PortSecurityRules.removalScript(network: config.name))
            try PortRecords(network: config.name).removeAll()
        case .link(_, let name):
            try socket.deleteLink(named: name)
        }
    }
}
