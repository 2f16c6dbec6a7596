import FlatnetCore
import Testing

/// The requests that read a table back for its fingerprint. The rule dump is compared with
/// what nft 1.0.6 sends for `nft list table bridge fn-test` (strace); the kernel's answers
/// to all of them are in NftTableSnapshotTests, and FlatnetSystemTests send them.
@Suite("nftables table reading: GETTABLE, GETSET and the rule and chain dumps, as bytes")
struct NftTableReadingTests {
    typealias Bytes = NftablesTestBytes

    @Test("the rule dump is nft's: GETRULE, REQUEST|DUMP, bridge, NFTA_RULE_TABLE")
    func ruleDump() throws {
        let request = try NftablesMessages.ruleDump(table: "fn-test", sequence: 9)
        #expect(request.bytes == Bytes.hex("""
            20 00 00 00 | 07 0a | 01 03 | 09 00 00 00 | 00 00 00 00 | 07 00 00 00
            0c 00 01 00 | 66 6e 2d 74 65 73 74 00
            """))
        #expect(request.messages.map(\.tableOffset) == [20])
    }

    @Test("the chain dump: GETCHAIN, REQUEST|DUMP, bridge, NFTA_CHAIN_TABLE")
    func chainDump() throws {
        let request = try NftablesMessages.chainDump(table: "fn-test", sequence: 9)
        #expect(request.bytes == Bytes.hex("""
            20 00 00 00 | 04 0a | 01 03 | 09 00 00 00 | 00 00 00 00 | 07 00 00 00
            0c 00 01 00 | 66 6e 2d 74 65 73 74 00
            """))
    }

    @Test("the first datagram: GETTABLE without NLM_F_ACK (the table answers it), then the rule dump")
    func tableAndRules() throws {
        let read = try NftablesMessages.tableAndRules(table: "fn-test", firstSequence: 40)
        #expect(read.request.bytes == Bytes.hex("""
            20 00 00 00 | 01 0a | 01 00 | 28 00 00 00 | 00 00 00 00 | 07 00 00 00
            0c 00 01 00 | 66 6e 2d 74 65 73 74 00
            20 00 00 00 | 07 0a | 01 03 | 29 00 00 00 | 00 00 00 00 | 07 00 00 00
            0c 00 01 00 | 66 6e 2d 74 65 73 74 00
            """))
        #expect(read.tableSequence == 40 && read.dumpSequence == 41 && read.setSequences.isEmpty)
        #expect(read.lookupSequences == [40])
        #expect(read.request.sequences == [40, 41] && read.request.nextSequence == 42)
    }

    @Test("the second datagram: one GETSET per set the rules name, then the chain dump")
    func setsAndChains() throws {
        let read = try NftablesMessages.setsAndChains(table: "fn-test", sets: ["__set0", "drops"],
                                                      firstSequence: 3)
        let messages = try NetlinkMessage.split(read.request.bytes[...])
        #expect(messages.map(\.type) == [0x0a0a, 0x0a0a, 0x0a04])
        #expect(messages.map(\.flags) == [1, 1, 0x301])
        #expect(read.setSequences == [3: "__set0", 4: "drops"] && read.dumpSequence == 5)
        #expect(read.lookupSequences == [3, 4] && read.request.nextSequence == 6)
        #expect(Array(messages[1].payload) == Bytes.hex("""
            07 00 00 00 | 0c 00 01 00 | 66 6e 2d 74 65 73 74 00 | 0a 00 02 00 | 64 72 6f 70 73 00 00 00
            """))
    }

    @Test("the kernel's ENOENT offsets (captured: 20 for a missing table, 32 for a set) name the culprit")
    func culprits() throws {
        let table = try NftablesMessages.tableAndRules(table: "nosuch", firstSequence: 1)
        #expect(table.request.messages[0].culprit(atOffset: 20) == .table)
        let sets = try NftablesMessages.setsAndChains(table: "fn-test", sets: ["nosuch"], firstSequence: 1)
        #expect(sets.request.messages[0].culprit(atOffset: 32) == .set)
        #expect(sets.request.messages[0].culprit(atOffset: 20) == .table)
        #expect(sets.request.messages.map(\.set) == ["nosuch", ""])
    }

    @Test("names the kernel cannot take are refused before anything is sent")
    func invalidNames() {
        #expect(throws: NftRequestError.invalidName(kind: "table", name: "")) {
            try NftablesMessages.tableAndRules(table: "", firstSequence: 1)
        }
        let long = String(repeating: "s", count: 256)
        #expect(throws: NftRequestError.invalidName(kind: "set", name: long)) {
            try NftablesMessages.setsAndChains(table: "t", sets: [long], firstSequence: 1)
        }
    }
}
