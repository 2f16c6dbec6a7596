/// What is live in the filter table, parsed from `ebtables-save`.
public struct LiveRules: Equatable, Sendable {
    public var chains: Set<String>
    public var rules: [EbtablesRule]
    /// Packet counters per rule, when saved with `ebtables-save -c` (`[packets:bytes] -A ...`).
    public var packets: [EbtablesRule: Int]

    public init(saveOutput: String) {
        var chains = Set<String>(), rules: [EbtablesRule] = [], packets: [EbtablesRule: Int] = [:]
        var inFilter = false
        for line in saveOutput.split(separator: "\n") {
            if line.hasPrefix("*") { inFilter = line == "*filter"; continue }
            guard inFilter else { continue }
            if line.hasPrefix(":") {
                chains.insert(String(line.dropFirst().split(separator: " ").first ?? ""))
                continue
            }
            var text = Substring(line), count: Int?
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                count = Int(text[text.index(after: text.startIndex)..<close].split(separator: ":").first ?? "")
                text = text[text.index(after: close)...].drop { $0 == " " }
            }
            if let rule = EbtablesRule.parse(saveLine: text) {
                rules.append(rule)
                if let count { packets[rule, default: 0] += count }
            }
        }
        self.chains = chains
        self.rules = rules
        self.packets = packets
    }

    public func rules(in chain: String) -> [EbtablesRule] { rules.filter { $0.chain == chain } }

    /// How many times `base` jumps to `chain` (flatnet wants exactly one).
    public func jumps(from base: String, to chain: String) -> Int {
        rules.filter { $0.chain == base && $0.target == chain && $0.matches.isEmpty }.count
    }
}

/// The ebtables-restore batches that bring live rules to the desired ones, computed from
/// the live state so a batch never names something missing (one bad line fails the
/// whole atomic batch).
public enum RuleConvergence {
    /// The `--noflush` batch making `desired` true, or nil when it already is. A chain
    /// whose rules differ in any way (missing, extra, reordered) is recreated whole
    /// (declaring it flushes it); each jump is made to appear exactly once, first.
    public static func batch(desired: ContainmentRules, live: LiveRules) -> String? {
        var lines: [String] = []
        for chain in desired.chains {
            if !live.chains.contains(chain.name) || live.rules(in: chain.name) != chain.rules {
                lines.append(":\(chain.name) RETURN")
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
            lines += Array(repeating: "-D \(chain.base) -j \(chain.name)", count: live.jumps(from: chain.base, to: chain.name))
            if live.chains.contains(chain.name) { lines += ["-F \(chain.name)", "-X \(chain.name)"] }
        }
        return lines.isEmpty ? nil : (["*filter"] + lines + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    /// Every difference between desired and live, one sentence each (CHECK, doctor).
    public static func drift(desired: ContainmentRules, live: LiveRules) -> [String] {
        var drift: [String] = []
        for chain in desired.chains {
            guard live.chains.contains(chain.name) else { drift.append("ebtables chain \(chain.name) is missing"); continue }
            let present = live.rules(in: chain.name)
            drift += chain.rules.filter { !present.contains($0) }.map { "ebtables rule missing: \($0.restoreLine)" }
            drift += present.filter { !chain.rules.contains($0) }.map { "unexpected ebtables rule: \($0.restoreLine)" }
            if present.count == chain.rules.count, present != chain.rules, Set(present) == Set(chain.rules) {
                drift.append("ebtables chain \(chain.name) has its rules out of order")
            }
            let jumps = live.jumps(from: chain.base, to: chain.name)
            if jumps != 1 { drift.append("\(chain.base) jumps to \(chain.name) \(jumps) times, expected once") }
        }
        return drift
    }
}
