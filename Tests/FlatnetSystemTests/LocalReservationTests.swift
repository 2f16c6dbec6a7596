import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// A dual-stack pool on disk keeping reservations (`ipam.reservations`), in a fresh temp
/// dataDir removed afterwards. Two IPv4 addresses and two IPv6 ones unless told.
struct ReservingPoolFixture: ~Copyable {
    let dataDirectory: String
    let ipam: PoolIPAM

    init(ipv4End: String = "10.43.1.3", ipv6End: String = "2001:db8:43::1:1", expirySeconds: Int? = nil) throws {
        dataDirectory = NSTemporaryDirectory() + "flatnet-reserve-" + ProcessRunner.uniqueSuffix()
        var policy: [String: JSONValue] = ["kubernetesPods": .bool(true)]
        if let expirySeconds { policy["expirySeconds"] = .number(Double(expirySeconds)) }
        let text = Valid.config
            .setting("ipam.dataDir", to: .string(dataDirectory))
            .setting("ipam.ranges", to: .array([.object(["rangeStart": .string("10.43.1.2"),
                                                          "rangeEnd": .string(ipv4End)])]))
            .setting("ipam.ipv6", to: .object([
                "subnet": .string("2001:db8:43::/64"), "gateway": .string("2001:db8:43::1"),
                "ranges": .array([.object(["rangeStart": .string("2001:db8:43::1:0"),
                                           "rangeEnd": .string(ipv6End)])]),
            ]))
            .setting("ipam.reservations", to: .object(policy))
        let config = try NetworkConfigParser.parse(text, cniVersion: CNIVersion(1, 1, 0))
        ipam = PoolIPAM(network: config, pool: config.ipam.pool!, lockTimeoutMilliseconds: 2_000)
    }

    var directory: String { ipam.store.directory }

    func add(_ id: String, workload: String? = nil, requested: [String] = []) throws -> [String] {
        try ipam.acquireLease(for: Owner(containerID: id, ifName: "eth0"),
                              requested: requested.compactMap(IPAddress.init), workload: workload)
            .addresses.map(\.description)
    }

    func del(_ id: String) throws { try ipam.release(for: Owner(containerID: id, ifName: "eth0")) }

    func link(_ path: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + path)
    }

    deinit { try? FileManager.default.removeItem(atPath: dataDirectory) }
}

@Suite("Reservations on this host's disk")
struct LocalReservationTests {
    static let pod = "k8s/ledger/db-0"

    @Test("DEL keeps a reserved workload's addresses; its next container gets them, others do not")
    func followsWorkload() throws {
        let pool = try ReservingPoolFixture()
        let first = try pool.add("c1", workload: Self.pod)
        try pool.del("c1")
        #expect(pool.link("addresses/\(first[0])")?.hasPrefix("flatnet-reserved-1:") == true)
        // The pool has one other address per family: a stranger gets those, then nothing.
        let stranger = try pool.add("c2")
        #expect(Set(stranger).isDisjoint(with: first))
        #expect(throws: IPAMError.self) { try pool.add("c3") }
        #expect(try pool.add("c4", workload: Self.pod) == first)
        #expect(try pool.ipam.reservationList().map(\.workload) == [Self.pod])
    }

