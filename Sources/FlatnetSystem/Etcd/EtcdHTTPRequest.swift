/// The HTTP/1.1 request for one gateway call: `POST /v3/kv/range` or `/v3/kv/txn` with a JSON
/// body. Keep-alive is HTTP/1.1's default, so the plugin's calls share one connection.
///
/// `Grpc-Metadata-Hasleader: true` becomes the gRPC metadata `hasleader: true` (the gateway
/// forwards Grpc-Metadata-* headers), which is what etcdctl's clientv3.WithRequireLeader
/// sends: a member that knows it has no leader (an election after the leader died or was
/// cut off) answers "etcdserver: no leader" at once instead of holding the request until
/// its own timeout, so the client can try again after the election, within the budget.
struct EtcdHTTPRequest: Equatable {
    var path: String
    var body: String
    /// The Host header: etcd's gateway ignores it, HTTP/1.1 requires it.
    var host: String

    func bytes() -> [UInt8] {
        let head = "POST \(path) HTTP/1.1\r\n"
            + "Host: \(host)\r\n"
            + "Content-Type: application/json\r\n"
            + "Grpc-Metadata-Hasleader: true\r\n"
            + "Content-Length: \(body.utf8.count)\r\n"
            + "\r\n"
        return Array(head.utf8) + Array(body.utf8)
    }
}
