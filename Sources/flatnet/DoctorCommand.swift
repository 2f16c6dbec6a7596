import FlatnetCore
import FlatnetSystem

/// `flatnet doctor --conf FILE [--json]`: live state against expected; exit 0 healthy, 1 not.
enum DoctorCommand {
    static let spec = CommandOptions.Spec(command: "doctor", values: ["--conf"], flags: ["--json"])

    static func run(_ arguments: [String]) throws -> OperatorCommandLine.Outcome {
        let options = try CommandOptions.parse(arguments, spec)
        let path = try options.required("--conf", spec)
        let config = try OperatorCommandLine.loadConfig(path)
        let findings = Doctor.examine(config, try DoctorProbe.observe(config), confPath: path)
        return .init(output: options.has("--json") ? json(findings) : text(findings, network: config.name),
                     status: Doctor.isHealthy(findings) ? 0 : 1)
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
                var object: [String: JSONValue] = [
                    "check": .string(finding.check), "ok": .bool(finding.problem == nil),
                ]
                object["problem"] = finding.problem.map(JSONValue.string)
                object["fix"] = finding.fix.map(JSONValue.string)
                return .object(object)
            }),
        ]).prettyPrinted() + "\n"
    }
}
