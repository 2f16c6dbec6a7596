import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

typealias Owner = FlatnetCore.Attachment

/// A pool in a fresh temp dataDir; the directory is removed afterwards.
struct PoolFixture: ~Copyable {
    let dataDirectory: String
    let ipam: PoolIPAM

    init(ranges: (String, String) = ("10.43.1.2", "10.43.1.9"), lockTimeout: Int = 2_000) throws {
        dataDirectory = NSTemporaryDirectory() + "flatnet-pool-" + ProcessRunner.uniqueSuffix()
        let text = Valid.config
            .setting("ipam.dataDir", to: .string(dataDirectory))
            .setting("ipam.ranges", to: .array([.object(["rangeStart": .string(ranges.0), "rangeEnd": .string(ranges.1)])]))
        let config = try NetworkConfigParser.parse(text, cniVersion: CNIVersion(1, 1, 0))
        ipam = PoolIPAM(network: config, pool: config.ipam.pool!, lockTimeoutMilliseconds: lockTimeout)
    }

    var directory: String { ipam.store.directory }

    deinit { try? FileManager.default.removeItem(atPath: dataDirectory) }
}

extension PoolIPAM {
    /// ADD's first address (the only one, in an IPv4-only pool).
    func acquireFirst(for owner: Owner, requested: [IPAddress]) throws -> IPAddress {
        try acquire(for: owner, requested: requested)[0]
    }
}