    @Test("another workload, or an ADD asking for the reserved address, is refused")
    func othersRefused() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.9", ipv6End: "2001:db8:43::1:9")
        let kept = try pool.add("c1", workload: Self.pod)
        try pool.del("c1")
        #expect(throws: IPAMError.requestReserved(IPAddress(kept[0])!, workload: Self.pod)) {
            try pool.add("c2", requested: [kept[0]])
        }
        #expect(throws: IPAMError.requestReserved(IPAddress(kept[0])!, workload: Self.pod)) {
            try pool.add("c3", workload: "k8s/ledger/db-1", requested: [kept[0]])
        }
        // The workload asking for another address than its own is refused too.
        #expect(throws: IPAMError.requestReserved(IPAddress("10.43.1.7")!, workload: Self.pod)) {
            try pool.add("c4", workload: Self.pod, requested: ["10.43.1.7"])
        }
        #expect(pool.link("owners/c4:eth0") == nil && pool.link("owners/c2:eth0") == nil)
    }

    @Test("a workload attached twice on this host: the second ADD is refused naming the first")
    func attachedTwice() throws {
        let pool = try ReservingPoolFixture()
        let kept = try pool.add("c1", workload: Self.pod)
        let holder = Owner(containerID: "c1", ifName: "eth0")
        #expect(throws: IPAMError.reservationInUse(IPAddress(kept[0])!, workload: Self.pod, by: holder,
                                                   node: nil)) {
            try pool.add("c2", workload: Self.pod)
        }
        #expect(pool.link("owners/c2:eth0") == nil && pool.link("ipv6/owners/c2:eth0") == nil)
    }

    @Test("GC of a reserved workload's dead container keeps the address reserved")
    func gcKeeps() throws {
        let pool = try ReservingPoolFixture()
        let kept = try pool.add("c1", workload: Self.pod)
        let released = try pool.ipam.collectGarbage(keeping: []).released
        #expect(released.map(\.address.description).sorted() == kept.sorted())
        #expect(pool.link("addresses/\(kept[0])")?.hasPrefix("flatnet-reserved-1:") == true)
        #expect(try pool.add("c2", workload: Self.pod) == kept)
    }

    @Test("an expired reservation is anyone's, and the ADD that takes it ends the reservation")
    func expiry() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.2", ipv6End: "2001:db8:43::1:0", expirySeconds: 60)
        let kept = try pool.add("c1", workload: Self.pod)
        try pool.del("c1")
        #expect(throws: IPAMError.self) { try pool.add("c2") }  // kept, within the expiry
        // Released 61 s ago.
        let old = Int64(Date().timeIntervalSince1970) - 61
        for address in kept {
            let path = pool.directory + (address.contains(":") ? "/ipv6" : "") + "/addresses/" + address
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createSymbolicLink(
                atPath: path, withDestinationPath: LeaseRecord.encodeReserved(workload: Self.pod, releasedAt: old))
        }
        #expect(try pool.add("c2") == kept)
        #expect(pool.link("reservations/@k8s%ledger%db-0") == nil)
        #expect(pool.link("ipv6/reservations/@k8s%ledger%db-0") == nil)
        #expect(pool.link("addresses/\(kept[0])") == "flatnet-lease-1:c2:eth0")
    }

    @Test("a reservation made by hand: the workload gets it, others are refused, create again is no change")
    func operatorCreate() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.9", ipv6End: "2001:db8:43::1:9")
        let wanted = [IPAddress("10.43.1.7")!, IPAddress("2001:db8:43::1:7")!]
        try pool.ipam.reserve(workload: "billing", addresses: wanted)
        try pool.ipam.reserve(workload: "billing", addresses: wanted)  // a retry
        #expect(throws: IPAMError.reservationExists(workload: "billing")) {
            try pool.ipam.reserve(workload: "billing", addresses: [IPAddress("10.43.1.8")!])
        }
        #expect(throws: IPAMError.requestReserved(wanted[0], workload: "billing")) {
            try pool.ipam.reserve(workload: "other", addresses: [wanted[0]])
        }
        let held = try pool.add("c1")
        #expect(throws: IPAMError.requestHeld(IPAddress(held[0])!, by: Owner(containerID: "c1", ifName: "eth0"))) {
            try pool.ipam.reserve(workload: "other", addresses: [IPAddress(held[0])!])
        }
        #expect(throws: IPAMError.self) { try pool.ipam.reserve(workload: "other", addresses: [IPAddress("10.43.1.1")!]) }
        #expect(try pool.add("c2", workload: "billing") == wanted.map(\.description))
        #expect(try pool.ipam.reservationList().map(\.workload) == ["billing"])
    }

    @Test("release: attached nowhere, free at once; attached, its container keeps it until DEL")
    func operatorRelease() throws {
        let pool = try ReservingPoolFixture()
        let a = try pool.add("c1", workload: "a")
        try pool.del("c1")
        let b = try pool.add("c2", workload: "b")
        #expect(try pool.ipam.releaseReservation(workload: "a", dryRun: true).map(\.description).sorted() == a.sorted())
        #expect(pool.link("addresses/\(a[0])") != nil)
        #expect(try pool.ipam.releaseReservation(workload: "a", dryRun: false).count == 2)
        #expect(pool.link("addresses/\(a[0])") == nil && pool.link("reservations/@a") == nil)
        #expect(try pool.ipam.releaseReservation(workload: "b", dryRun: false).count == 2)
        #expect(pool.link("addresses/\(b[0])") == "flatnet-lease-1:c2:eth0")
        try pool.del("c2")
        #expect(pool.link("addresses/\(b[0])") == nil)
        #expect(try pool.ipam.releaseReservation(workload: "a", dryRun: false).isEmpty)
        #expect(try pool.ipam.reservationList().isEmpty)
    }

    @Test("an ADD whose second family fails leaves no lease and no reservation behind")
    func allOrNothing() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.3", ipv6End: "2001:db8:43::1:0")
        _ = try pool.add("c1")  // the only IPv6 address
        #expect(throws: IPAMError.self) { try pool.add("c2", workload: Self.pod) }
        #expect(pool.link("reservations/@k8s%ledger%db-0") == nil)
        #expect(try pool.ipam.leases().leases.map(\.owner.containerID) == ["c1", "c1"])
    }

    @Test("an index left by a crash before its lease: the workload's next ADD takes that address")
    func crashBetweenIndexAndLease() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.9", ipv6End: "2001:db8:43::1:9")
        _ = try pool.add("c0")  // creates the layout: 10.43.1.2
        try FileManager.default.createDirectory(atPath: pool.directory + "/reservations",
                                                withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: pool.directory + "/reservations/@k8s%ledger%db-0",
                                                   withDestinationPath: "10.43.1.8")
        #expect(try pool.add("c1", workload: Self.pod).first == "10.43.1.8")
        #expect(pool.link("addresses/10.43.1.8") == "flatnet-lease-1:c1:eth0:k8s/ledger/db-0")
    }
}
