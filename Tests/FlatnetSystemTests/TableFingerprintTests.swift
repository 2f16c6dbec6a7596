import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// A hand edit of a port-security table, as an operator would make it with nft.
enum TableEdit: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case deletePrerouting = "prerouting deleted after its jump"
    case flushPort = "the port chain flushed"
    case replaceRule = "a rule replaced (router advertisements no longer refused)"
    case replaceRuleTwice = "a rule replaced twice (its anonymous set's name comes back)"
    case preroutingPolicy = "prerouting's policy made drop"
    case forwardPriority = "forward made again at another priority, with its rule"
    case dormant = "the table made dormant"

    var testDescription: String { rawValue }

    /// The nft scripts that make the edit, one `nft -f` each.
    func scripts(_ fixture: borrowing PortSecurityTableFixture) throws -> [String] {
        let table = "bridge " + fixture.table
        switch self {
        case .deletePrerouting:
            let jump = try fixture.handle(ofRuleContaining: "jump port", in: "prerouting")
            return ["delete rule \(table) prerouting handle \(jump)\ndelete chain \(table) prerouting\n"]
        case .flushPort:
            return ["flush chain \(table) port\n"]
        case .replaceRule, .replaceRuleTwice:
            let rule = try fixture.handle(ofRuleContaining: "nd-router-advert", in: "port-ipv6")
            let replace = { (types: String) in
                "replace rule \(table) port-ipv6 handle \(rule) icmpv6 type { \(types) } goto spoof\n"
            }
            let once = replace("nd-redirect, router-renumbering")
            return self == .replaceRule ? [once] : [once, replace("nd-redirect, router-renumbering, 250")]
        case .preroutingPolicy:
            return ["chain \(table) prerouting { policy drop; }\n"]
        case .forwardPriority:
            let forward = try #require(fixture.rules.chains.first { $0.name == "forward" })
            return ["delete chain \(table) forward\n"
                + "add chain \(table) forward { type filter hook forward priority 100; policy accept; }\n"
                + forward.rules.map { "add rule \(table) forward \($0)\n" }.joined()]
        case .dormant:
            return ["add table \(table) { flags dormant; }\n"]
        }
    }
}

