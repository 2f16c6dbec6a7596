import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// The reviewer's tests of reservations on this host's disk (issue 19b): usage and STATUS
/// against what ADD does, an interrupted or retried `reservations create`, a failed ADD
/// leaving a reservation as it found it, expiry taking a kept address, GC's temp files.
@Suite("Review 19b: reservations on this host's disk")
struct Review19bReservationTests {
    static let pod = "k8s/ledger/db-0"

    /// Writes `addresses/<address>` (or `ipv6/...`) as `record`, replacing what is there.
    static func writeLease(_ pool: borrowing ReservingPoolFixture, _ address: String, _ record: String) throws {
        let path = pool.directory + (address.contains(":") ? "/ipv6" : "") + "/addresses/" + address
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: record)
    }

    /// Writes the index `reservations/@<key>` naming `address`, as a crash would leave it.
    static func writeIndex(_ pool: borrowing ReservingPoolFixture, _ workload: String, _ address: String) throws {
        let directory = pool.directory + (address.contains(":") ? "/ipv6" : "") + "/reservations"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/" + WorkloadKey.fileName(workload),
                                                   withDestinationPath: address)
    }

    static var longAgo: Int64 { Int64(Date().timeIntervalSince1970) - 3_600 }

    @Test("ipam usage counts an address kept for a workload attached nowhere, as STATUS does")
    func usageCountsKept() throws {
        let pool = try ReservingPoolFixture()
        _ = try pool.add("c1", workload: Self.pod)
        try pool.del("c1")
        let byRange = try pool.ipam.usageByRange().map(\.held)
        let byFamily = try pool.ipam.usageByFamily().map(\.usage.held)
        #expect(byRange == [1, 1], "ipam usage: \(byRange)")
        #expect(byFamily == [1, 1], "STATUS: \(byFamily)")
    }

    @Test("STATUS does not call a pool exhausted when an expired reservation is there for the next ADD")
    func statusSeesExpiry() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.2", ipv6End: "2001:db8:43::1:0", expirySeconds: 60)
        let kept = try pool.add("c1", workload: Self.pod)
        try pool.del("c1")
        #expect(throws: CNIError.self) { try pool.ipam.checkStatus() }  // kept, within the expiry
        for address in kept {
            try Self.writeLease(pool, address, LeaseRecord.encodeReserved(workload: Self.pod, releasedAt: Self.longAgo))
        }
        #expect(throws: Never.self) { try pool.ipam.checkStatus() }
        #expect(try pool.ipam.usageByRange().map(\.held) == [0, 0])
        #expect(try pool.add("c2") == kept, "the ADD STATUS vouched for")
    }

    @Test("reservations create cut short between its index and its lease, then retried, keeps the address")
    func createRetriedAfterCrash() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.9", ipv6End: "2001:db8:43::1:9")
        let wanted = IPAddress("10.43.1.7")!
        _ = try pool.add("c0")  // the layout
        try Self.writeIndex(pool, "billing", wanted.description)  // the crash: index, no lease
        try pool.ipam.reserve(workload: "billing", addresses: [wanted])  // the operator's retry
        #expect(pool.link("addresses/10.43.1.7") == "flatnet-reserved-1:-:billing")
        #expect(throws: IPAMError.requestReserved(wanted, workload: "billing")) {
            try pool.add("c1", requested: ["10.43.1.7"])
        }
    }

    @Test("reservations create cut short in a dual-stack pool: the same create run again completes it")
    func createDualStackRetried() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.9", ipv6End: "2001:db8:43::1:9")
        let wanted = [IPAddress("10.43.1.7")!, IPAddress("2001:db8:43::1:7")!]
        _ = try pool.add("c0")
        // Cut short after both indices and the first lease.
        try Self.writeIndex(pool, "billing", "10.43.1.7")
        try Self.writeIndex(pool, "billing", "2001:db8:43::1:7")
        try Self.writeLease(pool, "10.43.1.7", LeaseRecord.encodeReserved(workload: "billing", releasedAt: nil))
        try pool.ipam.reserve(workload: "billing", addresses: wanted)
        #expect(pool.link("ipv6/addresses/2001:db8:43::1:7") == "flatnet-reserved-1:-:billing")
        #expect(try pool.ipam.reservationList().first?.addresses == wanted)
        // Cut short after the first index: nothing kept yet.
        try Self.writeIndex(pool, "ledger", "10.43.1.8")
        try pool.ipam.reserve(workload: "ledger", addresses: [IPAddress("10.43.1.8")!, IPAddress("2001:db8:43::1:8")!])
        #expect(pool.link("addresses/10.43.1.8") == "flatnet-reserved-1:-:ledger")
        #expect(pool.link("ipv6/addresses/2001:db8:43::1:8") == "flatnet-reserved-1:-:ledger")
        // A reservation made whole is not changed by another create, larger or different.
        try pool.ipam.reserve(workload: "v4only", addresses: [IPAddress("10.43.1.9")!])
        #expect(throws: IPAMError.reservationExists(workload: "v4only")) {
            try pool.ipam.reserve(workload: "v4only", addresses: [IPAddress("10.43.1.9")!, IPAddress("2001:db8:43::1:9")!])
        }
        #expect(throws: IPAMError.reservationExists(workload: "billing")) {
            try pool.ipam.reserve(workload: "billing", addresses: [IPAddress("10.43.1.6")!])
        }
    }

    @Test("an ADD failing in its second family leaves a reservation made by hand as it was (no expiry starts)")
    func failedAddKeepsRecord() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.3", ipv6End: "2001:db8:43::1:0", expirySeconds: 60)
        _ = try pool.add("c1")  // 10.43.1.2 and the only IPv6 address
        try pool.ipam.reserve(workload: "billing", addresses: [IPAddress("10.43.1.3")!])
        #expect(throws: IPAMError.self) { try pool.add("c2", workload: "billing") }
        #expect(pool.link("addresses/10.43.1.3") == "flatnet-reserved-1:-:billing")
        #expect(pool.link("owners/c2:eth0") == nil)
    }

    @Test("a workload taking back its own expired address, kept with no index (a crash), keeps it indexed")
    func expiredOwnAddressStaysIndexed() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.2", ipv6End: "2001:db8:43::1:0", expirySeconds: 60)
        let kept = try pool.add("c1", workload: Self.pod)
        try pool.del("c1")
        for address in kept {
            try Self.writeLease(pool, address, LeaseRecord.encodeReserved(workload: Self.pod, releasedAt: Self.longAgo))
        }
        // What a crash inside an expired address's takeover left: the record, no index.
        try FileManager.default.removeItem(atPath: pool.directory + "/reservations/@k8s%ledger%db-0")
        try FileManager.default.removeItem(atPath: pool.directory + "/ipv6/reservations/@k8s%ledger%db-0")
        #expect(try pool.add("c2", workload: Self.pod) == kept)
        #expect(try pool.ipam.reservationList().map(\.workload) == [Self.pod])
        try pool.del("c2")
        #expect(try pool.ipam.releaseReservation(workload: Self.pod, dryRun: false).count == 2)
        #expect(pool.link("addresses/\(kept[0])") == nil, "nothing kept that no command can release")
    }

    @Test("GC removes the temp files a killed process left in reservations/")
    func gcRemovesReservationTempFiles() throws {
        let pool = try ReservingPoolFixture()
        _ = try pool.add("c1", workload: Self.pod)
        let temporary = pool.directory + "/reservations/.tmp.4242.link"
        try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: "10.43.1.2")
        _ = try pool.ipam.collectGarbage(keeping: [Owner(containerID: "c1", ifName: "eth0")])
        #expect(!FileManager.default.fileExists(atPath: temporary)
                    && (try? FileManager.default.destinationOfSymbolicLink(atPath: temporary)) == nil)
    }

    @Test("an index left naming another's address is not listed, and releasing it says nothing was kept")
    func staleIndexNotListed() throws {
        let pool = try ReservingPoolFixture(ipv4End: "10.43.1.9", ipv6End: "2001:db8:43::1:9")
        _ = try pool.add("c0")  // 10.43.1.2
        try pool.ipam.reserve(workload: "other", addresses: [IPAddress("10.43.1.7")!])
        try Self.writeIndex(pool, "billing", "10.43.1.7")
        try Self.writeIndex(pool, "ledger", "10.43.1.2")
        #expect(try pool.ipam.reservationList().map(\.workload) == ["other"])
        #expect(try pool.ipam.releaseReservation(workload: "billing", dryRun: false).isEmpty)
        #expect(try pool.ipam.releaseReservation(workload: "ledger", dryRun: false).isEmpty)
        #expect(pool.link("reservations/@billing") == nil && pool.link("reservations/@ledger") == nil)
        #expect(pool.link("addresses/10.43.1.7") == "flatnet-reserved-1:-:other")
        #expect(pool.link("addresses/10.43.1.2") == "flatnet-lease-1:c0:eth0")
        try Self.writeIndex(pool, "ops", "10.43.1.7")
        try pool.ipam.reserve(workload: "ops", addresses: [IPAddress("10.43.1.8")!])  // not "already has one"
        #expect(pool.link("reservations/@ops") == "10.43.1.8")
    }
}
