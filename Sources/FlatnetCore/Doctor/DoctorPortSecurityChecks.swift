/// What doctor read of one network's port security: the table, the port records, the
/// sets' elements and the per-port drop counters (`drops` set).
public struct PortSecurityObservation: Sendable {
    /// The live table; nil when it does not exist.
    public var table: LiveNftTable?
    /// Why the table could not be read (nft missing, say); nil when it was.
    public var unreadable: String?
    public var records: [PortProtection] = []
    /// Every element key, per set.
    public var elements: [String: Set<NftElementKey>] = [:]
    /// Frames dropped per port (by host veth name), from the `drops` set's counters.
    public var drops: [String: NftElementCounters] = [:]

    public init() {}
}

/// Doctor's port security checks: the table against the netconf, then every attached
/// container's protection and how many of its frames were dropped.
enum DoctorPortSecurityChecks {
    static func findings(
        _ config: NetworkConfig, _ seen: DoctorObservation, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        guard let rules = PortSecurityRules.make(for: config) else {
            return [.ok("port security: off (\"portSecurity\": false; containers may spoof)")]
        }
        let observed = seen.portSecurity
        if let unreadable = observed.unreadable {
            return [.problem("port security table \(rules.table)", unreadable, fix: NftFix.install(fixes))]
        }
        let drift = rules.drift(from: observed.table)
        var findings = drift.map {
            DoctorFinding.repairable("port security table \(rules.table)", $0,
                                     fix: fixes.repair(because: "rewrites the table, keeps the sets"))
        }
        if drift.isEmpty { findings.append(.ok("port security table \(rules.table) matches the netconf")) }
        guard observed.table != nil else { return findings }
        let owners = DoctorLeaseChecks.ownersByVeth(config, seen)
        let records = Dictionary(observed.records.map { ($0.port.value, $0) },
                                 uniquingKeysWith: { first, _ in first })
        for veth in seen.hostVeths.sorted(by: { $0.name < $1.name }) {
            let who = owners[veth.name].map { " (container \($0.containerID) \($0.ifName))" } ?? ""
            // With flatnet's own pool, a port is adopted with its lease's addresses only (never
            // what its container says): one with no lease is not setup's to adopt.
            let adoptable = config.ipam.pool == nil || owners[veth.name] != nil
            findings.append(port(veth.name, who: who, record: records[veth.name], adoptable: adoptable,
                                 observed, fixes))
        }
        return findings
    }

    /// One port: protected as recorded (with its drop count), or what is missing.
    static func port(
        _ name: String, who: String, record: PortProtection?, adoptable: Bool = true,
        _ observed: PortSecurityObservation, _ fixes: DoctorFixes
    ) -> DoctorFinding {
        let check = "port security of \(name)\(who)"
        if record == nil, !adoptable {
            // An ADD in flight (its veth comes before its lease) protects its port itself;
            // a port left so is also named "has no lease", with its fix.
            return .problem(check, "no record and no lease: it can send nothing, and is not adopted",
                            fix: DoctorFixes.reattach("ip link del \(name)", "its address is not leased"))
        }
        guard let record else {
            let adopt = fixes.repair(because: "adopts the port (MAC and addresses read from the host side)")
            return .repairable(check, "no record: attached without port security, it can send nothing",
                               fix: adopt)
        }
        let missing = record.elementChanges.filter { change in
            !change.keys.allSatisfy { observed.elements[change.set]?.contains($0) == true }
        }.map(\.set)
        guard missing.isEmpty else {
            return .repairable(check, "elements missing from set(s) \(missing.joined(separator: ", "))",
                               fix: fixes.repair(because: "restores every recorded port"))
        }
        let dropped = observed.drops[name]
        let ipv4List = record.ipv4.map(\.description).joined(separator: ", ")
        let ipv4 = record.ipv4.isEmpty ? "" : " IPv4 \(ipv4List),"
        let adopted = record.adopted ? " (adopted: attached before port security; DEL and ADD to renew)" : ""
        let sources = record.ipv6Sources.map(\.description).joined(separator: ", ")
        return .ok("\(check): MAC \(record.mac),\(ipv4) IPv6 \(sources);"
            + " \(dropped?.packets ?? 0) frame(s) dropped\(adopted)")
    }
}

enum NftFix {
    static func install(_ fixes: DoctorFixes) -> String {
        "apt-get install nftables  # port security needs nft and nf_tables bridge support;"
            + " or set \"portSecurity\": false in \(fixes.conf) (unsafe)"
    }
}
