import FlatnetCore
import FlatnetSystem

/// `flatnet doctor --conf FILE [--json]`: live state against expected; exit 0 healthy, 1 not.
enum DoctorCommand {
    static func run(_ arguments: [String]) -> Int32 {
        guard let index = arguments.firstIndex(of: "--conf"), index + 1 < arguments.count else {
            return OperatorCommandLine.usageError("doctor needs --conf FILE")
        }
        do {
            let config = try OperatorCommandLine.loadConfig(arguments[index + 1])
            let findings = Doctor.examine(config, try DoctorProbe.observe(config))
            StandardStreams.write(arguments.contains("--json") ? json(findings) : text(findings, network: config.name), to: 1)
            return Doctor.isHealthy(findings) ? 0 : 1
        } catch {
            return OperatorCommandLine.failure(error)
        }
    }

    static func text(_ findings: [DoctorFinding], network: String) -> String {
        let problems = findings.filter { $0.problem != nil }.count
        let lines = findings.map { finding -> String in
            guard let problem = finding.problem else { return "ok    \(finding.check)" }
            return "FAIL  \(finding.check): \(problem)\n      fix: \(finding.fix ?? "-")"
        }
        let verdict = problems == 0 ? "network \(network): healthy (\(findings.count) checks)"
            : "network \(network): \(problems) problem(s) in \(findings.count) checks"
        return (lines + [verdict]).joined(separator: "\n") + "\n"
    }

    static func json(_ findings: [DoctorFinding]) -> String {
        JSONValue.object([
            "healthy": .bool(Doctor.isHealthy(findings)),
            "findings": .array(findings.map { finding in
                var object: [String: JSONValue] = ["check": .string(finding.check), "ok": .bool(finding.problem == nil)]
                object["problem"] = finding.problem.map(JSONValue.string)
                object["fix"] = finding.fix.map(JSONValue.string)
                return .object(object)
            }),
        ]).prettyPrinted() + "\n"
    }
}
