import FlatnetCore

extension PoolIPAM {
    /// GC (CNI): releases every lease whose owner is not in `valid`.
    public func collectGarbage(
        keeping valid: Set<Attachment>
    ) throws -> (released: [PoolLease], problems: [String]) {
        try collectGarbage { !valid.contains($0.owner) }
    }

    /// GC: releases every lease `isStale` picks (one reserved for a workload stays kept for
    /// it, as after its DEL), removes owner links that hold nothing,
    /// and temp files a killed process left. `isStale` runs under the pool lock, so no
    /// ADD can lease between the decision and the release (an earlier `ipam gc` decided
    /// outside it and released leases of ADDs in flight). With `dryRun` nothing changes
    /// and the leases that would go are returned. Keeps going past errors and returns
    /// them all (unreadable leases among them: they are never released).
    public func collectGarbage(dryRun: Bool = false, isStale: (PoolLease) throws -> Bool)
        throws -> (released: [PoolLease], problems: [String]) {
        let outcome = try store.withLocked(create: false) { locked -> ([PoolLease], [String]) in
            var released: [PoolLease] = [], problems: [String] = []
            // Every family on disk: one the netconf dropped still has leases to collect.
            for family in IPFamily.allCases {
                let state = locked.state(family)
                let (leases, listProblems) = try state.leases()
                let stale = try leases.filter(isStale)
                problems += listProblems
                if dryRun { released += stale; continue }
                var releasedHere: [PoolLease] = []
                for lease in stale {
                    do {
                        try state.free(lease.address, keptFor: lease.workload)
                        releasedHere.append(lease)
                    } catch {
                        problems.append("\(error)")
                    }
                }
                problems += removeIdleOwnerLinks(state) + removeTemporaryFiles(state)
                if !releasedHere.isEmpty { try? StateFiles.syncDirectory(at: state.directory + "/addresses") }
                released += releasedHere
            }
            return (released, problems)
        }
        return outcome ?? ([], [])
    }

    /// Owner links whose lease is gone or belongs to someone else hold nothing.
    private func removeIdleOwnerLinks(_ state: LockedPoolState) -> [String] {
        var problems: [String] = []
        let directory = state.directory + "/owners"
        for name in (try? StateFiles.list(directory)) ?? [] where !name.hasPrefix(".tmp.") {
            let path = directory + "/" + name
            do {
                let target = try StateFiles.readLink(path).flatMap { state.address($0) }
                let holder = try target.flatMap { try state.holder(of: $0) }
                if holder?.storeKey != name { try StateFiles.remove(path) }
            } catch {
                problems.append("\(error)")
            }
        }
        return problems
    }

    private func removeTemporaryFiles(_ state: LockedPoolState) -> [String] {
        var problems: [String] = []
        let directories = ["", "/addresses", "/owners", "/reservations"].map { state.directory + $0 }
        for directory in directories {
            for name in (try? StateFiles.list(directory)) ?? [] where name.hasPrefix(".tmp.") {
                do { try StateFiles.remove(directory + "/" + name) } catch { problems.append("\(error)") }
            }
        }
        return problems
    }

    /// Pool usage: held addresses of this pool against its capacity.
    /// STATUS: code 50 when the pool is exhausted (no ADD can succeed), 51 when its state
    /// cannot be read (ADDs fail, and DEL of existing containers may fail too) or holds
    /// leases that cannot be read (counted as held: whoever uses those addresses is
    /// unknown, so an operator must look).
    public func checkStatus() throws {
        let byFamily: [(pool: AddressPool, usage: (held: Int, capacity: UInt64))]
        let unreadable: [String]
        do {
            byFamily = try usageByFamily()
            unreadable = try leases().problems
        } catch {
            let cause = CNIErrorMapping.cniError(for: error)
            throw CNIError(.notAvailableDegraded, "IPAM state of network \(network) is unreadable",
                           details: "\(cause.message) \(cause.details)")
        }
        if !unreadable.isEmpty {
            throw CNIError(.notAvailableDegraded,
                           "\(unreadable.count) lease(s) of network \(network) cannot be read",
                           details: unreadable.joined(separator: "; ")
                               + "; they count as held: check them with flatnet doctor")
        }
        for (pool, usage) in byFamily where UInt64(usage.held) >= usage.capacity {
            throw CNIError(.notAvailable, "the \(pool.family.name) pool of network \(network) is exhausted",
                           details: "\(usage.held) of \(usage.capacity) addresses held"
                               + " in \(pool.rangesDescription)")
        }
    }

