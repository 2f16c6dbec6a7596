/// `flatnet ipam gc` against the cluster store: this node's attachments whose container is
/// gone from this host, released as their DEL would.
extension ClusterPool {
    /// What one `ipam gc` did: each attachment released (or, in a dry run, that would be)
    /// with the addresses its owner key held, the keys it could not read, and the error it
    /// stopped at, if any (what was released before it stays released).
    public struct GarbageOutcome {
        public var released: [(owner: Attachment, addresses: [IPAddress])] = []
        public var problems: [String] = []
        public var stoppedBy: CNIError?

        /// One (owner, address) per address released, as a disk pool's leases are.
        public var releasedLeases: [(owner: Attachment, address: IPAddress)] {
            released.flatMap { lease in lease.addresses.map { (lease.owner, $0) } }
        }

        /// The problems, then the error it stopped at.
        public var problemsAndStop: [String] {
            guard let stop = stoppedBy else { return problems }
            return problems + ["stopped: \(stop.message)" + (stop.details.isEmpty ? "" : "; \(stop.details)")]
        }
    }

    /// Releases this node's attachments for which `isGone` says true; another node's are
    /// never asked about, whatever this host has (their veths are on their own hosts).
    /// A reserved workload keeps its addresses, as on DEL. Nothing changes with `dryRun`.
    ///
    /// No lock guards the store, so the order is what keeps an ADD in flight safe: the
    /// owner keys are listed first and `isGone` is asked after, one attachment at a time,
    /// right before its release. ADD creates the host veth before it leases, so a key in
    /// the listing had its veth by then; gone now, it was deleted since. The release holds
    /// only while the owner key is as listed: a DEL and a new ADD of the same attachment
    /// in between made a new key, which is left alone.
    public func collectGarbage(dryRun: Bool,
                               isGone: (Attachment) throws -> Bool) -> GarbageOutcome {
        var outcome = GarbageOutcome()
        var releasing: (owner: Attachment, addresses: [IPAddress])?
        do {
            for (owner, entry) in try ownerEntries() {
                guard let record = ClusterOwnerRecord(json: entry.value) else {
                    outcome.problems.append("\(entry.key) is not a flatnet owner record: left alone"
                        + " (check it with etcdctl; flatnet ipam release --container releases it)")
                    continue
                }
                guard record.node == node, try isGone(owner) else { continue }
                releasing = (owner, record.addresses)
                let freed = try addresses(of: record, naming: owner)
                if try dryRun || release(listed: entry, owner: owner, addresses: record.addresses) {
                    outcome.released.append((owner, freed))
                }
                releasing = nil
            }
        } catch {
            outcome.stoppedBy = CNIErrorMapping.cniError(for: error)
            // A commit whose answer was lost may have landed: unsaid, it would go unaudited.
            if case .unavailable? = error as? StoreError, let releasing {
                let list = releasing.addresses.map(\.description).joined(separator: ", ")
                let owner = IPAMReleaseOutcome.describe(releasing.owner)
                outcome.problems.append("\(owner) (\(list)) may have been released when the store failed:"
                    + " flatnet ipam list tells")
            }
        }
        return outcome
    }

    /// An attachment the store gives to another node although `isHere` finds its veth on
    /// this host: this host made it under that node's name, so `node` is not the name this
    /// host's containers were leased under (FLATNET_NODE_NAME set by hand to another host's,
    /// a node renamed while containers ran). gc judging `node`'s leases by this host's veths
    /// would then free a running host's addresses. Nil when there is none.
    public func otherNodesAttachment(isHere: (Attachment) throws -> Bool)
        throws -> (owner: Attachment, node: String)? {
        for (owner, entry) in try ownerEntries() {
            guard let record = ClusterOwnerRecord(json: entry.value), record.node != node else { continue }
            if try isHere(owner) { return (owner, record.node) }
        }
        return nil
    }

    /// The addresses of `record` whose key names `owner`: what its release changes. One
    /// whose key names another attachment (or is unreadable, or gone) stays as it is, and
    /// is not printed nor audited as released.
    func addresses(of record: ClusterOwnerRecord, naming owner: Attachment) throws -> [IPAddress] {
        var naming: [IPAddress] = []
        for address in record.addresses {
            if try leaseNode(address, owner) != nil { naming.append(address) }
        }
        return naming
    }

    /// DEL's release of `owner`, holding only while its owner key is `listed`. An address
    /// key changed meanwhile (a reservation released, say) is read again; a changed owner
    /// key is another lease: false, nothing released.
    func release(listed: StoreEntry, owner: Attachment, addresses: [IPAddress]) throws -> Bool {
        for _ in 0..<Self.maximumAttempts {
            if try remove(listed, rewriting: addresses, releasing(owner)) { return true }
            guard try store.get(listed.key)?.modRevision == listed.modRevision else { return false }
        }
        throw CNIError(.tryAgainLater, "the cluster pool of network \(network) kept changing during ipam gc",
                       details: "\(Self.maximumAttempts) transactions did not hold; try again")
    }
}
