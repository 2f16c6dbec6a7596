import FlatnetCore
import FlatnetTestSupport
import Testing

/// Issue 19 review (review19): the cluster pool's failures, each a test that failed
/// against main at 7d2c21b (see /work/notes/i19/review19.md).
@Suite("Review 19: cluster pool")
struct Review19ClusterTests {
    static func owner(_ id: String) -> FlatnetCore.Attachment { ClusterPoolTests.owner(id) }

    static func pool(_ store: MemoryKeyValueStore, node: String, subnet: String = "10.43.0.0/16",
                     gateway: String = "10.43.0.1", range: (String, String) = ("10.43.1.2", "10.43.1.254"),
                     ipv6: (String, String)? = nil) -> ClusterPool {
        ClusterPoolTests.pool(store, node: node, subnet: subnet, gateway: gateway, range: range, ipv6: ipv6)
    }

    // MARK: one container id on two nodes

    /// cnitool derives CNI_CONTAINERID from the netns path, `ctr run --cni` uses the
    /// container's name: the same id on two hosts is ordinary there. Node B's ADD must not
    /// be handed node A's address, and node B's DEL (the runtime's cleanup of that failed
    /// ADD) must not free the address node A's container still uses.
    @Test("the same container id on two nodes: B's ADD is not given A's address")
    func sameContainerIDAdd() throws {
        let store = MemoryKeyValueStore()
        let (a, b) = (Self.pool(store, node: "node-a"), Self.pool(store, node: "node-b"))
        let onA = try a.acquire(for: Self.owner("web"), requested: [])
        let onB = try? b.acquire(for: Self.owner("web"), requested: [])
        #expect(onB != onA, "node-b was handed node-a's address \(onA): two hosts hold one address")
    }

    @Test("the same container id on two nodes: B's DEL leaves A's lease")
    func sameContainerIDDelete() throws {
        let store = MemoryKeyValueStore()
        let (a, b) = (Self.pool(store, node: "node-a"), Self.pool(store, node: "node-b"))
        let onA = try a.acquire(for: Self.owner("web"), requested: [])
        try? b.release(for: Self.owner("web"))
        #expect(throws: Never.self, "node-b's DEL freed node-a's lease") {
            try a.verify(for: Self.owner("web"), expected: onA)
        }
        #expect(throws: (any Error).self, "node-b's CHECK passed on node-a's lease") {
            try b.verify(for: Self.owner("web"), expected: onA)
        }
    }

    // MARK: leaked keys

    /// DEL with an unreadable owner record deletes the owner key and leaves the address
    /// keys naming the owner: nothing (DEL, GC, release --node, release --address) can
    /// free them afterwards.
    @Test("DEL with an unreadable owner record frees the owner's addresses too")
    func unreadableOwnerRecord() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a")
        let held = try pool.acquire(for: Self.owner("c1"), requested: [])
        store.put("/flatnet/flat-a/owners/c1/eth0", "{garbage")
        try pool.release(for: Self.owner("c1"))
        try pool.collectGarbage(valid: [])
        try pool.releaseNode("node-a")
        #expect(store.entries["/flatnet/flat-a/ipv4/\(held[0])"] == nil,
                "\(held[0]) stays held by c1 with no owner key: leaked for good")
    }

    /// `reservations release` of an unreadable reservation record deletes the record and
    /// leaves the address keys reserved for the workload: never released again.
    @Test("releasing an unreadable reservation record does not strand its addresses")
    func unreadableReservationRecord() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a")
        let kept = IPAddress("10.43.1.40")!
        try pool.reserve(workload: "ledger/primary", addresses: [kept])
        store.put("/flatnet/flat-a/reservations/ledger/primary", "{garbage")
        do {
            try pool.releaseReservation(workload: "ledger/primary")
        } catch {
            return  // refusing to delete what it cannot read is a fine answer
        }
        #expect(store.entries["/flatnet/flat-a/ipv4/\(kept)"] == nil,
                "\(kept) stays reserved for ledger/primary with no reservation record: leaked for good")
    }

    // MARK: reservations against today's netconf

    /// The netconf moved the gateway (or the subnet) onto a reserved address: the
    /// workload's next ADD must not be handed the gateway.
    @Test("a reserved address that is now the gateway or outside the subnet is not handed out")
    func reservedNoLongerAllocatable() throws {
        let store = MemoryKeyValueStore()
        let before = Self.pool(store, node: "node-a")
        try before.reserve(workload: "ledger/primary", addresses: [IPAddress("10.43.1.50")!])
        let movedGateway = Self.pool(store, node: "node-a", gateway: "10.43.1.50", range: ("10.43.2.2", "10.43.2.254"))
        let got = try? movedGateway.acquire(for: Self.owner("c1"), requested: [], workload: "ledger/primary")
        #expect(got != [IPAddress("10.43.1.50")!], "the workload was handed the gateway")
        if got != nil { try movedGateway.release(for: Self.owner("c1")) }
        let movedSubnet = Self.pool(store, node: "node-a", subnet: "10.44.0.0/16", gateway: "10.44.0.1",
                                    range: ("10.44.1.2", "10.44.1.254"))
        let outside = try? movedSubnet.acquire(for: Self.owner("c2"), requested: [], workload: "ledger/primary")
        #expect(outside != [IPAddress("10.43.1.50")!], "the workload was handed an address outside the subnet")
    }

    /// `reservations create --address V4` on a dual-stack network (README: repeat
    /// --address "for the other family", so optional): the workload's ADD then gets no
    /// IPv6 address, and its CHECK fails for ever.
    @Test("a reservation without one family: the workload's ADD still gets one address per family")
    func reservationMissingFamily() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a", ipv6: ("2001:db8:43::1:0", "2001:db8:43::1:ffff"))
        try pool.reserve(workload: "ledger/primary", addresses: [IPAddress("10.43.1.40")!])
        let got = try? pool.acquire(for: Self.owner("c1"), requested: [], workload: "ledger/primary")
        guard let got else { return }  // refusing clearly is a fine answer too
        #expect(Set(got.map(\.family)) == [.ipv4, .ipv6], "got \(got): no IPv6 on a dual-stack network")
        #expect(throws: Never.self) { try pool.verify(for: Self.owner("c1"), expected: got) }
        try pool.release(for: Self.owner("c1"))
        let elsewhere = Self.pool(store, node: "node-b", ipv6: ("2001:db8:43::1:0", "2001:db8:43::1:ffff"))
        #expect(try elsewhere.acquire(for: Self.owner("c2"), requested: [], workload: "ledger/primary") == got,
                "the IPv6 address added at the first ADD is kept for the workload too")
    }

    @Test("the family a reservation lacks is found in a nearly full range, past addresses others hold")
    func reservationMissingFamilyContended() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a", ipv6: ("2001:db8:43::1:0", "2001:db8:43::1:3"))
        for index in 0..<3 { _ = try pool.acquire(for: Self.owner("o\(index)"), requested: []) }
        let free = Set((0...3).map { IPAddress("2001:db8:43::1:\($0)")! })
            .subtracting(try pool.leases().map(\.address))
        try pool.reserve(workload: "ledger/primary", addresses: [IPAddress("10.43.1.40")!])
        let got = try pool.acquire(for: Self.owner("c1"), requested: [], workload: "ledger/primary")
        #expect(got.count == 2 && free == [got[1]], "got \(got); the free IPv6 address was \(free)")
    }

    // MARK: node names that collide

    @Test("reservations create whose answer was lost, run again, says it is done, not that it exists")
    func reserveLostAnswer() throws {
        let store = MemoryKeyValueStore()
        let pool = Self.pool(store, node: "node-a")
        store.loseNextAnswer = true
        #expect(throws: StoreError.self) {
            try pool.reserve(workload: "ledger/primary", addresses: [IPAddress("10.43.1.40")!])
        }
        #expect(throws: Never.self) {
            try pool.reserve(workload: "ledger/primary", addresses: [IPAddress("10.43.1.40")!])
        }
    }
}

