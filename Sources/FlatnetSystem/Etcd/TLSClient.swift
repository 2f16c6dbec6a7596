import CTLS

/// The client side of TLS, over Sources/CTLS (OpenSSL): the only Swift file that sees it.
/// A context holds the client certificate, key and CA bundle, loaded once per plugin run;
/// a session runs on one non-blocking socket.
final class TLSClientContext {
    private let context: OpaquePointer

    /// Loads the three PEM files (flatnet_tls_context_new); the error names the file.
    init(certFile: String, keyFile: String, caFile: String) throws(TLSSetupError) {
        var message = TLSMessage()
        let made = message.withBuffer { flatnet_tls_context_new(certFile, keyFile, caFile, $0, $1) }
        guard let made else { throw TLSSetupError(message: message.text) }
        context = made
    }

    deinit { flatnet_tls_context_free(context) }

    /// A session on the connected socket `descriptor` that checks the server's certificate
    /// names `host` (an IP literal is matched against the IP SANs).
    func session(descriptor: Int32, host: String) throws(TLSSetupError) -> TLSSession {
        var message = TLSMessage()
        let made = message.withBuffer { flatnet_tls_session_new(context, descriptor, host, $0, $1) }
        guard let made else { throw TLSSetupError(message: message.text) }
        return TLSSession(session: made)
    }
}

struct TLSSetupError: Error, Equatable { var message: String }

/// What a session call did (flatnet_tls_* results).
enum TLSStep: Equatable {
    case done(Int)
    case wantRead
    case wantWrite
    /// The transport broke (reset, or closed without TLS's close_notify).
    case closed(String)
    /// The peer ended the stream cleanly (TLS close_notify).
    case end
    /// TLS itself refused: certificate check, an alert from the server.
    case refused(String)
}

/// One TLS session; does not own the socket.
final class TLSSession {
    private let session: OpaquePointer

    fileprivate init(session: OpaquePointer) { self.session = session }

    deinit { flatnet_tls_session_free(session) }

    /// SSL_connect: `.done(1)` when the handshake is complete.
    func handshake() -> TLSStep {
        var message = TLSMessage()
        let result = message.withBuffer { flatnet_tls_handshake(session, $0, $1) }
        return Self.step(Int(result), message)
    }

    /// SSL_read_ex into `buffer`: `.done(count)`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSStep {
        var message = TLSMessage()
        let result = message.withBuffer {
            flatnet_tls_read(session, buffer.baseAddress, buffer.count, $0, $1)
        }
        return Self.step(result, message)
    }

    /// SSL_write_ex from `bytes`: `.done(count)` (partial writes are enabled).
    func write(_ bytes: UnsafeRawBufferPointer) -> TLSStep {
        var message = TLSMessage()
        let result = message.withBuffer { flatnet_tls_write(session, bytes.baseAddress, bytes.count, $0, $1) }
        return Self.step(result, message)
    }

    private static func step(_ result: Int, _ message: TLSMessage) -> TLSStep {
        if result > 0 { return .done(result) }
        switch Int32(truncatingIfNeeded: result) {
        case FLATNET_TLS_WANT_READ: return .wantRead
        case FLATNET_TLS_WANT_WRITE: return .wantWrite
        case FLATNET_TLS_CLOSED: return .closed(message.text)
        case FLATNET_TLS_END: return .end
        default: return .refused(message.text)
        }
    }
}

/// The message buffer every CTLS call fills on failure.
private struct TLSMessage {
    private var bytes = [CChar](repeating: 0, count: 512)

    mutating func withBuffer<Result>(_ body: (UnsafeMutablePointer<CChar>, Int) -> Result) -> Result {
        bytes.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    }

    var text: String {
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: bytes[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
