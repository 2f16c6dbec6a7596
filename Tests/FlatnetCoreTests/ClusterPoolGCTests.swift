import FlatnetCore
import FlatnetTestSupport
import Testing

/// `flatnet ipam gc` on a pool in the cluster store: this node's gone attachments only,
/// decided without a lock (ClusterPool.collectGarbage(dryRun:isGone:)).
@Suite("Cluster pool: ipam gc")
struct ClusterPoolGCTests {
    static func owner(_ id: String) -> FlatnetCore.Attachment { ClusterPoolTests.owner(id) }

    /// a1 and a2 on node-a, b1 on node-b, in one store.
    static func threeLeases() throws -> (MemoryKeyValueStore, a: ClusterPool, b: ClusterPool) {
        let store = MemoryKeyValueStore()
        let (a, b) = (ClusterPoolTests.pool(store, node: "node-a"), ClusterPoolTests.pool(store, node: "node-b"))
        _ = try a.acquire(for: owner("a1"), requested: [IPAddress("10.43.1.10")!])
        _ = try a.acquire(for: owner("a2"), requested: [IPAddress("10.43.1.20")!])
        _ = try b.acquire(for: owner("b1"), requested: [IPAddress("10.43.1.30")!])
        return (store, a, b)
    }

    @Test("this node's attachment with no veth goes, its live one stays, and another node's is never asked about")
    func thisNodeOnly() throws {
        let (_, a, b) = try Self.threeLeases()
        var asked: [String] = []
        let outcome = a.collectGarbage(dryRun: false) { owner in
            asked.append(owner.containerID)
            return owner.containerID != "a1"  // b1 has no veth on this host either
        }
        #expect(outcome.stoppedBy == nil && outcome.problems.isEmpty)
        #expect(outcome.released.map(\.owner) == [Self.owner("a2")])
        #expect(outcome.releasedLeases.map(\.address) == [IPAddress("10.43.1.20")!])
        #expect(asked.sorted() == ["a1", "a2"], "node-b's attachment is not this host's to judge")
        #expect(try a.heldAddresses(of: Self.owner("a2")) == nil)
        #expect(try a.heldAddresses(of: Self.owner("a1")) == [IPAddress("10.43.1.10")!])
        #expect(try b.heldAddresses(of: Self.owner("b1")) == [IPAddress("10.43.1.30")!], "node-b's lease stays")
        #expect(try a.leases().map(\.address).sorted() == [IPAddress("10.43.1.10")!, IPAddress("10.43.1.30")!])
    }

    @Test("a dry run names what would go and writes nothing")
    func dryRun() throws {
        let (store, a, _) = try Self.threeLeases()
        let (before, commits) = (store.entries, store.commits)
        let outcome = a.collectGarbage(dryRun: true) { _ in true }
        #expect(outcome.released.map(\.owner.containerID) == ["a1", "a2"])
        #expect(store.entries == before && store.commits == commits)
    }

