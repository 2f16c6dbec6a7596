/// flatnet-ipam's pool shared by every host of a network, in a cluster store (etcd v3;
/// README.md#one-pool-for-the-cluster). Pure: all state goes through `KeyValueStore`.
///
/// Allocation is optimistic. Each attempt picks a candidate per family with the local
/// pool's allocator, starting at a point derived from the node, the attachment and the
/// attempt (so hosts spread over the ranges instead of racing for the same next address),
/// and commits one transaction that creates the owner key and every address key only if
/// all are absent. A lost race teaches which addresses are taken and the next attempt
/// starts elsewhere; after a few losses one listing of the family's keys makes the
/// allocator see the pool as it is (so a nearly full pool is walked, not probed).
public final class ClusterPool {
    public let store: any KeyValueStore
    public let keys: ClusterKeys
    /// One per family, IPv4 first: the ranges every host of the network shares.
    public let pools: [AddressPool]
    /// This host's node name, recorded with every lease (GC touches only its own).
    public let node: String
    /// `ipam.reservations.expirySeconds`: how long a reserved address attached nowhere
    /// stays its workload's.
    public var reservationExpirySeconds: Int?
    /// The wall clock in seconds since 1970 (the shell's; tests give their own).
    public let now: () -> Int64

    /// Attempts before an ADD gives up with "try again later" (only reached when other
    /// hosts keep taking the candidates first).
    static let maximumAttempts = 24
    /// Lost races before the allocator lists the family's keys.
    static let attemptsBeforeListing = 2

    public init(store: any KeyValueStore, keys: ClusterKeys, pools: [AddressPool], node: String,
                now: @escaping () -> Int64) {
        self.store = store
        self.keys = keys
        self.pools = pools
        self.node = node
        self.now = now
    }

    public var network: String { pools.first?.network ?? "" }

    /// ADD: the owner's addresses, one per family; the same ones when it already holds them.
    /// With `workload`, the workload's reserved addresses when it has a reservation, else
    /// new ones that the same transaction reserves for it.
    public func acquire(for owner: Attachment, requested: [IPAddress],
                        workload: String? = nil) throws -> [IPAddress] {
        let requests = try PoolAllocator.requests(requested, network: network, families: pools.map(\.family))
        var known = KnownLeases()
        for attempt in 0..<Self.maximumAttempts {
            if let entry = try store.get(keys.owner(owner)) {
                let held = try ownerRecord(entry)
                // Another node's attachment with the same id: its address is not ours to return.
                guard held.node == node else { throw IPAMError.attachedOnOtherNode(owner, node: held.node) }
                let addresses = try confirmed(held.addresses, owner: owner, requests: requests)
                if try touched(entry) { return addresses }
                continue
            }
            // Before the reservation's branch too: the family it lacks is chosen from this view.
            if attempt >= Self.attemptsBeforeListing, !known.listed { try known.list(self) }
            known.expire(after: reservationExpirySeconds, now: now())
            if let workload, let reservation = try store.get(keys.reservation(workload)) {
                let table = { known.table(start: self.startPoint($0, owner: owner, attempt: attempt)) }
                if let addresses = try attachReserved(owner, workload: workload, reservation: reservation,
                                                      requests: requests, table: table) {
                    return addresses
                }
                continue
            }
            let decisions = try pools.map { pool in
                try PoolAllocator(pool: pool).decide(
                    for: owner, request: requests[pool.family],
                    table: known.table(start: startPoint(pool, owner: owner, attempt: attempt)))
            }
            let transaction = leaseTransaction(owner, decisions: decisions, known: known, workload: workload)
            let result = try store.commit(transaction)
            if result.succeeded { return decisions.map(\.address) }
            known.learn(zip(decisions.map(\.address), result.reads.dropFirst()))
        }
        throw CNIError(.tryAgainLater, "the cluster pool of network \(network) stayed contended",
                       details: "\(Self.maximumAttempts) transactions lost to other hosts; try again")
    }

    /// A repeated ADD rewrites its owner key as read: an `ipam gc` that listed the key
    /// before this ADD's veth existed releases only the key as listed, and now fails.
    /// False: changed meanwhile, or maybe rewritten with its answer lost; the caller reads
    /// again (a store still unavailable throws there, as a read-only repeated ADD did).
    func touched(_ entry: StoreEntry) throws(StoreError) -> Bool {
        let unchanged = StoreComparison.unchangedSince(entry.key, modRevision: entry.modRevision)
        let touch = StoreTransaction(comparisons: [unchanged],
                                     onSuccess: [.put(entry.key, value: entry.value)])
        do {
            return try store.commit(touch).succeeded
        } catch {
            guard case .unavailable = error else { throw error }
            return false
        }
    }

