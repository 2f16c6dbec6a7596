import FlatnetCore
import Testing

/// Replies the kernel really sent (strace of nft 1.0.6 on this machine's kernel), parsed.
@Suite("nftables replies: acknowledgements, refusals and listings")
struct NftablesRepliesTests {
    typealias Bytes = NftablesTestBytes

    /// `nft get element bridge fn-test mac { "flab1" . 02:00:00:00:00:01 }`: the element,
    /// then an NLM_F_CAPPED acknowledgement (error 0) echoing only the request's header.
    static let lookupAnswer = Bytes.hex("""
        50 00 00 00 | 0c 0a | 00 00 | 01 00 00 00 | c4 61 00 00 | 07 00 00 03
        0c 00 01 00 | 66 6e 2d 74 65 73 74 00 | 08 00 02 00 | 6d 61 63 00
        28 00 03 00 | 24 00 01 00 | 20 00 01 00 | 1c 00 01 00
        66 6c 61 62 31 00 00 00 00 00 00 00 00 00 00 00 | 02 00 00 00 00 01 00 00
        24 00 00 00 | 02 00 | 00 01 | 01 00 00 00 | c4 61 00 00 | 00 00 00 00
        50 00 00 00 | 0d 0a | 05 00 | 01 00 00 00 | 00 00 00 00
        """)

    /// `nft delete element bridge fn-test drops { "nothere" }`: ENOENT, the whole request
    /// echoed (not capped), and NLMSGERR_ATTR_OFFS = 48, the key's NFTA_LIST_ELEM.
    static let missingKeyRefusal = Bytes.hex("""
        68 00 00 00 | 02 00 | 00 02 | 01 00 00 00 | 82 62 00 00 | fe ff ff ff
        4c 00 00 00 | 0e 0a | 01 00 | 01 00 00 00 | 00 00 00 00 | 07 00 00 00
        0c 00 01 00 | 66 6e 2d 74 65 73 74 00 | 0a 00 02 00 | 64 72 6f 70 73 00 00 00
        20 00 03 80 | 1c 00 01 80 | 18 00 01 80 | 14 00 01 00
        6e 6f 74 68 65 72 65 00 00 00 00 00 00 00 00 00
        08 00 02 00 | 30 00 00 00
        """)

    /// `nft list set bridge fn-test drops` with one element `"flab1" counter packets 3
    /// bytes 300`: the element (NFTA_SET_ELEM_EXPR "counter"), then in the next datagram an
    /// empty element list and NLMSG_DONE.
    static let listingFirst = Bytes.hex("""
        78 00 00 00 | 0c 0a | 02 00 | 00 00 00 00 | bd 62 00 00 | 07 00 00 02
        0c 00 01 00 | 66 6e 2d 74 65 73 74 00 | 0a 00 02 00 | 64 72 6f 70 73 00 00 00
        4c 00 03 00 | 48 00 01 00 | 18 00 01 00 | 14 00 01 00
        66 6c 61 62 31 00 00 00 00 00 00 00 00 00 00 00
        2c 00 07 00 | 0c 00 01 00 | 63 6f 75 6e 74 65 72 00 | 1c 00 02 00
        0c 00 01 00 | 00 00 00 00 00 00 01 2c | 0c 00 02 00 | 00 00 00 00 00 00 00 03
        """)
    static let listingLast = Bytes.hex("""
        30 00 00 00 | 0c 0a | 02 00 | 00 00 00 00 | bd 62 00 00 | 07 00 00 02
        0c 00 01 00 | 66 6e 2d 74 65 73 74 00 | 0a 00 02 00 | 64 72 6f 70 73 00 00 00 | 04 00 03 00
        14 00 00 00 | 03 00 | 02 00 | 00 00 00 00 | bd 62 00 00 | 00 00 00 00
        """)

    @Test("a lookup's answer: the element with its key, then an acknowledgement with error 0")
    func lookupAnswer() throws {
        let messages = try NetlinkMessage.split(Self.lookupAnswer[...])
        #expect(messages.map(\.type) == [0x0a0c, 2])
        #expect(messages.map(\.sequence) == [1, 1])
        let elements = try NftElementListing.elements(in: messages[0])
        #expect(elements.map(\.key) == [try NftablesMessagesTests.macKey()])
        #expect(elements.map(\.counters) == [nil])
        #expect(try NetlinkAcknowledgement(messages[1]) == NetlinkAcknowledgement(sequence: 1, errno: 0))
    }

