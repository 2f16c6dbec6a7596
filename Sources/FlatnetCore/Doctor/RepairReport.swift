/// What `flatnet repair` says, judged by doctor's own checks so that the two never
/// disagree: before it runs (`--dry-run`), the problems host setup would fix and the ones
/// it leaves; after, what it fixed and what is still there.
public enum RepairReport {
    /// `--dry-run`: nothing is changed. On a host the network never reached, the host
    /// steps setup would run (the planner's, as `flatnet plan` prints them).
    public static func preview(_ config: NetworkConfig, before: DoctorReport) -> String {
        if before.state == .notSetUp {
            let steps = AttachPlanner.hostSteps(for: config).enumerated()
                .map { "  \($0.offset + 1). \($0.element.title)" }
            let plan = "`flatnet plan --conf \(before.fixes.conf)`"
            return (["network \(config.name): not set up on this host; repair would run its host setup,"
                        + " as the first ADD would:"] + steps
                    + ["nothing changed (dry run); \(plan) shows each step's commands"])
                .joined(separator: "\n") + "\n"
        }
        let problems = before.problems
        let repairable = problems.filter(\.isRepairable)
        let lines = repairable.map { "would repair  \(describe($0))" }
            + problems.filter { !$0.isRepairable }.map { "not repaired  \(withFix($0))" }
        let verdict = problems.isEmpty
            ? "network \(config.name): host setup in place; repair would change nothing"
            : "network \(config.name): repair would fix \(repairable.count) problem(s)"
                + " and leave \(problems.count - repairable.count)"
        return (lines + [verdict + " (dry run: nothing changed)"]).joined(separator: "\n") + "\n"
    }

    /// After the setup ran: `repaired` lines for problems gone, `left` lines (with their
    /// fixes) for problems setup does not own, `still` lines for any it should have
    /// fixed. Exit 1 only for those.
    public static func outcome(
        _ config: NetworkConfig, before: DoctorReport, after: DoctorReport
    ) -> (text: String, status: Int32) {
        let remaining = Set(after.problems.map(describe))
        let repaired = before.problems.filter { $0.isRepairable && !remaining.contains(describe($0)) }
        let still = after.problems.filter(\.isRepairable)
        let left = after.problems.filter { !$0.isRepairable }
        let lines = repaired.map { "repaired  \(describe($0))" }
            + left.map { "left  \(withFix($0))" } + still.map { "still  \(withFix($0))" }
        guard still.isEmpty else {
            let verdict = "network \(config.name): host setup ran,"
                + " but \(still.count) problem(s) it owns remain"
            return ((lines + [verdict]).joined(separator: "\n") + "\n", 1)
        }
        let what = before.state == .notSetUp ? "set up now"
            : repaired.isEmpty ? "nothing needed repair" : "\(repaired.count) problem(s) repaired"
        let leftNote = left.isEmpty ? "" : "; \(left.count) problem(s) left for you (above)"
        let verdict = "network \(config.name): host setup in place on \(config.bridge) (\(what))\(leftNote)"
        return ((lines + [verdict]).joined(separator: "\n") + "\n", 0)
    }

    /// "CHECK: PROBLEM", as doctor prints it.
    static func describe(_ finding: DoctorFinding) -> String {
        "\(finding.check): \(finding.problem ?? "ok")"
    }

    /// The same, and its fix on the next line, indented as doctor's.
    static func withFix(_ finding: DoctorFinding) -> String {
        "\(describe(finding))\n      fix: \(finding.fix ?? "-")"
    }
}