    /// The owner's addresses by its owner key, or nil when it holds none.
    public func heldAddresses(of owner: Attachment) throws -> [IPAddress]? {
        try heldRecord(of: owner)?.addresses
    }

    /// The owner's record (its addresses and the node that made it), or nil when it holds none.
    public func heldRecord(of owner: Attachment) throws -> ClusterOwnerRecord? {
        try store.get(keys.owner(owner)).map(ownerRecord)
    }

    func ownerRecord(_ entry: StoreEntry) throws -> ClusterOwnerRecord {
        guard let record = ClusterOwnerRecord(json: entry.value) else {
            throw IPAMError.corruptState(path: entry.key, reason: "not a flatnet owner record")
        }
        return record
    }

    /// An ADD repeated returns what the owner holds, unless it asks for another address.
    func confirmed(_ held: [IPAddress], owner: Attachment,
                   requests: [IPFamily: IPAddress]) throws -> [IPAddress] {
        for (family, request) in requests {
            if let current = held.first(where: { $0.family == family }), current != request {
                throw IPAMError.ownerHoldsOther(owner, held: current, requested: request)
            }
        }
        return held
    }

    /// Creates the owner key and the new address keys if all are absent (an address the
    /// owner already holds by its key must be unchanged); on failure reads them back.
    func leaseTransaction(_ owner: Attachment, decisions: [AllocationDecision],
                          known: KnownLeases, workload: String?) -> StoreTransaction {
        let ownerKey = keys.owner(owner)
        var comparisons: [StoreComparison] = [.absent(ownerKey)]
        var puts: [StoreOperation] = []
        if let workload {
            let reservation = ClusterReservationRecord(addresses: decisions.map(\.address))
            comparisons.append(.absent(keys.reservation(workload)))
            puts.append(.put(keys.reservation(workload), value: reservation.json))
        }
        let lease = ClusterLeaseRecord(owner: owner, node: node, workload: workload).json
        for decision in decisions {
            let key = keys.address(decision.address)
            if let expired = known.expired[decision.address], let revision = known.revisions[decision.address] {
                // An expired reservation's address: taken only as it was read, and the
                // reservation goes with it.
                comparisons.append(.unchangedSince(key, modRevision: revision))
                puts.append(.delete(keys.reservation(expired)))
            } else if case .alreadyHeld = decision, let revision = known.revisions[decision.address] {
                comparisons.append(.unchangedSince(key, modRevision: revision))
            } else {
                comparisons.append(.absent(key))
            }
            puts.append(.put(key, value: lease))
        }
        let record = ClusterOwnerRecord(addresses: decisions.map(\.address), node: node)
        let reads: [StoreOperation] = [.get(ownerKey)] + decisions.map { .get(keys.address($0.address)) }
        return StoreTransaction(comparisons: comparisons, onSuccess: puts + [.put(ownerKey, value: record.json)],
                                onFailure: reads)
    }

    /// A reserved workload's next attachment: its addresses, if each is reserved for it and
    /// attached nowhere, plus a new one (reserved too) for a family the reservation lacks.
    /// Nil when another writer got in between (the caller tries again).
    func attachReserved(_ owner: Attachment, workload: String, reservation: StoreEntry,
                        requests: [IPFamily: IPAddress],
                        table: (AddressPool) -> KnownLeaseTable) throws -> [IPAddress]? {
        guard let record = ClusterReservationRecord(json: reservation.value) else {
            throw IPAMError.corruptState(path: reservation.key, reason: "not a flatnet reservation record")
        }
        let addresses = record.addresses.filter { address in pools.contains { $0.family == address.family } }
        try checkAllocatable(addresses, workload: workload)
        for (family, request) in requests
            where addresses.contains(where: { $0.family == family }) && !addresses.contains(request) {
            throw IPAMError.requestReserved(request, workload: workload)
        }
        let ownerKey = keys.owner(owner)
        var comparisons: [StoreComparison] = [
            .absent(ownerKey), .unchangedSince(reservation.key, modRevision: reservation.modRevision),
        ]
        var puts: [StoreOperation] = []
        for address in addresses {
            let key = keys.address(address)
            if let entry = try store.get(key) {
                let lease = ClusterLeaseRecord(json: entry.value)
                if let holder = lease?.owner {
                    throw IPAMError.reservationInUse(address, workload: workload, by: holder,
                                                     node: lease?.node ?? "")
                }
                guard lease?.workload == workload else {
                    throw IPAMError.requestReserved(address,
                                                    workload: lease?.workload ?? "an unreadable record")
                }
                comparisons.append(.unchangedSince(key, modRevision: entry.modRevision))
            } else {
                comparisons.append(.absent(key))
            }
            let lease = ClusterLeaseRecord(owner: owner, node: node, workload: workload)
            puts.append(.put(key, value: lease.json))
        }
        let added = try missingFamilies(of: addresses, owner: owner, requests: requests, table: table)
        for address in added {
            comparisons.append(.absent(keys.address(address)))
            puts.append(.put(keys.address(address),
                             value: ClusterLeaseRecord(owner: owner, node: node, workload: workload).json))
        }
        if !added.isEmpty {
            let extended = ClusterReservationRecord(addresses: record.addresses + added)
            puts.append(.put(reservation.key, value: extended.json))
        }
        let all = pools.compactMap { pool in (addresses + added).first { $0.family == pool.family } }
        puts.append(.put(ownerKey, value: ClusterOwnerRecord(addresses: all, node: node).json))
        let result = try store.commit(StoreTransaction(comparisons: comparisons, onSuccess: puts))
        return result.succeeded ? all : nil
    }

