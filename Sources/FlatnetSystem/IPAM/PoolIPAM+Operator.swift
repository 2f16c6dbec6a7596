import FlatnetCore

/// What `flatnet ipam release`, `list` and `usage` need beyond the plugin's verbs.
extension PoolIPAM {
    /// `ipam release --address`: releases whatever lease holds `address` and says what
    /// happened. Throws `IPAMError.releaseOutsideSubnet` for an address the network
    /// cannot hold.
    public func operatorRelease(address: IPAddress, dryRun: Bool) throws -> IPAMReleaseOutcome {
        try IPAMReleaseOutcome.checkReleasable(address, from: pools)
        guard let owner = try release(address: address, dryRun: dryRun) else {
            return try reservedWorkload(of: address).map { .addressReserved(address, workload: $0) }
                ?? .addressNotHeld(address)
        }
        return .released([address], owner: owner, dryRun: dryRun)
    }

    /// The workload `address` is kept for while attached nowhere, if any.
    func reservedWorkload(of address: IPAddress) throws -> String? {
        try store.withLocked(create: false) { locked -> String? in
            guard case .entry(.reserved(let workload, _)) = try locked.state(address.family).record(at: address)
            else { return nil }
            return workload
        } ?? nil
    }

    /// `ipam release --container ID [--ifname NAME]`.
    public func operatorRelease(owner: Attachment, dryRun: Bool) throws -> IPAMReleaseOutcome {
        let addresses = try addresses(heldBy: owner)
        guard !addresses.isEmpty else { return .ownerHoldsNothing(owner) }
        if !dryRun { try release(for: owner) }
        return .released(addresses, owner: owner, dryRun: dryRun)
    }

    /// Whether the pool's state directory exists: it does from the first lease here on.
    public var hasStateDirectory: Bool {
        get throws { try StateFiles.list(store.directory) != nil }
    }

    /// The line the listings print instead of an empty table when there is no state
    /// directory; nil when there is one.
    public func noStateDirectoryNote() throws -> String? {
        try hasStateDirectory ? nil
            : PoolListingNote.noStateDirectory(network: network, directory: store.directory) + "\n"
    }
}
