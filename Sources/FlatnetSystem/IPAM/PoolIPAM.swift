import FlatnetCore

/// flatnet's address pool for one network: the allocator's decisions applied to the
/// store under its lock, one address per family. Used in-process by the flatnet plugin
/// and by `flatnet-ipam`.
public struct PoolIPAM: Sendable {
    /// How long to wait for the pool lock before answering "try again later" (code 11).
    /// FLATNET_LOCK_TIMEOUT_MS overrides it (operations and tests).
    public static let defaultLockTimeoutMilliseconds = 10_000

    /// One pool per range set, IPv4 first.
    public let pools: [AddressPool]
    public let config: PoolConfig
    public let store: PoolStore
    public let network: String

    public init(network: NetworkConfig, pool config: PoolConfig, lockTimeoutMilliseconds: Int) {
        self.config = config
        self.network = network.name
        pools = config.rangeSets.map {
            AddressPool(network: network.name, rangeSet: $0,
                        reservedAddress: network.metadata?.reservedAddress)
        }
        store = PoolStore(dataDirectory: config.dataDirectory, network: network.name,
                          lockTimeoutMilliseconds: lockTimeoutMilliseconds,
                          families: pools.map(\.family))
    }

    /// ADD: the addresses `owner` holds (one per family), leasing those it holds none of.
    public func acquire(for owner: Attachment, requested: [IPAddress]) throws -> [IPAddress] {
        try acquireLease(for: owner, requested: requested).addresses
    }

    /// ADD, and whether the IPv4 address was never leased from this pool before
    /// (`LeaseHistory`; false for an address the owner already held, or no IPv4). With
    /// `workload`, the addresses it keeps when it has a reservation, else new ones kept
    /// for it from now on (README.md#addresses-that-follow-their-workload).
    public func acquireLease(
        for owner: Attachment, requested: [IPAddress], workload: String? = nil
    ) throws -> (addresses: [IPAddress], firstLease: Bool) {
        let requests = try PoolAllocator.requests(requested, network: network, families: pools.map(\.family))
        let expiry = config.reservations?.expirySeconds
        let acquired = try store.withLocked(create: true) { locked -> ([IPAddress], Bool, [IPFamily]) in
            var undo: [() throws -> Void] = []
            do {
                var addresses: [IPAddress] = [], firstLease = false, changed: [IPFamily] = []
                for pool in pools {
                    let state = locked.expiring(after: expiry).state(pool.family)
                    let step = try acquire(in: pool, for: owner, request: requests[pool.family],
                                           workload: workload, state: state)
                    addresses.append(step.address)
                    if let revert = step.undo { undo.append(revert); changed.append(pool.family) }
                    if pool.family == .ipv4 { firstLease = step.firstLease }
                }
                return (addresses, firstLease, changed)
            } catch {
                // All families or none: an ADD that fails leaves no lease behind.
                for revert in undo.reversed() { try? revert() }
                throw error
            }
        }
        // Durable before ADD answers, but fsynced outside the lock: a lease others see
        // before it is durable only steers them to another address; a crash before
        // this point loses a lease nobody was told about.
        try syncLeaseDirectories(acquired!.2)
        return (acquired!.0, acquired!.1)
    }

    /// One family's part of ADD: the address, whether it is a first lease, and how to
    /// take the change back (nil when nothing changed) if another family fails.
    private func acquire(
        in pool: AddressPool, for owner: Attachment, request: IPAddress?, workload: String?,
        state: LockedPoolState
    ) throws -> (address: IPAddress, firstLease: Bool, undo: (() throws -> Void)?) {
        if let workload, try !state.holds(owner),
           let kept = try state.attachReserved(owner, workload: workload, request: request, pool: pool) {
            return (kept.address, false, kept.undo)
        }
        switch try PoolAllocator(pool: pool).decide(for: owner, request: request, table: state) {
        case .alreadyHeld(let address):
            try state.recordOwnership(of: address, by: owner)
            return (address, false, nil)
        case .lease(let address):
            if let workload { try state.index(address, for: workload) }
            let first = try state.lease(address, to: owner, workload: workload, advanceCursor: request == nil)
            return (address, first, { try state.unlease(address, owner: owner, workload: workload) })
        }
    }

    /// DEL: releases what `owner` holds in every family, a family the netconf no longer
    /// has included (its leases stay on disk until released). Nothing held, or no state
    /// at all, is success.
    public func release(for owner: Attachment) throws {
        let released = try store.withLocked(create: false) { locked in
            try IPFamily.allCases.compactMap { try locked.state($0).release(owner) }
        } ?? []
        try syncLeaseDirectories(released.map(\.family))
    }

    /// The addresses `owner` holds, IPv4 first, in every family on disk (read under the
    /// lock, changing nothing).
    public func addresses(heldBy owner: Attachment) throws -> [IPAddress] {
        try store.withLocked(create: false) { locked -> [IPAddress] in
            try IPFamily.allCases.compactMap { family -> IPAddress? in
                let state = locked.state(family)
                guard let address = try state.recordedAddress(of: owner),
                      try state.holder(of: address) == owner else { return nil }
                return address
            }
        } ?? []
    }

    /// CHECK: `owner` must hold an address of every family, and each of `expected`.
    public func verify(for owner: Attachment, expected: [IPAddress]) throws {
        let held = try addresses(heldBy: owner)
        for pool in pools where !held.contains(where: { $0.family == pool.family }) {
            guard let missing = expected.first(where: { $0.family == pool.family }) else {
                throw IPAMError.familyNotHeld(owner, family: pool.family)
            }
            throw IPAMError.notHeld(owner, expected: missing)
        }
        if let missing = expected.first(where: { !held.contains($0) }) {
            throw IPAMError.notHeld(owner, expected: missing)
        }
    }

    /// The lease directories of `families` (fsynced after a change in them).
    func syncLeaseDirectories(_ families: [IPFamily]) throws {
        for family in Set(families).sorted() {
            try StateFiles.syncDirectory(at: LockedPoolState(root: store.directory, family: family)
                .directory + "/addresses")
        }
    }
}
