import FlatnetCore
@testable import FlatnetSystem
import FlatnetTestSupport
import Glibc
import Testing

/// What a call costs against the 3-member TLS cluster: not a test (nothing is asserted on
/// time), a measurement for the notes, run on demand with FLATNET_ETCD_BENCH=1
/// (scripts/test.sh leaves it out with --skip EtcdClientBenchmark).
@Suite("etcd client cost on a 3-member TLS cluster (FLATNET_ETCD_BENCH=1)",
       .enabled(if: TestHost.canRunPrivileged && getenv("FLATNET_ETCD_BENCH").map { String(cString: $0) } == "1"), .serialized)
struct EtcdClientBenchmark {
    private static let calls = 1000

    private func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = MonotonicDeadline.now()
        try body()
        return Double(MonotonicDeadline.now().nanoseconds - start.nanoseconds) / 1_000_000
    }

    private func report(_ label: String, _ samples: [Double]) {
        let sorted = samples.sorted()
        let median = sorted[sorted.count / 2], p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        print("etcd-bench: \(label): n=\(sorted.count) median \(format(median)) ms, p99 \(format(p99)) ms, "
              + "max \(format(sorted.last ?? 0)) ms")
    }

    private func format(_ value: Double) -> String { String(Int(value * 100)).paddedMilliseconds }

    @Test("create-if-absent transactions, gets, and connect + TLS handshakes")
    func callCost() throws {
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let client = try EtcdClient(config: cluster.config())
        var creates: [Double] = [], gets: [Double] = [], opens: [Double] = []
        for index in 0..<Self.calls {
            let key = "/flatnet/bench/10.43.\(index / 256).\(index % 256)"
            creates.append(try milliseconds {
                _ = try client.commit(StoreTransaction(comparisons: [.absent(key)],
                                                       onSuccess: [.put(key, value: #"{"owner":"bench"}"#)],
                                                       onFailure: [.get(key)]))
            })
        }
        for index in 0..<Self.calls {
            gets.append(try milliseconds { _ = try client.get("/flatnet/bench/10.43.\(index / 256).\(index % 256)") })
        }
        let endpoint = try EtcdEndpoint.parse(cluster.endpoints[0]).get()
        let files = cluster.trusted
        let tls = try TLSClientContext(certFile: files.certFile, keyFile: files.keyFile, caFile: files.caFile)
        for _ in 0..<200 {
            opens.append(try milliseconds { _ = try EtcdConnection.open(endpoint, tls: tls, by: .after(milliseconds: 2500)) })
        }
        let contexts = try (0..<50).map { _ in
            try milliseconds { _ = try TLSClientContext(certFile: files.certFile, keyFile: files.keyFile, caFile: files.caFile) }
        }
        report("create-if-absent txn (kept-alive connection)", creates)
        report("get (kept-alive connection)", gets)
        report("connect + TLS handshake", opens)
        report("load cert, key and CA (TLS context)", contexts)
    }
}

private extension String {
    /// "12345" (hundredths) as "123.45".
    var paddedMilliseconds: String {
        let digits = count < 3 ? String(repeating: "0", count: 3 - count) + self : self
        return digits.dropLast(2) + "." + digits.suffix(2)
    }
}
