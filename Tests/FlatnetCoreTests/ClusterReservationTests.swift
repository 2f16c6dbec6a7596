import FlatnetCore
import FlatnetTestSupport
import Testing

/// Addresses that follow their workload (README.md#addresses-that-follow-their-workload).
@Suite("Cluster pool reservations")
struct ClusterReservationTests {
    static let workload = "k8s/payments/db-0"
    static func owner(_ id: String) -> FlatnetCore.Attachment { FlatnetCore.Attachment(containerID: id, ifName: "eth0") }

    @Test("a reserved workload deleted on one node and added on another gets the same address")
    func followsTheWorkload() throws {
        let store = MemoryKeyValueStore()
        let onA = ClusterPoolTests.pool(store, node: "node-a"), onB = ClusterPoolTests.pool(store, node: "node-b")
        let first = try onA.acquire(for: Self.owner("c1"), requested: [], workload: Self.workload)
        try onA.release(for: Self.owner("c1"))
        #expect(store.entries["/flatnet/flat-a/ipv4/\(first[0])"] != nil, "DEL kept the address for the workload")
        let moved = try onB.acquire(for: Self.owner("c2"), requested: [], workload: Self.workload)
        #expect(moved == first)
        let lease = store.entries["/flatnet/flat-a/ipv4/\(first[0])"].flatMap { ClusterLeaseRecord(json: $0.value) }
        #expect(lease?.owner == Self.owner("c2") && lease?.node == "node-b")
    }

    @Test("while reserved, no other container gets the address, and one asking for it is refused")
    func othersRefused() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a", range: ("10.43.1.2", "10.43.1.5"))
        let reserved = try pool.acquire(for: Self.owner("c1"), requested: [], workload: Self.workload)[0]
        try pool.release(for: Self.owner("c1"))
        var others: [IPAddress] = []
        for index in 0..<3 { others += try pool.acquire(for: Self.owner("o\(index)"), requested: []) }
        #expect(!others.contains(reserved) && Set(others).count == 3)
        try pool.release(for: Self.owner("o0"))
        #expect(throws: IPAMError.requestReserved(reserved, workload: Self.workload)) {
            try pool.acquire(for: Self.owner("x"), requested: [reserved])
        }
        #expect(throws: IPAMError.requestReserved(reserved, workload: Self.workload)) {
            try pool.acquire(for: Self.owner("x"), requested: [reserved], workload: "k8s/payments/db-1")
        }
    }

    @Test("the workload still attached elsewhere: the second attachment is refused naming the first")
    func stillAttached() throws {
        let store = MemoryKeyValueStore()
        let onA = ClusterPoolTests.pool(store, node: "node-a"), onB = ClusterPoolTests.pool(store, node: "node-b")
        let held = try onA.acquire(for: Self.owner("c1"), requested: [], workload: Self.workload)[0]
        #expect(throws: IPAMError.reservationInUse(held, workload: Self.workload, by: Self.owner("c1"), node: "node-a")) {
            try onB.acquire(for: Self.owner("c2"), requested: [], workload: Self.workload)
        }
    }

    @Test("a reserved workload asking for another address than its own is refused")
    func requestOther() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        let held = try pool.acquire(for: Self.owner("c1"), requested: [IPAddress("10.43.1.50")!], workload: Self.workload)
        #expect(held == [IPAddress("10.43.1.50")!])
        try pool.release(for: Self.owner("c1"))
        #expect(throws: IPAMError.requestReserved(IPAddress("10.43.1.51")!, workload: Self.workload)) {
            try pool.acquire(for: Self.owner("c2"), requested: [IPAddress("10.43.1.51")!], workload: Self.workload)
        }
        #expect(try pool.acquire(for: Self.owner("c2"), requested: [IPAddress("10.43.1.50")!], workload: Self.workload) == held)
    }
}
