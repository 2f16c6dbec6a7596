import Glibc

/// Sends one audit line to the local syslog daemon (/dev/log), facility daemon, tag
/// `flatnet`. glibc's syslog drops the message silently when no daemon listens: it
/// reports nothing to check, so `logSyslog` is best effort by nature (README).
enum Syslog {
    static func send(_ line: String) {
        openlog("flatnet", LOG_PID | LOG_NDELAY, LOG_DAEMON)
        line.withCString { text in
            withVaList([text]) { vsyslog(LOG_INFO, "%s", $0) }
        }
        closelog()
    }
}
