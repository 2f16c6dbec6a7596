import FlatnetCore
import FlatnetTestSupport
import Testing

/// The cluster pool's decisions against an in-memory store with etcd's semantics
/// (README.md#one-pool-for-the-cluster).
@Suite("Cluster pool")
struct ClusterPoolTests {
    static func pool(_ store: MemoryKeyValueStore, node: String, subnet: String = "10.43.0.0/16",
                     gateway: String = "10.43.0.1", range: (String, String) = ("10.43.1.2", "10.43.1.254"),
                     ipv6: (String, String)? = nil, now: @escaping () -> Int64 = { 1_000_000 }) -> ClusterPool {
        var sets = [RangeSet(subnet: IPPrefix(subnet)!, gateway: IPAddress(gateway),
                             ranges: [AddressRange(start: IPAddress(range.0)!, end: IPAddress(range.1)!)])]
        if let ipv6 {
            sets.append(RangeSet(subnet: IPPrefix("2001:db8:43::/64")!, gateway: IPAddress("2001:db8:43::1"),
                                 ranges: [AddressRange(start: IPAddress(ipv6.0)!, end: IPAddress(ipv6.1)!)]))
        }
        let pools = sets.map { AddressPool(network: "flat-a", rangeSet: $0, reservedAddress: nil) }
        return ClusterPool(store: store, keys: ClusterKeys(prefix: "/flatnet/", network: "flat-a"),
                           pools: pools, node: node, now: now)
    }

    static func owner(_ id: String) -> FlatnetCore.Attachment { FlatnetCore.Attachment(containerID: id, ifName: "eth0") }

    @Test("two nodes sharing one range never hold one address, and the owner keys match the address keys")
    func twoNodesNoDuplicates() throws {
        let store = MemoryKeyValueStore()
        let (a, b) = (Self.pool(store, node: "node-a"), Self.pool(store, node: "node-b"))
        var seen: [IPAddress: String] = [:]
        for index in 0..<120 {
            for (name, pool) in [("a", a), ("b", b)] {
                let address = try #require(try pool.acquire(for: Self.owner("\(name)\(index)"), requested: []).first)
                #expect(seen.updateValue("\(name)\(index)", forKey: address) == nil, "\(address) handed out twice")
            }
        }
        let leases = try a.leases()
        #expect(leases.count == 240 && Set(leases.map(\.address)) == Set(seen.keys))
        for (address, record) in leases { #expect(record?.owner?.containerID == seen[address]) }
    }

    @Test("another host taking the candidate first costs a retry, not a duplicate or a failure")
    func lostRaces() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a")
        var stolen: [String] = []
        // The candidate this ADD will try first: the same ADD against an empty copy.
        let probe = MemoryKeyValueStore()
        let first = try #require(try Self.pool(probe, node: "node-a").acquire(for: Self.owner("c1"), requested: []).first)
        store.beforeCommit = { store in
            guard stolen.isEmpty else { return }
            let key = "/flatnet/flat-a/ipv4/\(first)"
            store.put(key, ClusterLeaseRecord(owner: Self.owner("other"), node: "node-b").json)
            stolen.append(key)
        }
        let address = try #require(try pool.acquire(for: Self.owner("c1"), requested: []).first)
        #expect(stolen.count == 1 && address != first)
        #expect(store.commits == 2, "one lost transaction, one that held")
        #expect(try pool.heldAddresses(of: Self.owner("c1")) == [address])
    }

