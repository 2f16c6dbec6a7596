import FlatnetCore
import Glibc

/// Writes each plugin call's audit line where its netconf says (README "Audit log").
/// A failure to log never changes the call's result: it is reported on stderr.
public enum AuditTrail {
    public static func record(_ call: AuditRecord.Call) {
        guard AuditRecord.isAudited(call.environment) else { return }
        let settings = AuditSettings.lenient(call.stdin)
        guard !settings.isOff else { return }
        let line = AuditRecord(call).line
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
