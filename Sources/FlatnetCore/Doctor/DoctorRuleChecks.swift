/// Doctor's checks of the ebtables rules: each compared as a parsed value, with counters.
enum DoctorRuleChecks {
    static func rules(_ config: NetworkConfig, _ seen: DoctorObservation) -> [DoctorFinding] {
        guard let desired = ContainmentRules.make(for: config) else { return [] }
        guard let live = seen.liveRules else {
            return [.problem("ebtables", "not installed", fix: "apt-get install ebtables, then run an ADD")]
        }
        var findings: [DoctorFinding] = []
        for chain in desired.chains {
            let present = live.rules(in: chain.name)
            for rule in chain.rules {
                let check = "rule \(rule.restoreLine)"
                if present.contains(rule) {
                    findings.append(.ok(check + " (\(live.packets[rule] ?? 0) packets)"))
                } else {
                    findings.append(.problem(check, "missing", fix: "run CHECK or flatnet teardown + ADD; or paste `flatnet rules`"))
                }
            }
            for rule in present where !chain.rules.contains(rule) {
                findings.append(.problem("rule \(rule.restoreLine)", "unexpected in \(chain.name)", fix: "ebtables -D " + rule.restoreLine.dropFirst(3)))
            }
            let jumps = live.jumps(from: chain.base, to: chain.name)
            findings.append(jumps == 1 ? .ok("jump \(chain.base) -> \(chain.name)")
                : .problem("jump \(chain.base) -> \(chain.name)", "present \(jumps) times", fix: "run an ADD after CHECK (it converges to exactly one)"))
        }
        return findings
    }
}
