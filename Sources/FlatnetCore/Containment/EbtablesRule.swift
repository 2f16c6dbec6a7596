/// One ebtables rule as a value: rendered to argv or to an ebtables-restore line, and
/// parsed back from `ebtables-save` output so live rules are compared as values
/// (ebtables-save prints matches in its own order; PLATFORM-NOTES).
///
/// Only long options are rendered: the short `-C` is mis-parsed by ebtables 1.8.9.
public struct EbtablesRule: Hashable, Sendable, CustomStringConvertible {
    public var chain: String
    /// Match options and their values, e.g. ["-p": "ARP", "--arp-ip-src": "10.43.0.2"].
    public var matches: [String: String]
    /// ACCEPT, DROP, RETURN, or a chain to jump to.
    public var target: String

    public init(chain: String, matches: [String: String], target: String) {
        self.chain = chain
        self.matches = matches
        self.target = target
    }

    /// Options in the order flatnet writes them: protocol, interfaces, then the rest.
    static let optionOrder = [
        "-p", "-i", "-o", "--arp-op", "--arp-ip-src", "--arp-ip-dst", "--ip-src", "--ip-dst",
    ]

    /// The rule's options after the chain, as ebtables takes them.
    public var ruleArguments: [String] {
        let known = EbtablesRule.optionOrder.filter { matches[$0] != nil }
        let others = matches.keys.filter { !EbtablesRule.optionOrder.contains($0) }.sorted()
        return (known + others).flatMap { [$0, matches[$0]!] } + ["-j", target]
    }

    /// `-A CHAIN ...`: one line of an ebtables-restore batch.
    public var restoreLine: String { (["-A", chain] + ruleArguments).joined(separator: " ") }

    /// `ebtables -t filter --append CHAIN ...`: pasteable into a shell.
    public var appendCommand: String {
        (["ebtables", "-t", "filter", "--append", chain] + ruleArguments).joined(separator: " ")
    }

    public var description: String { restoreLine }

    /// Parses one `-A CHAIN ...` line of ebtables-save; nil for anything else. Split at
    /// spaces by scalars, not Characters: an interface name may start with a combining
    /// mark, which would fuse with the space before it into one Character.
    public static func parse(saveLine line: some StringProtocol) -> EbtablesRule? {
        let tokens = String(line).unicodeScalars.split(separator: " ").map { String(Substring($0)) }
        guard tokens.count >= 4, tokens[0] == "-A", let jump = tokens.firstIndex(of: "-j"),
              jump + 1 < tokens.count else { return nil }
        var matches: [String: String] = [:]
        var index = 2
        while index < jump {
            guard index + 1 < jump, tokens[index].hasPrefix("-") else { return nil }
            matches[tokens[index]] = normalized(option: tokens[index], value: tokens[index + 1])
            index += 2
        }
        return EbtablesRule(chain: tokens[1], matches: matches, target: tokens[jump + 1])
    }

    /// ebtables accepts `-p arp` and prints `-p ARP`; an address may print with `/32`.
    static func normalized(option: String, value: String) -> String {
        switch option {
        case "-p": return value.uppercased() == "IPV4" ? "IPv4" : value.uppercased() == "ARP" ? "ARP" : value
        case "--ip-src", "--ip-dst", "--arp-ip-src", "--arp-ip-dst":
            return value.hasSuffix("/32") ? String(value.dropLast(3)) : value
        default: return value
        }
    }
}
