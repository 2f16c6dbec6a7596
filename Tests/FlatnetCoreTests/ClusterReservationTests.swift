import FlatnetCore
import FlatnetTestSupport
import Testing

/// Addresses that follow their workload (README.md#addresses-that-follow-their-workload).
@Suite("Cluster pool reservations")
struct ClusterReservationTests {
    static let workload = "k8s/payments/db-0"
    static func owner(_ id: String) -> FlatnetCore.Attachment { ClusterPoolTests.owner(id) }

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

/// `ipam.reservations.expirySeconds`.
@Suite("Cluster pool reservation expiry")
struct ClusterReservationExpiryTests {
    final class Clock: @unchecked Sendable { var seconds: Int64 = 1_000_000 }

    @Test("attached nowhere past the expiry, a reserved address is anyone's and its reservation goes; before, it is refused")
    func expires() throws {
        let store = MemoryKeyValueStore(), clock = Clock()
        let pool = ClusterPoolTests.pool(store, node: "node-a", range: ("10.43.1.2", "10.43.1.3"), now: { clock.seconds })
        pool.reservationExpirySeconds = 3600
        let workload = "k8s/payments/db-0"
        let kept = try pool.acquire(for: ClusterPoolTests.owner("c1"), requested: [], workload: workload)[0]
        try pool.release(for: ClusterPoolTests.owner("c1"))
        clock.seconds += 3600
        #expect(throws: IPAMError.requestReserved(kept, workload: workload)) {
            try pool.acquire(for: ClusterPoolTests.owner("x"), requested: [kept])
        }
        clock.seconds += 1
        #expect(try pool.acquire(for: ClusterPoolTests.owner("x"), requested: [kept]) == [kept])
        #expect(store.entries["/flatnet/flat-a/reservations/\(workload)"] == nil, "the reservation went with it")
        let moved = try pool.acquire(for: ClusterPoolTests.owner("c2"), requested: [], workload: workload)
        #expect(moved != [kept], "the workload's next ADD gets another address")
    }

    @Test("without an expiry a reservation is kept however long it waits")
    func keptWithoutExpiry() throws {
        let store = MemoryKeyValueStore(), clock = Clock()
        let pool = ClusterPoolTests.pool(store, node: "node-a", now: { clock.seconds })
        let kept = try pool.acquire(for: ClusterPoolTests.owner("c1"), requested: [], workload: "w")[0]
        try pool.release(for: ClusterPoolTests.owner("c1"))
        clock.seconds += 315_360_000
        #expect(throws: IPAMError.requestReserved(kept, workload: "w")) {
            try pool.acquire(for: ClusterPoolTests.owner("x"), requested: [kept])
        }
    }
}

/// `flatnet ipam reservations` and `release --node` on the cluster pool.
@Suite("Cluster pool operator actions")
struct ClusterOperatorTests {
    static let workload = "ledger/primary"
    static func owner(_ id: String) -> FlatnetCore.Attachment { ClusterPoolTests.owner(id) }

    @Test("a reservation made by hand is the address the workload's first ADD gets; a held address cannot be reserved")
    func reserveByHand() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        let wanted = IPAddress("10.43.1.40")!
        try pool.reserve(workload: Self.workload, addresses: [wanted])
        #expect(throws: IPAMError.reservationExists(workload: Self.workload)) {
            try pool.reserve(workload: Self.workload, addresses: [IPAddress("10.43.1.41")!])
        }
        #expect(try pool.acquire(for: Self.owner("c1"), requested: [], workload: Self.workload) == [wanted])
        #expect(throws: IPAMError.requestHeld(wanted, by: Self.owner("c1"))) {
            try pool.reserve(workload: "other", addresses: [wanted])
        }
        #expect(throws: IPAMError.self) { try pool.reserve(workload: "gw", addresses: [IPAddress("10.43.0.1")!]) }
        #expect(try pool.reservations().map(\.workload) == [Self.workload])
    }

    @Test("releasing a reservation frees an unattached address at once, and an attached one at its DEL")
    func releaseReservation() throws {
        let store = MemoryKeyValueStore()
        let pool = ClusterPoolTests.pool(store, node: "node-a")
        let held = try pool.acquire(for: Self.owner("c1"), requested: [], workload: Self.workload)
        #expect(try pool.releaseReservation(workload: Self.workload) == held)
        #expect(try pool.reservations().isEmpty)
        #expect(try pool.heldAddresses(of: Self.owner("c1")) == held, "the running container keeps it")
        try pool.release(for: Self.owner("c1"))
        #expect(store.entries.isEmpty, "its DEL freed it: nothing is reserved any more")
        try pool.reserve(workload: Self.workload, addresses: held)
        try pool.releaseReservation(workload: Self.workload)
        #expect(store.entries.isEmpty)
    }

    @Test("a dead node's leases are reclaimed by name; other nodes' and reservations stay")
    func releaseNode() throws {
        let store = MemoryKeyValueStore()
        let (a, b) = (ClusterPoolTests.pool(store, node: "node-a"), ClusterPoolTests.pool(store, node: "node-b"))
        _ = try a.acquire(for: Self.owner("a1"), requested: [])
        let kept = try a.acquire(for: Self.owner("a2"), requested: [], workload: Self.workload)
        _ = try b.acquire(for: Self.owner("b1"), requested: [])
        #expect(try b.releaseNode("node-a", dryRun: true).count == 2 && store.entries.count == 7)
        #expect(Set(try b.releaseNode("node-a")) == [Self.owner("a1"), Self.owner("a2")])
        #expect(try b.heldAddresses(of: Self.owner("b1")) != nil)
        #expect(try b.acquire(for: Self.owner("b2"), requested: [], workload: Self.workload) == kept)
    }
}

