import FlatnetCore
import Testing

/// One attribute of one captured answer changed (NftTableSnapshotAnswers.objects[message]).
struct AnswerChange: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let message: Int
    let attribute: UInt16
    /// nil: the attribute removed.
    let payload: [UInt8]?

    init(_ description: String, message: Int, attribute: UInt16, _ payload: [UInt8]?) {
        testDescription = description
        self.message = message
        self.attribute = attribute
        self.payload = payload
    }
}

@Suite("nftables table fingerprint: what an edit changes and what traffic does not")
struct NftTableSnapshotTests {
    typealias Answers = NftTableSnapshotAnswers
    typealias Chain = NftablesMessages.ChainAttribute
    typealias Rule = NftablesMessages.RuleAttribute
    typealias NamedSet = NftablesMessages.SetAttribute
    typealias Table = NftablesMessages.TableAttribute

    static func snapshot(_ messages: [NetlinkMessage]) throws -> NftTableSnapshot {
        var snapshot = NftTableSnapshot(table: "fn-test")
        for message in messages { try snapshot.absorb(message) }
        return snapshot
    }

    static func capturedMessages() throws -> [NetlinkMessage] { try Answers.objects.map(Answers.message) }

    static func fingerprint(changing change: AnswerChange) throws -> String? {
        var messages = try capturedMessages()
        messages[change.message] = try Answers.edited(messages[change.message], change.attribute,
                                                      to: change.payload)
        return try snapshot(messages).fingerprint
    }

    @Test("the captured answers: the rules name __set0 and drops; the same answers, the same fingerprint")
    func capturedAnswers() throws {
        let first = try Self.snapshot(try Self.capturedMessages())
        #expect(first.referencedSets == ["__set0", "drops"])
        let fingerprint = try #require(first.fingerprint)
        #expect(fingerprint.count == 16)
        #expect(try Self.snapshot(try Self.capturedMessages()).fingerprint == fingerprint)
        #expect(!first.isMissing && !first.wasInterrupted)
    }

    @Test("positive control: the answers rebuilt by this test's own editing, unchanged, agree")
    func rebuiltAnswersAgree() throws {
        let rebuilt = try Self.capturedMessages().map { try Answers.edited($0, 0x3fff, to: nil) }
        let original = try Self.snapshot(try Self.capturedMessages()).fingerprint
        #expect(try Self.snapshot(rebuilt).fingerprint == original)
    }

    @Test("another table's chains (the chain dump lists every bridge chain) do not count")
    func otherTablesAreSkipped() throws {
        var messages = try Self.capturedMessages()
        let withOther = try Self.snapshot(messages).fingerprint
        messages.removeLast()
        #expect(try Self.snapshot(messages).fingerprint == withOther)
    }

    @Test("the generation id (nfgenmsg res_id, bumped by every element commit) does not count")
    func generationIsExcluded() throws {
        let original = try Self.snapshot(try Self.capturedMessages()).fingerprint
        let later = try Self.capturedMessages().map { try Answers.edited($0, 0x3fff, to: nil, resID: 0x1234) }
        #expect(Array(later[0].payload.prefix(4)) == [7, 0, 0x12, 0x34])
        #expect(try Self.snapshot(later).fingerprint == original)
    }

    static let volatile = [
        AnswerChange("a chain's use count (references)", message: 6, attribute: Chain.use, [0, 0, 0, 9]),
        AnswerChange("a base chain's counters", message: 5, attribute: Chain.counters, NftablesTestBytes.hex(
            "0c 00 01 00 00 00 00 00 00 00 00 07 0c 00 02 00 00 00 00 00 00 00 02 00")),
        AnswerChange("a set's element count", message: 4, attribute: NamedSet.count, [0, 0, 0, 3]),
        AnswerChange("a set's counter template", message: 4, attribute: 17, nil),
        AnswerChange("a rule's position (the previous rule's handle)", message: 2, attribute: Rule.position,
                     [0, 0, 0, 0, 0, 0, 0, 5]),
        AnswerChange("a set's backend type text", message: 3, attribute: 19, Array("0xffff0000\0".utf8)),
        AnswerChange("the table's use count", message: 0, attribute: Table.use, [0, 0, 0, 4]),
    ]

    @Test("what changes without an edit does not count", arguments: volatile)
    func volatileAttributeIsIgnored(_ change: AnswerChange) throws {
        let original = try Self.snapshot(try Self.capturedMessages()).fingerprint
        #expect(try Self.fingerprint(changing: change) == original)
    }

