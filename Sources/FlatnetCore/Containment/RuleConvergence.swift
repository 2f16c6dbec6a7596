/// The ebtables-restore batches that bring live rules to the desired ones, computed from
/// the live state so a batch never names something missing (one bad line fails the
/// whole atomic batch).
public enum RuleConvergence {
    /// The `--noflush` batch making `desired` true, or nil when it already is. A chain
    /// whose rules differ in any way (missing, extra, reordered) is recreated whole;
    /// each jump is made to appear exactly once, first (`jumpLines`). A live chain is declared and
    /// then flushed explicitly: ebtables-nft-restore flushes a declared chain anyway;
    /// ebtables-legacy-restore keeps its rules, and the `-F` empties it (both seen on
    /// Debian 12's kernel, scripts/vm-test.sh).
    public static func batch(desired: ContainmentRules, live: LiveRules) -> String? {
        var lines: [String] = []
        for chain in desired.chains {
            let exists = live.chains.contains(chain.name)
            if !exists || live.rules(in: chain.name) != chain.rules {
                lines += [":\(chain.name) RETURN"] + (exists ? ["-F \(chain.name)"] : [])
                lines += chain.rules.map(\.restoreLine)
            }
            lines += jumpLines(chain, live: live)
        }
        return restoreBatch(lines)
    }

    /// The filter-table batch both restore tools take, or nil for no lines. No `COMMIT`:
    /// ebtables-legacy-restore refuses it ("Bad argument : 'COMMIT'"), and both tools
    /// apply the batch at the end of input, all or nothing (a bad last line left the
    /// table as it was, with either: seen on Debian 12's kernel, scripts/vm-test.sh).
    static func restoreBatch(_ lines: [String]) -> String? {
        lines.isEmpty ? nil : (["*filter"] + lines).joined(separator: "\n") + "\n"
    }

    /// Nothing when the base chain jumps to `chain` once and first (see
    /// `LiveRules.jumpComesFirst`); else every jump deleted and one inserted at the top.
    /// `-D` by rule removes the first match only, so deleting the surplus of a duplicated
    /// jump would keep the last copy, wherever it stands: all go, one comes back first.
    static func jumpLines(_ chain: ContainmentRules.Chain, live: LiveRules) -> [String] {
        let jumps = live.jumps(from: chain.base, to: chain.name)
        if jumps == 1 && live.jumpComesFirst(from: chain.base, to: chain.name) { return [] }
        return Array(repeating: "-D \(chain.base) -j \(chain.name)", count: jumps)
            + ["-I \(chain.base) 1 -j \(chain.name)"]
    }

    /// The batch removing a network's chains and jumps, or nil when none are live.
    public static func teardown(_ rules: ContainmentRules, live: LiveRules) -> String? {
        var lines: [String] = []
        for chain in rules.chains {
            let jumps = live.jumps(from: chain.base, to: chain.name)
            lines += Array(repeating: "-D \(chain.base) -j \(chain.name)", count: jumps)
            if live.chains.contains(chain.name) { lines += ["-F \(chain.name)", "-X \(chain.name)"] }
        }
        return restoreBatch(lines)
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
            } else if !live.jumpComesFirst(from: chain.base, to: chain.name) {
                drift.append("\(chain.base) jumps to \(chain.name) after a rule flatnet did not write,"
                    + " expected first")
            }
        }
        return drift
    }
}
