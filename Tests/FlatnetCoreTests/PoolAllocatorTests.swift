import FlatnetCore
import Testing

/// Swift Testing has an `Attachment` type of its own.
typealias Owner = FlatnetCore.Attachment

/// An in-memory lease table for pure allocator tests.
struct MemoryLeaseTable: LeaseTable {
    var holders: [IPAddress: Owner] = [:]
    var records: [Owner: IPAddress] = [:]
    var unreadable: Set<IPAddress> = []
    var last: IPAddress?

    func state(of address: IPAddress) -> LeaseState {
        if unreadable.contains(address) { return .unreadable(reason: "test") }
        return holders[address].map { .held(by: $0) } ?? .free
    }
    func recordedAddress(of owner: Owner) -> IPAddress? { records[owner] }
    func lastAllocated() -> IPAddress? { last }

    mutating func apply(_ decision: AllocationDecision, to owner: Owner) {
        holders[decision.address] = owner
        records[owner] = decision.address
        last = decision.address
    }

    mutating func release(_ owner: Owner) {
        if let address = records.removeValue(forKey: owner) { holders[address] = nil }
    }
}

func ip(_ text: String) -> IPAddress { IPAddress(text)! }
func owner(_ id: String, _ ifName: String = "eth0") -> Owner { Owner(containerID: id, ifName: ifName) }

func makePool(ranges: [(String, String)], exclude: [String] = [], reserved: String? = "10.43.0.2",
              subnet: String = "10.43.0.0/16", gateway: String = "10.43.0.1") -> AddressPool {
    let config = PoolConfig(
        subnet: IPPrefix(subnet)!.v4!, gateway: ip(gateway).v4!,
        ranges: ranges.map { AddressRange(start: ip($0.0), end: ip($0.1)) },
        exclude: exclude.map { IPPrefix($0, allowBareAddress: true)!.v4! }, routes: [], dataDirectory: "/x")
    return AddressPool(network: "flat-a", config: config, reservedAddress: reserved.map { ip($0).v4! })
}

@Suite("Pool allocator")
struct PoolAllocatorTests {
    /// Allocates for owners c0, c1, ... in order and returns the addresses handed out.
    static func allocate(_ count: Int, pool: AddressPool, table: inout MemoryLeaseTable) throws -> [String] {
        let allocator = PoolAllocator(pool: pool)
        return try (0..<count).map { index in
            let decision = try allocator.decide(for: owner("c\(index)"), requested: [], table: table)
            table.apply(decision, to: owner("c\(index)"))
            return decision.address.description
        }
    }

    @Test("allocation order: ranges in order, skipping network, gateway, reserved and excluded", arguments: [
        ([("10.43.1.2", "10.43.1.5")], [String](), ["10.43.1.2", "10.43.1.3", "10.43.1.4", "10.43.1.5"]),
        ([("10.43.1.2", "10.43.1.6")], ["10.43.1.3", "10.43.1.4/31"], ["10.43.1.2", "10.43.1.6"]),
        ([("10.43.2.1", "10.43.2.2"), ("10.43.1.9", "10.43.1.10")], [], ["10.43.1.9", "10.43.1.10", "10.43.2.1", "10.43.2.2"]),
        ([("10.43.0.0", "10.43.0.4")], [], ["10.43.0.3", "10.43.0.4"]),
    ])
    func order(_ ranges: [(String, String)], _ exclude: [String], _ expected: [String]) throws {
        var table = MemoryLeaseTable()
        let pool = makePool(ranges: ranges, exclude: exclude)
        #expect(try Self.allocate(expected.count, pool: pool, table: &table) == expected)
        #expect(pool.capacity == expected.count)
    }

