import FlatnetCore
import Testing

/// Request bytes. The element nest is compared with what nft 1.0.6 sent for the same
/// element (strace of `nft add element bridge fn-test mac { "flab1" . 02:00:00:00:00:01 }`);
/// the rest follows nfnetlink's framing, and FlatnetSystemTests show the kernel accepts it.
@Suite("nftables requests: batch, lookup and listing bytes")
struct NftablesMessagesTests {
    typealias Bytes = NftablesTestBytes

    static func macKey() throws -> NftElementKey {
        NftElementKey.interface(try InterfaceName(validating: "flab1"))
            + .mac(try #require(MACAddress("02:00:00:00:00:01")))
    }

    /// NFTA_SET_ELEM_LIST_ELEMENTS as nft sent it (nested flag 0x8000 on each nest).
    static let nftElementsAttribute = Bytes.hex("""
        28 00 03 80 | 24 00 01 80 | 20 00 01 80 | 1c 00 01 00
        66 6c 61 62 31 00 00 00 00 00 00 00 00 00 00 00 | 02 00 00 00 00 01 00 00
        """)

    @Test("an add batch: BATCH_BEGIN, one NEWSETELEM (REQUEST|CREATE|ACK, bridge), BATCH_END")
    func addBatch() throws {
        let change = NftElementChange(set: "mac", keys: [try Self.macKey()])
        let request = try NftablesMessages.batch(.add, table: "fn-test", changes: [change],
                                                 firstSequence: 100)
        let expected = Bytes.hex("""
            14 00 00 00 | 10 00 | 01 00 | 64 00 00 00 | 00 00 00 00 | 00 00 00 0a
            50 00 00 00 | 0c 0a | 05 04 | 65 00 00 00 | 00 00 00 00 | 07 00 00 00
            0c 00 01 00 | 66 6e 2d 74 65 73 74 00 | 08 00 02 00 | 6d 61 63 00
            """) + Self.nftElementsAttribute + Bytes.hex("""
            14 00 00 00 | 11 00 | 01 00 | 66 00 00 00 | 00 00 00 00 | 00 00 00 0a
            """)
        #expect(request.bytes == expected)
        #expect(request.batchSequence == 100)
        #expect(request.sequences == [100, 101] && request.nextSequence == 103)
        #expect(request.messages == [NftMessageLayout(sequence: 101, change: 0, set: "mac", firstKey: 0,
                                                      tableOffset: 20, setOffset: 32, keyOffsets: [44])])
    }

    @Test("a delete batch uses DELSETELEM with REQUEST|ACK (no CREATE), one message per change")
    func deleteBatch() throws {
        let name = try InterfaceName(validating: "flab1")
        let changes = [NftElementChange(set: "mac", keys: [try Self.macKey()]),
                       NftElementChange(set: "drops", keys: [.interface(name)])]
        let request = try NftablesMessages.batch(.delete, table: "fn-test", changes: changes,
                                                 firstSequence: 7)
        let messages = try NetlinkMessage.split(request.bytes[...])
        #expect(messages.map(\.type) == [0x10, 0x0a0e, 0x0a0e, 0x11])
        #expect(messages.map(\.flags) == [1, 5, 5, 1])
        #expect(messages.map(\.sequence) == [7, 8, 9, 10])
        #expect(request.messages.map(\.set) == ["mac", "drops"])
        // "drops\0" is 6 bytes, padded to 8: the elements start at 44, the first key at 48
        // (the offset the kernel named when it refused a missing key of this shape).
        #expect(request.messages[1].keyOffsets == [48])
    }

    @Test("a change without keys sends nothing (a DELSETELEM without elements flushes the set)")
    func emptyChangeIsSkipped() throws {
        let empty = NftElementChange(set: "mac", keys: [])
        let request = try NftablesMessages.batch(.delete, table: "fn-test", changes: [empty],
                                                 firstSequence: 1)
        #expect(try NetlinkMessage.split(request.bytes[...]).map(\.type) == [0x10, 0x11])
        #expect(request.messages.isEmpty)
    }

    @Test("a change of more than 512 keys is split, each message knowing its first key")
    func largeChangeIsSplit() throws {
        let keys = (0..<600).map { NftElementKey.ipv4(IPv4Address(UInt32($0))) }
        let change = NftElementChange(set: "s", keys: keys)
        let request = try NftablesMessages.batch(.add, table: "t", changes: [change], firstSequence: 0)
        #expect(request.messages.map(\.firstKey) == [0, 512])
        #expect(request.messages.map(\.keyOffsets.count) == [512, 88])
        #expect(try NetlinkMessage.split(request.bytes[...]).count == 4)
    }

    @Test("a lookup is one GETSETELEM with REQUEST|ACK; the element nest is nft's")
    func lookup() throws {
        let request = try NftablesMessages.lookup(table: "fn-test", set: "mac", key: try Self.macKey(),
                                                  sequence: 3)
        let expected = Bytes.hex("""
            50 00 00 00 | 0d 0a | 05 00 | 03 00 00 00 | 00 00 00 00 | 07 00 00 00
            0c 00 01 00 | 66 6e 2d 74 65 73 74 00 | 08 00 02 00 | 6d 61 63 00
            """) + Self.nftElementsAttribute
        #expect(request.bytes == expected)
        #expect(request.batchSequence == nil)
    }

    @Test("lookups of several keys: one GETSETELEM per key, back to back, each knowing its key")
    func lookups() throws {
        let keys = (1...3).map { NftElementKey.ipv4(IPv4Address(UInt32($0))) }
        let changes = [NftElementChange(set: "a", keys: [keys[0], keys[1]]),
                       NftElementChange(set: "b", keys: [keys[2]])]
        let request = try NftablesMessages.lookups(table: "t", changes: changes, firstSequence: 40)
        let messages = try NetlinkMessage.split(request.bytes[...])
        #expect(messages.map(\.type) == [0x0a0d, 0x0a0d, 0x0a0d])
        #expect(messages.map(\.sequence) == [40, 41, 42])
        #expect(request.messages.map(\.keyOffsets.count) == [1, 1, 1])
        #expect(request.messages.map { $0.culprit(atOffset: $0.keyOffsets[0]) }
                == [.key(change: 0, key: 0), .key(change: 0, key: 1), .key(change: 1, key: 0)])
        #expect(request.nextSequence == 43 && request.batchSequence == nil)
        let single = try NftablesMessages.lookup(table: "t", set: "b", key: keys[2], sequence: 42)
        let thirdStart = messages[2].payload.startIndex - 16
        #expect(single.bytes == Array(request.bytes[thirdStart...]))
    }

    @Test("a listing is GETSETELEM with REQUEST|DUMP naming table and set")
    func listing() throws {
        let request = try NftablesMessages.listing(table: "fn-test", set: "drops", sequence: 9)
        #expect(request.bytes == Bytes.hex("""
            2c 00 00 00 | 0d 0a | 01 03 | 09 00 00 00 | 00 00 00 00 | 07 00 00 00
            0c 00 01 00 | 66 6e 2d 74 65 73 74 00 | 0a 00 02 00 | 64 72 6f 70 73 00 00 00
            """))
    }

    @Test("names and keys the kernel would refuse are refused before encoding")
    func refusals() {
        let key = NftElementKey(bytes: [1, 2, 3, 4])
        #expect(throws: NftRequestError.invalidName(kind: "table", name: "")) {
            try NftablesMessages.lookup(table: "", set: "s", key: key, sequence: 0)
        }
        #expect(throws: NftRequestError.invalidName(kind: "set", name: "a\0b")) {
            try NftablesMessages.listing(table: "t", set: "a\0b", sequence: 0)
        }
        let longName = String(repeating: "t", count: 256)
        #expect(throws: NftRequestError.invalidName(kind: "table", name: longName)) {
            try NftablesMessages.listing(table: longName, set: "s", sequence: 0)
        }
        let tooLong = NftElementKey(bytes: Array(repeating: 1, count: 65))
        let long = NftElementChange(set: "s", keys: [key, tooLong])
        #expect(throws: NftRequestError.invalidKey(set: "s", index: 1, length: 65)) {
            try NftablesMessages.batch(.add, table: "t", changes: [long], firstSequence: 0)
        }
        #expect(throws: NftRequestError.invalidKey(set: "s", index: 0, length: 0)) {
            try NftablesMessages.lookup(table: "t", set: "s", key: NftElementKey(bytes: []), sequence: 0)
        }
    }
}