/// Where a reservation's key comes from, and the netconf that allows one.
@Suite("Workload keys")
struct WorkloadKeyTests {
    static func config(_ ipam: String, args: String = "") throws -> NetworkConfig {
        let text = """
            {"cniVersion": "1.0.0", "name": "flat-e", "type": "flatnet", \(args)
             "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                      "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.9.254"}] \(ipam)}}
            """
        return try NetworkConfigParser.parse(try JSONValue.parse(text), cniVersion: CNIVersion(1, 1, 0), node: .thisNode {
            NodeIdentity(name: "n1", source: .hostName)
        })
    }

    static let store = #", "store": {"type": "etcd", "endpoints": ["http://10.0.0.1:2379"]}"#
    static let pods = try! CNIArguments(parsing: "K8S_POD_NAMESPACE=payments;K8S_POD_NAME=db-0")

    @Test("pods are keyed by namespace and name only when the netconf asks; runtimeConfig's key wins")
    func resolve() throws {
        let on = try Self.config(Self.store + #", "reservations": {"kubernetesPods": true}"#)
        #expect(try WorkloadKey.resolve(on, arguments: Self.pods) == "k8s/payments/db-0")
        let off = try Self.config(Self.store + #", "reservations": {}"#)
        #expect(try WorkloadKey.resolve(off, arguments: Self.pods) == nil)
        let explicit = try Self.config(Self.store + #", "reservations": {}"#,
                                       args: #""runtimeConfig": {"workload": "ledger/primary"},"#)
        #expect(try WorkloadKey.resolve(explicit, arguments: Self.pods) == "ledger/primary")
        #expect(try WorkloadKey.resolve(try Self.config(Self.store), arguments: Self.pods) == nil)
    }

    @Test("on a Kubernetes call a key from args.cni (a pod's annotation under Multus) is refused; runtimeConfig's is not")
    func podAnnotationRefused() throws {
        let fromArgs = try Self.config(Self.store + #", "reservations": {}"#,
                                       args: #""args": {"cni": {"workload": "ledger/primary"}},"#)
        #expect(throws: CNIError.self) { try WorkloadKey.resolve(fromArgs, arguments: Self.pods) }
        #expect(try WorkloadKey.resolve(fromArgs, arguments: CNIArguments()) == "ledger/primary", "no pod: allowed")
        let fromRuntime = try Self.config(Self.store + #", "reservations": {}"#,
                                          args: #""runtimeConfig": {"workload": "ledger/primary"},"#)
        #expect(try WorkloadKey.resolve(fromRuntime, arguments: Self.pods) == "ledger/primary")
    }

    @Test("a workload key without reservations and a bad key are refused by name")
    func refused() throws {
        let unreserved = try Self.config(Self.store, args: #""args": {"cni": {"workload": "ledger/primary"}},"#)
        #expect(throws: CNIError.self) { try WorkloadKey.resolve(unreserved, arguments: CNIArguments()) }
        // Without a store, reservations live on this host's disk (LocalReservationTests).
        #expect(try Self.config(#", "reservations": {"kubernetesPods": true}"#).ipam.pool?.reservations != nil)
        #expect(throws: ConfigError.self) {
            try Self.config(Self.store + #", "reservations": {}"#, args: #""args": {"cni": {"workload": "/x y"}},"#)
        }
        #expect(!WorkloadKey.isValid("a//b") && WorkloadKey.isValid("k8s/ns/pod-0:eth1"))
        #expect(throws: ConfigError.self) { try Self.config(Self.store + #", "reservations": {"expirySeconds": 10}"#) }
        let expiring = try Self.config(Self.store + #", "reservations": {"expirySeconds": 86400}"#)
        #expect(expiring.ipam.pool?.reservations?.expirySeconds == 86400)
    }
}
