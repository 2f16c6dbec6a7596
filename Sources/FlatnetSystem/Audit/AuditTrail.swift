import FlatnetCore
import Glibc

/// Writes each plugin call's audit line where its netconf says (README "Audit log").
/// A failure to log never changes the call's result: it is reported on stderr.
public enum AuditTrail {
    public static func record(_ call: AuditRecord.Call) {
        guard AuditRecord.isAudited(call.environment) else { return }
        let settings = AuditSettings.lenient(call.stdin)
        guard !settings.isOff else { return }
        write(AuditRecord(call).line, settings: settings)
    }

    /// Appends `line` to the file and/or syslog the settings name; a failure is reported
    /// on stderr only.
    static func write(_ line: String, settings: AuditSettings) {
        if let file = settings.file {
            do {
                try AuditLogFile(path: file, maxBytes: settings.maxBytes, keep: settings.keep).append(line + "\n")
            } catch {
                StandardStreams.writeDiagnostic("flatnet: audit log \(file) not written: \(error)\n")
            }
        }
        if settings.syslog { Syslog.send(line) }
    }

    /// The wall clock (CLOCK_REALTIME), for the line's `time`.
    public static func now() -> AuditTime {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return AuditTime(millisecondsSinceEpoch: Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000)
    }
}

extension AuditTrail {
    /// The line for a lease an operator command released (`AuditRecord(operatorRelease:)`),
    /// where the network's netconf sends its audit lines. Not for a dry run.
    public static func recordRelease(_ config: NetworkConfig, verb: String, owner: Attachment, address: String?) {
        let record = AuditRecord(operatorRelease: verb, network: config.name, owner: owner, address: address,
                                 operator: operatorIdentity(), time: now())
        write(record.line, settings: config.audit)
    }

    /// `uid 0`, and `(sudo: alice)` when sudo ran the command: SUDO_USER as sudo sets it,
    /// naming the person behind the account (root can set it by hand: a hint, not proof).
    static func operatorIdentity() -> String {
        let sudo = ProcessEnvironment.current()["SUDO_USER"].map { " (sudo: \($0))" } ?? ""
        return "uid \(getuid())\(sudo)"
    }
}