    @Test("a full pool is found by listing, and says exhausted")
    func exhausted() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a", range: ("10.43.1.2", "10.43.1.5"))
        for index in 0..<4 { _ = try pool.acquire(for: Self.owner("c\(index)"), requested: []) }
        #expect(throws: IPAMError.exhausted(network: "flat-a", ranges: "10.43.1.2-10.43.1.5")) {
            try pool.acquire(for: Self.owner("c9"), requested: [])
        }
        #expect(store.entries.count == 8, "nothing written by the refused ADD")
    }

    @Test("ADD repeated returns the same address; asking for another is refused")
    func idempotent() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a")
        let first = try pool.acquire(for: Self.owner("c1"), requested: [])
        #expect(try pool.acquire(for: Self.owner("c1"), requested: []) == first)
        #expect(throws: IPAMError.ownerHoldsOther(Self.owner("c1"), held: first[0],
                                                  requested: IPAddress("10.43.1.200")!)) {
            try pool.acquire(for: Self.owner("c1"), requested: [IPAddress("10.43.1.200")!])
        }
    }

    @Test("a requested address held on another host is refused naming its holder")
    func requestedHeldElsewhere() throws {
        let store = MemoryKeyValueStore()
        let wanted = IPAddress("10.43.1.77")!
        _ = try Self.pool(store, node: "node-b").acquire(for: Self.owner("b1"), requested: [wanted])
        #expect(throws: IPAMError.requestHeld(wanted, by: Self.owner("b1"))) {
            try Self.pool(store, node: "node-a").acquire(for: Self.owner("a1"), requested: [wanted])
        }
    }

    @Test("DEL removes both keys; repeated DEL succeeds; an unavailable store fails DEL and keeps the lease")
    func release() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a")
        _ = try pool.acquire(for: Self.owner("c1"), requested: [])
        store.unavailable = .unavailable("no endpoint answered (test)")
        #expect(throws: StoreError.unavailable("no endpoint answered (test)")) { try pool.release(for: Self.owner("c1")) }
        #expect(store.entries.count == 2, "the lease survives a failed DEL")
        store.unavailable = nil
        try pool.release(for: Self.owner("c1"))
        #expect(store.entries.isEmpty)
        try pool.release(for: Self.owner("c1"))
    }

    @Test("an unavailable store fails ADD with code 11 and writes nothing")
    func unavailableAdd() throws {
        let store = MemoryKeyValueStore()
        store.unavailable = .unavailable("no endpoint answered (test)")
        do {
            _ = try Self.pool(store, node: "node-a").acquire(for: Self.owner("c1"), requested: [])
            Issue.record("ADD succeeded without a store")
        } catch let error as StoreError {
            #expect(error.cniError.code == .tryAgainLater)
        }
        #expect(store.entries.isEmpty)
    }

    @Test("a commit whose answer was lost: the runtime's retry gets the address that landed")
    func lostAnswer() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a")
        store.loseNextAnswer = true
        #expect(throws: StoreError.self) { try pool.acquire(for: Self.owner("c1"), requested: []) }
        let landed = try pool.heldAddresses(of: Self.owner("c1"))
        #expect(landed != nil)
        #expect(try pool.acquire(for: Self.owner("c1"), requested: []) == landed)
        #expect(store.entries.count == 2, "one owner key, one address key")
    }

    @Test("GC releases only this node's stale attachments; another node's are not its runtime's to judge")
    func garbageCollection() throws {
        let store = MemoryKeyValueStore()
        let (a, b) = (Self.pool(store, node: "node-a"), Self.pool(store, node: "node-b"))
        for id in ["a1", "a2"] { _ = try a.acquire(for: Self.owner(id), requested: []) }
        _ = try b.acquire(for: Self.owner("b1"), requested: [])
        let released = try a.collectGarbage(valid: [Self.owner("a1")])
        #expect(released == [Self.owner("a2")])
        #expect(try b.heldAddresses(of: Self.owner("b1")) != nil, "node-b's container kept its address")
        #expect(try a.leases().count == 2)
    }

    @Test("dual stack is one transaction: a full IPv6 range leaves no IPv4 key behind")
    func dualStackAllOrNothing() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a", ipv6: ("2001:db8:43::1:0", "2001:db8:43::1:1"))
        let both = try pool.acquire(for: Self.owner("c1"), requested: [])
        #expect(both.map(\.family) == [.ipv4, .ipv6])
        _ = try pool.acquire(for: Self.owner("c2"), requested: [])
        #expect(throws: IPAMError.self) { try pool.acquire(for: Self.owner("c3"), requested: []) }
        #expect(store.entries.count == 6, "two owners with two addresses each; c3 wrote nothing")
        try pool.verify(for: Self.owner("c1"), expected: both)
    }

    @Test("CHECK notices an address key taken over and a missing family")
    func verify() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a")
        let held = try pool.acquire(for: Self.owner("c1"), requested: [])
        store.put("/flatnet/flat-a/ipv4/\(held[0])", ClusterLeaseRecord(owner: Self.owner("x"), node: "node-b").json)
        #expect(throws: IPAMError.notHeld(Self.owner("c1"), expected: held[0])) {
            try pool.verify(for: Self.owner("c1"), expected: held)
        }
        let dual = Self.pool(store, node: "node-a", ipv6: ("2001:db8:43::1:0", "2001:db8:43::1:ff"))
        _ = try pool.acquire(for: Self.owner("c2"), requested: [])
        #expect(throws: IPAMError.familyNotHeld(Self.owner("c2"), family: .ipv6)) {
            try dual.verify(for: Self.owner("c2"), expected: [])
        }
    }

    @Test("an address key names its address only in canonical spelling (a second spelling would be a second key)")
    func canonicalKeys() {
        let keys = ClusterKeys(prefix: "/flatnet/", network: "flat-a")
        #expect(keys.address(fromKey: "/flatnet/flat-a/ipv6/fd00::5", family: .ipv6) == IPAddress("fd00::5"))
        #expect(keys.address(fromKey: "/flatnet/flat-a/ipv6/FD00::5", family: .ipv6) == nil)
        #expect(keys.address(fromKey: "/flatnet/flat-a/ipv6/fd00:0::5", family: .ipv6) == nil)
        #expect(keys.address(fromKey: "/flatnet/flat-a/ipv4/010.43.1.2", family: .ipv4) == nil)
    }
}
