import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Testing

/// NetfilterSocket against the kernel, compared with what nft itself lists.
@Suite("nftables set elements through netlink (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)))
struct NetfilterSocketTests {
    static let table = NftablesFixture.table

    @Test("elements added in one transaction are the ones nft lists, in all five sets")
    func addMatchesNft() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let first = ContainerElements(1), second = ContainerElements(0x1a2)
        try socket.add(table: Self.table, first.changes + second.changes)
        for set in NftablesFixture.sets {
            #expect(try fixture.listed(set) == [first.listed[set]!, second.listed[set]!], "set \(set)")
        }
    }

    @Test("adding elements that exist is not an error and leaves one of each")
    func addIsIdempotent() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let container = ContainerElements(7)
        try socket.add(table: Self.table, container.changes)
        try socket.add(table: Self.table, container.changes)
        #expect(try fixture.listed("ipv4") == [container.listed["ipv4"]!])
    }

    @Test("a transaction is all or nothing: one change for a missing set adds nothing")
    func addIsAtomic() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let container = ContainerElements(3)
        let broken = container.changes + [NftElementChange(set: "nosuch", keys: container.changes[4].keys)]
        #expect(throws: NetfilterError.self) { try socket.add(table: Self.table, broken) }
        for set in NftablesFixture.sets { #expect(try fixture.listed(set).isEmpty, "set \(set)") }
    }

    @Test("delete removes one container's elements, leaves the others, and ignores absent keys")
    func deleteIgnoresAbsentKeys() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let gone = ContainerElements(1), kept = ContainerElements(2), absent = ContainerElements(3)
        try socket.add(table: Self.table, gone.changes + kept.changes)
        // Absent keys before, between and after present ones, in several sets and messages.
        try socket.delete(table: Self.table, absent.changes + gone.changes + absent.changes)
        for set in NftablesFixture.sets {
            #expect(try fixture.listed(set) == [kept.listed[set]!], "set \(set)")
        }
        try socket.delete(table: Self.table, gone.changes)  // every key absent: a repeated DEL
        #expect(try fixture.listed("mac") == [kept.listed["mac"]!])
    }

    @Test("delete of several keys of one set where some are absent removes the present ones")
    func deleteManyKeysOfOneSet() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let drops = (1...6).map { ContainerElements($0).changes[4].keys[0] }
        let present = NftElementChange(set: "drops", keys: [drops[1], drops[3], drops[5]])
        try socket.add(table: Self.table, [present])
        try socket.delete(table: Self.table, [NftElementChange(set: "drops", keys: drops)])
        #expect(try fixture.listed("drops").isEmpty)
    }

    @Test("contains: true for an element nft added, false for an absent one (no dump)")
    func contains() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let element = "\"flab1\" . 02:00:00:00:00:01 . 10.43.0.1"
        try fixture.nft(script: "add element bridge fn-test ipv4 { \(element) }\n")
        let present = try #require(ContainerElements(1).changes[1].keys.first)
        let absent = try #require(ContainerElements(2).changes[1].keys.first)
        #expect(try socket.contains(table: Self.table, set: "ipv4", key: present))
        #expect(try !socket.contains(table: Self.table, set: "ipv4", key: absent))
    }

    @Test("present: the part of a container's keys the sets hold, asked in one call")
    func present() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let container = ContainerElements(4)
        try socket.add(table: Self.table, [container.changes[0], container.changes[4]])
        #expect(try socket.present(table: Self.table, container.changes)
                == [container.changes[0], container.changes[4]])
        #expect(try socket.present(table: Self.table, ContainerElements(5).changes).isEmpty)
    }

    @Test("elements lists every key, with counters only where the set has them")
    func elementsListing() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let containers = (1...300).map(ContainerElements.init)
        try socket.add(table: Self.table, containers.flatMap(\.changes))
        let drops = try socket.elements(table: Self.table, set: "drops")
        #expect(Set(drops.keys) == Set(containers.map { $0.changes[4].keys[0] }))
        #expect(Set(drops.values) == [NftElementCounters(packets: 0, bytes: 0)])
        let mac = try socket.elements(table: Self.table, set: "mac")
        #expect(mac.count == 300 && mac.values.allSatisfy { $0 == nil })
        #expect(try socket.elements(table: Self.table, set: "ipv6").count == 300)
    }

    @Test("one transaction of 1,000 containers (5,000 messages, more than the default socket buffers hold)")
    func largeTransaction() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let containers = (1...1_000).map(ContainerElements.init)
        try socket.add(table: Self.table, containers.flatMap(\.changes))
        #expect(try socket.elements(table: Self.table, set: "ipv4").count == 1_000)
        #expect(try fixture.listed("ipv4").count == 1_000)
        try socket.delete(table: Self.table, containers.flatMap(\.changes))
        #expect(try fixture.listed("ipv4").isEmpty)
    }

    @Test("a missing table or set is a clear error for every operation")
    func missingTableOrSet() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let change = ContainerElements(1).changes[4]
        let key = change.keys[0]
        let noTable = "in table bridge fn-absent: no such table bridge fn-absent"
        let noSet = "in table bridge fn-test: no such set nosuch in table bridge fn-test"
        let missingSet = NftElementChange(set: "nosuch", keys: [key])
        try expectError(noTable) { try socket.add(table: "fn-absent", [change]) }
        try expectError(noTable) { try socket.delete(table: "fn-absent", [change]) }
        try expectError(noTable) { _ = try socket.contains(table: "fn-absent", set: "drops", key: key) }
        try expectError(noTable) { _ = try socket.elements(table: "fn-absent", set: "drops") }
        try expectError(noSet) { try socket.add(table: Self.table, [missingSet]) }
        try expectError(noSet) { try socket.delete(table: Self.table, [missingSet]) }
        try expectError(noSet) { _ = try socket.contains(table: Self.table, set: "nosuch", key: key) }
        try expectError(noSet) { _ = try socket.elements(table: Self.table, set: "nosuch") }
    }

    @Test("a key of the wrong length is refused with the kernel's errno, naming the set")
    func wrongKeyLength() throws {
        let fixture = try NftablesFixture()
        let socket = try fixture.socket()
        let short = NftElementChange(set: "mac", keys: [NftElementKey(bytes: [1, 2, 3, 4])])
        try expectError("set mac: the kernel refused: Invalid argument (errno 22)") {
            try socket.add(table: Self.table, [short])
        }
    }

    private func expectError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation,
                             _ body: () throws -> Void) throws {
        let error = #expect(throws: NetfilterError.self, sourceLocation: sourceLocation) { try body() }
        #expect(error?.description.contains(text) == true, "\(String(describing: error))",
                sourceLocation: sourceLocation)
    }
}