    @Test("exhaustion names the network and the ranges")
    func exhaustion() throws {
        var table = MemoryLeaseTable()
        let pool = makePool(ranges: [("10.43.1.2", "10.43.1.3")])
        _ = try Self.allocate(2, pool: pool, table: &table)
        #expect(throws: IPAMError.exhausted(network: "flat-a", ranges: "10.43.1.2-10.43.1.3")) {
            try PoolAllocator(pool: pool).decide(for: owner("late"), requested: [], table: table)
        }
    }

    @Test("round-robin: a released address is handed out again only after the rest")
    func roundRobin() throws {
        var table = MemoryLeaseTable()
        let pool = makePool(ranges: [("10.43.1.2", "10.43.1.5")])
        _ = try Self.allocate(2, pool: pool, table: &table)  // .2 .3
        table.release(owner("c0"))  // .2 free again
        let allocator = PoolAllocator(pool: pool)
        var next: [String] = []
        for id in ["n1", "n2", "n3"] {
            let decision = try allocator.decide(for: owner(id), requested: [], table: table)
            table.apply(decision, to: owner(id))
            next.append(decision.address.description)
        }
        #expect(next == ["10.43.1.4", "10.43.1.5", "10.43.1.2"])
    }

    @Test("a last address outside the ranges (ranges changed) restarts at the first free one")
    func staleLast() throws {
        var table = MemoryLeaseTable()
        table.last = ip("10.43.9.9")
        #expect(try Self.allocate(1, pool: makePool(ranges: [("10.43.1.2", "10.43.1.5")]), table: &table) == ["10.43.1.2"])
    }

    @Test("ADD repeated for the same owner returns the address it holds")
    func idempotent() throws {
        var table = MemoryLeaseTable()
        let pool = makePool(ranges: [("10.43.1.2", "10.43.1.9")])
        _ = try Self.allocate(3, pool: pool, table: &table)
        #expect(try PoolAllocator(pool: pool).decide(for: owner("c1"), requested: [], table: table) == .alreadyHeld(ip("10.43.1.3")))
        #expect(try PoolAllocator(pool: pool).decide(for: owner("c1", "net1"), requested: [], table: table) == .lease(ip("10.43.1.5")))
    }

    @Test("an owner record whose lease was never written (a crash) holds nothing")
    func danglingRecord() throws {
        var table = MemoryLeaseTable()
        table.records[owner("c1")] = ip("10.43.1.7")
        let pool = makePool(ranges: [("10.43.1.2", "10.43.1.9")])
        #expect(try PoolAllocator(pool: pool).decide(for: owner("c1"), requested: [], table: table) == .lease(ip("10.43.1.2")))
    }

    @Test("requests", arguments: [
        ("10.43.1.7", "ok"), ("10.44.0.1", "outside the subnet"), ("10.43.0.1", "never allocated"),
        ("10.43.0.2", "never allocated"), ("10.43.1.100", "never allocated"), ("10.43.2.5", "outside this host's ranges"),
        ("10.43.1.3", "held by another container"), ("10.43.255.255", "never allocated"), ("fd00::5", "has no IPv6 range set"),
    ])
    func requests(_ requested: String, _ outcome: String) throws {
        var table = MemoryLeaseTable()
        table.apply(.lease(ip("10.43.1.3")), to: owner("other"))
        let pool = makePool(ranges: [("10.43.1.2", "10.43.1.254")], exclude: ["10.43.1.100/30"])
        let allocator = PoolAllocator(pool: pool)
        do {
            let decision = try allocator.decide(for: owner("me"), requested: [IPAddress(requested)!], table: table)
            #expect(outcome == "ok" && decision == .lease(ip(requested)))
        } catch let error as IPAMError {
            #expect(error.cniError.message.contains(outcome), "\(error)")
            #expect(error.cniError.message.contains(requested), "the message names the address")
            #expect(error.cniError.code == .addressUnavailable)
        }
    }

    @Test("a request for the address already held is idempotent; for another is refused")
    func requestWhileHolding() throws {
        var table = MemoryLeaseTable()
        table.apply(.lease(ip("10.43.1.3")), to: owner("me"))
        let allocator = PoolAllocator(pool: makePool(ranges: [("10.43.1.2", "10.43.1.9")]))
        #expect(try allocator.decide(for: owner("me"), requested: [IPAddress("10.43.1.3")!], table: table) == .alreadyHeld(ip("10.43.1.3")))
        #expect(throws: IPAMError.ownerHoldsOther(owner("me"), held: ip("10.43.1.3"), requested: ip("10.43.1.4"))) {
            try allocator.decide(for: owner("me"), requested: [IPAddress("10.43.1.4")!], table: table)
        }
    }

    @Test("two IPv4 requests are refused, naming both")
    func twoRequests() {
        let allocator = PoolAllocator(pool: makePool(ranges: [("10.43.1.2", "10.43.1.9")]))
        #expect(throws: IPAMError.self) {
            try allocator.decide(for: owner("me"), requested: [IPAddress("10.43.1.3")!, IPAddress("10.43.1.4")!], table: MemoryLeaseTable())
        }
    }

    @Test("a large pool: allocating after 60,000 leases visits one candidate")
    func largePoolIsLazy() throws {
        let pool = makePool(ranges: [("10.43.1.0", "10.43.255.254")])
        var visited = 0
        let found = pool.firstCandidate(after: ip("10.43.235.100")) { _ in visited += 1; return true }
        #expect(found == ip("10.43.235.101") && visited == 1)
    }
}

