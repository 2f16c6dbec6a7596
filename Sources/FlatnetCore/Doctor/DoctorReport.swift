/// What `flatnet doctor --conf FILE [--json]` prints and exits with, as values.
public struct DoctorReport: Sendable {
    /// The verdict; the raw value is the `state` of the JSON report.
    public enum State: String, Sendable {
        case healthy
        case problems
        /// Nothing of the network is on this host (`Doctor.isNotSetUp`).
        case notSetUp = "not-set-up"
    }

    public let network: String
    public let state: State
    /// Every check; empty when the network is not set up (one line says it all).
    public let findings: [DoctorFinding]
    public let fixes: DoctorFixes

    public init(_ config: NetworkConfig, _ seen: DoctorObservation, confPath: String) {
        network = config.name
        fixes = DoctorFixes(confPath: confPath)
        if Doctor.isNotSetUp(config, seen) {
            state = .notSetUp
            findings = []
        } else {
            findings = Doctor.examine(config, seen, confPath: confPath)
            state = Doctor.isHealthy(findings) ? .healthy : .problems
        }
    }

    /// 0 healthy, 1 problems found, 3 not set up on this host (2 stays the usage error
    /// of every command).
    public var exitStatus: Int32 {
        switch state {
        case .healthy: return 0
        case .problems: return 1
        case .notSetUp: return 3
        }
    }

    public var problems: [DoctorFinding] { findings.filter { $0.problem != nil } }

    /// The one line that replaces the checks on a host the network never reached.
    public var notSetUpLine: String {
        "network \(network): not set up on this host (no ADD has run here yet);"
            + " run `\(fixes.repair)` to set it up now, or attach a container"
    }

    /// `ok    CHECK` / `FAIL  CHECK: PROBLEM` + `      fix: COMMAND` lines, then the verdict.
    public var text: String {
        guard state != .notSetUp else { return notSetUpLine + "\n" }
        let lines = findings.map { finding -> String in
            guard let problem = finding.problem else { return "ok    \(finding.check)" }
            return "FAIL  \(finding.check): \(problem)\n      fix: \(finding.fix ?? "-")"
        }
        let verdict = state == .healthy ? "network \(network): healthy (\(findings.count) checks)"
            : "network \(network): \(problems.count) problem(s) in \(findings.count) checks"
        return (lines + [verdict]).joined(separator: "\n") + "\n"
    }

    /// `{"network", "state", "healthy", "findings": [{"check", "ok", "problem", "fix",
    /// "repairable"}]}`; not set up: no findings, and the `message` and `fix` of the line.
    public var json: String {
        var object: [String: JSONValue] = [
            "network": .string(network), "state": .string(state.rawValue),
            "healthy": .bool(state == .healthy), "findings": .array(findings.map(Self.json)),
        ]
        if state == .notSetUp {
            object["message"] = .string(notSetUpLine)
            object["fix"] = .string(fixes.repair)
        }
        return JSONValue.object(object).prettyPrinted() + "\n"
    }

    static func json(_ finding: DoctorFinding) -> JSONValue {
        var object: [String: JSONValue] = [
            "check": .string(finding.check), "ok": .bool(finding.problem == nil),
        ]
        object["problem"] = finding.problem.map(JSONValue.string)
        object["fix"] = finding.fix.map(JSONValue.string)
        if finding.problem != nil { object["repairable"] = .bool(finding.isRepairable) }
        return .object(object)
    }
}