    @Test("a reserved workload's address stays its own, attached nowhere, as on DEL")
    func reservedWorkloadKeepsItsAddress() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a", now: { 1_234 })
        let held = try pool.acquire(for: Self.owner("c1"), requested: [], workload: "k8s/payments/db-0")
        let outcome = pool.collectGarbage(dryRun: false) { _ in true }
        #expect(outcome.released.map(\.addresses) == [held])
        #expect(try pool.heldAddresses(of: Self.owner("c1")) == nil)
        #expect(try pool.leases().map(\.record) == [ClusterLeaseRecord(reservedFor: "k8s/payments/db-0", releasedAt: 1_234)])
        #expect(try pool.reservations().map(\.workload) == ["k8s/payments/db-0"])
    }

    @Test("DEL and a new ADD of the same attachment after the listing: the new lease stays")
    func ownerKeyChangedSinceListed() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        _ = try pool.acquire(for: Self.owner("c1"), requested: [IPAddress("10.43.1.10")!])
        let outcome = pool.collectGarbage(dryRun: false) { owner in
            // Between the listing and this question: the container went and came back.
            try pool.release(for: owner)
            _ = try pool.acquire(for: owner, requested: [IPAddress("10.43.1.11")!])
            return true  // its veth not there yet when gc looked
        }
        #expect(outcome.released.isEmpty && outcome.stoppedBy == nil)
        #expect(try pool.heldAddresses(of: Self.owner("c1")) == [IPAddress("10.43.1.11")!])
    }

    @Test("an address key rewritten after the listing (the owner key unchanged) is read again and released")
    func addressKeyChangedSinceListed() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        _ = try pool.acquire(for: Self.owner("c1"), requested: [IPAddress("10.43.1.10")!])
        let key = "/flatnet/flat-a/ipv4/10.43.1.10"
        store.beforeCommit = { store in
            guard store.commits == 1 else { return }
            store.put(key, store.entries[key]!.value)  // the same value, a new revision
        }
        let outcome = pool.collectGarbage(dryRun: false) { _ in true }
        #expect(outcome.released.map(\.owner) == [Self.owner("c1")] && store.entries.isEmpty)
        #expect(store.commits == 3, "one lost transaction, one that held")
    }

    @Test("an unreadable owner key is reported and left; the others are still collected")
    func unreadableOwnerKey() throws {
        let (store, a, _) = try Self.threeLeases()
        store.put("/flatnet/flat-a/owners/x9/eth0", "not json")
        let outcome = a.collectGarbage(dryRun: false) { _ in true }
        #expect(outcome.released.map(\.owner.containerID) == ["a1", "a2"])
        #expect(outcome.problems == ["/flatnet/flat-a/owners/x9/eth0 is not a flatnet owner record: left alone"
                                        + " (check it with etcdctl; flatnet ipam release --container releases it)"])
        #expect(store.entries["/flatnet/flat-a/owners/x9/eth0"] != nil)
    }

    @Test("the store lost half way: stops with code 11, and says what it had released")
    func storeLostHalfWay() throws {
        let (store, a, _) = try Self.threeLeases()
        let outcome = a.collectGarbage(dryRun: false) { owner in
            if owner.containerID == "a2" { store.unavailable = .unavailable("no endpoint answered (test)") }
            return true
        }
        #expect(outcome.released.map(\.owner.containerID) == ["a1"])
        #expect(outcome.stoppedBy?.code == .tryAgainLater, "\(String(describing: outcome.stoppedBy))")
        // a2's release was under way: for all gc knows, its commit landed and the answer was lost.
        #expect(outcome.problemsAndStop == [
            "container a2 ifname eth0 (10.43.1.20) may have been released when the store failed: flatnet ipam list tells",
            "stopped: the cluster store is unavailable; no endpoint answered (test)",
        ])
        store.unavailable = nil
        #expect(try a.heldAddresses(of: Self.owner("a2")) == [IPAddress("10.43.1.20")!])
    }

    @Test("a veth here of an attachment the store gives to another node is found: this host's node name is not its own")
    func otherNodesVethHere() throws {
        let (_, a, b) = try Self.threeLeases()
        #expect(try a.otherNodesAttachment { ["a1", "a2"].contains($0.containerID) } == nil)
        let found = try a.otherNodesAttachment { $0.containerID == "b1" }
        #expect(found?.owner == Self.owner("b1") && found?.node == "node-b")
        #expect(try b.otherNodesAttachment { $0.containerID == "b1" } == nil, "node-b's own veth")
    }

    /// The window a read-only repeated ADD would leave: ADD for an attachment that still
    /// holds its lease (its earlier ADD failed and could not give the lease back) makes the
    /// veth and returns the held addresses after gc looked and before gc's release commits.
    /// The held path rewrites the owner key (compare-and-put of the same value), so gc's
    /// release of the key as listed fails and the lease stays.
    @Test("an ADD repeated for a lease it still holds, between gc's look and gc's release, keeps it")
    func repeatedAddBetweenLookAndRelease() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        let held = try pool.acquire(for: Self.owner("c1"), requested: [])
        defer { store.beforeCommit = nil }  // the hook holds the pool, which holds the store
        var (adding, repeated) = (false, [IPAddress]?.none)
        _ = pool.collectGarbage(dryRun: false) { owner in
            store.beforeCommit = { _ in
                guard !adding else { return }
                adding = true
                repeated = try? pool.acquire(for: owner, requested: [])  // the veth made just now
            }
            return true  // no veth when gc looked
        }
        #expect(repeated == held, "the repeated ADD was answered with the held addresses")
        let after = try pool.heldAddresses(of: Self.owner("c1"))
        #expect(after == held, "the repeated ADD rewrote its owner key, so gc's release of the key as listed fails")
    }
}
