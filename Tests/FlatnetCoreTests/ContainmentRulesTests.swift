import FlatnetCore
import FlatnetTestSupport
import Testing

@Suite("Containment rules (golden) and convergence")
struct ContainmentRulesTests {
    static var config: NetworkConfig {
        get throws { try NetworkConfigParser.parse(Valid.config.setting("vlan", to: nil), cniVersion: CNIVersion(1, 1, 0)) }
    }

    static var rules: ContainmentRules { get throws { try #require(ContainmentRules.make(for: try config)) } }

    /// The exact restore lines for the example network (uplink eth1). Reviewed by hand:
    /// uplink drops first, then the link's three accepts and its drop, then nothing
    /// bridged into the docker end; INPUT and OUTPUT close the bridge's ports to the host.
    static let golden = """
        -A FN-flat-a-b886f0-F -p ARP -o eth1 --arp-ip-src 10.43.0.2 -j DROP
        -A FN-flat-a-b886f0-F -p ARP -o eth1 --arp-ip-dst 10.43.0.2 -j DROP
        -A FN-flat-a-b886f0-F -p ARP -i eth1 --arp-ip-src 10.43.0.2 -j DROP
        -A FN-flat-a-b886f0-F -p ARP -i eth1 --arp-ip-dst 10.43.0.2 -j DROP
        -A FN-flat-a-b886f0-F -p IPv4 -o eth1 --ip-src 169.254.169.250 -j DROP
        -A FN-flat-a-b886f0-F -p IPv4 -o eth1 --ip-dst 169.254.169.250 -j DROP
        -A FN-flat-a-b886f0-F -p IPv4 -i eth1 --ip-src 169.254.169.250 -j DROP
        -A FN-flat-a-b886f0-F -p ARP -i flb-1d7e9ba470 --arp-op Reply --arp-ip-src 10.43.0.2 -j ACCEPT
        -A FN-flat-a-b886f0-F -p ARP -i flb-1d7e9ba470 --arp-op Request --arp-ip-src 10.43.0.2 -j ACCEPT
        -A FN-flat-a-b886f0-F -p IPv4 -i flb-1d7e9ba470 --ip-src 169.254.169.250 -j ACCEPT
        -A FN-flat-a-b886f0-F -i flb-1d7e9ba470 -j DROP
        -A FN-flat-a-b886f0-F -o fld-1d7e9ba470 -j DROP
        -A FN-flat-a-b886f0-I -i flb-1d7e9ba470 -j DROP
        -A FN-flat-a-b886f0-I -i fl7d30+ -j DROP
        -A FN-flat-a-b886f0-I -i eth1 -j DROP
        -A FN-flat-a-b886f0-O -o flb-1d7e9ba470 -j DROP
        -A FN-flat-a-b886f0-O -o fl7d30+ -j DROP
        -A FN-flat-a-b886f0-O -o eth1 -j DROP
        """

    @Test("golden: the rules of the example network")
    func goldenRules() throws {
        #expect(try Self.rules.allRules.map(\.restoreLine).joined(separator: "\n") == Self.golden)
        #expect(try Self.rules.chains.map(\.base) == ["FORWARD", "INPUT", "OUTPUT"])
    }

    @Test("no metadata block, no rules; no uplink, no uplink rules")
    func variants() throws {
        #expect(ContainmentRules.make(for: try NetworkConfigParser.parse(Valid.config.setting("metadata", to: nil), cniVersion: CNIVersion(1, 1, 0))) == nil)
        let local = try NetworkConfigParser.parse(Valid.config.setting("uplink", to: nil).setting("vlan", to: nil), cniVersion: CNIVersion(1, 1, 0))
        let rules = try #require(ContainmentRules.make(for: local))
        #expect(!rules.allRules.contains { $0.matches.values.contains("eth1") })
        #expect(rules.allRules.count == 9)
    }

    @Test("names: chains at most 31 characters, link pair and host veths distinct per network")
    func names() {
        let long = String(repeating: "n", count: 128)
        #expect(ContainmentRules.chainName(long, "F").count <= 31)
        #expect(ContainmentRules.chainName("a", "F") != ContainmentRules.chainName("b", "F"))
        #expect(InterfaceNaming.linkPair(network: "a").bridgeSide != InterfaceNaming.linkPair(network: "b").bridgeSide)
        let wildcard = InterfaceNaming.hostVethWildcard(network: "a")
        let veth = InterfaceNaming.hostVeth(network: "a", attachment: Attachment(containerID: "c1", ifName: "eth0"))
        #expect(veth.value.hasPrefix(String(wildcard.dropLast())))
        #expect(!InterfaceNaming.linkPair(network: "a").bridgeSide.value.hasPrefix(String(wildcard.dropLast())))
    }

    @Test("ebtables-save lines parse back into the same values, whatever the option order")
    func parse() throws {
        for rule in try Self.rules.allRules {
            #expect(EbtablesRule.parse(saveLine: rule.restoreLine) == rule)
        }
        let reordered = EbtablesRule.parse(saveLine: "-A X --arp-ip-src 10.43.0.2/32 -i eth1 -p arp -j DROP")
        #expect(reordered == EbtablesRule(chain: "X", matches: ["-p": "ARP", "-i": "eth1", "--arp-ip-src": "10.43.0.2"], target: "DROP"))
    }

    /// Found by the fuzz lane (netconf target, rules read back): lines were split into
    /// Characters, so an uplink starting with a combining mark (a valid interface name)
    /// fused with the space before it and the rule read back wrong: setup rewrote the
    /// chains on every run and CHECK reported drift that was not there.
    @Test("rules naming an uplink that starts with a combining mark read back, and converge")
    func combiningMarkUplink() throws {
        let document = Valid.config.setting("vlan", to: nil).setting("uplink", to: .string("\u{301}eth1"))
        let rules = try #require(ContainmentRules.make(for: try NetworkConfigParser.parse(document, cniVersion: .current)))
        for rule in rules.allRules {
            #expect(EbtablesRule.parse(saveLine: rule.restoreLine) == rule, "\(rule.restoreLine)")
        }
        #expect(RuleConvergence.batch(desired: rules, live: Self.save(Self.liveComplete(rules))) == nil)
    }

    static func save(_ lines: [String]) -> LiveRules {
        LiveRules(saveOutput: (["*filter", ":INPUT ACCEPT", ":FORWARD ACCEPT", ":OUTPUT ACCEPT"] + lines).joined(separator: "\n"))
    }

    static func liveComplete(_ rules: ContainmentRules) -> [String] {
        rules.chains.map { ":\($0.name) RETURN" } + rules.chains.map { "-A \($0.base) -j \($0.name)" } + rules.allRules.map(\.restoreLine)
    }

    @Test("convergence: empty table gets everything; complete table gets nothing")
    func convergeFromEmpty() throws {
        let rules = try Self.rules
        let batch = try #require(RuleConvergence.batch(desired: rules, live: Self.save([])))
        #expect(batch.hasPrefix("*filter\n:FN-flat-a-b886f0-F RETURN\n"))
        #expect(!batch.contains("COMMIT"), "ebtables-legacy-restore refuses COMMIT; both tools commit at the end")
        #expect(batch.contains("-I FORWARD 1 -j FN-flat-a-b886f0-F") && batch.contains("-I OUTPUT 1 -j FN-flat-a-b886f0-O"))
        #expect(RuleConvergence.batch(desired: rules, live: Self.save(Self.liveComplete(rules))) == nil)
        #expect(RuleConvergence.drift(desired: rules, live: Self.save(Self.liveComplete(rules))).isEmpty)
    }

    @Test("convergence repairs a partial set and a duplicated jump, touching only what differs")
    func convergePartial() throws {
        let rules = try Self.rules
        var live = Self.liveComplete(rules)
        live.removeAll { $0 == rules.chains[0].rules[8].restoreLine }  // the gap-closing accept
        live.append("-A INPUT -j FN-flat-a-b886f0-I")
        let batch = try #require(RuleConvergence.batch(desired: rules, live: Self.save(live)))
        #expect(batch == "*filter\n:FN-flat-a-b886f0-F RETURN\n-F FN-flat-a-b886f0-F\n" + rules.chains[0].rules.map(\.restoreLine).joined(separator: "\n")
            + "\n-D INPUT -j FN-flat-a-b886f0-I\n-D INPUT -j FN-flat-a-b886f0-I\n-I INPUT 1 -j FN-flat-a-b886f0-I\n")
        let drift = RuleConvergence.drift(desired: rules, live: Self.save(live))
        #expect(drift == ["ebtables rule missing: \(rules.chains[0].rules[8].restoreLine)",
                          "INPUT jumps to FN-flat-a-b886f0-I 2 times, expected once"])
    }

    @Test("teardown removes jumps and chains that are live, nothing else")
    func teardown() throws {
        let rules = try Self.rules
        #expect(RuleConvergence.teardown(rules, live: Self.save([])) == nil)
        let batch = try #require(RuleConvergence.teardown(rules, live: Self.save(Self.liveComplete(rules))))
        #expect(batch.split(separator: "\n").filter { $0.hasPrefix("-D") }.count == 3)
        #expect(batch.contains("-X FN-flat-a-b886f0-F"))
    }
}
