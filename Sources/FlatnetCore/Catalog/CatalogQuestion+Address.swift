/// The address types of a question, checked with the plugin's own readers and rules
/// (`ObjectReader`, `PoolValidator`, `IPv6Scope`), so an answer is refused with the words
/// the plugin would use, but named by its question rather than by a netconf path.
extension CatalogQuestion {
    /// A subnet: a CIDR of `family` the plugin's pool can use (IPv4 up to /30; IPv6 /64
    /// to /126, global or unique-local). Host bits are left to the plugin's validator.
    func subnetProblem(_ text: String, family: IPFamily) -> String? {
        let log = ProblemLog()
        guard let subnet = ObjectReader.prefix(.string(text), path: "", log: log, family: family) else {
            return log.problems.first?.message
        }
        return PoolValidator.subnetSizeProblem(subnet) ?? IPv6Scope.problem(subnet)
    }

    /// An address of `family`; for IPv6 no multicast, v4-mapped, loopback or unspecified
    /// address. A link-local one passes: it is a valid gateway (a router's fe80:: address),
    /// and the plugin refuses it anywhere else (outside the subnet).
    func addressProblem(_ text: String, family: IPFamily) -> String? {
        let log = ProblemLog()
        guard let address = ObjectReader.address(text, path: "", log: log, family: family) else {
            return log.problems.first?.message
        }
        guard !IPv6Scope.isLinkLocal(address),
              let refused = IPv6Scope.refused.first(where: { $0.prefix.contains(address) }) else {
            return nil
        }
        return "\"\(text)\" is \(refused.what): IPv6 answers are global or unique-local addresses"
            + " (or a router's link-local one)"
    }

    /// A list of addresses and CIDRs of `family` (an exclude list); an entry is named by
    /// its index.
    func listProblem(_ value: JSONValue, family: IPFamily) -> String? {
        guard case .array(let entries) = value else {
            return "expected a list of \(family.name) addresses or CIDRs, got \(value.typeName)"
        }
        for (index, entry) in entries.enumerated() {
            let log = ProblemLog()
            if ObjectReader.prefix(entry, path: "", log: log, allowBareAddress: true, family: family) == nil {
                return "entry \(index): " + (log.problems.first?.message ?? "")
            }
        }
        return nil
    }
}
