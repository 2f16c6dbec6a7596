import FlatnetCore
import FlatnetTestSupport
import Testing

/// Review of `flatnet ipam gc` on a store pool and of the repeated ADD's compare-and-put:
/// a store answer lost after its commit landed.
@Suite("Cluster pool: ipam gc review")
struct Review19bGCTests {
    static func owner(_ id: String) -> FlatnetCore.Attachment { ClusterPoolTests.owner(id) }

    /// gc's release committed, its answer lost: gc stops (as for any store failure), and
    /// must not let the operator believe the lease is still there and was never audited.
    @Test("a release whose answer was lost is named as possibly done")
    func lostAnswerDuringRelease() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        _ = try pool.acquire(for: Self.owner("c1"), requested: [IPAddress("10.43.1.10")!])
        let outcome = pool.collectGarbage(dryRun: false) { _ in
            store.loseNextAnswer = true
            return true
        }
        #expect(outcome.stoppedBy?.code == .tryAgainLater)
        #expect(try pool.heldAddresses(of: Self.owner("c1")) == nil, "the commit landed")
        #expect(outcome.problemsAndStop.contains { $0.contains("container c1 ifname eth0") && $0.contains("10.43.1.10") },
                "\(outcome.problemsAndStop)")
    }

    /// Before the compare-and-put, a repeated ADD only read its owner key: a commit whose
    /// answer was lost could not fail it. The touch landed, so asking again answers.
    @Test("a repeated ADD whose touch answer was lost still answers with its addresses")
    func repeatedAddLostTouchAnswer() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        let held = try pool.acquire(for: Self.owner("c1"), requested: [])
        store.loseNextAnswer = true
        #expect(try pool.acquire(for: Self.owner("c1"), requested: []) == held)
    }

    /// Still unavailable after a lost touch: 11, as a read-only repeated ADD would answer.
    @Test("a repeated ADD with the store gone answers 11")
    func repeatedAddStoreGone() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        _ = try pool.acquire(for: Self.owner("c1"), requested: [])
        store.loseNextAnswer = true
        store.beforeCommit = { $0.unavailable = .unavailable("gone (test)") }  // after this commit
        #expect(throws: StoreError.self) { try pool.acquire(for: Self.owner("c1"), requested: []) }
    }

    /// A DEL of the same attachment between the repeated ADD's read and its touch: the
    /// touch fails, the ADD sees no lease and makes a new one (both keys consistent).
    @Test("a DEL between the repeated ADD's read and its touch: a new lease, keys consistent")
    func deleteBetweenReadAndTouch() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        _ = try pool.acquire(for: Self.owner("c1"), requested: [IPAddress("10.43.1.10")!])
        var deleted = false
        defer { store.beforeCommit = nil }  // the hook holds the pool, which holds the store
        store.beforeCommit = { _ in
            guard !deleted else { return }
            deleted = true
            try? pool.release(for: Self.owner("c1"))
        }
        let again = try pool.acquire(for: Self.owner("c1"), requested: [])
        #expect(try pool.heldAddresses(of: Self.owner("c1")) == again)
        #expect(try pool.leases().compactMap { $0.record?.owner } == [Self.owner("c1")])
    }

    /// An owner record naming an address whose key is now another attachment's (set by
    /// hand, say): the release leaves that key alone, so gc must not print and audit it
    /// as released.
    @Test("an address whose key names another attachment is not claimed released")
    func addressOfAnotherNotClaimed() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        _ = try pool.acquire(for: Self.owner("c1"), requested: [IPAddress("10.43.1.10")!])
        let key = "/flatnet/flat-a/ipv4/10.43.1.10"
        store.put(key, ClusterLeaseRecord(owner: Self.owner("c2"), node: "node-a").json)
        for dryRun in [true, false] {
            let outcome = pool.collectGarbage(dryRun: dryRun) { $0.containerID == "c1" }
            #expect(outcome.releasedLeases.isEmpty, "dry run \(dryRun)")
        }
        #expect(try pool.heldAddresses(of: Self.owner("c1")) == nil, "c1's owner key went, as on DEL")
        #expect(ClusterLeaseRecord(json: store.entries[key]?.value ?? "")?.owner == Self.owner("c2"))
    }
}
