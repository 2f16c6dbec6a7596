import FlatnetCore

extension HostSetup {
    /// Makes the network's port security table match `rules` (one `nft -f` transaction
    /// when it differs; nothing when it matches), keeping the sets' elements. Noted in the
    /// record first, so teardown removes a table even a failed setup left half made.
    func ensurePortSecurity(_ rules: PortSecurityRules, record: inout SetupRecord) throws {
        record.portSecurityTable = rules.table
        try saveApplied(record)
        let live = try Nft.table(rules.table)
        guard !rules.drift(from: live).isEmpty else { return }
        try Nft.apply(rules.script(removingChains: rules.staleChains(in: live)))
    }

    /// The port security table's fingerprint (`NetfilterSocket.tableFingerprint`), nil when
    /// port security is off; a missing table reads as "-", which no stamp holds.
    func portSecurityFingerprint() throws -> String? {
        guard config.portSecurity.enabled else { return nil }
        let socket = try PortGuard.socket()
        do {
            return try socket.tableFingerprint(table: PortSecurityRules.tableName(network: config.name)) ?? "-"
        } catch {
            throw PortGuard.wrapped(error)
        }
    }

    /// Every recorded port of this network whose veth is here gets its elements back: a
    /// table made again (after `nft flush ruleset`, say) starts with empty sets, and an
    /// attached container without elements can send nothing. Ports with no record
    /// (attached by an older flatnet, or while port security was off) are adopted first.
    /// Every port gets the link-local group mask ADD gives it.
    func restorePortProtection(socket: borrowing NetlinkSocket) throws {
        guard config.portSecurity.enabled else { return }
        let ports = try socket.links().filter { NetworkMembership.isContainerVeth($0, of: config.name) }
        let guarded = try PortGuard(network: config.name)
        let recorded = Set(try guarded.records.all().map(\.port.value))
        for protection in try adoptions(ports.filter { !recorded.contains($0.name) }) {
            try PortGuard.mapped { try guarded.protect(protection) }
        }
        try guarded.restore(existingPorts: Set(ports.map(\.name)))
        for port in ports {
            try socket.setGroupForwardMask(port: port.index, mask: PortSecurityRules.linkLocalGroupForwardMask,
                                           name: port.name)
        }
    }

    /// Protection for ports attached without it, so that turning port security on does not
    /// cut running containers off: the MAC their container end has now (read from the
    /// host side; trusted on adoption, which doctor says) and their addresses from the
    /// pool's leases (with a delegated IPAM, the container end's). A port whose container
    /// cannot be found, or with flatnet's pool no lease, stays without elements (it can send
    /// nothing; doctor names it).
    func adoptions(_ veths: [LinkInfo]) throws -> [PortProtection] {
        guard !veths.isEmpty else { return [] }
        var leased: [String: [IPAddress]] = [:]
        if let pool = config.ipam.pool {
            let leases = try IPAMClient.ownPool(network: config, pool: pool,
                                                lockTimeoutMilliseconds: lockTimeoutMilliseconds).nodeLeases()
            for lease in leases {
                leased[InterfaceNaming.hostVeth(network: config.name, attachment: lease.owner).value, default: []]
                    .append(lease.address)
            }
        }
        let ends = ContainerFinder.ends(behind: veths)
        let adoptable = PortProtection.adoptableMACs(ends.values.compactMap(\.mac),
                                           recorded: try PortGuard(network: config.name).records.all().map(\.mac))
        return veths.compactMap { veth in
            guard let end = ends[veth.name], let mac = end.mac, adoptable.contains(mac),
                  let port = try? InterfaceName(validating: veth.name) else { return nil }
            // The container's own IPv6 addresses only with a delegated IPAM (as before IPv6 pools).
            let own = end.addresses.filter {
                !$0.isIPv6LinkLocal && (config.ipam.pool == nil || $0.family == .ipv4)
            }
            // flatnet's own pool: the lease's addresses only, never what the container says
            // (no lease: an ADD in flight, which protects its port itself; not adopted).
            guard let addresses = config.ipam.pool == nil ? own.map(\.address) : leased[veth.name] else {
                return nil
            }
            return PortProtection(table: PortSecurityRules.tableName(network: config.name), port: port, mac: mac,
                                  ipv4: addresses.compactMap(\.v4) + config.portSecurity.allowedAddresses,
                                  ipv6: addresses.compactMap(\.v6),
                                  adopted: true)
        }
    }

    /// Port security turned off in the netconf: the table goes. The port records stay, so
    /// that turning it on again restores what flatnet chose (DEL still removes each).
    func removePortSecurityIfOff(_ record: inout SetupRecord) throws {
        guard !config.portSecurity.enabled, record.portSecurityTable != nil else { return }
        try Nft.apply(PortSecurityRules.removalScript(network: config.name))
        record.portSecurityTable = nil
        try saveApplied(record)
    }
}
