import FlatnetCore
import Testing

func makeIPv6Pool(ranges: [(String, String)], exclude: [String] = [], subnet: String = "2001:db8:43::/64",
                  gateway: String? = "2001:db8:43::1") -> AddressPool {
    let set = RangeSet(subnet: IPPrefix(subnet)!, gateway: gateway.map(ip),
                       ranges: ranges.map { AddressRange(start: ip($0.0), end: ip($0.1)) },
                       exclude: exclude.map { IPPrefix($0, allowBareAddress: true)! })
    return AddressPool(network: "flat-6", rangeSet: set, reservedAddress: IPv4Address("10.43.0.2"))
}

@Suite("IPv6 pools: offsets, never enumerated")
struct IPv6PoolTests {
    @Test("the subnet-router anycast address and the gateway are never handed out")
    func neverAnycastOrGateway() throws {
        var table = MemoryLeaseTable()
        let pool = makeIPv6Pool(ranges: [("2001:db8:43::", "2001:db8:43::3")], gateway: "2001:db8:43::2")
        let handed = try PoolAllocatorTests.allocate(2, pool: pool, table: &table)
        #expect(handed == ["2001:db8:43::1", "2001:db8:43::3"])
        #expect(throws: IPAMError.exhausted(network: "flat-6", ranges: "2001:db8:43::-2001:db8:43::3")) {
            try PoolAllocator(pool: pool).decide(for: owner("one-more"), requested: [], table: table)
        }
        #expect(pool.neverAllocatedReason(ip("2001:db8:43::"))?.contains("subnet-router anycast") == true)
        #expect(pool.capacity == 2)
    }

    @Test("a whole /64 range: capacity by arithmetic (2^64 - 1 without the anycast address)")
    func wholeSlash64() {
        let pool = makeIPv6Pool(ranges: [("2001:db8:43::", "2001:db8:43::ffff:ffff:ffff:ffff")], gateway: nil)
        #expect(pool.capacity == UInt64.max)
        let gatewayToo = makeIPv6Pool(ranges: [("2001:db8:43::", "2001:db8:43::ffff:ffff:ffff:ffff")])
        #expect(gatewayToo.capacity == UInt64.max - 1)
        let excluded = makeIPv6Pool(ranges: [("2001:db8:43::", "2001:db8:43::ffff:ffff:ffff:ffff")],
                                    exclude: ["2001:db8:43::/80", "2001:db8:43::1:0:0:0/80"])
        #expect(excluded.capacity == UInt64.max - (UInt64(1) << 49) + 1, "two /80s and the gateway's /80")
    }

    @Test("an excluded /80 in the way is skipped in one step, not walked")
    func exclusionSkippedWhole() throws {
        let pool = makeIPv6Pool(ranges: [("2001:db8:43::2", "2001:db8:43::ffff:ffff:ffff:ffff")],
                                exclude: ["2001:db8:43::/80"])
        var visited = 0
        let found = pool.firstCandidate(after: nil) { _ in visited += 1; return true }
        #expect(found == ip("2001:db8:43:0:1::") && visited == 1)
    }

    @Test("after the last address of a /64 the walk wraps to the first free one")
    func wrapsAtTheTop() throws {
        var table = MemoryLeaseTable()
        table.last = ip("2001:db8:43::ffff:ffff:ffff:ffff")
        let pool = makeIPv6Pool(ranges: [("2001:db8:43::1:0", "2001:db8:43::ffff:ffff:ffff:ffff")])
        #expect(try PoolAllocator(pool: pool).decide(for: owner("c"), requested: [], table: table)
            == .lease(ip("2001:db8:43::1:0")))
    }

    @Test("after 60,000 leases the next address is one step away")
    func largeTableIsLazy() {
        let pool = makeIPv6Pool(ranges: [("2001:db8:43::1:0", "2001:db8:43::ffff:ffff")])
        var visited = 0
        let found = pool.firstCandidate(after: ip("2001:db8:43::1:ea60")) { _ in visited += 1; return true }
        #expect(found == ip("2001:db8:43::1:ea61") && visited == 1)
    }

    @Test("requests: one per family; a family the pool lacks or a second of one family is refused, named")
    func requestsPerFamily() throws {
        let families: [IPFamily] = [.ipv4, .ipv6]
        let both = try PoolAllocator.requests([ip("10.43.1.7"), ip("2001:db8:43::1:5")], network: "n", families: families)
        #expect(both == [.ipv4: ip("10.43.1.7"), .ipv6: ip("2001:db8:43::1:5")])
        #expect(throws: IPAMError.tooManyRequests([ip("2001:db8:43::1:5"), ip("2001:db8:43::1:6")])) {
            try PoolAllocator.requests([ip("2001:db8:43::1:5"), ip("2001:db8:43::1:6")], network: "n", families: families)
        }
        do {
            _ = try PoolAllocator.requests([ip("2001:db8:43::1:5")], network: "flat-a", families: [.ipv4])
            Issue.record("an IPv6 request to an IPv4-only pool was accepted")
        } catch {
            #expect(error.cniError.message.contains("2001:db8:43::1:5") && error.cniError.message.contains("no IPv6"))
        }
    }

    @Test("requested IPv6 addresses: inside the ranges only, never the anycast address or the gateway", arguments: [
        ("2001:db8:43::1:5", "ok"), ("2001:db8:44::5", "outside the subnet"), ("2001:db8:43::", "never allocated"),
        ("2001:db8:43::1", "never allocated"), ("2001:db8:43::2:0", "outside this host's ranges"),
        ("2001:db8:43::1:80", "never allocated"),
    ])
    func ipv6Requests(_ requested: String, _ outcome: String) throws {
        let pool = makeIPv6Pool(ranges: [("2001:db8:43::1:0", "2001:db8:43::1:ffff")], exclude: ["2001:db8:43::1:80/122"])
        do {
            let decision = try PoolAllocator(pool: pool).decide(for: owner("me"), requested: [ip(requested)],
                                                                table: MemoryLeaseTable())
            #expect(outcome == "ok" && decision == .lease(ip(requested)))
        } catch let error as IPAMError {
            #expect(error.cniError.message.contains(outcome) && error.cniError.message.contains(requested), "\(error)")
        }
    }

    @Test("offsets and keys: IPv4 and IPv6 alike")
    func offsets() {
        let v6 = SubnetSpace(IPPrefix("2001:db8:43::/64")!)!
        #expect(v6.offset(of: ip("2001:db8:43::1:0")) == 0x10000 && v6.address(at: 0x10000) == ip("2001:db8:43::1:0"))
        #expect(v6.offset(of: ip("2001:db8:44::1")) == nil && v6.lastOffset == .max)
        #expect(v6.key(offset: 0x10000) == "ipv6/2001:db8:43::/64/10000")
        #expect(v6.offsets(of: IPPrefix("2001:db8:43::1:0/112")!) == 0x10000...0x1ffff)
        #expect(SubnetSpace(IPPrefix("2001:db8::/48")!) == nil, "offsets would not fit 64 bits")
        let v4 = SubnetSpace(IPPrefix("10.43.0.0/16")!)!
        #expect(v4.offset(of: ip("10.43.1.2")) == 258 && v4.lastOffset == 65535 && v4.offset(of: ip("fd00::1")) == nil)
    }

    @Test("a dual-stack result: both addresses, each with its gateway; routes via their family's gateway")
    func dualStackResult() throws {
        let config = PoolConfig(
            ipv4: RangeSet(subnet: IPPrefix("10.43.0.0/16")!, gateway: ip("10.43.0.1"),
                           ranges: [AddressRange(start: ip("10.43.1.2"), end: ip("10.43.1.9"))]),
            ipv6: RangeSet(subnet: IPPrefix("2001:db8:43::/64")!, gateway: ip("2001:db8:43::1"),
                           ranges: [AddressRange(start: ip("2001:db8:43::1:0"), end: ip("2001:db8:43::1:ff"))]),
            routes: [RouteConfig(destination: IPPrefix("0.0.0.0/0")!, gateway: nil),
                     RouteConfig(destination: IPPrefix("::/0")!, gateway: nil)])
        let result = PoolResult.make(addresses: [ip("2001:db8:43::1:5"), ip("10.43.1.2")], pool: config)
        #expect(result.ips.map(\.address.description) == ["10.43.1.2/16", "2001:db8:43::1:5/64"])
        #expect(result.ips.map { $0.gateway?.description } == ["10.43.0.1", "2001:db8:43::1"])
        #expect(result.routes.map { "\($0.destination) via \($0.gateway!)" } == ["0.0.0.0/0 via 10.43.0.1", "::/0 via 2001:db8:43::1"])
    }
}
