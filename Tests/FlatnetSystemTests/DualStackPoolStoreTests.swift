import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// A dual-stack (or IPv6-only) pool in a fresh temp dataDir, removed afterwards.
struct DualStackFixture: ~Copyable {
    let dataDirectory: String
    let ipam: PoolIPAM

    init(ipv6Range: (String, String) = ("2001:db8:43::1:0", "2001:db8:43::1:ffff"), ipv4: Bool = true) throws {
        dataDirectory = NSTemporaryDirectory() + "flatnet-pool6-" + ProcessRunner.uniqueSuffix()
        var text = Valid.config
            .setting("ipam.dataDir", to: .string(dataDirectory))
            .setting("ipam.ranges", to: .array([.object(["rangeStart": .string("10.43.1.2"),
                                                          "rangeEnd": .string("10.43.1.9")])]))
            .setting("ipam.ipv6", to: .object([
                "subnet": .string("2001:db8:43::/64"), "gateway": .string("2001:db8:43::1"),
                "ranges": .array([.object(["rangeStart": .string(ipv6Range.0), "rangeEnd": .string(ipv6Range.1)])]),
            ]))
        if !ipv4 {
            for key in ["ipam.subnet", "ipam.gateway", "ipam.ranges", "ipam.exclude", "ipam.routes", "metadata"] {
                text = text.setting(key, to: nil)
            }
        }
        let config = try NetworkConfigParser.parse(text, cniVersion: CNIVersion(1, 1, 0))
        ipam = PoolIPAM(network: config, pool: config.ipam.pool!, lockTimeoutMilliseconds: 2_000)
    }

    var directory: String { ipam.store.directory }

    func link(_ path: String) throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + path)
    }

    func names(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory + "/" + path).sorted()
    }

    deinit { try? FileManager.default.removeItem(atPath: dataDirectory) }
}

@Suite("Dual-stack pool store on disk")
struct DualStackPoolStoreTests {
    static let c1 = Owner(containerID: "c1", ifName: "eth0")

