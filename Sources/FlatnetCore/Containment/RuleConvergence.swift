/// The ebtables-restore batches that bring live rules to the desired ones, computed from
/// the live state so a batch never names something missing (one bad line fails the
/// whole atomic batch).
public enum RuleConvergence {
    /// The `--noflush` batch making `desired` true, or nil when it already is. A chain
    /// whose rules differ in any way (missing, extra, reordered) is recreated whole;
    /// each jump is made to appear exactly once, first. A live chain is declared and
    /// then flushed explicitly: ebtables-nft-restore flushes a declared chain anyway,
    /// and the explicit `-F` keeps the batch correct with ebtables-legacy-restore too,
    /// whose handling of a redeclared chain cannot be checked on an nf_tables-only kernel.
    public static func batch(desired: ContainmentRules, live: LiveRules) -> String? {
        var lines: [String] = []
        for chain in desired.chains {
            let exists = live.chains.contains(chain.name)
            if !exists || live.rules(in: chain.name) != chain.rules {
                lines += [":\(chain.name) RETURN"] + (exists ? ["-F \(chain.name)"] : [])
                lines += chain.rules.map(\.restoreLine)
            }
            let jumps = live.jumps(from: chain.base, to: chain.name)
            if jumps == 0 { lines.append("-I \(chain.base) 1 -j \(chain.name)") }
            lines += Array(repeating: "-D \(chain.base) -j \(chain.name)", count: max(0, jumps - 1))
        }
        return lines.isEmpty ? nil : (["*filter"] + lines + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    /// The batch removing a network's chains and jumps, or nil when none are live.
    public static func teardown(_ rules: ContainmentRules, live: LiveRules) -> String? {
        var lines: [String] = []
        for chain in rules.chains {
            let jumps = live.jumps(from: chain.base, to: chain.name)
            lines += Array(repeating: "-D \(chain.base) -j \(chain.name)", count: jumps)
            if live.chains.contains(chain.name) { lines += ["-F \(chain.name)", "-X \(chain.name)"] }
        }
        return lines.isEmpty ? nil : (["*filter"] + lines + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    /// Every difference between desired and live, one sentence each (CHECK, doctor).
    public static func drift(desired: ContainmentRules, live: LiveRules) -> [String] {
        var drift: [String] = []
        for chain in desired.chains {
            guard live.chains.contains(chain.name) else {
                drift.append("ebtables chain \(chain.name) is missing"); continue
            }
            let present = live.rules(in: chain.name)
            drift += chain.rules.filter { !present.contains($0) }
                .map { "ebtables rule missing: \($0.restoreLine)" }
            drift += present.filter { !chain.rules.contains($0) }
                .map { "unexpected ebtables rule: \($0.restoreLine)" }
            if present.count == chain.rules.count, present != chain.rules, Set(present) == Set(chain.rules) {
                drift.append("ebtables chain \(chain.name) has its rules out of order")
            }
            let jumps = live.jumps(from: chain.base, to: chain.name)
            if jumps != 1 {
                drift.append("\(chain.base) jumps to \(chain.name) \(jumps) times, expected once")
            }
        }
        return drift
    }
}
