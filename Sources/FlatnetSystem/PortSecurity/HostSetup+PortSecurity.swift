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

    /// Every recorded port of this network whose veth is here gets its elements back: a
    /// table made again (after `nft flush ruleset`, say) starts with empty sets, and an
    /// attached container without elements can send nothing.
    func restorePortProtection(socket: borrowing NetlinkSocket) throws {
        guard config.portSecurity.enabled else { return }
        let ports = try socket.links().filter { NetworkMembership.isContainerVeth($0, of: config.name) }
        try PortGuard(network: config.name).restore(existingPorts: Set(ports.map(\.name)))
    }

    /// Port security turned off in the netconf: the table and the port records go.
    func removePortSecurityIfOff(_ record: inout SetupRecord) throws {
        guard !config.portSecurity.enabled, record.portSecurityTable != nil else { return }
        try Nft.apply(PortSecurityRules.removalScript(network: config.name))
        try PortRecords(network: config.name).removeAll()
        record.portSecurityTable = nil
        try saveApplied(record)
    }
}
