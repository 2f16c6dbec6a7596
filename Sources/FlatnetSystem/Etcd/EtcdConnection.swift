import FlatnetCore
import Glibc

/// One open connection to one endpoint (TCP, TLS when the URL is https), reused by the
/// calls of a plugin run (HTTP/1.1 keep-alive). Every step waits with poll(2) against the
/// deadline it is given.
final class EtcdConnection {
    let endpoint: EtcdEndpoint
    private let socket: EtcdSocket
    private let session: TLSSession?
    /// False once the server said it closes, or a call on it failed.
    private(set) var reusable = true

    private init(endpoint: EtcdEndpoint, socket: EtcdSocket, session: TLSSession?) {
        self.endpoint = endpoint
        self.socket = socket
        self.session = session
    }

    /// TCP connect gets at most this long: a SYN that was lost is sent again only after TCP's
    /// initial retransmission timeout of 1 s (RFC 6298), so a member that has not answered
    /// the first SYN within a LAN round trip and some slack will not before that second; the
    /// rest of the attempt's share is better spent on the next member.
    static let connectMilliseconds = 300

    /// Connects and, for https, completes the TLS handshake (server certificate checked
    /// against the CA and the endpoint's IP).
    static func open(
        _ endpoint: EtcdEndpoint, tls: TLSClientContext?, by deadline: MonotonicDeadline
    ) throws(EtcdAttemptFailure) -> EtcdConnection {
        let connectDeadline = deadline.capped(atMilliseconds: connectMilliseconds)
        let socket = try EtcdSocket.connect(to: endpoint, by: connectDeadline)
        guard endpoint.usesTLS else {
            return EtcdConnection(endpoint: endpoint, socket: socket, session: nil)
        }
        guard let tls else { throw .tls("https endpoint without TLS files") }
        let session: TLSSession
        do { session = try tls.session(descriptor: socket.descriptor, host: endpoint.host) } catch {
            throw .tls(error.message)
        }
        let connection = EtcdConnection(endpoint: endpoint, socket: socket, session: session)
        try connection.drive(by: deadline, what: "TLS handshake") { session.handshake() }
        return connection
    }

    /// Sends `request` and reads the whole answer.
    func exchange(
        _ request: EtcdHTTPRequest, by deadline: MonotonicDeadline
    ) throws(EtcdAttemptFailure) -> EtcdHTTPResponse {
        reusable = false  // until the answer is complete
        try send(request.bytes(), by: deadline)
        let response = try receive(by: deadline)
        reusable = !response.closesConnection
        return response
    }

    private func send(_ bytes: [UInt8], by deadline: MonotonicDeadline) throws(EtcdAttemptFailure) {
        var offset = 0
        while offset < bytes.count {
            let step = bytes.withUnsafeBytes { writeStep(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            if case .done(let written) = step { offset += written; continue }
            try waitForProgress(step, by: deadline, what: "sending the request")
        }
    }

    private func receive(by deadline: MonotonicDeadline) throws(EtcdAttemptFailure) -> EtcdHTTPResponse {
        var reader = HTTPResponseReader()
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let step = chunk.withUnsafeMutableBytes { readStep($0) }
            guard case .done(let count) = step else {
                try waitForProgress(step, by: deadline, what: "waiting for the answer")
                continue
            }
            if count == 0 { return try reader.responseAtEndOfStream() }
            reader.append(chunk[..<count])
            if let response = try reader.response() { return response }
        }
    }

    /// One read, TLS or plain: `.done(0)` is the end of the stream.
    private func readStep(_ buffer: UnsafeMutableRawBufferPointer) -> TLSStep {
        guard let session else { return socket.read(into: buffer) }
        let step = session.read(into: buffer)
        // Only a clean close ends the stream (the reader then decides if the answer was
        // whole); a reset or a close without close_notify is a lost connection.
        if case .end = step { return .done(0) }
        return step
    }

    private func writeStep(_ bytes: UnsafeRawBufferPointer) -> TLSStep {
        guard let session else { return socket.write(bytes) }
        return session.write(bytes)
    }

    /// Runs `step` until `.done`, polling in between.
    private func drive(
        by deadline: MonotonicDeadline, what: String, _ step: () -> TLSStep
    ) throws(EtcdAttemptFailure) {
        while true {
            let result = step()
            if case .done = result { return }
            try waitForProgress(result, by: deadline, what: what)
        }
    }

    /// For a step that moved nothing: polls for what it wants (`.silent` past `deadline`), or
    /// throws what it says went wrong.
    private func waitForProgress(
        _ step: TLSStep, by deadline: MonotonicDeadline, what: String
    ) throws(EtcdAttemptFailure) {
        switch step {
        case .done: return
        case .closed(let text): throw .lost("\(what): \(text)")
        case .end: throw .lost("\(what): the server closed the connection")
        case .refused(let text): throw .tls("\(what): \(text)")
        case .wantRead, .wantWrite:
            let events = Int16(step == .wantRead ? POLLIN : POLLOUT)
            guard try socket.wait(for: events, by: deadline) else {
                throw .silent("\(what): no answer in time")
            }
        }
    }
}
