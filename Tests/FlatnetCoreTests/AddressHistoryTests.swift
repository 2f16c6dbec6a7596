import FlatnetCore
import FlatnetTestSupport
import Testing

@Suite("flatnet who: address history from audit lines")
struct AddressHistoryTests {
    static func line(_ minute: Int, _ verb: String, container: String = "c1", network: String = "flat-a",
                     addresses: [String] = [], code: Int = 0, valid: [String]? = nil) -> String {
        var fields: [String: JSONValue] = [
            "time": .string("2026-12-03T10:\(minute < 10 ? "0" : "")\(minute):00.000Z"), "verb": .string(verb),
            "network": .string(network), "containerID": .string(container), "ifname": "eth0",
            "code": .number(Double(code)), "addresses": .array(addresses.map(JSONValue.string)),
        ]
        if let valid {
            fields["validAttachments"] = .array(valid.map { .object(["containerID": .string($0), "ifname": "eth0"]) })
        }
        return JSONValue.object(fields).serialized()
    }

    static func at(_ minute: Int) -> AuditTime {
        AuditTime.parse("2026-12-03T10:\(minute < 10 ? "0" : "")\(minute):30Z")!
    }

    static func history(_ lines: [String], network: String? = nil) -> AddressHistory {
        var history = AddressHistory(address: IPAddress("10.43.1.9")!, network: network)
        history.read(lines.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false))
        return history
    }

    @Test("ADD starts a holding, DEL of the same attachment ends it")
    func addThenDelete() {
        let history = Self.history([
            Self.line(1, "ADD", addresses: ["10.43.1.9/16"]), Self.line(5, "CHECK"), Self.line(9, "DEL"),
        ])
        #expect(history.holders(at: Self.at(0)).isEmpty)
        #expect(history.holders(at: Self.at(4)).map(\.containerID) == ["c1"])
        #expect(history.holders(at: Self.at(9)).isEmpty)
        #expect(history.holdings.first?.endedBy == "DEL")
        #expect(history.firstTime == AuditTime.parse("2026-12-03T10:01:00Z"))
    }

    @Test("failed calls, other addresses and other networks change nothing; a DEL of another container neither")
    func ignoresOthers() {
        let history = Self.history([
            Self.line(1, "ADD", container: "x", addresses: ["10.43.1.9/16"], code: 11),
            Self.line(2, "ADD", container: "y", addresses: ["10.43.1.10/16"]),
            Self.line(3, "ADD", addresses: ["10.43.1.9/16"]),
            Self.line(4, "DEL", container: "y"), Self.line(5, "DEL", code: 7),
            Self.line(6, "DEL", network: "flat-a2"),
        ])
        #expect(history.holders(at: Self.at(7)).map(\.containerID) == ["c1"])
        #expect(history.holdings.count == 1)
    }

    @Test("GC ends holdings whose attachment is not in the valid list, only on its network")
    func garbageCollect() {
        let history = Self.history([
            Self.line(1, "ADD", addresses: ["10.43.1.9/16"]),
            Self.line(2, "ADD", container: "c2", network: "flat-b", addresses: ["10.43.1.9/16"]),
            Self.line(3, "GC", container: "", valid: ["c1"]),
            Self.line(4, "GC", container: "", network: "flat-b", valid: ["c9"]),
        ])
        let holders = history.holders(at: Self.at(5))
        #expect(holders.map(\.containerID) == ["c1"])
        #expect(history.holdings.first { $0.network == "flat-b" }?.endedBy == "GC")
        let onlyB = Self.history([
            Self.line(1, "ADD", addresses: ["10.43.1.9/16"]),
            Self.line(2, "ADD", container: "c2", network: "flat-b", addresses: ["10.43.1.9/16"]),
        ], network: "flat-b")
        #expect(onlyB.holdings.map(\.containerID) == ["c2"], "the network filter applies")
    }

    @Test("an ADD of the same address to another attachment ends the earlier holding; a retry does not")
    func handedOver() {
        let history = Self.history([
            Self.line(1, "ADD", addresses: ["10.43.1.9/16"]), Self.line(2, "ADD", addresses: ["10.43.1.9/16"]),
            Self.line(6, "ADD", container: "c2", addresses: ["10.43.1.9/16"]),
        ])
        #expect(history.holdings.count == 2)
        #expect(history.holdings[0].since == AuditTime.parse("2026-12-03T10:01:00Z"))
        #expect(history.holdings[0].endedBy == "ADD of c2")
        #expect(history.holders(at: Self.at(3)).map(\.containerID) == ["c1"])
        #expect(history.holders(at: Self.at(7)).map(\.containerID) == ["c2"])
    }

    @Test("an operator's release of the attachment's lease ends the holding, as a DEL does")
    func operatorRelease() {
        for verb in ["ipam release", "ipam gc", "teardown"] {
            let history = Self.history([
                Self.line(1, "ADD", addresses: ["10.43.1.9/16"]), Self.line(3, verb, container: "other"),
                Self.line(4, verb),
            ])
            #expect(history.holders(at: Self.at(3)).map(\.containerID) == ["c1"], "another's release: \(verb)")
            #expect(history.holders(at: Self.at(4)).isEmpty, "\(verb)")
            #expect(history.holdings.first?.endedBy == "flatnet \(verb)")
        }
    }

    @Test("a DEL's holding ends when the DEL is done; a GC whose valid list was dropped ends nothing")
    func delDurationAndDroppedList() throws {
        var del = try JSONValue.parse(Self.line(5, "DEL")).objectValue ?? [:]
        del["durationUs"] = .number(90_000_000)
        var gc = try JSONValue.parse(Self.line(8, "GC", container: "")).objectValue ?? [:]
        gc["validAttachmentsDropped"] = .number(100_000)
        let history = Self.history([Self.line(1, "ADD", addresses: ["10.43.1.9/16"]),
                                    JSONValue.object(del).serialized()])
        #expect(history.holders(at: Self.at(5)).map(\.containerID) == ["c1"], "the DEL ran until 10:06:30")
        #expect(history.holders(at: Self.at(6)).isEmpty)
        let kept = Self.history([Self.line(1, "ADD", addresses: ["10.43.1.9/16"]), JSONValue.object(gc).serialized()])
        #expect(kept.holders(at: Self.at(9)).map(\.containerID) == ["c1"])
    }

    @Test("lines that are not audit lines are counted, not trusted")
    func unreadable() {
        let history = Self.history([
            "garbage", #"{"verb":"ADD","addresses":["10.43.1.9/24"],"code":0}"#,
            Self.line(1, "ADD", addresses: ["10.43.1.9/16"]),
        ])
        #expect(history.linesRead == 3 && history.unreadableLines == 2)
        #expect(history.holdings.count == 1)
    }
}