/// Who may name the workload: under Multus a pod's `cni-args` annotation becomes
/// `args.cni` (README.md#port-security-on-by-default says so for grants), so a pod in
/// another namespace can name `k8s/payments/db-0` and be given its address.
@Suite("Review 19: workload keys")
struct Review19WorkloadKeyTests {
    static func config(args: String) throws -> NetworkConfig {
        let text = """
            {"cniVersion": "1.0.0", "name": "flat-e", "type": "flatnet", \(args)
             "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                      "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.9.254"}],
                      "store": {"type": "etcd", "endpoints": ["http://10.0.0.1:2379"]},
                      "reservations": {"kubernetesPods": true}}}
            """
        return try NetworkConfigParser.parse(try JSONValue.parse(text), cniVersion: CNIVersion(1, 1, 0), node: .thisNode {
            NodeIdentity(name: "n1", source: .hostName)
        })
    }

    @Test("a pod in another namespace cannot take k8s/payments/db-0's reservation through args.cni")
    func impersonation() throws {
        let evil = try CNIArguments(parsing: "K8S_POD_NAMESPACE=tenant-b;K8S_POD_NAME=probe")
        let config = try Self.config(args: #""args": {"cni": {"workload": "k8s/payments/db-0"}},"#)
        let key = try? WorkloadKey.resolve(config, arguments: evil)
        #expect(key != "k8s/payments/db-0", "tenant-b/probe was keyed as payments/db-0")
    }

    /// The GC collision above, at its most likely cause: hosts left with the host name
    /// "localhost" all fall back to it and become one node of the cluster store.
    @Test("a cluster-store netconf on a host whose name is localhost is refused (the host-name fallback)")
    func localhostFallback() throws {
        let text = """
            {"cniVersion": "1.0.0", "name": "flat-e", "type": "flatnet",
             "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                      "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.9.254"}],
                      "store": {"type": "etcd", "endpoints": ["http://10.0.0.1:2379"]}}}
            """
        for name in ["localhost", "localhost.localdomain"] {
            #expect(throws: ConfigError.self, "\(name) accepted as a node of the cluster store") {
                try NetworkConfigParser.parse(try JSONValue.parse(text), cniVersion: CNIVersion(1, 1, 0), node: .thisNode {
                    NodeIdentity(name: name, source: .hostName)
                })
            }
        }
        _ = try NetworkConfigParser.parse(try JSONValue.parse(text), cniVersion: CNIVersion(1, 1, 0), node: .thisNode {
            NodeIdentity(name: "localhost", source: .environment)
        })
    }
}
