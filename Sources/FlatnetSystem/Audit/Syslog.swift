import Glibc

/// Sends one audit line to the local syslog daemon: a datagram to /dev/log, facility
/// daemon, severity info, tag `flatnet[PID]` (the daemon stamps the time). Not glibc's
/// syslog(3): it blocks when the daemon stops reading, and a CNI call must never wait on
/// its log. Here the send never blocks; a line the socket cannot take now is reported on
/// stderr. With no daemon listening there is nothing to report to but stderr either.
enum Syslog {
    static let socketPath = "/dev/log"

    static func send(_ line: String) {
        let message = Array("<30>flatnet[\(getpid())]: \(line)".utf8)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return report(errno) }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in socketPath.utf8.enumerated() { path[index] = byte }
        }
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, message, message.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL), $0,
                       socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if sent < 0 { report(errno) }
    }

    private static func report(_ error: Int32) {
        StandardStreams.writeDiagnostic("flatnet: audit line not sent to syslog (\(socketPath)): "
            + "\(SystemCallError(call: "sendto", errno: error))\n")
    }
}
