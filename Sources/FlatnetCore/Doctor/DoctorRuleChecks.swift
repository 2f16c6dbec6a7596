/// Doctor's checks of the ebtables rules: the backend they live in, then each rule
/// compared as a parsed value, with counters.
enum DoctorRuleChecks {
    static func rules(
        _ config: NetworkConfig, _ seen: DoctorObservation, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        guard let desired = ContainmentRules.make(for: config) else { return [] }
        let facts = seen.ebtablesBackends
        guard case .use(let backend) = EbtablesBackendChoice.choose(facts) else {
            return [unavailable(facts)]
        }
        var findings = [inUse(backend, facts)]
        for other in EbtablesBackend.preferred where other != backend && facts.holding.contains(other) {
            findings.append(.problem("ebtables chains of \(config.name) in \(other)",
                                     "also present there; flatnet uses \(backend.rawValue) for this network",
                                     fix: removal(desired, with: other)))
        }
        guard let live = seen.liveRules else { return findings }
        for chain in desired.chains {
            findings += ruleFindings(chain, live: live, tool: backend.tool, fixes)
        }
        return findings
    }

    /// "ebtables backend nf_tables (ebtables-nft)": which backend doctor read.
    static func inUse(_ backend: EbtablesBackend, _ facts: EbtablesBackendFacts) -> DoctorFinding {
        let unrecorded = ", not recorded yet (the next ADD records it)"
        return .ok("ebtables backend \(backend)" + (facts.recorded == backend ? "" : unrecorded))
    }

    static func unavailable(_ facts: EbtablesBackendFacts) -> DoctorFinding {
        if let recorded = facts.recorded {
            return .problem("ebtables backend \(recorded)",
                            "recorded for this network, but it does not work here",
                            fix: recorded.fixCommand)
        }
        return .problem("ebtables backend", "none works on this host",
                        fix: EbtablesBackend.fixCommandWhenNoneWorks)
    }

    /// The commands removing the network's chains from a backend it must not use.
    static func removal(_ rules: ContainmentRules, with backend: EbtablesBackend) -> String {
        rules.chains.map { chain in
            ["-D \(chain.base) -j \(chain.name)", "-F \(chain.name)", "-X \(chain.name)"]
                .map { "\(backend.tool) -t filter \($0)" }.joined(separator: "; ")
        }.joined(separator: "; ")
    }

    /// Setup rewrites a chain whose rules differ in any way (`RuleConvergence`): every
    /// rule problem is repairable.
    static func ruleFindings(
        _ chain: ContainmentRules.Chain, live: LiveRules, tool: String, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let present = live.rules(in: chain.name)
        for rule in chain.rules {
            let check = "rule \(rule.restoreLine)"
            findings.append(present.contains(rule) ? .ok(check + " (\(live.packets[rule] ?? 0) packets)")
                : .repairable(check, "missing", fix: fixes.repair))
        }
        for rule in present where !chain.rules.contains(rule) {
            let delete = "\(tool) -t filter -D " + rule.restoreLine.dropFirst(3)
            findings.append(.repairable("rule \(rule.restoreLine)", "unexpected in \(chain.name)",
                                        fix: fixes.repair(or: delete)))
        }
        findings.append(jumpFinding(chain, live: live, fixes))
        return findings
    }

    /// The base chain must jump to `chain` once, before any rule flatnet did not write.
    static func jumpFinding(
        _ chain: ContainmentRules.Chain, live: LiveRules, _ fixes: DoctorFixes
    ) -> DoctorFinding {
        let jumps = live.jumps(from: chain.base, to: chain.name)
        let jump = "jump \(chain.base) -> \(chain.name)"
        guard jumps == 1 else {
            return .repairable(jump, "present \(jumps) times",
                               fix: fixes.repair(because: "leaves exactly one"))
        }
        guard live.jumpComesFirst(from: chain.base, to: chain.name) else {
            return .repairable(jump, "behind a rule flatnet did not write; it must come first",
                               fix: fixes.repair(because: "moves the jump first"))
        }
        return .ok(jump)
    }
}
