/// A table as `nft list table bridge T` prints it: its sets' declarations (without their
/// elements) and its chains' hooks and rules, each line trimmed.
public struct LiveNftTable: Equatable, Sendable {
    public var sets: [String: [String]] = [:]
    public var chains: [String: PortSecurityRules.Chain] = [:]

    public init(listing: String) {
        var block: (kind: Substring, name: String)?
        var lines: [String] = []
        var skippingElements = false
        for raw in listing.split(separator: "\n") {
            let line = raw.trimmingSpaces()
            if skippingElements {  // `elements = { a, b,` continues up to its closing brace
                if line.hasSuffix("}") { skippingElements = false }
                continue
            }
            if line.hasPrefix("elements = {") {
                skippingElements = !line.hasSuffix("}")
                continue
            }
            let words = line.split(separator: " ")
            if words.count == 3, words[0] == "set" || words[0] == "chain", words[2] == "{" {
                (block, lines) = ((words[0], String(words[1])), [])
            } else if line == "}", let open = block {
                store(open, lines)
                block = nil
            } else if block != nil, !line.isEmpty {
                lines.append(line)
            }
        }
    }

    private mutating func store(_ block: (kind: Substring, name: String), _ lines: [String]) {
        if block.kind == "set" {
            sets[block.name] = lines
            return
        }
        let hook = lines.first.flatMap { $0.hasPrefix("type ") ? $0 : nil }
        chains[block.name] = PortSecurityRules.Chain(name: block.name, hook: hook,
                                                     rules: Array(lines.dropFirst(hook == nil ? 0 : 1)))
    }
}

extension PortSecurityRules {
    /// How the live table differs from these rules, one sentence each (empty: none).
    /// `live` nil means the table does not exist.
    public func drift(from live: LiveNftTable?) -> [String] {
        guard let live else { return ["port security table bridge \(table) is missing"] }
        var problems: [String] = []
        for set in sets where live.sets[set.name] != set.declaration {
            problems.append(live.sets[set.name] == nil
                ? "port security set \(set.name) is missing from table \(table)"
                : "port security set \(set.name) is declared differently in table \(table)")
        }
        for chain in chains {
            guard let found = live.chains[chain.name] else {
                problems.append("port security chain \(chain.name) is missing from table \(table)")
                continue
            }
            if found.hook != chain.hook || found.rules != chain.rules {
                problems.append("port security chain \(chain.name) in table \(table) differs from"
                    + " the netconf's (\(found.rules.count) rules, \(chain.rules.count) expected)")
            }
        }
        for name in live.chains.keys.sorted() where !chains.contains(where: { $0.name == name }) {
            problems.append("table \(table) has a chain flatnet does not make: \(name)")
        }
        return problems
    }

    /// Chains the live table has and these rules do not (removed by the next setup).
    public func staleChains(in live: LiveNftTable?) -> [String] {
        (live?.chains.keys.sorted() ?? []).filter { name in !chains.contains { $0.name == name } }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" })
            .reversed())
    }
}
