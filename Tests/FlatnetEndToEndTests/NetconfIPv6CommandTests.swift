import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// `flatnet netconf render|validate` on the dual-stack and IPv6-only examples, through the
/// binary (no root: nothing is attached).
@Suite("netconf render and validate: IPv6 and dual stack (binary)",
       .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY"))
struct NetconfIPv6CommandTests {
    static let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("netconf").path
    static let examples = catalog + "/examples/"

    static func flatnet(_ arguments: String...) throws -> ProcessOutcome {
        try ProcessRunner.run([TestHost.binary!] + arguments + ["--catalog", catalog])
    }

    @Test("validate accepts the dual-stack and IPv6-only examples and their fleet; their answers are named as such")
    func validate() throws {
        let files = ["flat-ds.conflist", "flat-v6.conflist", "fleet-ds.answers.json"].map { Self.examples + $0 }
        let outcome = try Self.flatnet("netconf", "validate", files[0], files[1], files[2])
        #expect(outcome.status == 0 && outcome.stdout == """
            \(files[0]): ok (network flat-ds)
            \(files[1]): ok (network flat-v6)
            \(files[2]): ok (4 network(s) on 2 host(s))

            """, "\(outcome.stdout) \(outcome.stderr)")
        let answers = Self.examples + "flat-v6.answers.json"
        let named = try Self.flatnet("netconf", "validate", answers)
        #expect(named.status == 1 && named.stdout.contains("\(answers): this is an answers file"), "\(named.stdout)")
    }

    @Test("render: --set keeps a list typed (ipv6Exclude), and refuses an IPv4 address in an IPv6 question")
    func render() throws {
        let answers = Self.examples + "flat-v6.answers.json"
        let outcome = try Self.flatnet("netconf", "render", "--template", "conflist", "--answers", answers,
                                       "--set", #"ipv6Exclude=["2001:db8:46::1:0:0/120"]"#)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let ipv6 = try JSONValue.parse(outcome.stdout)["plugins"]?.arrayValue?.first?["ipam"]?["ipv6"]
        #expect(ipv6?["exclude"] == .array([.string("2001:db8:46::1:0:0/120")]), "\(outcome.stdout)")
        let wrongFamily = try Self.flatnet("netconf", "render", "--template", "conflist", "--answers", answers,
                                           "--set", "ipv6Gateway=10.46.0.1")
        #expect(wrongFamily.status == 1
            && wrongFamily.stderr.contains(#"answers.ipv6Gateway: "10.46.0.1" is IPv4, expected IPv6"#),
            "\(wrongFamily.stdout) \(wrongFamily.stderr)")
    }
}
