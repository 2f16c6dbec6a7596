/// What is live in the filter table: its chains, their rules in order, packet counters.
///
/// flatnet reads it with `<tool> -t filter -L [--Lc]`, whose listing format ebtables-nft
/// and ebtables-legacy share (Debian's ebtables-legacy-save is a Perl script that
/// converts exactly this listing; it runs whatever the `ebtables` alternative points to,
/// so flatnet never uses it). One reader therefore serves both backends.
/// `init(saveOutput:)` reads ebtables-save's format (tests, pasted output).
public struct LiveRules: Equatable, Sendable {
    public var chains: Set<String>
    public var rules: [EbtablesRule]
    /// Packet counters per rule, when read with counters (`--Lc`, or `ebtables-save -c`).
    public var packets: [EbtablesRule: Int]

    /// An empty table: no chains, no rules.
    public init() {
        chains = []
        rules = []
        packets = [:]
    }

    /// Parses `ebtables -t filter -L [--Lc]`: "Bridge table: filter", then per chain
    /// "Bridge chain: NAME, entries: N, policy: P" and one rule per line, such as
    /// `-p ARP -i eth1 --arp-ip-src 10.43.0.2 -j DROP , pcnt = 0 -- bcnt = 0` (the
    /// counters only with --Lc; legacy ebtables ends each rule with a space).
    public init(listing: String) {
        self.init()
        var table: Substring?, chain: String?
        for line in listing.split(separator: "\n") {
            if let name = line.value(after: "Bridge table: ") {
                (table, chain) = (name, nil)
                continue
            }
            guard table == "filter" else { continue }
            if let header = line.value(after: "Bridge chain: ") {
                chain = String(header.prefix { $0 != "," })
                chains.insert(chain!)
                continue
            }
            guard let chain else { continue }
            let (text, count) = Self.splittingCounters(line)
            if let rule = EbtablesRule.parse(saveLine: "-A \(chain) \(text)") { append(rule, packets: count) }
        }
    }

    /// Parses `ebtables-save [-c]` (`*filter`, `:CHAIN POLICY`, `[packets:bytes] -A ...`).
    public init(saveOutput: String) {
        self.init()
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
                let counters = text[text.index(after: text.startIndex)..<close]
                count = Int(counters.split(separator: ":").first ?? "")
                text = text[text.index(after: close)...].drop { $0 == " " }
            }
            if let rule = EbtablesRule.parse(saveLine: text) { append(rule, packets: count) }
        }
    }

    private mutating func append(_ rule: EbtablesRule, packets count: Int?) {
        rules.append(rule)
        if let count { packets[rule, default: 0] += count }
    }

    /// A listed rule without its ` , pcnt = P -- bcnt = B` suffix, and P.
    static func splittingCounters(_ line: Substring) -> (rule: Substring, packets: Int?) {
        guard let counters = line.firstRange(of: ", pcnt = ") else { return (line, nil) }
        let packets = Int(line[counters.upperBound...].prefix { $0 != " " })
        return (line[..<counters.lowerBound], packets)
    }

    public func rules(in chain: String) -> [EbtablesRule] { rules.filter { $0.chain == chain } }

    /// How many times `base` jumps to `chain` (flatnet wants exactly one).
    public func jumps(from base: String, to chain: String) -> Int {
        rules.filter { $0.chain == base && $0.target == chain && $0.matches.isEmpty }.count
    }

    /// Whether the first jump from `base` to `chain` comes before every rule flatnet did
    /// not write: only other networks' jumps (no matches, a flatnet chain name) may
    /// precede it, since their chains match only their own ports. False without a jump.
    /// An operator's earlier `-j ACCEPT` would otherwise let frames past the containment.
    public func jumpComesFirst(from base: String, to chain: String) -> Bool {
        for rule in rules where rule.chain == base {
            if rule.target == chain && rule.matches.isEmpty { return true }
            guard rule.matches.isEmpty, ContainmentRules.isChainName(rule.target) else { return false }
        }
        return false
    }

    /// Whether any of `names` is a live chain (a network's chains are in this table).
    public func holdsAny(of names: [String]) -> Bool { names.contains { chains.contains($0) } }
}

extension Substring {
    /// The rest of the line after `prefix`, or nil when it does not start with it.
    func value(after prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
