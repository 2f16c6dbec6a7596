/// DEL, CHECK and GC against the cluster store.
extension ClusterPool {
    /// DEL: removes the owner key and the address keys that still name the owner (a
    /// reserved workload's are kept for it, attached nowhere), in one transaction that
    /// holds only if none changed since read. Nothing held is success, and so is an owner
    /// key another node made (the same container id there: its lease is not this DEL's),
    /// unless `anyNode` (the operator's release). An unreadable owner record still frees
    /// the address keys that name the owner: deleting only the owner key would strand them.
    /// An unreachable store throws (`StoreError.unavailable`, code 11): the runtime retries
    /// and the lease is never lost.
    public func release(for owner: Attachment, anyNode: Bool = false) throws {
        for _ in 0..<Self.maximumAttempts {
            guard let entry = try store.get(keys.owner(owner)) else { return }
            let record = ClusterOwnerRecord(json: entry.value)
            if let record, !anyNode, record.node != node { return }
            let addresses = try record?.addresses ?? addressesNaming(owner)
            // Without a readable record, the node is read off the leases: another node's stay.
            if record == nil, !anyNode, try addresses.contains(where: { try leaseNode($0, owner) != node }) {
                return
            }
            if try remove(entry, rewriting: addresses, releasing(owner)) { return }
        }
        throw CNIError(.tryAgainLater, "the cluster pool of network \(network) kept changing during DEL",
                       details: "\(Self.maximumAttempts) transactions did not hold; try again")
    }

    /// What DEL does to an address key: one naming `owner` goes, except a reserved
    /// workload's, which stays its own, attached nowhere.
    func releasing(_ owner: Attachment) -> (ClusterLeaseRecord) -> AddressChange {
        { lease in
            guard lease.owner == owner else { return .keep }
            guard let workload = lease.workload else { return .delete }
            return .rewrite(ClusterLeaseRecord(reservedFor: workload, releasedAt: self.now()))
        }
    }

    /// What becomes of an address key when the owner or reservation key naming it goes.
    enum AddressChange {
        case keep
        case delete
        case rewrite(ClusterLeaseRecord)
    }

    /// Deletes `entry` (an owner or a reservation key) and changes each of `addresses` as
    /// `change` says, in one transaction that holds only if none of them changed since
    /// read. An address whose key is gone or unreadable is left alone. False: retry.
    func remove(_ entry: StoreEntry, rewriting addresses: [IPAddress],
                _ change: (ClusterLeaseRecord) -> AddressChange) throws -> Bool {
        var comparisons: [StoreComparison] = [.unchangedSince(entry.key, modRevision: entry.modRevision)]
        var changes: [StoreOperation] = [.delete(entry.key)]
        for address in addresses {
            let key = keys.address(address)
            guard let lease = try store.get(key), let record = ClusterLeaseRecord(json: lease.value) else {
                continue
            }
            switch change(record) {
            case .keep: continue
            case .delete: changes.append(.delete(key))
            case .rewrite(let replacement): changes.append(.put(key, value: replacement.json))
            }
            comparisons.append(.unchangedSince(key, modRevision: lease.modRevision))
        }
        return try store.commit(StoreTransaction(comparisons: comparisons, onSuccess: changes)).succeeded
    }

    /// Every address (either family, whether the netconf has it or not) whose key names
    /// `owner`: what an unreadable owner record held.
    func addressesNaming(_ owner: Attachment) throws -> [IPAddress] {
        var found: [IPAddress] = []
        for family in IPFamily.allCases {
            for entry in try store.list(prefix: keys.addresses(family)) {
                guard let address = keys.address(fromKey: entry.key, family: family),
                      ClusterLeaseRecord(json: entry.value)?.owner == owner else { continue }
                found.append(address)
            }
        }
        return found
    }

    /// The node the lease of `address` records for `owner` (nil: not `owner`'s, or unreadable).
    func leaseNode(_ address: IPAddress, _ owner: Attachment) throws -> String? {
        guard let entry = try store.get(keys.address(address)),
              let record = ClusterLeaseRecord(json: entry.value), record.owner == owner else { return nil }
        return record.node
    }

    /// CHECK: the owner key names `expected` and every address key names the owner.
    public func verify(for owner: Attachment, expected: [IPAddress]) throws {
        guard let record = try heldRecord(of: owner) else {
            throw IPAMError.notHeld(owner, expected: expected.first)
        }
        guard record.node == node else { throw IPAMError.attachedOnOtherNode(owner, node: record.node) }
        let held = record.addresses
        for address in expected where !held.contains(address) {
            throw IPAMError.notHeld(owner, expected: address)
        }
        for address in held {
            let lease = try store.get(keys.address(address))
            let record = lease.flatMap { ClusterLeaseRecord(json: $0.value) }
            guard let record, record.owner == owner else {
                throw IPAMError.notHeld(owner, expected: address)
            }
        }
        for pool in pools where !held.contains(where: { $0.family == pool.family }) {
            throw IPAMError.familyNotHeld(owner, family: pool.family)
        }
    }

    /// Every attachment with an owner key, its record, and the node that made it.
    public func owners() throws -> [(owner: Attachment, record: ClusterOwnerRecord?)] {
        try ownerEntries().map { ($0.owner, ClusterOwnerRecord(json: $0.entry.value)) }
    }

    /// Every owner key with the attachment it names (keys of another shape are skipped).
    func ownerEntries() throws -> [(owner: Attachment, entry: StoreEntry)] {
        try store.list(prefix: keys.owners).compactMap { entry in
            let parts = entry.key.dropFirst(keys.owners.count)
                .split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            return (Attachment(containerID: String(parts[0]), ifName: String(parts[1])), entry)
        }
    }

    /// CNI GC: releases this node's attachments that are not in `valid`. Another node's are
    /// never touched: this runtime's list says nothing about them. Returns what it released.
    @discardableResult
    public func collectGarbage(valid: Set<Attachment>, dryRun: Bool = false) throws -> [Attachment] {
        var released: [Attachment] = []
        for (owner, record) in try owners() where record?.node == node && !valid.contains(owner) {
            if !dryRun { try release(for: owner) }
            released.append(owner)
        }
        return released
    }

    /// Every address key of the network: the address and its record (nil: unreadable).
    public func leases() throws -> [(address: IPAddress, record: ClusterLeaseRecord?)] {
        var leases: [(address: IPAddress, record: ClusterLeaseRecord?)] = []
        for pool in pools {
            for entry in try store.list(prefix: keys.addresses(pool.family)) {
                guard let address = keys.address(fromKey: entry.key, family: pool.family) else { continue }
                leases.append((address, ClusterLeaseRecord(json: entry.value)))
            }
        }
        return leases
    }
}

extension StoreError: CNIErrorConvertible {
    /// Unavailable is "try again later" (11): the runtime retries ADD and DEL. A refusal
    /// or an unreadable answer will not fix itself: flatnet's own code 111.
    public var cniError: CNIError {
        switch self {
        case .unavailable(let details):
            return CNIError(.tryAgainLater, "the cluster store is unavailable", details: details)
        case .refused(let details):
            return CNIError(.clusterStoreFailure, "the cluster store refused the request", details: details)
        case .badAnswer(let details):
            return CNIError(.clusterStoreFailure, "the cluster store's answer could not be read",
                            details: details)
        }
    }
}