    static let edits = [
        AnswerChange("the table made dormant", message: 0, attribute: Table.flags, [0, 0, 0, 1]),
        AnswerChange("a base chain's policy drop", message: 5, attribute: Chain.policy, [0, 0, 0, 0]),
        AnswerChange("a base chain's priority", message: 5, attribute: Chain.hook,
                     NftablesTestBytes.hex("08 00 01 00 00 00 00 00 08 00 02 00 ff ff ff 38")),
        AnswerChange("a base chain's hook", message: 5, attribute: Chain.hook,
                     NftablesTestBytes.hex("08 00 01 00 00 00 00 02 08 00 02 00 ff ff fe d4")),
        AnswerChange("a base chain's type", message: 5, attribute: Chain.type, Array("route\0".utf8)),
        AnswerChange("a chain's flags", message: 5, attribute: Chain.flags, [0, 0, 0, 0]),
        AnswerChange("a chain's handle (deleted and made again)", message: 6, attribute: Chain.handle,
                     [0, 0, 0, 0, 0, 0, 0, 9]),
        AnswerChange("a chain's name", message: 6, attribute: Chain.name, Array("spoof2\0".utf8)),
        AnswerChange("a rule's handle", message: 2, attribute: Rule.handle, [0, 0, 0, 0, 0, 0, 0, 7]),
        AnswerChange("a rule's chain", message: 2, attribute: Rule.chain, Array("prerouting\0".utf8)),
        AnswerChange("a rule's expressions gone", message: 1, attribute: Rule.expressions, nil),
        AnswerChange("an anonymous set made again (a new handle)", message: 3, attribute: NamedSet.handle,
                     [0, 0, 0, 0, 0, 0, 0, 0x30]),
        AnswerChange("a set's flags", message: 4, attribute: NamedSet.flags, [0, 0, 0, 0x10]),
        AnswerChange("a set's key length", message: 4, attribute: NamedSet.keyLength, [0, 0, 0, 4]),
    ]

    @Test("each edit of the table changes the fingerprint", arguments: edits)
    func editChangesFingerprint(_ change: AnswerChange) throws {
        let original = try Self.snapshot(try Self.capturedMessages()).fingerprint
        #expect(try Self.fingerprint(changing: change) != original)
    }

    @Test("a rule's expression bytes count: goto spoof made jump spoof")
    func expressionBytes() throws {
        var messages = try Self.capturedMessages()
        let original = try Self.snapshot(messages).fingerprint
        let rule = try #require(try NetlinkAttribute.parse(messages[1].payload.dropFirst(4))
            .first { $0.type == Rule.expressions })
        var bytes = Array(rule.payload)
        let goto: [UInt8] = [0xff, 0xff, 0xff, 0xfc]  // NFT_GOTO, big-endian
        let verdict = try #require(bytes.indices.dropLast(3).first { Array(bytes[$0..<$0 + 4]) == goto })
        bytes[verdict + 3] = 0xfd  // NFT_JUMP
        messages[1] = try Answers.edited(messages[1], Rule.expressions, to: bytes)
        #expect(try Self.snapshot(messages).fingerprint != original)
    }

    @Test("a chain deleted, a chain flushed, rules in another order: each changes it")
    func structuralEdits() throws {
        let messages = try Self.capturedMessages()
        let original = try Self.snapshot(messages).fingerprint
        let withoutChain = messages.enumerated().filter { $0.offset != 6 }.map(\.element)
        let withoutRule = messages.enumerated().filter { $0.offset != 2 }.map(\.element)
        var swapped = messages
        swapped.swapAt(1, 2)
        for variant in [withoutChain, withoutRule, swapped] {
            #expect(try Self.snapshot(variant).fingerprint != original)
        }
    }

    @Test("a missing table has no fingerprint; a set gone between the two reads differs from one present")
    func missingTableAndSet() throws {
        var missing = NftTableSnapshot(table: "fn-test")
        missing.recordMissingTable()
        #expect(missing.fingerprint == nil && missing.isMissing)
        let messages = try Self.capturedMessages()
        var absent = try Self.snapshot(messages.enumerated().filter { $0.offset != 4 }.map(\.element))
        absent.recordAbsentSet("drops")
        #expect(absent.fingerprint != nil)
        #expect(absent.fingerprint != (try Self.snapshot(messages).fingerprint))
    }

    @Test("the captured refusal of a missing set is ENOENT at the set name (offset 32)")
    func missingSetRefusal() throws {
        let answer = try NetlinkAcknowledgement(try Answers.message(Answers.missingSetRefusal))
        #expect(answer == NetlinkAcknowledgement(sequence: 5, errno: 2, badAttributeOffset: 32))
    }

    @Test("NLM_F_DUMP_INTR on an object is noted: the read may mix two states")
    func interruption() throws {
        var messages = try Self.capturedMessages()
        #expect(try !Self.snapshot(messages).wasInterrupted)
        let chain = messages[6]
        let interrupted = NetlinkMessageBuilder(type: chain.type, flags: chain.flags | 0x10,
                                                sequence: chain.sequence, familyHeader: Array(chain.payload))
        messages[6] = try Answers.message(interrupted.finished())
        #expect(try Self.snapshot(messages).wasInterrupted)
    }

    @Test("an answer to the table's lookup about another table, or an unknown message type, is malformed")
    func malformed() throws {
        var snapshot = NftTableSnapshot(table: "other")
        #expect(throws: NetlinkParseError.self) { try snapshot.absorb(try Answers.message(Answers.table)) }
        var done = NftTableSnapshot(table: "fn-test")
        let doneMessage = NetlinkMessageBuilder(type: 3, flags: 2, sequence: 1, familyHeader: [0, 0, 0, 0])
        let doneAnswer = try Answers.message(doneMessage.finished())
        #expect(throws: NetlinkParseError.self) { try done.absorb(doneAnswer) }
    }

    @Test("the digest of bytes is StableHash's: the same as the digest of a text's UTF-8")
    func stableHashOfBytes() {
        #expect(StableHash.digest(bytes: Array("flat-a".utf8)) == StableHash.digest("flat-a"))
        #expect(StableHash.hex(bytes: Array("flat-a".utf8)) == "a157f4ffd890936f")
        #expect(FNV1a.hash64(bytes: [UInt8]()) == FNV1a.hash64(""))
    }
}
