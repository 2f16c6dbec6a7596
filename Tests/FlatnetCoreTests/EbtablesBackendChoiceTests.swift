import FlatnetCore
import FlatnetTestSupport
import Testing

@Suite("ebtables backend choice (pure) and doctor's backend findings")
struct EbtablesBackendChoiceTests {
    typealias Facts = EbtablesBackendFacts
    static let both: Set<EbtablesBackend> = [.nfTables, .legacy]

    static let table: [(Facts, EbtablesBackendChoice, String)] = [
        (Facts(working: both), .use(.nfTables), "a fresh host where both work: nf_tables, preferred"),
        (Facts(working: [.legacy]), .use(.legacy), "only legacy works: legacy"),
        (Facts(), .noneWorks, "nothing works"),
        (Facts(recorded: .nfTables, working: both, holding: [.legacy]), .use(.nfTables),
         "recorded nf_tables: nf_tables, whatever else holds chains"),
        (Facts(recorded: .legacy, working: both), .use(.legacy),
         "recorded legacy: legacy, although nf_tables is preferred"),
        (Facts(recorded: .nfTables, working: [.legacy]), .recordedNotWorking(.nfTables),
         "recorded nf_tables no longer works: refuse rather than split into legacy"),
        (Facts(working: both, holding: [.legacy]), .use(.legacy), "no record, legacy holds the chains: legacy"),
        (Facts(working: both, holding: both), .use(.nfTables), "no record, both hold chains: the preferred of those"),
        (Facts(working: [.legacy], holding: [.nfTables]), .use(.legacy), "a holder that does not work is not a choice"),
    ]

    @Test("the choice never splits a network: record first, then the chains' holder, then preference",
          arguments: table.indices)
    func choice(_ index: Int) {
        let (facts, expected, why) = Self.table[index]
        #expect(EbtablesBackendChoice.choose(facts) == expected, "\(why)")
    }

    @Test("once a network's rules are in nf_tables (recorded), a later ADD keeps nf_tables though the choice changed")
    func recordWins() {
        // What a later ADD sees: the record, and a host where legacy now also works and
        // even holds a stray copy of the chains. Without the record it would pick legacy.
        let later = Facts(recorded: .nfTables, working: Self.both, holding: [.legacy])
        #expect(EbtablesBackendChoice.choose(later) == .use(.nfTables))
        var unrecorded = later
        unrecorded.recorded = nil
        #expect(EbtablesBackendChoice.choose(unrecorded) == .use(.legacy), "control: the record is what decides")
    }

    @Test("backends name their tools and their fix")
    func names() {
        #expect(EbtablesBackend.nfTables.description == "nf_tables (ebtables-nft)")
        #expect(EbtablesBackend.legacy.restoreTool == "ebtables-legacy-restore")
        #expect(EbtablesBackend.fixWhenNoneWorks.contains("install Debian's iptables package")
            && EbtablesBackend.fixWhenNoneWorks.contains("ebtable_filter"))
    }

    static var config: NetworkConfig { get throws { try ContainmentRulesTests.config } }

    static func examine(_ facts: Facts, live: LiveRules?) throws -> [DoctorFinding] {
        var seen = DoctorObservation()
        seen.ebtablesBackends = facts
        seen.liveRules = live
        return Doctor.examine(try config, seen, confPath: "/etc/cni/net.d/flat-a.conflist")
    }

    static func complete() throws -> LiveRules {
        ContainmentRulesTests.save(ContainmentRulesTests.liveComplete(try ContainmentRulesTests.rules))
    }

    @Test("doctor names the backend in use, and says when it is not recorded yet")
    func doctorNamesBackend() throws {
        let recorded = Facts(recorded: .nfTables, working: [.nfTables], holding: [.nfTables])
        let findings = try Self.examine(recorded, live: try Self.complete())
        #expect(findings.contains(.ok("ebtables backend nf_tables (ebtables-nft)")))
        #expect(!findings.contains { $0.check.hasPrefix("rule") && $0.problem != nil })
        let unrecorded = try Self.examine(Facts(working: [.nfTables]), live: LiveRules())
        #expect(unrecorded.contains { $0.check.hasPrefix("ebtables backend nf_tables (ebtables-nft), not recorded") })
    }

    @Test("doctor: chains in the other backend too is a problem whose fix removes them there")
    func doctorSplit() throws {
        let rules = try ContainmentRulesTests.rules
        let facts = Facts(recorded: .nfTables, working: Self.both, holding: Self.both)
        let findings = try Self.examine(facts, live: try Self.complete())
        let split = try #require(findings.first { $0.check == "ebtables chains of flat-a in legacy (ebtables-legacy)" })
        #expect(split.problem == "also present there; flatnet uses nf_tables for this network")
        #expect(split.fix?.contains("ebtables-legacy -t filter -X \(rules.chains[0].name)") == true)
        #expect(split.fix?.contains("ebtables-nft") == false)
        #expect(!Doctor.isHealthy(findings))
    }

    @Test("doctor: no working backend, or a recorded one that stopped working, names the fix")
    func doctorUnavailable() throws {
        let none = try Self.examine(Facts(), live: nil)
        let problem = try #require(none.first { $0.check == "ebtables backend" })
        #expect(problem.problem == "none works on this host" && problem.fix == EbtablesBackend.fixCommandWhenNoneWorks)
        let broken = try Self.examine(Facts(recorded: .nfTables, working: [.legacy]), live: nil)
        let named = broken.first { $0.check == "ebtables backend nf_tables (ebtables-nft)" }
        #expect(named?.fix == EbtablesBackend.nfTables.fixCommand && named?.problem != nil)
    }

    @Test("doctor's fix for an unexpected rule is the repair, or the backend's tool")
    func doctorUnexpectedRule() throws {
        let rules = try ContainmentRulesTests.rules
        let stray = "-A \(rules.chains[1].name) -i eth9 -j DROP"
        let live = ContainmentRulesTests.save(ContainmentRulesTests.liveComplete(rules) + [stray])
        let findings = try Self.examine(Facts(recorded: .nfTables, working: [.nfTables]), live: live)
        let unexpected = try #require(findings.first { $0.check == "rule \(stray)" })
        #expect(unexpected.fix == "flatnet repair --conf /etc/cni/net.d/flat-a.conflist"
            + "  # or: ebtables-nft -t filter -D \(rules.chains[1].name) -i eth9 -j DROP")
    }
}
