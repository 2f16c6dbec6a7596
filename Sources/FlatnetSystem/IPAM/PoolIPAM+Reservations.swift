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

    public func reserve(workload: String, addresses: [IPAddress]) throws {
        let requests = try PoolAllocator.requests(addresses, network: network, families: pools.map(\.family))
        let changed = try store.withLocked(create: true) { locked -> [IPFamily] in
            let states = pools.map { locked.state($0.family) }
            let existing = try states.compactMap { try $0.reservedAddress(of: workload) }
            guard existing.isEmpty else {
                // The same reservation already there: a retry of a create whose answer was lost.
                guard existing.sorted() == addresses.sorted() else {
                    throw IPAMError.reservationExists(workload: workload)
                }
                return []
            }
            for (pool, state) in zip(pools, states) {
                guard let address = requests[pool.family] else { continue }
                try Self.checkReservable(address, pool: pool, state: state)
            }
            for (pool, state) in zip(pools, states) {
                guard let address = requests[pool.family] else { continue }
                try state.keep(address, for: workload)
            }
            return addresses.map(\.family)
        }
        try syncLeaseDirectories(changed ?? [])
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
                return dryRun ? try state.reservedAddress(of: workload) : try state.dropReservation(of: workload)
            }
        } ?? []
        if !dryRun { try syncLeaseDirectories(released.map(\.family)) }
        return released
    }
}
