/// One thing doctor checked: fine, or a problem with a one-line fix.
public struct DoctorFinding: Equatable, Sendable {
    public var check: String
    public var problem: String?
    public var fix: String?

    public static func ok(_ check: String) -> DoctorFinding { DoctorFinding(check: check, problem: nil, fix: nil) }
    public static func problem(_ check: String, _ problem: String, fix: String) -> DoctorFinding {
        DoctorFinding(check: check, problem: problem, fix: fix)
    }
}

/// What doctor read from this host for one network.
public struct DoctorObservation: Sendable {
    public var bridge: LinkInfo?
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
    /// This network's container veths on the host (name prefix), whatever their master.
    public var hostVeths: [LinkInfo] = []
    /// Addresses configured on the containers behind those veths, by host veth name
    /// (from the namespaces doctor could open).
    public var containerAddresses: [String: [IPPrefix]] = [:]

    public init() {}
}

/// Live state against expected, in pure code: every check a finding.
public enum Doctor {
    public static func examine(_ config: NetworkConfig, _ seen: DoctorObservation) -> [DoctorFinding] {
        var findings = DoctorHostChecks.bridge(config, seen) + DoctorHostChecks.uplink(config, seen)
        if config.metadata != nil {
            findings += DoctorHostChecks.metadataLink(config, seen) + DoctorRuleChecks.rules(config, seen)
        }
        findings += DoctorLeaseChecks.leases(config, seen)
        return findings
    }

    /// True when nothing is wrong (exit 0).
    public static func isHealthy(_ findings: [DoctorFinding]) -> Bool { findings.allSatisfy { $0.problem == nil } }
}
