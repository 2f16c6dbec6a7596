import FlatnetCore

/// The cluster store on etcd v3, through etcd's JSON gateway (grpc-gateway: HTTP/1.1 `POST
/// /v3/kv/range` and `/v3/kv/txn`) over TLS with a client certificate.
///
/// Why the gateway and not gRPC: a gRPC client (grpc-swift over NIO) costs a 12-minute
/// release build and a 32 MB binary (PLATFORM-NOTES), and `etcdctl` costs a process per
/// call; the gateway needs a socket, OpenSSL (Sources/CTLS) and the project's JSON parser.
///
/// Synchronous and single-threaded like the plugin: every wait is poll(2) against the call's
/// deadline. One connection is kept open across the calls of a run (keep-alive) and the
/// endpoint that last answered is tried first. Each call, whatever it takes (failover,
/// several pages of a list), ends within `timeoutMilliseconds`:
/// - an endpoint that refuses the connection is left at once for the next;
/// - a silent one costs at most its share of what is left (left / endpoints not yet tried,
///   a quarter of the budget at most; the TCP connect 300 ms at most);
/// - once every endpoint failed, rounds repeat until the deadline, then `.unavailable`
///   naming each endpoint and what it did last;
/// - TLS failures (certificate checks either way) end in `.refused` after the round, since
///   waiting does not fix a certificate; an etcd error that every member would repeat
///   (invalid argument, permission) is `.refused` at once.
///
/// A request that was sent but not answered is sent again to the next endpoint: a
/// transaction may then meet its own earlier write (the failure branch, with the caller's
/// owner in the value it reads), as the `KeyValueStore` contract allows for `.unavailable`.
///
/// Keys are sent as given: the caller adds `EtcdStoreConfig.prefix`.
public final class EtcdClient: KeyValueStore {
    public let endpoints: [EtcdEndpoint]
    let timeoutMilliseconds: Int
    let tls: TLSClientContext?
    /// Where the TLS files came from, for messages.
    let tlsFiles: EtcdStoreConfig.TLSFiles?
    /// The open connection, reused while it lasts.
    var connection: EtcdConnection?
    /// The index of the endpoint that answered last.
    var preferredEndpoint = 0
    /// Told of every attempt and how it ended (tests and measurements; nil in the plugin).
    var attemptObserver: ((String) -> Void)?

    /// Keys per range request in `list`: bounds one answer (and its parsing) to about
    /// 1,000 x (key + value) however large the pool grows.
    static let listPageSize = 1000

    /// Parses the endpoints and loads the TLS files; `.refused` naming what is wrong.
    public init(config: EtcdStoreConfig) throws(StoreError) {
        var parsed: [EtcdEndpoint] = []
        for url in config.endpoints {
            switch EtcdEndpoint.parse(url) {
            case .success(let endpoint): parsed.append(endpoint)
            case .failure(let problem): throw .refused(problem.description)
            }
        }
        guard !parsed.isEmpty else { throw .refused("no etcd endpoints") }
        if parsed.contains(where: \.usesTLS), config.tls == nil {
            throw .refused("https etcd endpoints need ipam.store.tls (certFile, keyFile, caFile)")
        }
        endpoints = parsed
        timeoutMilliseconds = config.timeoutMilliseconds
        tlsFiles = config.tls
        tls = try config.tls.map(Self.loadTLS)
    }

    private static func loadTLS(_ files: EtcdStoreConfig.TLSFiles) throws(StoreError) -> TLSClientContext {
        do {
            return try TLSClientContext(certFile: files.certFile, keyFile: files.keyFile,
                                        caFile: files.caFile)
        } catch {
            throw .refused("etcd TLS files: \(error.message)")
        }
    }

    public func get(_ key: String) throws(StoreError) -> StoreEntry? {
        let deadline = MonotonicDeadline.after(milliseconds: timeoutMilliseconds)
        let body = try call(EtcdRequests.rangePath, EtcdRequests.get(key), by: deadline)
        return try answer { () throws(EtcdAttemptFailure) in try EtcdAnswers.rangePage(body).entries.first }
    }

    /// Every key starting with `prefix`, in key order: pages of `listPageSize`, the later
    /// ones read at the first page's revision, all within one call's budget.
    public func list(prefix: String) throws(StoreError) -> [StoreEntry] {
        let deadline = MonotonicDeadline.after(milliseconds: timeoutMilliseconds)
        let end = EtcdRequests.prefixEnd(Array(prefix.utf8))
        var start = Array(prefix.utf8)
        var revision: Int64 = 0
        var entries: [StoreEntry] = []
        while true {
            let request = EtcdRequests.listPage(start: start, end: end, limit: Self.listPageSize,
                                                revision: revision)
            let body = try call(EtcdRequests.rangePath, request, by: deadline)
            let page = try answer { () throws(EtcdAttemptFailure) in try EtcdAnswers.rangePage(body) }
            entries += page.entries
            guard page.more, let last = page.entries.last else { return entries }
            revision = page.revision
            start = Array(last.key.utf8) + [0]  // the next key after the last one
        }
    }

    public func commit(_ transaction: StoreTransaction) throws(StoreError) -> StoreTransactionResult {
        let deadline = MonotonicDeadline.after(milliseconds: timeoutMilliseconds)
        let body = try call(EtcdRequests.transactionPath, EtcdRequests.transaction(transaction), by: deadline)
        return try answer { () throws(EtcdAttemptFailure) in
            try EtcdAnswers.transactionResult(body, for: transaction)
        }
    }

    /// Reads an answer body; what cannot be read is `.badAnswer`.
    private func answer<Value>(_ read: () throws(EtcdAttemptFailure) -> Value) throws(StoreError) -> Value {
        do { return try read() } catch { throw .badAnswer(error.text) }
    }
}
