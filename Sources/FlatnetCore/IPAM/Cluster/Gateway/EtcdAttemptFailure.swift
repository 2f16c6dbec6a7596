/// Why one try against one endpoint did not give an answer. The client's failover decides
/// from the case: the first four move on to the next endpoint (the store may be fine
/// elsewhere), `tls` moves on but makes the call `.refused` if nothing answers (a
/// certificate problem does not heal by waiting), the last two end the call at once (every
/// member would say the same).
public enum EtcdAttemptFailure: Error, Equatable, Sendable {
    /// connect(2) failed at once: ECONNREFUSED, EHOSTUNREACH, ENETUNREACH...
    case connectionRefused(String)
    /// Nothing within the attempt's share of the budget (a cut-off or hung member).
    case silent(String)
    /// The connection broke mid-call (reset, closed, end of stream).
    case lost(String)
    /// etcd answered "try elsewhere or later": no leader, timeout, gRPC Unavailable.
    case storeUnavailable(String)
    /// TLS failed: the server's certificate, or the server refused ours.
    case tls(String)
    /// etcd refused the request itself (invalid argument, permission denied, ...).
    case refused(String)
    /// The answer was not HTTP or not the JSON etcd sends.
    case badAnswer(String)

    public var text: String {
        switch self {
        case .connectionRefused(let text), .silent(let text), .lost(let text), .storeUnavailable(let text),
             .tls(let text), .refused(let text), .badAnswer(let text):
            return text
        }
    }

    /// Another endpoint may do better.
    public var triesNextEndpoint: Bool {
        switch self {
        case .connectionRefused, .silent, .lost, .storeUnavailable, .tls: return true
        case .refused, .badAnswer: return false
        }
    }
}
