/// The two ebtables implementations flatnet drives, named by the kernel interface each
/// uses. flatnet picks one on purpose, never through the `ebtables` alternative: on a
/// fresh Debian 12 machine with only the `ebtables` package, that alternative is
/// ebtables-legacy, which an nf_tables-only kernel rejects ("The kernel doesn't support
/// the ebtables 'filter' table"); ebtables-nft comes with Debian's `iptables` package.
public enum EbtablesBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case nfTables = "nf_tables"
    case legacy

    /// In order of preference: nf_tables where the kernel has it (every current kernel).
    public static let preferred: [EbtablesBackend] = [.nfTables, .legacy]

    /// The program that lists and edits single rules (`-t filter -L [--Lc]`, `-D`).
    public var tool: String {
        switch self {
        case .nfTables: return "ebtables-nft"
        case .legacy: return "ebtables-legacy"
        }
    }

    /// The program that applies one atomic batch (`--noflush`).
    public var restoreTool: String { tool + "-restore" }

    /// "nf_tables (ebtables-nft)".
    public var description: String { "\(rawValue) (\(tool))" }

    /// What makes this backend work on a host where it does not.
    public var fix: String {
        switch self {
        case .nfTables: return "install Debian's iptables package (it provides ebtables-nft)"
        case .legacy:
            return "use a kernel with the legacy ebtables tables (the ebtable_filter module)"
                + " for ebtables-legacy"
        }
    }

    /// The fix when no backend works, the preferred one first.
    public static var fixWhenNoneWorks: String {
        "\(EbtablesBackend.nfTables.fix); or \(EbtablesBackend.legacy.fix)"
    }

    /// `fix` as a command line doctor prints (a command, then why).
    public var fixCommand: String {
        switch self {
        case .nfTables: return "apt-get install iptables  # it provides ebtables-nft"
        case .legacy: return "modprobe ebtable_filter  # the legacy ebtables tables, for ebtables-legacy"
        }
    }

    /// `fixWhenNoneWorks` as a command line.
    public static var fixCommandWhenNoneWorks: String {
        "apt-get install iptables  # it provides ebtables-nft;"
            + " or, for ebtables-legacy: modprobe ebtable_filter"
    }
}

/// What flatnet knows about the backends for one network on this host.
public struct EbtablesBackendFacts: Equatable, Sendable {
    /// The backend recorded when the network's rules were first installed.
    public var recorded: EbtablesBackend?
    /// Backends whose list command exits 0 here.
    public var working: Set<EbtablesBackend>
    /// Working backends whose filter table holds at least one of the network's chains.
    public var holding: Set<EbtablesBackend>

    public init(recorded: EbtablesBackend? = nil, working: Set<EbtablesBackend> = [],
                holding: Set<EbtablesBackend> = []) {
        self.recorded = recorded
        self.working = working
        self.holding = holding
    }
}

/// Which backend a network uses, decided in pure code from the facts.
public enum EbtablesBackendChoice: Equatable, Sendable {
    /// Use this backend (and record it, when it was not recorded yet).
    case use(EbtablesBackend)
    /// The network's rules are recorded in a backend that no longer works here: using
    /// another would split its rules across both, so flatnet refuses.
    case recordedNotWorking(EbtablesBackend)
    /// Neither backend works on this host.
    case noneWorks

    /// Never splits a network across backends: the recorded backend wins, whatever is
    /// preferred now; without a record, a backend already holding the network's chains
    /// (the preferred one if both do); otherwise the preferred backend that works.
    public static func choose(_ facts: EbtablesBackendFacts) -> EbtablesBackendChoice {
        if let recorded = facts.recorded {
            return facts.working.contains(recorded) ? .use(recorded) : .recordedNotWorking(recorded)
        }
        let working = EbtablesBackend.preferred.filter { facts.working.contains($0) }
        if let holder = working.first(where: { facts.holding.contains($0) }) { return .use(holder) }
        return working.first.map(EbtablesBackendChoice.use) ?? .noneWorks
    }
}
