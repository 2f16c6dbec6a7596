import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet doctor --conf FILE [--json]`: live state against expected; exit 0 healthy, 1 not.
struct DoctorCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Live state against expected, each problem with a fix.",
        discussion: """
            Live state against expected: bridge, uplink, MTUs, link pair, reserved address, every \
            ebtables rule (with packet counters), bridge ports that are not the network's, container \
            veths cut off from the bridge or on an old MTU, leases without a container, unreadable \
            leases, addresses in use without a lease, duplicates, the port security table and every \
            container's elements, with its dropped-frame count; each problem with a one-line fix. \
            Containers are found from the host side. Exit 0 when healthy, 1 when it found problems.
            """)

    static let needsRoot: String? = "it reads links, rules and leases"

    @OptionGroup var network: NetworkFileOption
    @OptionGroup var json: JSONOption

    func execute() throws -> CommandOutcome {
        let config = try network.load()
        let findings = Doctor.examine(config, try DoctorProbe.observe(config))
        return .init(output: json.enabled ? Self.json(findings) : Self.text(findings, network: config.name),
                     status: Doctor.isHealthy(findings) ? 0 : 1)
    }

    /// One line a check ("ok    check"), a problem and its fix ("      fix: ") under it.
    /// Lines longer than 80 columns wrap; a continuation is indented 8 columns or more, so
    /// it never reads as a fix line (6) and a reader (or a test) can join it back.
    static func text(_ findings: [DoctorFinding], network: String) -> String {
        let problems = findings.filter { $0.problem != nil }.count
        let continuation = String(repeating: " ", count: 8)
        let lines = findings.flatMap { finding -> [String] in
            guard let problem = finding.problem else {
                return TextWrapping.wrap("ok    \(finding.check)", indent: continuation)
            }
            return TextWrapping.wrap("FAIL  \(finding.check): \(problem)", indent: continuation)
                + TextWrapping.wrap("      fix: \(finding.fix ?? "-")", indent: "           ")
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
