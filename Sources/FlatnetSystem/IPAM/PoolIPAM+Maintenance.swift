import FlatnetCore

extension PoolIPAM {
    /// GC (CNI): releases every lease whose owner is not in `valid`.
    public func collectGarbage(
        keeping valid: Set<Attachment>
    ) throws -> (released: [PoolLease], problems: [String]) {
        try collectGarbage { !valid.contains($0.owner) }
    }

    /// GC: releases every lease `isStale` picks, removes owner links that hold nothing,
    /// and temp files a killed process left. `isStale` runs under the pool lock, so no
    /// ADD can lease between the decision and the release (an earlier `ipam gc` decided
    /// outside it and released leases of ADDs in flight). With `dryRun` nothing changes
    /// and the leases that would go are returned. Keeps going past errors and returns
    /// them all (unreadable leases among them: they are never released).
    public func collectGarbage(dryRun: Bool = false, isStale: (PoolLease) throws -> Bool)
        throws -> (released: [PoolLease], problems: [String]) {
        let outcome = try store.withLocked(create: false) { state -> ([PoolLease], [String]) in
            let (leases, listProblems) = try state.leases()
            let stale = try leases.filter(isStale)
            if dryRun { return (stale, listProblems) }
            var problems = listProblems, released: [PoolLease] = []
            for lease in stale {
                do {
                    try StateFiles.remove(state.leasePath(lease.address))
                    released.append(lease)
                } catch {
                    problems.append("\(error)")
                }
            }
            problems += removeIdleOwnerLinks(state)
            problems += removeTemporaryFiles()
            if !released.isEmpty { try? StateFiles.syncDirectory(of: state.leasePath(released[0].address)) }
            return (released, problems)
        }
        return outcome ?? ([], [])
    }

    /// Owner links whose lease is gone or belongs to someone else hold nothing.
    private func removeIdleOwnerLinks(_ state: LockedPoolState) -> [String] {
        var problems: [String] = []
        let directory = store.directory + "/owners"
        for name in (try? StateFiles.list(directory)) ?? [] where !name.hasPrefix(".tmp.") {
            let path = directory + "/" + name
            do {
                let target = try StateFiles.readLink(path).flatMap { IPv4Address($0) }
                let holder = try target.flatMap { try state.holder(of: $0) }
                if holder?.storeKey != name { try StateFiles.remove(path) }
            } catch {
                problems.append("\(error)")
            }
        }
        return problems
    }

    private func removeTemporaryFiles() -> [String] {
        var problems: [String] = []
        for directory in [store.directory, store.directory + "/addresses", store.directory + "/owners"] {
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
        let usage: (held: Int, capacity: Int)
        let unreadable: [String]
        do {
            usage = try self.usage()
            unreadable = try leases().problems
        } catch {
            let cause = CNIErrorMapping.cniError(for: error)
            throw CNIError(.notAvailableDegraded, "IPAM state of network \(pool.network) is unreadable",
                           details: "\(cause.message) \(cause.details)")
        }
        if !unreadable.isEmpty {
            throw CNIError(.notAvailableDegraded,
                           "\(unreadable.count) lease(s) of network \(pool.network) cannot be read",
                           details: unreadable.joined(separator: "; ")
                               + "; they count as held: check them with flatnet doctor")
        }
        if usage.held >= usage.capacity {
            throw CNIError(.notAvailable, "the pool of network \(pool.network) is exhausted",
                           details: "\(usage.held) of \(usage.capacity) addresses held"
                               + " in \(pool.rangesDescription)")
        }
    }

    /// Under the lock, so a foreign or corrupt directory is reported, not counted.
    public func usage() throws -> (held: Int, capacity: Int) {
        let held = try store.withLocked(create: false) { _ in
            let names = try StateFiles.list(store.directory + "/addresses") ?? []
            return names.compactMap { IPv4Address($0) }.filter { pool.isAllocatable($0) }.count
        }
        return (held ?? 0, pool.capacity)
    }

    /// Every lease, for listings (under the lock, so the view is consistent).
    public func leases() throws -> (leases: [PoolLease], problems: [String]) {
        try store.withLocked(create: false) { try $0.leases() } ?? ([], [])
    }
}

extension PoolIPAM {
    /// The dry run's IPAM decision: what ADD would hand `owner` now, read under the lock
    /// and written nowhere (a missing state directory reads as an empty pool).
    public func preview(for owner: Attachment, requested: [IPAddress]) throws -> AllocationDecision {
        let allocator = PoolAllocator(pool: pool)
        if let decision = try store.withLocked(create: false, {
            try allocator.decide(for: owner, requested: requested, table: $0)
        }) {
            return decision
        }
        return try allocator.decide(for: owner, requested: requested, table: EmptyLeaseTable())
    }

    /// The dry run's view of `LeaseHistory`: would leasing `address` now be its first
    /// lease? (A pool with no state yet has leased nothing.)
    public func wouldBeFirstLease(_ address: IPv4Address) throws -> Bool {
        try store.withLocked(create: false) { try $0.leaseHistory().neverLeased(address) } ?? true
    }
}

/// A pool with no state yet.
struct EmptyLeaseTable: LeaseTable {
    func state(of address: IPv4Address) -> LeaseState { .free }
    func recordedAddress(of owner: Attachment) -> IPv4Address? { nil }
    func lastAllocated() -> IPv4Address? { nil }
}

extension PoolIPAM {
    /// Per range: addresses held and addresses the range can hand out.
    public func usageByRange() throws -> [(range: AddressRange, held: Int, capacity: Int)] {
        let held = try leases().leases.map(\.address)
        return pool.ranges.map { range in
            var capacity = 0
            for value in range.start.value...range.end.value
                where pool.neverAllocatedReason(IPv4Address(value)) == nil {
                capacity += 1
            }
            return (range, held.filter { range.contains($0) }.count, capacity)
        }
    }

    /// Releases whatever lease holds `address` (operator release by address). Returns the
    /// owner it belonged to, or nil when the address was free. With `dryRun`, only says.
    public func release(address: IPv4Address, dryRun: Bool = false) throws -> Attachment? {
        let owner = try store.withLocked(create: false) { state -> Attachment? in
            guard let owner = try state.holder(of: address) else { return nil }
            if !dryRun { try state.release(owner) }
            return owner
        } ?? nil
        if dryRun { return owner }
        if owner != nil { try StateFiles.syncDirectory(at: store.directory + "/addresses") }
        return owner
    }
}