@Suite("Lease records")
struct LeaseRecordTests {
    @Test("round trip")
    func roundTrip() throws {
        #expect(try LeaseRecord.decode(LeaseRecord.encode(owner("c1", "eth0"))).get() == owner("c1", "eth0"))
    }

    /// Found by the fuzz lane (state-records target): the record was split by Characters,
    /// and a CNI_IFNAME starting with a combining mark (a valid name; Multus lets a pod
    /// choose it) fused with the ":" before it: the lease read back as unreadable, held
    /// by nobody, so DEL could not release it.
    @Test("any owner the dispatcher accepts reads back, an ifname starting with a combining mark too",
          arguments: ["\u{301}eth0", "\u{5b0}6660-", "e\u{301}th0", "eth0\u{301}"])
    func combiningMark(_ ifName: String) throws {
        #expect(InterfaceName.problem(with: ifName) == nil, "a valid CNI_IFNAME")
        #expect(try LeaseRecord.decode(LeaseRecord.encode(owner("c1", ifName))).get() == owner("c1", ifName))
    }

    @Test("the record is flatnet-lease-1:<id>:<ifname>")
    func format() {
        #expect(LeaseRecord.encode(owner("c1", "eth0")) == "flatnet-lease-1:c1:eth0")
    }

    @Test("foreign or damaged text is refused", arguments: [
        "c1\r\neth0", "", "flatnet-lease-1:c1", "flatnet-lease-2:c1:eth0", "flatnet-lease-1:c/1:eth0",
        "flatnet-lease-1:c1:eth0:bad//key", "flatnet-lease-1::eth0", "flatnet-lease-1:c1:eth0:",
        "flatnet-reserved-1:12:", "flatnet-reserved-1:-1:k8s/a/b", "flatnet-reserved-1:k8s/a/b",
        "flatnet-reserved-1:12:k8s/a/b",
    ])
    func refused(_ text: String) {
        #expect((try? LeaseRecord.decode(text).get()) == nil)
    }

    @Test("reserved forms: held with its workload, kept with release time or never attached")
    func reservedForms() throws {
        let held = LeaseRecord.encode(owner("c1", "eth0"), workload: "k8s/ns/pod-0:x")
        #expect(held == "flatnet-lease-1:c1:eth0:k8s/ns/pod-0:x")
        #expect(try LeaseRecord.parse(held).get() == .held(by: owner("c1", "eth0"), workload: "k8s/ns/pod-0:x"))
        #expect(try LeaseRecord.decode(held).get() == owner("c1", "eth0"))
        for time: Int64? in [nil, 0, 1_800_000_000] {
            let kept = LeaseRecord.encodeReserved(workload: "k8s/ns/pod-0", releasedAt: time)
            #expect(try LeaseRecord.parse(kept).get() == .reserved(workload: "k8s/ns/pod-0", releasedAt: time))
        }
        #expect(WorkloadKey.key(fromFileName: WorkloadKey.fileName("k8s/ns/pod-0")) == "k8s/ns/pod-0")
        #expect(WorkloadKey.fileName("k8s/ns/pod-0") == "@k8s%ns%pod-0")
        #expect(WorkloadKey.key(fromFileName: ".tmp.12.link") == nil)
    }

    @Test("store keys: <id>:<ifname>, hashed when too long for a file name")
    func keys() {
        #expect(owner("c1", "eth0").storeKey == "c1:eth0")
        let long = owner(String(repeating: "a", count: 300), "eth0").storeKey
        #expect(long.utf8.count < 40 && long.hasSuffix(":eth0") && long.hasPrefix("~"))
    }
}
