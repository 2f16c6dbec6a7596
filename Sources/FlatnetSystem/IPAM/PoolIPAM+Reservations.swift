import FlatnetCore

/// `flatnet ipam reservations` on a pool on this host's disk: under the pool lock, so a
/// concurrent ADD sees the reservation whole or not at all.
extension PoolIPAM: ReservationBook {
    public func reservationList() throws -> [(workload: String, addresses: [IPAddress]?)] {
        let kept = try store.withLocked(create: false) { locked in
            try IPFamily.allCases.flatMap { try locked.state($0).reservations() }
        } ?? []
        var byWorkload: [String: [IPAddress]] = [:]
        for (workload, address) in kept { byWorkload[workload, default: []].append(address) }
        return byWorkload.keys.sorted().map { ($0, byWorkload[$0]!.sorted()) }
    }

    /// Every index first, then every lease: a create cut short by a crash leaves indices
    /// (which the workload's ADD honours) and the same create run again completes it.
    public func reserve(workload: String, addresses: [IPAddress]) throws {
        let requests = try PoolAllocator.requests(addresses, network: network, families: pools.map(\.family))
        let changed = try store.withLocked(create: true) { locked -> [IPFamily] in
            let wanted = pools.compactMap { pool in
                requests[pool.family].map { (pool, locked.state(pool.family), $0) }
            }
            try Self.checkRetry(workload, addresses: addresses, states: pools.map { locked.state($0.family) })
            var missing: [(LockedPoolState, IPAddress)] = []
            for (pool, state, address) in wanted where try !state.keeps(address, for: workload) {
                try Self.checkReservable(address, pool: pool, state: state)
                missing.append((state, address))
            }
            for (_, state, address) in wanted where try state.reservedAddress(of: workload) != address {
                try state.index(address, for: workload)
            }
            for (state, address) in missing { try state.keep(address, for: workload) }
            return missing.map(\.1.family)
        }
        try syncLeaseDirectories(changed ?? [])
    }

    /// A workload with a reservation may only be given the same one again: a retry of a
    /// create whose answer was lost, or that a crash cut short (its indices, some of its
    /// leases). Part of it kept and the rest never indexed is an earlier, smaller create.
    private static func checkRetry(_ workload: String, addresses: [IPAddress],
                                   states: [LockedPoolState]) throws {
        var existing: [IPAddress] = [], kept = false
        for state in states {
            guard let address = try state.keptAddress(of: workload) else { continue }
            existing.append(address)
            kept = try kept || state.keeps(address, for: workload)
        }
        guard existing.allSatisfy(addresses.contains), existing.count == addresses.count || !kept else {
            throw IPAMError.reservationExists(workload: workload)
        }
    }

    /// A reservation made by hand must name an address ADD could hand out, held by nobody.
    private static func checkReservable(_ address: IPAddress, pool: AddressPool,
                                        state: LockedPoolState) throws {
        try pool.checkAllocatable(address)
        switch try state.record(at: address) {
        case .absent: return
        case .entry(.held(let owner, _)): throw IPAMError.requestHeld(address, by: owner)
        case .entry(.reserved(let other, _)): throw IPAMError.requestReserved(address, workload: other)
        case .unreadable(let reason): throw IPAMError.requestUnreadable(address, reason: reason)
        }
    }

    public func releaseReservation(workload: String, dryRun: Bool) throws -> [IPAddress] {
        let released = try store.withLocked(create: false) { locked in
            try IPFamily.allCases.compactMap { family -> IPAddress? in
                let state = locked.state(family)
                return dryRun ? try state.keptAddress(of: workload) : try state.dropReservation(of: workload)
            }
        } ?? []
        if !dryRun { try syncLeaseDirectories(released.map(\.family)) }
        return released
    }
}
