import FlatnetCore

/// What `flatnet ipam release`, `list` and `usage` need beyond the plugin's verbs.
extension PoolIPAM {
    /// `ipam release --address`: releases whatever lease holds `address` and says what
    /// happened. Throws `IPAMError.releaseOutsideSubnet` for an address the network
    /// cannot hold.
    public func operatorRelease(address: IPAddress, dryRun: Bool) throws -> IPAMReleaseOutcome {
        try IPAMReleaseOutcome.checkReleasable(address, from: pools)
        let workload = try recordedWorkload(of: address)
        guard let owner = try release(address: address, dryRun: dryRun) else {
            return workload.map { .addressReserved(address, workload: $0) } ?? .addressNotHeld(address)
        }
        return .released([address], owner: owner, dryRun: dryRun, keptFor: workload)
    }

    /// The workload `address`'s lease record names (attached or kept), if any.
    func recordedWorkload(of address: IPAddress) throws -> String? {
        try store.withLocked(create: false) { locked -> String? in
            switch try locked.state(address.family).record(at: address) {
            case .entry(.reserved(let workload, _)), .entry(.held(_, let workload?)): return workload
            default: return nil
            }
        } ?? nil
    }

    /// `ipam release --container ID [--ifname NAME]`.
    public func operatorRelease(owner: Attachment, dryRun: Bool) throws -> IPAMReleaseOutcome {
        let addresses = try addresses(heldBy: owner)
        guard !addresses.isEmpty else { return .ownerHoldsNothing(owner) }
        let workload = try addresses.compactMap { try recordedWorkload(of: $0) }.first
        if !dryRun { try release(for: owner) }
        return .released(addresses, owner: owner, dryRun: dryRun, keptFor: workload)
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
