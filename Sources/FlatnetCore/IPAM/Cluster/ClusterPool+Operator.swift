/// What `flatnet ipam` does to a pool in the cluster store: reservations made and
/// released by hand, and a dead node's leases reclaimed.
extension ClusterPool {
    /// Every reservation: the workload and its record (nil: unreadable).
    public func reservations() throws -> [(workload: String, record: ClusterReservationRecord?)] {
        try store.list(prefix: keys.reservations).map { entry in
            (String(entry.key.dropFirst(keys.reservations.count)),
             ClusterReservationRecord(json: entry.value))
        }
    }

    /// `flatnet ipam reservations create`: keeps `addresses` (one per family) for
    /// `workload` before it first runs. Each must be allocatable and held by nobody.
    public func reserve(workload: String, addresses: [IPAddress]) throws {
        let requests = try PoolAllocator.requests(addresses, network: network, families: pools.map(\.family))
        var comparisons: [StoreComparison] = [.absent(keys.reservation(workload))]
        var puts: [StoreOperation] = [.put(keys.reservation(workload),
                                           value: ClusterReservationRecord(addresses: addresses).json)]
        for pool in pools {
            guard let address = requests[pool.family] else { continue }
            try pool.checkAllocatable(address)
            comparisons.append(.absent(keys.address(address)))
            puts.append(.put(keys.address(address), value: ClusterLeaseRecord(reservedFor: workload).json))
        }
        let reads = [StoreOperation.get(keys.reservation(workload))]
            + addresses.map { .get(keys.address($0)) }
        let transaction = StoreTransaction(comparisons: comparisons, onSuccess: puts, onFailure: reads)
        let result = try store.commit(transaction)
        guard !result.succeeded else { return }
        if let existing = result.reads.first ?? nil {
            // The same reservation already there: a retry of a create whose answer was lost.
            if ClusterReservationRecord(json: existing.value)?.addresses == addresses,
               zip(addresses, result.reads.dropFirst()).allSatisfy({ _, entry in
                   entry.flatMap { ClusterLeaseRecord(json: $0.value) }?.workload == workload
               }) {
                return
            }
            throw IPAMError.reservationExists(workload: workload)
        }
        for (address, entry) in zip(addresses, result.reads.dropFirst()) {
            guard let entry else { continue }
            let record = ClusterLeaseRecord(json: entry.value)
            if let owner = record?.owner { throw IPAMError.requestHeld(address, by: owner) }
            throw IPAMError.requestReserved(address, workload: record?.workload ?? "an unreadable record")
        }
    }

    /// `flatnet ipam reservations release`: the workload no longer keeps its addresses.
    /// One attached now keeps it until its DEL; one attached nowhere is free at once.
    /// Returns the addresses the reservation held (empty: there was none).
    @discardableResult
    public func releaseReservation(workload: String, dryRun: Bool = false) throws -> [IPAddress] {
        for _ in 0..<Self.maximumAttempts {
            guard let entry = try store.get(keys.reservation(workload)) else { return [] }
            // Deleting a record it cannot read would strand the addresses it names, reserved
            // for a workload with no reservation (and the key may not even be flatnet's).
            guard let addresses = ClusterReservationRecord(json: entry.value)?.addresses else {
                throw IPAMError.corruptState(path: entry.key, reason: "not a flatnet reservation record;"
                    + " nothing released (check it and its addresses' keys with etcdctl)")
            }
            if dryRun { return addresses }
            let removed = try remove(entry, rewriting: addresses) { record in
                guard record.workload == workload else { return .keep }
                guard let owner = record.owner, let node = record.node else { return .delete }
                return .rewrite(ClusterLeaseRecord(owner: owner, node: node))
            }
            if removed { return addresses }
        }
        throw CNIError(.tryAgainLater, "the reservation of \(workload) kept changing", details: "try again")
    }

    /// `flatnet ipam release --node`: a dead node's attachments, each released as its DEL
    /// would (reserved workloads keep their addresses). Returns them.
    @discardableResult
    public func releaseNode(_ dead: String, dryRun: Bool = false) throws -> [Attachment] {
        var released: [Attachment] = []
        for (owner, record) in try owners() where record?.node == dead {
            if !dryRun { try release(for: owner, anyNode: true) }
            released.append(owner)
        }
        return released
    }
}