    /// Held addresses against capacity, all families together (a dual-stack container
    /// holds one of each).
    public func usage() throws -> (held: Int, capacity: UInt64) {
        try usageByFamily().reduce((0, 0)) { total, entry in
            let (sum, overflow) = total.1.addingReportingOverflow(entry.usage.capacity)
            return (total.0 + entry.usage.held, overflow ? .max : sum)
        }
    }

    /// Per family: held addresses of its pool against its capacity.
    public func usageByFamily() throws -> [(pool: AddressPool, usage: (held: Int, capacity: UInt64))] {
        zip(pools, try heldAddresses()).map { pool, held in (pool, (held.count, pool.capacity)) }
    }

    /// Per pool (IPv4 first): its addresses no ADD can have now: leased, unreadable (counted
    /// as held) or kept for a workload, but not a reservation past the netconf's expiry
    /// (the next ADD takes it, so STATUS must not call the pool exhausted). Listing names
    /// is enough without an expiry; with one, each record is read. Under the lock, so a
    /// foreign or corrupt directory is reported, not counted.
    func heldAddresses() throws -> [[IPAddress]] {
        let expiry = config.reservations?.expirySeconds
        let held = try store.withLocked(create: false) { locked in
            try pools.map { pool in
                let state = locked.expiring(after: expiry).state(pool.family)
                let names = try StateFiles.list(state.directory + "/addresses") ?? []
                return try names.compactMap { state.address($0) }.filter { address in
                    try pool.isAllocatable(address) && (expiry == nil || state.state(of: address) != .free)
                }
            }
        }
        return held ?? pools.map { _ in [] }
    }

    /// Every lease of every family on disk, for listings (under the lock, so the view is
    /// consistent).
    public func leases() throws -> (leases: [PoolLease], problems: [String]) {
        try store.withLocked(create: false) { locked in
            try IPFamily.allCases.reduce(([PoolLease](), [String]())) { total, family in
                let (leases, problems) = try locked.state(family).leases()
                return (total.0 + leases, total.1 + problems)
            }
        } ?? ([], [])
    }
}

extension PoolIPAM {
    /// The dry run's IPAM decision: what ADD would hand `owner` now, read under the lock
    /// and written nowhere (a missing state directory reads as an empty pool). As for an
    /// ADD without a workload: a reserved workload's ADD gets the address it keeps.
    public func preview(for owner: Attachment, requested: [IPAddress]) throws -> [AllocationDecision] {
        let decide = { (table: (IPFamily) -> any LeaseTable) throws -> [AllocationDecision] in
            try PoolAllocator.decide(pools: pools, for: owner, requested: requested, table: table)
        }
        let expiry = config.reservations?.expirySeconds
        let decisions = try store.withLocked(create: false) { locked in
            try decide { locked.expiring(after: expiry).state($0) }
        }
        if let decisions {
            return decisions
        }
        return try decide { _ in EmptyLeaseTable() }
    }

    /// The dry run's view of `LeaseHistory`: would leasing `address` now be its first
    /// lease? (A pool with no state yet has leased nothing.)
    public func wouldBeFirstLease(_ address: IPAddress) throws -> Bool {
        try store.withLocked(create: false) { locked in
            try locked.state(address.family).leaseHistory().neverLeased(address)
        } ?? true
    }
}

extension PoolIPAM {
    /// Per range: addresses held (as STATUS counts them: kept for a workload or unreadable
    /// too) and addresses the range can hand out.
    public func usageByRange() throws -> [(range: AddressRange, held: Int, capacity: UInt64)] {
        zip(pools, try heldAddresses()).flatMap { pool, held in
            pool.ranges.map { range in
                (range, held.filter { range.contains($0) }.count, pool.capacity(of: range))
            }
        }
    }

    /// Releases whatever lease holds `address` (operator release by address). Returns the
    /// owner it belonged to, or nil when the address was free. With `dryRun`, only says.
    public func release(address: IPAddress, dryRun: Bool = false) throws -> Attachment? {
        let owner = try store.withLocked(create: false) { locked -> Attachment? in
            let state = locked.state(address.family)
            guard let owner = try state.holder(of: address) else { return nil }
            if !dryRun { try state.release(owner) }
            return owner
        } ?? nil
        if dryRun { return owner }
        if owner != nil { try syncLeaseDirectories([address.family]) }
        return owner
    }
}