/// NetfilterSocket.tableFingerprint against real tables: what it must ignore (elements,
/// counters, the dynamic set, repeated reads, other tables) and what it must see (each
/// hand edit an operator could make that leaves containers less protected).
@Suite("nftables table fingerprint through netlink (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)))
struct TableFingerprintTests {
    @Test("two reads agree; the table's other network has another fingerprint")
    func repeatedReadsAgree() throws {
        let fixture = try PortSecurityTableFixture()
        let socket = try fixture.socket()
        let first = try #require(try socket.tableFingerprint(table: fixture.table))
        #expect(try socket.tableFingerprint(table: fixture.table) == first)
        #expect(try fixture.socket().tableFingerprint(table: fixture.table) == first)
        let other = try #require(try socket.tableFingerprint(table: fixture.otherRules.table))
        #expect(other != first)
    }

    @Test("unchanged when containers' elements are added and deleted (in flat-a and in flat-b)")
    func elementsDoNotCount() throws {
        let fixture = try PortSecurityTableFixture()
        let socket = try fixture.socket()
        let before = try #require(try socket.tableFingerprint(table: fixture.table))
        let ports = try (1...20).map { number in
            try fixture.protection(port: PortSecurityTableFixture.portName("e\(number)"),
                                   mac: "02:00:00:00:01:\(String(format: "%02x", number))",
                                   ipv4: "10.43.1.\(number)")
        }
        try socket.add(table: fixture.table, ports.flatMap(\.elementChanges))
        try socket.add(table: fixture.otherRules.table, ports.flatMap(\.elementChanges))
        #expect(try socket.elements(table: fixture.table, set: "macs").count == 20)
        #expect(try socket.tableFingerprint(table: fixture.table) == before)
        try socket.delete(table: fixture.table, ports.dropFirst(5).flatMap(\.removalChanges))
        #expect(try socket.elements(table: fixture.table, set: "macs").count == 5)
        #expect(try socket.tableFingerprint(table: fixture.table) == before)
    }

    @Test("unchanged after traffic that counts drops and fills the dynamic flood set")
    func trafficDoesNotCount() throws {
        let fixture = try PortSecurityTableFixture()
        let socket = try fixture.socket()
        let port = PortSecurityTableFixture.portName("t1")
        let container = try ContainerPort(host: fixture.nft, port: port, mac: "02:00:00:00:02:01",
                                          address: "10.43.1.66")
        // The port may send from 10.43.1.5 only: broadcasts from .66 pass the MAC check,
        // update @flood, then are counted in @drops and dropped.
        let protection = try fixture.protection(port: port, mac: "02:00:00:00:02:01", ipv4: "10.43.1.5")
        try socket.add(table: fixture.table, protection.elementChanges)
        let before = try #require(try socket.tableFingerprint(table: fixture.table))
        try container.broadcast(count: 5)
        // Positive control: the frames really went through the table's rules.
        var drops: NftElementCounters?
        for _ in 0..<100 where (drops?.packets ?? 0) == 0 {
            drops = try socket.elements(table: fixture.table, set: "drops").values.first ?? nil
            if (drops?.packets ?? 0) == 0 { usleep(20_000) }
        }
        #expect((drops?.packets ?? 0) > 0, "the broadcasts were counted in @drops")
        #expect(try socket.elements(table: fixture.table, set: "flood").count == 1,
                "the port's token bucket was made in @flood")
        #expect(try socket.tableFingerprint(table: fixture.table) == before)
    }

    @Test("unchanged, and read without error, while another socket commits elements nonstop")
    func concurrentCommits() throws {
        let fixture = try PortSecurityTableFixture()
        let socket = try fixture.socket()
        let before = try #require(try socket.tableFingerprint(table: fixture.table))
        let ports = try (1...5).map { number in
            try fixture.protection(port: PortSecurityTableFixture.portName("c\(number)"),
                                   mac: "02:00:00:00:03:0\(number)", ipv4: "10.43.3.\(number)")
        }
        let committer = ElementCommitter(namespace: fixture.nft.path, table: fixture.table,
                                         changes: ports.flatMap(\.elementChanges))
        committer.start()
        var fingerprints: Set<String?> = []
        for _ in 0..<300 { fingerprints.insert(try socket.tableFingerprint(table: fixture.table)) }
        let (commits, failure) = committer.stop()
        #expect(failure == nil)
        #expect(commits > 100, "positive control: the generation moved while the table was read")
        #expect(fingerprints == [before])
    }

    @Test("changed by each hand edit of the table", arguments: TableEdit.allCases)
    func editsCount(_ edit: TableEdit) throws {
        let fixture = try PortSecurityTableFixture()
        let socket = try fixture.socket()
        let before = try #require(try socket.tableFingerprint(table: fixture.table))
        for script in try edit.scripts(fixture) { try fixture.nft.nft(script: script) }
        let after = try #require(try socket.tableFingerprint(table: fixture.table))
        #expect(after != before)
        #expect(try socket.tableFingerprint(table: fixture.table) == after, "and stable again")
    }

    @Test("premise: a rule replaced twice keeps its handle and no longer refuses router advertisements")
    func replacedTwiceNeedsSetHandles() throws {
        let fixture = try PortSecurityTableFixture()
        let rule = try fixture.handle(ofRuleContaining: "nd-router-advert", in: "port-ipv6")
        let before = try fixture.nft.nft("-a", "list", "chain", "bridge", fixture.table, "port-ipv6")
        for script in try TableEdit.replaceRuleTwice.scripts(fixture) { try fixture.nft.nft(script: script) }
        let after = try fixture.nft.nft("-a", "list", "chain", "bridge", fixture.table, "port-ipv6")
        // The premise of NftTableSnapshot's set handles: same handle, other elements.
        #expect(try fixture.handle(ofRuleContaining: "nd-redirect", in: "port-ipv6") == rule)
        #expect(before.contains("nd-router-advert") && !after.contains("nd-router-advert"))
    }

    @Test("an edit of the other network's table leaves this one's fingerprint alone")
    func otherTableEdits() throws {
        let fixture = try PortSecurityTableFixture()
        let socket = try fixture.socket()
        let before = try #require(try socket.tableFingerprint(table: fixture.table))
        let otherBefore = try socket.tableFingerprint(table: fixture.otherRules.table)
        try fixture.nft.nft(script: "flush chain bridge \(fixture.otherRules.table) port\n"
            + "delete chain bridge \(fixture.otherRules.table) forward\n")
        #expect(try socket.tableFingerprint(table: fixture.otherRules.table) != otherBefore,
                "positive control: the other table's own fingerprint changed")
        #expect(try socket.tableFingerprint(table: fixture.table) == before)
    }

    @Test("nil once the table is deleted, and for a table that never existed")
    func missingTable() throws {
        let fixture = try PortSecurityTableFixture()
        let socket = try fixture.socket()
        #expect(try socket.tableFingerprint(table: fixture.table) != nil)
        try fixture.nft.nft(script: "delete table bridge \(fixture.table)\n")
        #expect(try socket.tableFingerprint(table: fixture.table) == nil)
        #expect(try socket.tableFingerprint(table: "fn-absent") == nil)
        #expect(try socket.tableFingerprint(table: fixture.otherRules.table) != nil)
    }

    @Test("a name the kernel cannot take is an error, not a missing table")
    func invalidName() throws {
        let fixture = try PortSecurityTableFixture()
        let socket = try fixture.socket()
        #expect(throws: NetfilterError.self) {
            _ = try socket.tableFingerprint(table: String(repeating: "t", count: 300))
        }
    }
}

/// A thread that adds and deletes elements through its own socket until stopped: every
/// commit bumps the ruleset generation, as concurrent ADDs and DELs do.
final class ElementCommitter: @unchecked Sendable {
    private let namespace: String
    private let table: String
    private let changes: [NftElementChange]
    private let lock = NSCondition()
    private var stopping = false
    private var finished = false
    private var commits = 0
    private var failure: String?

    init(namespace: String, table: String, changes: [NftElementChange]) {
        (self.namespace, self.table, self.changes) = (namespace, table, changes)
    }

    func start() { Thread { self.run() }.start() }

    /// Stops the thread and waits for it: how many commits it made, and why it stopped early.
    func stop() -> (commits: Int, failure: String?) {
        lock.lock()
        defer { lock.unlock() }
        stopping = true
        while !finished { lock.wait() }
        return (commits, failure)
    }

    private func run() {
        do {
            let socket = try NetworkNamespace.withEntered(path: namespace) { try NetfilterSocket() }
            while !isStopping {
                try socket.add(table: table, changes)
                try socket.delete(table: table, changes)
                lock.withLock { commits += 2 }
            }
        } catch {
            lock.withLock { failure = "\(error)" }
        }
        lock.withLock {
            finished = true
            lock.broadcast()
        }
    }

    private var isStopping: Bool { lock.withLock { stopping } }
}