    /// For each family the pool has and `reserved` lacks (a reservation made before the
    /// network gained IPv6, or created by hand with one family): a candidate, as a new ADD
    /// would choose it. The caller's transaction creates it only if absent.
    func missingFamilies(of reserved: [IPAddress], owner: Attachment, requests: [IPFamily: IPAddress],
                         table: (AddressPool) -> KnownLeaseTable) throws -> [IPAddress] {
        var added: [IPAddress] = []
        for pool in pools where !reserved.contains(where: { $0.family == pool.family }) {
            added.append(try PoolAllocator(pool: pool).decide(for: owner, request: requests[pool.family],
                                                              table: table(pool)).address)
        }
        return added
    }

    /// A reservation made under an earlier netconf may name what this one never hands out.
    func checkAllocatable(_ addresses: [IPAddress], workload: String) throws {
        for address in addresses {
            try pools.first { $0.family == address.family }?.checkKeepable(address, workload: workload)
        }
    }

    /// Where this attempt's walk starts: a point in the ranges from a hash of the node,
    /// the attachment and the attempt. Not random, so a run can be replayed.
    func startPoint(_ pool: AddressPool, owner: Attachment, attempt: Int) -> IPAddress? {
        let seed = [node, owner.containerID, owner.ifName, String(attempt), pool.family.name]
        let total = pool.rangeOffsets.reduce(UInt64(0)) {
            OffsetRanges.saturatingAdd($0, OffsetRanges.saturatingAdd($1.upperBound - $1.lowerBound, 1))
        }
        guard total > 0 else { return nil }
        var pick = StableHash.digest(seed.joined(separator: "/")) % total
        for range in pool.rangeOffsets {
            let span = range.upperBound - range.lowerBound
            if pick <= span { return pool.space.address(at: range.lowerBound + pick) }
            pick -= span + 1
        }
        return nil
    }
}

/// What failed transactions and listings taught an ADD about addresses held elsewhere.
struct KnownLeases {
    var states: [IPAddress: LeaseState] = [:]
    var revisions: [IPAddress: Int64] = [:]
    /// Reserved addresses whose reservation expired: free, by the workload they were kept for.
    var expired: [IPAddress: String] = [:]
    var releasedAt: [IPAddress: Int64] = [:]
    var listed = false

    /// Reserved addresses attached nowhere for longer than `seconds` become free.
    mutating func expire(after seconds: Int?, now: Int64) {
        guard let seconds else { return }
        for (address, released) in releasedAt where now - released > Int64(seconds) {
            if case .reserved(let workload) = states[address] {
                states[address] = .free
                expired[address] = workload
            }
        }
    }

    mutating func learn(_ reads: some Sequence<(IPAddress, StoreEntry?)>) {
        for (address, entry) in reads {
            guard let entry else { continue }
            record(address, entry)
        }
    }

    mutating func record(_ address: IPAddress, _ entry: StoreEntry) {
        revisions[address] = entry.modRevision
        let record = ClusterLeaseRecord(json: entry.value)
        states[address] = record.map(\.state) ?? .unreadable(reason: "\(entry.key) is not a flatnet lease record")
        releasedAt[address] = record?.owner == nil ? record?.releasedAt : nil
        expired[address] = nil
    }

    mutating func list(_ pool: ClusterPool) throws {
        for family in pool.pools.map(\.family) {
            for entry in try pool.store.list(prefix: pool.keys.addresses(family)) {
                guard let address = pool.keys.address(fromKey: entry.key, family: family) else { continue }
                record(address, entry)
            }
        }
        listed = true
    }

    func table(start: IPAddress?) -> KnownLeaseTable { KnownLeaseTable(states: states, start: start) }
}

/// The allocator's view: what is known held is held, anything else is tried.
struct KnownLeaseTable: LeaseTable {
    let states: [IPAddress: LeaseState]
    let start: IPAddress?

    func state(of address: IPAddress) -> LeaseState { states[address] ?? .free }
    func recordedAddress(of owner: Attachment) -> IPAddress? { nil }
    func lastAllocated() -> IPAddress? { start }
}

