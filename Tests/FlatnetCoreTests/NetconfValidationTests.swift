import FlatnetCore
import FlatnetTestSupport
import Testing

/// `netconf validate` in pure code: a file's kind by its shape, the catalog asked for only
/// by fleet files.
@Suite("netconf validate (pure)")
struct NetconfValidationTests {
    @Test("a file's kind by its shape", arguments: [
        (#"{"cniVersion": "1.0.0", "name": "a", "plugins": []}"#, NetconfDocumentKind.network),
        (#"{"name": "a", "type": "flatnet", "ipam": {"subnet": "10.0.0.0/8"}}"#, .network),
        (#"{"kind": "NetworkAttachmentDefinition", "spec": {}}"#, .network),
        (#"{"networks": []}"#, .fleetAnswers),
        (#"{"name": "a", "subnet": "10.0.0.0/8", "gateway": "10.0.0.1"}"#, .answers),
        (#"{"rangeStart": "10.0.0.2"}"#, .answers),
        (#"{"name": "a", "ipv6Subnet": "2001:db8::/64", "ipv6RangeStart": "2001:db8::1:0"}"#, .answers),
        (#"{"name": "a", "type": "flatnet", "ipam": {"ipv6": {"subnet": "2001:db8::/64"}}}"#, .network),
        (#"{"name": "a", "cniVersion": "1.0.0"}"#, .network),
        (#"[1, 2]"#, .network),
    ])
    func kind(_ text: String, _ expected: NetconfDocumentKind) throws {
        #expect(NetconfDocumentKind(try JSONValue.parse(text)) == expected)
    }

    @Test("the members that mark an answers file are questions of the shipped catalog, and its example is one")
    func answerMembersAreQuestions() throws {
        let variables = Set(try ShippedCatalog.catalog.questions.map(\.variable))
        #expect(Set(NetconfDocumentKind.answerOnlyMembers).isSubset(of: variables))
        for answers in ["flat-a", "flat-ds", "flat-v6"] {
            #expect(NetconfDocumentKind(try ShippedCatalog.json("examples/\(answers).answers.json")) == .answers)
        }
        #expect(NetconfDocumentKind(try ShippedCatalog.json("examples/flat-a.conflist")) == .network)
    }

    struct NoCatalog: Error {}

    @Test("validate: network files need no catalog; a fleet file gets the catalog's error; an answers file is named")
    func validateWithoutCatalog() throws {
        var asked = 0
        let inputs: [NetconfValidation.Input] = [
            ("a.conflist", .success(try ShippedCatalog.json("examples/flat-a.conflist"))),
            ("fleet.json", .success(try ShippedCatalog.json("examples/fleet.answers.json"))),
            ("answers.json", .success(try ShippedCatalog.json("examples/flat-a.answers.json"))),
        ]
        let verdicts = NetconfValidation.verdicts(inputs) {
            asked += 1
            throw CNIError(.ioFailure, "cannot find the catalog (questions.json)", details: "looked in /x")
        }
        #expect(verdicts.map(\.isValid) == [true, false, false] && asked == 1)
        #expect(verdicts[0].summary == "network flat-a" && verdicts[2].summary == nil)
        #expect(NetconfValidation.text(verdicts) == """
            a.conflist: ok (network flat-a)
            fleet.json: cannot find the catalog (questions.json): looked in /x
            answers.json: this is an answers file: use `flatnet netconf render --template conflist --answers answers.json`

            """)
        let alone = NetconfValidation.verdicts([inputs[0]]) { throw NoCatalog() }
        #expect(alone == [NetconfFileVerdict(file: "a.conflist", summary: "network flat-a")],
                "control: no catalog asked for")
    }

    /// Files given together are one host's networks, so each group is one host's.
    @Test("validate: the dual-stack and IPv6-only examples, rendered and as a fleet, are valid", arguments: [
        [("flat-ds.conflist", "network flat-ds"), ("flat-v6.conflist", "network flat-v6")],
        [("flat-ds.nad.json", "network flat-ds")], [("fleet-ds.answers.json", "4 network(s) on 2 host(s)")],
        [("fleet-ds/hostB/flat-ds.conflist", "network flat-ds"), ("fleet-ds/hostB/flat-v6.conflist", "network flat-v6")],
    ])
    func validateIPv6Examples(_ files: [(String, String)]) throws {
        let inputs: [NetconfValidation.Input] = try files.map { ($0.0, .success(try ShippedCatalog.json("examples/" + $0.0))) }
        let verdicts = NetconfValidation.verdicts(inputs) { try ShippedCatalog.catalog }
        #expect(verdicts.map(\.problems) == files.map { _ in [] } && verdicts.map(\.conflicts) == files.map { _ in [] })
        #expect(verdicts.map(\.summary) == files.map(\.1))
    }
}
