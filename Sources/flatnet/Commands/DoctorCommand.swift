import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet doctor --conf FILE [--json]`: live state against expected; exit 0 healthy, 1 not,
/// 3 not set up on this host (`DoctorReport`).
struct DoctorCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Live state against expected, each problem with a fix.",
        discussion: """
            Live state against expected: bridge, uplink, MTUs, link pair, reserved address, every \
            ebtables rule (with packet counters), bridge ports that are not the network's, container \
            veths cut off from the bridge or on an old MTU, leases without a container, unreadable \
            leases, addresses in use without a lease, duplicates, the port security table and every \
            container's elements, with its dropped-frame count; each problem with a fix, a command \
            to run (often `flatnet repair --conf FILE`). Containers are found from the host side. \
            Exit 0 when healthy, 1 when it found problems, 3 when nothing of the network is on this \
            host yet (one line then says so).
            """)

    static let needsRoot: String? = "it reads links, rules and leases"

    @OptionGroup var network: NetworkFileOption
    @OptionGroup var json: JSONOption

    func execute() throws -> CommandOutcome {
        let config = try network.load()
        let report = DoctorReport(config, try DoctorProbe.observe(config), confPath: network.path)
        return .init(output: json.enabled ? report.json : Self.text(report), status: report.exitStatus)
    }

    /// One line a check ("ok    check"), a problem and its fix ("      fix: ") under it.
    /// Lines longer than 80 columns wrap; a continuation is indented 8 columns or more, so
    /// it never reads as a fix line (6) and a reader (or a test) can join it back. A fix is
    /// a command: it wraps with `\` continuations, so it still pastes and runs.
    static func text(_ report: DoctorReport) -> String {
        guard report.state != .notSetUp else {
            return TextWrapping.wrap(report.notSetUpLine, indent: "        ").joined(separator: "\n") + "\n"
        }
        let continuation = String(repeating: " ", count: 8)
        let fixIndent = String(repeating: " ", count: 11)
        let lines = report.findings.flatMap { finding -> [String] in
            guard let problem = finding.problem else {
                return TextWrapping.wrap("ok    \(finding.check)", indent: continuation)
            }
            let fix = fixLines(finding.fix ?? "-", width: TextWrapping.width - fixIndent.count)
                .enumerated().map { ($0.offset == 0 ? "      fix: " : fixIndent) + $0.element }
            return TextWrapping.wrap("FAIL  \(finding.check): \(problem)", indent: continuation) + fix
        }
        let verdict = report.state == .healthy
            ? "network \(report.network): healthy (\(report.findings.count) checks)"
            : "network \(report.network): \(report.problems.count) problem(s) in \(report.findings.count) checks"
        return (lines + [verdict]).joined(separator: "\n") + "\n"
    }

    /// A fix (`COMMAND  # why`) within `width`: the command with `\` continuations, the
    /// comment on lines of its own, each starting `# `, so the block pastes as it reads.
    static func fixLines(_ fix: String, width: Int) -> [String] {
        let parts = fix.components(separatedBy: "  # ")
        let command = TextWrapping.wrapCommand(String(parts[0]), width: width)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return command }
        let comment = parts.dropFirst().joined(separator: "  # ")
        let joined = command.last.map { $0 + "  # " + comment } ?? ""
        if command.count == 1, joined.count <= width { return [joined] }
        return command + TextWrapping.wrap("# " + comment, width: width, indent: "# ")
    }
}
