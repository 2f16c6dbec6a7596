/// One thing doctor checked: fine, or a problem with a one-line fix.
public struct DoctorFinding: Equatable, Sendable {
    public var check: String
    public var problem: String?
    public var fix: String?
    /// Whether the problem is a difference from what flatnet set up (CHECK reports those),
    /// rather than the world around it (a cable unplugged: STATUS and doctor report it,
    /// but the container's attachment is as flatnet made it).
    public var isSetupDrift = true
    /// Whether the network's host setup converges it (`flatnet repair`, the next full
    /// setup of an ADD): then the fix starts with the repair.
    public var isRepairable = false

    public static func ok(_ check: String) -> DoctorFinding {
        DoctorFinding(check: check, problem: nil, fix: nil)
    }
    public static func problem(_ check: String, _ problem: String, fix: String) -> DoctorFinding {
        DoctorFinding(check: check, problem: problem, fix: fix)
    }
    /// A problem host setup converges; `fix` is the repair command (with any narrower one).
    static func repairable(_ check: String, _ problem: String, fix: String) -> DoctorFinding {
        var finding = DoctorFinding(check: check, problem: problem, fix: fix)
        finding.isRepairable = true
        return finding
    }
}

/// What doctor read from this host for one network.
public struct DoctorObservation: Sendable {
    public var bridge: LinkInfo?
    /// IPv4 addresses on the flat bridge (it must carry none).
    public var bridgeAddresses: [IPPrefix] = []
    public var uplink: LinkInfo?
    public var uplinkPort: LinkInfo?
    public var dockerBridge: LinkInfo?
    public var linkBridgeSide: LinkInfo?
    public var linkDockerSide: LinkInfo?
    public var dockerAddresses: [IPPrefix] = []
    /// The filter table of the backend the network uses; nil when no backend works.
    public var liveRules: LiveRules?
    /// Which ebtables backends work, hold this network's chains, and which is recorded.
    public var ebtablesBackends = EbtablesBackendFacts()
    public var leases: [PoolLease] = []
    /// Leases that could not be read, one sentence each (they count as held).
    public var unreadableLeases: [String] = []
    /// Every port of the bridge.
    public var bridgePorts: [LinkInfo] = []
    /// This network's container veths on the host (flatnet's record: the host-side
    /// alias), whatever their master.
    public var hostVeths: [LinkInfo] = []
    /// Addresses configured on the containers behind those veths, by host veth name
    /// (found from the host side, `ContainerFinder`).
    public var containerAddresses: [String: [IPPrefix]] = [:]
    public var portSecurity = PortSecurityObservation()
    /// Whether flatnet's records on this host say a setup of the network ran here (what
    /// it applied, or its ready stamp) and was not torn down.
    public var setupRecorded = false
    /// The pool's state directory (flatnet-ipam), and whether it exists: none until the
    /// first address is handed out on this host.
    public var poolStateDirectory: String?
    public var poolStateDirectoryExists = true

    public init() {}
}

/// Live state against expected, in pure code: every check a finding.
public enum Doctor {
    /// Every check; each problem's fix names `confPath`, the netconf file doctor was given.
    public static func examine(
        _ config: NetworkConfig, _ seen: DoctorObservation, confPath: String
    ) -> [DoctorFinding] {
        let fixes = DoctorFixes(confPath: confPath)
        var findings = hostFindings(config, seen, fixes)
        if config.metadata != nil { findings += DoctorRuleChecks.rules(config, seen, fixes) }
        findings += DoctorPortChecks.ports(config, seen, fixes)
        findings += DoctorLeaseChecks.leases(config, seen, fixes)
        findings += DoctorPortSecurityChecks.findings(config, seen, fixes)
        return findings
    }

    /// The host side alone (bridge, uplink, docker link, reserved address): what CHECK
    /// and STATUS judge too (they print problems, never fixes).
    public static func hostFindings(_ config: NetworkConfig, _ seen: DoctorObservation) -> [DoctorFinding] {
        hostFindings(config, seen, .unprinted)
    }

    static func hostFindings(
        _ config: NetworkConfig, _ seen: DoctorObservation, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        DoctorHostChecks.bridge(config, seen, fixes) + DoctorHostChecks.uplink(config, seen, fixes)
            + (config.metadata == nil ? [] : DoctorHostChecks.metadataLink(config, seen, fixes))
    }

    /// True when nothing is wrong (exit 0).
    public static func isHealthy(_ findings: [DoctorFinding]) -> Bool {
        findings.allSatisfy { $0.problem == nil }
    }
}