func mode(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

@Suite("Pool store on disk")
struct PoolStoreTests {
    @Test("first ADD creates the layout: directories 0700, files 0600")
    func layout() throws {
        let pool = try PoolFixture()
        let address = try pool.ipam.acquireFirst(for: Owner(containerID: "c1", ifName: "eth0"), requested: [])
        #expect(address.description == "10.43.1.2")
        #expect(try mode(pool.dataDirectory) == 0o700)
        for directory in ["", "/addresses", "/owners"] { #expect(try mode(pool.directory + directory) == 0o700) }
        for file in ["/layout", "/lock", "/last"] { #expect(try mode(pool.directory + file) == 0o600, "\(file)") }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: pool.directory + "/addresses/10.43.1.2") == "flatnet-lease-1:c1:eth0")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: pool.directory + "/owners/c1:eth0") == "10.43.1.2")
    }

    @Test("DEL and CHECK with no state directory: DEL succeeds and creates nothing")
    func noState() throws {
        let pool = try PoolFixture()
        try pool.ipam.release(for: Owner(containerID: "c1", ifName: "eth0"))
        #expect(!FileManager.default.fileExists(atPath: pool.dataDirectory))
        #expect(throws: IPAMError.self) { try pool.ipam.verify(for: Owner(containerID: "c1", ifName: "eth0"), expected: []) }
    }

    @Test("a directory of foreign files (host-local's) is refused, naming it")
    func foreignDirectory() throws {
        let pool = try PoolFixture()
        try FileManager.default.createDirectory(atPath: pool.directory, withIntermediateDirectories: true)
        try "c1\r\neth0".write(toFile: pool.directory + "/10.43.1.2", atomically: true, encoding: .utf8)
        do {
            _ = try pool.ipam.acquireFirst(for: Owner(containerID: "c2", ifName: "eth0"), requested: [])
            Issue.record("foreign state accepted")
        } catch let error as IPAMError {
            #expect(error.cniError.code == .stateCorrupt)
            #expect(error.cniError.message.contains(pool.directory))
        }
    }

    @Test("empty subdirectories without a marker (initialisation cut short) are completed, not refused")
    func interruptedInitialisation() throws {
        let pool = try PoolFixture()
        try FileManager.default.createDirectory(atPath: pool.directory + "/addresses", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: pool.directory + "/owners", withIntermediateDirectories: true)
        #expect(try pool.ipam.acquireFirst(for: Owner(containerID: "c1", ifName: "eth0"), requested: []).description == "10.43.1.2")
        #expect(FileManager.default.fileExists(atPath: pool.directory + "/layout"))
    }

    @Test("STATUS: 0 with room, 51 when the state is foreign or unreadable")
    func statusCodes() throws {
        let pool = try PoolFixture()
        try pool.ipam.checkStatus()
        try FileManager.default.createDirectory(atPath: pool.directory, withIntermediateDirectories: true)
        try "x".write(toFile: pool.directory + "/last_reserved_ip.0", atomically: true, encoding: .utf8)
        do {
            try pool.ipam.checkStatus()
            Issue.record("foreign state passed STATUS")
        } catch {
            #expect(CNIErrorMapping.cniError(for: error).code == .notAvailableDegraded)
        }
    }

    @Test("a damaged lease counts as held: never reused, reported with its path, requested by name refused")
    func corruptLease() throws {
        let pool = try PoolFixture()
        _ = try pool.ipam.acquireFirst(for: Owner(containerID: "c1", ifName: "eth0"), requested: [])
        try FileManager.default.createSymbolicLink(atPath: pool.directory + "/addresses/10.43.1.3", withDestinationPath: "garbage")
        #expect(try pool.ipam.acquireFirst(for: Owner(containerID: "c2", ifName: "eth0"), requested: []) == IPAddress("10.43.1.4"))
        let problems = try pool.ipam.leases().problems
        #expect(problems.count == 1 && problems[0].contains("/addresses/10.43.1.3"), "\(problems)")
        #expect(try pool.ipam.usage().held == 3, "counted as held")
        do {
            _ = try pool.ipam.acquireFirst(for: Owner(containerID: "c3", ifName: "eth0"), requested: [IPAddress("10.43.1.3")!])
            Issue.record("handed out an address whose lease cannot be read")
        } catch let error as IPAMError {
            #expect(error.cniError.code == .addressUnavailable && error.cniError.details.contains("/addresses/10.43.1.3"))
        }
    }

    @Test("a regular file where a lease link belongs counts as held and is reported with its path")
    func fileInsteadOfLink() throws {
        let pool = try PoolFixture()
        _ = try pool.ipam.acquireFirst(for: Owner(containerID: "c1", ifName: "eth0"), requested: [])
        try "c2".write(toFile: pool.directory + "/addresses/10.43.1.3", atomically: true, encoding: .utf8)
        #expect(try pool.ipam.acquireFirst(for: Owner(containerID: "c2", ifName: "eth0"), requested: []) == IPAddress("10.43.1.4"))
        #expect(try pool.ipam.leases().problems.first?.contains("regular file") == true)
        do {
            try pool.ipam.checkStatus()
            Issue.record("STATUS passed with an unreadable lease")
        } catch {
            #expect(CNIErrorMapping.cniError(for: error).code == .notAvailableDegraded)
        }
    }

    @Test("a lock held elsewhere past the deadline is code 11")
    func lockTimeout() throws {
        let pool = try PoolFixture(lockTimeout: 50)
        _ = try pool.ipam.acquireFirst(for: Owner(containerID: "c1", ifName: "eth0"), requested: [])
        // flock locks belong to open file descriptions: a second open in this process contends.
        try FileLock.withLock(path: pool.directory + "/lock", timeoutMilliseconds: 1_000) {
            do {
                _ = try pool.ipam.acquireFirst(for: Owner(containerID: "c2", ifName: "eth0"), requested: [])
                Issue.record("acquired a held lock")
            } catch {
                #expect(CNIErrorMapping.cniError(for: error).code == .tryAgainLater)
            }
        }
    }

    @Test("an intent left by a crash (owner link, no lease) holds nothing and is repaired")
    func crashLeftovers() throws {
        let pool = try PoolFixture()
        let owner = Owner(containerID: "c1", ifName: "eth0")
        _ = try pool.ipam.acquireFirst(for: Owner(containerID: "c0", ifName: "eth0"), requested: [])
        try FileManager.default.createSymbolicLink(atPath: pool.directory + "/owners/c1:eth0", withDestinationPath: "10.43.1.7")
        try "half".write(toFile: pool.directory + "/addresses/.tmp.999.10.43.1.8", atomically: false, encoding: .utf8)
        let address = try pool.ipam.acquireFirst(for: owner, requested: [])
        #expect(address.description == "10.43.1.3")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: pool.directory + "/owners/c1:eth0") == "10.43.1.3")
        try FileManager.default.createSymbolicLink(atPath: pool.directory + "/owners/gone:eth0", withDestinationPath: "10.43.1.9")
        let outcome = try pool.ipam.collectGarbage(keeping: [owner, Owner(containerID: "c0", ifName: "eth0")])
        #expect(outcome.released.isEmpty && outcome.problems.isEmpty)
        let owners = try FileManager.default.contentsOfDirectory(atPath: pool.directory + "/owners").sorted()
        #expect(owners == ["c0:eth0", "c1:eth0"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: pool.directory + "/addresses").sorted() == ["10.43.1.2", "10.43.1.3"])
    }

    @Test("GC releases exactly the leases whose owners are not valid")
    func garbageCollection() throws {
        let pool = try PoolFixture()
        let owners = (0..<5).map { Owner(containerID: "c\($0)", ifName: "eth0") }
        for owner in owners { _ = try pool.ipam.acquireFirst(for: owner, requested: []) }
        let outcome = try pool.ipam.collectGarbage(keeping: [owners[1], owners[3]])
        #expect(outcome.released.map(\.owner.containerID).sorted() == ["c0", "c2", "c4"])
        #expect(try pool.ipam.leases().leases.map(\.owner.containerID) == ["c1", "c3"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: pool.directory + "/owners").sorted() == ["c1:eth0", "c3:eth0"])
        try pool.ipam.verify(for: owners[1], expected: [IPAddress("10.43.1.3")!])
    }

    @Test("DEL releases; repeated DEL succeeds; the released address waits its turn")
    func releaseAndRoundRobin() throws {
        let pool = try PoolFixture(ranges: ("10.43.1.2", "10.43.1.4"))
        let first = Owner(containerID: "c1", ifName: "eth0")
        #expect(try pool.ipam.acquireFirst(for: first, requested: []).description == "10.43.1.2")
        try pool.ipam.release(for: first)
        try pool.ipam.release(for: first)
        #expect(try pool.ipam.acquireFirst(for: Owner(containerID: "c2", ifName: "eth0"), requested: []).description == "10.43.1.3")
        #expect(try pool.ipam.usage() == (held: 1, capacity: 3))
    }

    @Test("first leases: every address until the pool wraps, a requested one above the mark; none after a wrap or in an older pool")
    func firstLeases() throws {
        let pool = try PoolFixture(ranges: ("10.43.1.2", "10.43.1.4"))
        let owner = { (name: String) in Owner(containerID: name, ifName: "eth0") }
        let a = try pool.ipam.acquireLease(for: owner("a"), requested: [])
        #expect(a.addresses[0].description == "10.43.1.2" && a.firstLease)
        #expect(try pool.ipam.acquireLease(for: owner("a"), requested: []).firstLease == false, "already held")
        let requested = try pool.ipam.acquireLease(for: owner("r"), requested: [.v4(IPv4Address("10.43.1.4")!)])
        #expect(requested.firstLease, "10.43.1.4 was never held")
        try pool.ipam.release(for: owner("r"))
        let b = try pool.ipam.acquireLease(for: owner("b"), requested: [])
        #expect(b.addresses[0].description == "10.43.1.3" && !b.firstLease, "below the mark the request raised")
        let again = try pool.ipam.acquireLease(for: owner("c"), requested: [])
        #expect(again.addresses[0].description == "10.43.1.4" && !again.firstLease, "held before, by r")
        #expect(try String(contentsOfFile: pool.directory + "/highest", encoding: .utf8) == "10.43.1.4\n")
        try pool.ipam.release(for: owner("a"))
        try FileManager.default.removeItem(atPath: pool.directory + "/highest")  // a pool from before issue 15
        let older = try pool.ipam.acquireLease(for: owner("d"), requested: [])
        #expect(older.addresses[0].description == "10.43.1.2" && !older.firstLease, "unknown history: not a first lease")
        #expect(!FileManager.default.fileExists(atPath: pool.directory + "/highest"), "unknown stays unknown")
    }

    @Test("the lease history reads what it writes; anything else is unknown")
    func leaseHistoryText() {
        let address = IPAddress("10.43.1.7")!
        for history in [LeaseHistory.nothingLeased, .highest(address)] {
            #expect(LeaseHistory(fileText: history.fileText) == history)
        }
        for text in [nil, "", "garbage\n", "10.43.1.300\n"] { #expect(LeaseHistory(fileText: text) == .unknown) }
        #expect(LeaseHistory.nothingLeased.recording(address) == .highest(address))
        #expect(LeaseHistory.highest(address).recording(IPAddress("10.43.1.3")!) == .highest(address), "never lowered")
        #expect(!LeaseHistory.unknown.neverLeased(address) && !LeaseHistory.highest(address).neverLeased(address))
        #expect(LeaseHistory.highest(address).neverLeased(IPAddress("10.43.1.8")!))
    }
}
