import FlatnetCore
import FlatnetTestSupport
import Testing

/// Each network's jump must come before any rule flatnet did not write: an operator's
/// earlier `-j ACCEPT` in FORWARD would otherwise let frames past the containment.
/// Other flatnet networks' jumps may come first (their chains only match their own
/// ports), so two networks never fight over position 1.
@Suite("Rule convergence keeps every jump first in its base chain")
struct RuleConvergenceOrderTests {
    static let operatorRule = "-A FORWARD -p IPv4 -j ACCEPT"
    static let otherNetworkJump = "-A FORWARD -j " + ContainmentRules.chainName("flat-b", "F")

    /// The live table after `lines` (ebtables-save order), then after `batch` is applied.
    static func applied(_ batch: String?, to lines: [String]) -> [String] {
        var rules = lines
        for line in (batch ?? "").split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ").map(String.init)
            switch words.first {
            case "-D":
                let target = "-A " + words.dropFirst().joined(separator: " ")
                if let index = rules.firstIndex(of: target) { rules.remove(at: index) }
            case "-I":
                let chain = words[1], position = Int(words[2])! - 1
                let inChain = rules.indices.filter { rules[$0].hasPrefix("-A \(chain) ") }
                let at = position < inChain.count ? inChain[position] : (inChain.last.map { $0 + 1 } ?? rules.count)
                rules.insert((["-A", chain] + words.dropFirst(3)).joined(separator: " "), at: at)
            case "-F": rules.removeAll { $0.hasPrefix("-A \(words[1]) ") }
            case "-A": rules.append(line)
            default: continue
            }
        }
        return rules
    }

    /// The rules of `base`, in order, from ebtables-save lines.
    static func chain(_ base: String, in lines: [String]) -> [String] {
        lines.filter { $0.hasPrefix("-A \(base) ") }
    }

    static func liveWithOperatorRuleFirst(_ rules: ContainmentRules) -> [String] {
        let complete = ContainmentRulesTests.liveComplete(rules)
        let declarations = complete.filter { $0.hasPrefix(":") }
        return declarations + [Self.operatorRule] + complete.filter { !$0.hasPrefix(":") }
    }

    @Test("an operator's rule ahead of the jump: the batch moves the jump first, CHECK and doctor name it")
    func operatorRuleAhead() throws {
        let rules = try ContainmentRulesTests.rules
        let forward = rules.chains[0].name
        let live = Self.liveWithOperatorRuleFirst(rules)
        let batch = RuleConvergence.batch(desired: rules, live: ContainmentRulesTests.save(live))
        let after = Self.applied(batch, to: live)
        #expect(Self.chain("FORWARD", in: after) == ["-A FORWARD -j \(forward)", Self.operatorRule],
                "batch: \(batch ?? "nil")")
        #expect(batch?.contains(":\(forward) RETURN") != true, "the chain's own rules were right: not recreated")
        #expect(RuleConvergence.drift(desired: rules, live: ContainmentRulesTests.save(live))
            == ["FORWARD jumps to \(forward) after a rule flatnet did not write, expected first"])
        #expect(RuleConvergence.batch(desired: rules, live: ContainmentRulesTests.save(after)) == nil)
    }

    @Test("a duplicated jump whose first copy is behind an operator's rule: one jump remains, first")
    func duplicateBehindOperatorRule() throws {
        let rules = try ContainmentRulesTests.rules
        let forward = rules.chains[0].name
        let live = Self.liveWithOperatorRuleFirst(rules) + ["-A FORWARD -j \(forward)"]
        let batch = RuleConvergence.batch(desired: rules, live: ContainmentRulesTests.save(live))
        let after = Self.applied(batch, to: live)
        #expect(Self.chain("FORWARD", in: after) == ["-A FORWARD -j \(forward)", Self.operatorRule],
                "batch: \(batch ?? "nil")")
    }

    @Test("another flatnet network's jump ahead is not drift, and nothing moves")
    func otherNetworkAhead() throws {
        let rules = try ContainmentRulesTests.rules
        let complete = ContainmentRulesTests.liveComplete(rules)
        let live = complete.filter { $0.hasPrefix(":") } + [Self.otherNetworkJump]
            + complete.filter { !$0.hasPrefix(":") }
        #expect(RuleConvergence.batch(desired: rules, live: ContainmentRulesTests.save(live)) == nil)
        #expect(RuleConvergence.drift(desired: rules, live: ContainmentRulesTests.save(live)).isEmpty)
    }

    @Test("a rule that only looks like a flatnet jump (matches, or a chain of another shape) counts as the operator's")
    func lookalikes() throws {
        let rules = try ContainmentRulesTests.rules
        let forward = rules.chains[0].name
        for lookalike in ["-A FORWARD -i eth9 -j " + ContainmentRules.chainName("flat-b", "F"),
                          "-A FORWARD -j FN-ACCEPT-ALL"] {
            let complete = ContainmentRulesTests.liveComplete(rules)
            let live = complete.filter { $0.hasPrefix(":") } + [lookalike] + complete.filter { !$0.hasPrefix(":") }
            let after = Self.applied(RuleConvergence.batch(desired: rules, live: ContainmentRulesTests.save(live)),
                                     to: live)
            #expect(Self.chain("FORWARD", in: after).first == "-A FORWARD -j \(forward)", "\(lookalike)")
        }
    }

    @Test("every chain name flatnet derives has the shape that lets it stand ahead; others do not",
          arguments: ["flat-a", "a", "n-n-n-n-n-n-n-n", String(repeating: "x", count: 200), "-", "é"])
    func chainNameShape(_ network: String) {
        for suffix in ["F", "I", "O"] {
            #expect(ContainmentRules.isChainName(ContainmentRules.chainName(network, suffix)))
        }
        for other in ["FN-ACCEPT-ALL", "FN--b886f0-F", "FN-flat-a-b886f0-X", "FN-flat-a-b886g0-F", "ACCEPT",
                      "FN-flat-a-b886f0", "XN-flat-a-b886f0-F"] {
            #expect(!ContainmentRules.isChainName(other), "\(other)")
        }
    }

    @Test("doctor names a jump behind an operator's rule as a problem, with a fix")
    func doctorFinding() throws {
        let rules = try ContainmentRulesTests.rules
        let facts = EbtablesBackendFacts(recorded: .nfTables, working: [.nfTables], holding: [.nfTables])
        let live = ContainmentRulesTests.save(Self.liveWithOperatorRuleFirst(rules))
        let findings = try EbtablesBackendChoiceTests.examine(facts, live: live)
        let jump = try #require(findings.first { $0.check == "jump FORWARD -> \(rules.chains[0].name)" })
        #expect(jump.problem == "behind a rule flatnet did not write; it must come first", "\(jump)")
        #expect(jump.fix != nil)
        let control = try EbtablesBackendChoiceTests.examine(facts, live: try EbtablesBackendChoiceTests.complete())
        #expect(control.contains(.ok("jump FORWARD -> \(rules.chains[0].name)")), "control: in place, first")
    }
}
