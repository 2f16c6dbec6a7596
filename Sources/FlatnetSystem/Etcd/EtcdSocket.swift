import FlatnetCore
import Glibc

/// A non-blocking TCP socket to one endpoint, closed on deinit. Every wait is poll(2) against
/// the caller's deadline, so no step can block past the call's budget.
final class EtcdSocket {
    let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// socket + connect (non-blocking) + poll for POLLOUT + SO_ERROR: `connectionRefused` when
    /// the kernel says no at once, `silent` when nothing comes back by `deadline`.
    static func connect(
        to endpoint: EtcdEndpoint, by deadline: MonotonicDeadline
    ) throws(EtcdAttemptFailure) -> EtcdSocket {
        let domain = endpoint.family == .ipv6 ? AF_INET6 : AF_INET
        let type = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        let descriptor = socket(domain, type, 0)
        guard descriptor >= 0 else { throw .connectionRefused("socket: \(errnoText())") }
        let connection = EtcdSocket(descriptor: descriptor)
        var noDelay: Int32 = 1  // a request is one write; do not hold it for an ACK (Nagle)
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        let started = SocketAddress.withAddress(of: endpoint) { Glibc.connect(descriptor, $0, $1) }
        if started != 0 && errno != EINPROGRESS { throw .connectionRefused("connect: \(errnoText())") }
        if started != 0 {
            guard try connection.wait(for: Int16(POLLOUT), by: deadline) else {
                throw .silent("no answer to connect within its share of the budget")
            }
            var pending: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &pending, &size)
            if pending != 0 { throw .connectionRefused("connect: \(String(cString: strerror(pending)))") }
        }
        return connection
    }

    /// poll(2) for `events` until `deadline`: true when ready (or the peer hung up: the next
    /// read or write says how), false when the deadline passed.
    func wait(for events: Int16, by deadline: MonotonicDeadline) throws(EtcdAttemptFailure) -> Bool {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: deadline.remainingMilliseconds))
            if ready > 0 { return true }
            if ready == 0 { return false }
            if errno != EINTR { throw .lost("poll: \(errnoText())") }
        }
    }

    /// read(2): `.done(count)` (0: the end of the stream), `.wantRead`, or `.closed`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSStep {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return .done(count) }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .wantRead }
            if errno != EINTR { return .closed("read: \(errnoText())") }
        }
    }

    /// send(2) with MSG_NOSIGNAL (a closed peer is an error, not SIGPIPE): `.done(count)`,
    /// `.wantWrite`, or `.closed`.
    func write(_ bytes: UnsafeRawBufferPointer) -> TLSStep {
        while true {
            let count = send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .done(count) }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .wantWrite }
            if errno != EINTR { return .closed("write: \(errnoText())") }
        }
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// sockaddr_in / sockaddr_in6 for an endpoint (inet_pton: the endpoint parser already
/// checked the text is an address).
enum SocketAddress {
    static func withAddress<Result>(
        of endpoint: EtcdEndpoint, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) -> Result {
        if endpoint.family == .ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = endpoint.port.bigEndian
            inet_pton(AF_INET6, endpoint.host, &address.sin6_addr)
            let size = socklen_t(MemoryLayout<sockaddr_in6>.size)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, size) }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = endpoint.port.bigEndian
        inet_pton(AF_INET, endpoint.host, &address.sin_addr)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, size) }
        }
    }
}