    @Test("ADD leases one address per family; IPv6 leases live under ipv6/; ADD again returns the same")
    func onePerFamily() throws {
        let pool = try DualStackFixture()
        let addresses = try pool.ipam.acquire(for: Self.c1, requested: [])
        #expect(addresses.map(\.description) == ["10.43.1.2", "2001:db8:43::1:0"])
        #expect(try pool.link("ipv6/addresses/2001:db8:43::1:0") == "flatnet-lease-1:c1:eth0")
        #expect(try pool.link("ipv6/owners/c1:eth0") == "2001:db8:43::1:0")
        #expect(try pool.link("addresses/10.43.1.2") == "flatnet-lease-1:c1:eth0")
        #expect(try pool.ipam.acquire(for: Self.c1, requested: []) == addresses)
        try pool.ipam.verify(for: Self.c1, expected: addresses)
        #expect(try pool.ipam.acquire(for: Owner(containerID: "c2", ifName: "eth0"), requested: [])
            .map(\.description) == ["10.43.1.3", "2001:db8:43::1:1"])
    }

    @Test("an IPv6 pool that cannot lease leaves no IPv4 lease behind")
    func allOrNothing() throws {
        let pool = try DualStackFixture(ipv6Range: ("2001:db8:43::1:0", "2001:db8:43::1:0"))
        _ = try pool.ipam.acquire(for: Self.c1, requested: [])
        #expect(throws: IPAMError.self) {
            try pool.ipam.acquire(for: Owner(containerID: "c2", ifName: "eth0"), requested: [])
        }
        #expect(try pool.names("addresses") == ["10.43.1.2"] && pool.names("owners") == ["c1:eth0"])
        let usage = try pool.ipam.usageByFamily().map { "\($0.pool.family.name) \($0.usage.held)/\($0.usage.capacity)" }
        #expect(usage == ["IPv4 1/8", "IPv6 1/1"])
    }

    @Test("DEL releases both families; GC releases both; CHECK names a missing IPv6 lease")
    func releaseBoth() throws {
        let pool = try DualStackFixture()
        let c2 = Owner(containerID: "c2", ifName: "eth0"), c3 = Owner(containerID: "c3", ifName: "eth0")
        for owner in [Self.c1, c2, c3] { _ = try pool.ipam.acquire(for: owner, requested: []) }
        try pool.ipam.release(for: Self.c1)
        #expect(try pool.names("ipv6/addresses") == ["2001:db8:43::1:1", "2001:db8:43::1:2"])
        let outcome = try pool.ipam.collectGarbage(keeping: [c3])
        #expect(outcome.released.map(\.address.description).sorted() == ["10.43.1.3", "2001:db8:43::1:1"])
        #expect(try pool.names("ipv6/owners") == ["c3:eth0"] && pool.names("owners") == ["c3:eth0"])
        try FileManager.default.removeItem(atPath: pool.directory + "/ipv6/addresses/2001:db8:43::1:2")
        do {
            try pool.ipam.verify(for: c3, expected: [])
            Issue.record("CHECK passed without the IPv6 lease")
        } catch let error as IPAMError {
            #expect(error == .familyNotHeld(c3, family: .ipv6) && error.description.contains("holds no IPv6 address"))
        }
        #expect(throws: IPAMError.notHeld(c3, expected: IPAddress("2001:db8:43::1:2"))) {
            try pool.ipam.verify(for: c3, expected: [IPAddress("10.43.1.4")!, IPAddress("2001:db8:43::1:2")!])
        }
    }

    @Test("requests: one per family, honoured; an IPv6 operator release frees only that lease")
    func requested() throws {
        let pool = try DualStackFixture()
        let wanted = [IPAddress("2001:db8:43::1:abcd")!, IPAddress("10.43.1.7")!]
        #expect(try pool.ipam.acquire(for: Self.c1, requested: wanted) == [wanted[1], wanted[0]])
        let outcome = try pool.ipam.operatorRelease(address: wanted[0], dryRun: false)
        #expect(outcome == .released([wanted[0]], owner: Self.c1, dryRun: false))
        #expect(try pool.ipam.addresses(heldBy: Self.c1) == [wanted[1]])
        #expect(throws: IPAMError.self) { try pool.ipam.operatorRelease(address: IPAddress("2001:db8:99::1")!, dryRun: true) }
    }

    @Test("an IPv6-only pool; a lease file under another spelling of its address is not taken for it")
    func ipv6Only() throws {
        let pool = try DualStackFixture(ipv4: false)
        #expect(try pool.ipam.acquire(for: Self.c1, requested: []).map(\.description) == ["2001:db8:43::1:0"])
        #expect(try pool.names("addresses").isEmpty)
        try FileManager.default.createSymbolicLink(atPath: pool.directory + "/ipv6/addresses/2001:DB8:43::1:1",
                                                   withDestinationPath: "flatnet-lease-1:x:eth0")
        #expect(try pool.ipam.leases().problems.first?.contains("2001:DB8:43::1:1: not an address") == true)
    }

    @Test("a pool made IPv4-only gains IPv6: the container holding IPv4 gets an IPv6 address at its next ADD")
    func gainsIPv6() throws {
        let dual = try DualStackFixture()
        let text = Valid.config.setting("ipam.dataDir", to: .string(dual.dataDirectory))
            .setting("ipam.ranges", to: .array([.object(["rangeStart": .string("10.43.1.2"), "rangeEnd": .string("10.43.1.9")])]))
        let config = try NetworkConfigParser.parse(text, cniVersion: CNIVersion(1, 1, 0))
        let ipv4Only = PoolIPAM(network: config, pool: config.ipam.pool!, lockTimeoutMilliseconds: 2_000)
        #expect(try ipv4Only.acquire(for: Self.c1, requested: []).map(\.description) == ["10.43.1.2"])
        #expect(!FileManager.default.fileExists(atPath: dual.directory + "/ipv6"))
        #expect(try dual.ipam.acquire(for: Self.c1, requested: []).map(\.description) == ["10.43.1.2", "2001:db8:43::1:0"])
    }
}