    @Test("a refused delete: ENOENT and the offset of the missing key, mapped to that key")
    func missingKeyRefusal() throws {
        let messages = try NetlinkMessage.split(Self.missingKeyRefusal[...])
        let answer = try NetlinkAcknowledgement(try #require(messages.first))
        #expect(answer == NetlinkAcknowledgement(sequence: 1, errno: 2, badAttributeOffset: 48))
        // The same request from flatnet's encoder: sequence 1 is its only element message.
        let key = NftElementKey(bytes: Bytes.padded("nothere", to: 16))
        let change = NftElementChange(set: "drops", keys: [key])
        let request = try NftablesMessages.batch(.delete, table: "fn-test", changes: [change],
                                                 firstSequence: 0)
        let failures = request.failures(in: [1: answer])
        #expect(failures == [NftRequestFailure(culprit: .key(change: 0, key: 0), set: "drops", errno: 2)])
        #expect(failures.first?.isMissingKey == true)
    }

    @Test("a listing: keys with their counters, an empty trailing list, then NLMSG_DONE")
    func listing() throws {
        let first = try NetlinkMessage.split(Self.listingFirst[...])
        let last = try NetlinkMessage.split(Self.listingLast[...])
        #expect(last.map(\.type) == [0x0a0c, 3])
        let elements = try NftElementListing.elements(in: first[0]) + NftElementListing.elements(in: last[0])
        let key = NftElementKey(bytes: Bytes.padded("flab1", to: 16))
        let counters = NftElementCounters(packets: 3, bytes: 300)
        #expect(elements == [NftElementListing.Element(key: key, counters: counters)])
    }

    @Test("what the kernel refused: table, set (marked or not), key, or another errno")
    func culprits() {
        let layout = NftMessageLayout(sequence: 5, change: 2, set: "ipv4", firstKey: 512,
                                      tableOffset: 20, setOffset: 32, keyOffsets: [44, 80])
        #expect(layout.culprit(atOffset: 20) == .table)
        #expect(layout.culprit(atOffset: 32) == .set)
        #expect(layout.culprit(atOffset: 80) == .key(change: 2, key: 513))
        #expect(layout.culprit(atOffset: Int?.none) == .unmarked)
        #expect(layout.culprit(atOffset: 60) == .unmarked)
        #expect(NftRequestFailure(culprit: .table, set: "s", errno: 2).isMissingTable)
        #expect(NftRequestFailure(culprit: .unmarked, set: "s", errno: 2).isMissingSet)
        #expect(!NftRequestFailure(culprit: .unmarked, set: "s", errno: 22).isMissingSet)
        #expect(!NftRequestFailure(culprit: .key(change: 0, key: 0), set: "s", errno: 22).isMissingKey)
    }

    @Test("removing missing keys keeps the others, in order, and drops emptied changes")
    func removingMissingKeys() {
        let keys = (1...3).map { NftElementKey(bytes: [UInt8($0)]) }
        let changes = [NftElementChange(set: "a", keys: keys), NftElementChange(set: "b", keys: [keys[0]])]
        let failures = [NftRequestFailure(culprit: .key(change: 0, key: 1), set: "a", errno: 2),
                        NftRequestFailure(culprit: .key(change: 1, key: 0), set: "b", errno: 2)]
        #expect(NftElementChange.removing(failures, from: changes)
                == [NftElementChange(set: "a", keys: [keys[0], keys[2]])])
    }

    @Test("lengths that lie are errors, never reads past the end", arguments: [
        "10 00 00 00 02 00",                                    // shorter than a header
        "30 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00",      // nlmsg_len past the datagram
        "0f 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00",      // nlmsg_len below the header
        "14 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00 00 00", // error code cut short
    ])
    func malformedAcknowledgements(_ text: String) {
        #expect(throws: NetlinkParseError.self) {
            for message in try NetlinkMessage.split(Bytes.hex(text)[...]) {
                _ = try NetlinkAcknowledgement(message)
            }
        }
    }

    @Test("an attribute or element that runs past its parent is an error")
    func malformedListing() throws {
        var bytes = Self.listingFirst
        bytes[44] = 0x50  // the element list claims 80 bytes; 76 remain
        let message = try #require(try NetlinkMessage.split(bytes[...]).first)
        #expect(throws: NetlinkParseError.self) { try NftElementListing.elements(in: message) }
        var keyless = Self.listingFirst
        keyless[54] = 0x0f  // NFTA_SET_ELEM_KEY becomes type 15: an element without a key
        let noKey = try #require(try NetlinkMessage.split(keyless[...]).first)
        #expect(throws: NetlinkParseError.missing("element key")) {
            try NftElementListing.elements(in: noKey)
        }
    }
}
