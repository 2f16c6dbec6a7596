import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Testing

/// EtcdClient against a real 3-member etcd 3.4 cluster with client-certificate TLS
/// (EtcdCluster): the KeyValueStore semantics the cluster pool relies on. The tests share
/// one cluster (started and torn down around the suite by `.sharedEtcdCluster`), each under
/// its own key prefix, so they run side by side without touching each other's keys.
@Suite("etcd client: store semantics on a TLS cluster (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)), .sharedEtcdCluster)
struct EtcdClientTests {
    private var shared: EtcdCluster {
        get throws { try #require(SharedEtcdCluster.current, "the suite's cluster") }
    }

    @Test("get: absent is nil; written keys with '/' and ':' and unicode JSON values come back as written")
    func getAndPut() throws {
        let client = try EtcdClient(config: try shared.config())
        #expect(try client.get("/flatnet/g/10.43.0.5") == nil)
        let value = #"{"owner":"pod:ns/名前 ✓","note":"a \"quoted\"\nline","ip":"2001:db8::5"}"#
        let keys = ["/flatnet/g/10.43.0.5", "/flatnet/g/2001:db8::5", "/flatnet/g-reservations/ns:web-0"]
        for key in keys {
            let put = try client.commit(StoreTransaction(comparisons: [.absent(key)], onSuccess: [.put(key, value: value)]))
            #expect(put.succeeded && put.reads.isEmpty)
        }
        for key in keys {
            let entry = try #require(try client.get(key))
            #expect(entry.key == key && entry.value == value)
            #expect(entry.createRevision > 0 && entry.modRevision == entry.createRevision)
        }
    }

    @Test("create-if-absent: the second create fails and its failure branch reads the holder")
    func createIfAbsent() throws {
        let client = try EtcdClient(config: try shared.config())
        let key = "/flatnet/c/10.43.0.7"
        func claim(_ owner: String) throws -> StoreTransactionResult {
            try client.commit(StoreTransaction(comparisons: [.absent(key)], onSuccess: [.put(key, value: owner), .get(key)],
                                               onFailure: [.get(key), .get(key + "/none")]))
        }
        let first = try claim("host-a")
        #expect(first.succeeded)
        #expect(first.reads.count == 1 && first.reads[0]?.value == "host-a")
        let second = try claim("host-b")
        #expect(!second.succeeded)
        #expect(second.reads.count == 2 && second.reads[0]?.value == "host-a" && second.reads[1] == nil)
        #expect(try client.get(key)?.value == "host-a", "the failed create wrote nothing")
    }

    @Test("unchangedSince: holds at the read revision only; delete removes; a stale revision fails")
    func compareAndSwap() throws {
        let client = try EtcdClient(config: try shared.config())
        let key = "/flatnet/blocks/node-a"
        _ = try client.commit(StoreTransaction(comparisons: [.absent(key)], onSuccess: [.put(key, value: "v1")]))
        let read = try #require(try client.get(key))
        let swap = try client.commit(StoreTransaction(comparisons: [.unchangedSince(key, modRevision: read.modRevision)],
                                                      onSuccess: [.put(key, value: "v2")]))
        #expect(swap.succeeded)
        let stale = try client.commit(StoreTransaction(comparisons: [.unchangedSince(key, modRevision: read.modRevision)],
                                                       onSuccess: [.delete(key)], onFailure: [.get(key)]))
        #expect(!stale.succeeded && stale.reads.first??.value == "v2")
        let current = try #require(try client.get(key))
        #expect(current.modRevision > read.modRevision && current.createRevision == read.createRevision)
        let delete = try client.commit(StoreTransaction(comparisons: [.unchangedSince(key, modRevision: current.modRevision)],
                                                        onSuccess: [.delete(key), .get(key)]))
        #expect(delete.succeeded && delete.reads == [nil])
        #expect(try client.get(key) == nil)
    }

    @Test("list: exactly the keys under the prefix, in key order, across several pages")
    func listOrderAndPaging() throws {
        let client = try EtcdClient(config: try shared.config())
        // Three pages of EtcdClient.listPageSize (1,000), written 100 per transaction
        // (etcd's default limit is 128 operations), in shuffled order.
        let inside = (0..<2_105).map { "/flatnet/l/a/" + String(String($0, radix: 16).reversed()) + ":x" }
        let outside = ["/flatnet/l/", "/flatnet/l0", "/flatnet/k/z", "/flatnet/l/a0"]
        var pending = (inside + outside).shuffled()
        while !pending.isEmpty {
            let batch = pending.prefix(100)
            pending.removeFirst(batch.count)
            _ = try client.commit(StoreTransaction(comparisons: [], onSuccess: batch.map { .put($0, value: "v:" + $0) }))
        }
        let listed = try client.list(prefix: "/flatnet/l/a/")
        #expect(listed.map(\.key) == inside.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(listed.allSatisfy { $0.value == "v:" + $0.key })
        #expect(try client.list(prefix: "/flatnet/l/b/").isEmpty)
        #expect(try client.list(prefix: "/flatnet/l").count == inside.count + 3, "/flatnet/l/, /flatnet/l0, /flatnet/l/a0 too")
    }

    @Test("a request etcd refuses (too many operations, a key twice) is .refused with etcd's message, nothing written")
    func etcdRefusals() throws {
        let client = try EtcdClient(config: try shared.config())
        let many = (0..<129).map { StoreOperation.put("/flatnet/r/\($0)", value: "x") }
        let twice = [StoreOperation.put("/flatnet/r/dup", value: "1"), .put("/flatnet/r/dup", value: "2")]
        for (operations, message) in [(many, "too many operations"), (twice, "duplicate key")] {
            let error = #expect(throws: StoreError.self) {
                try client.commit(StoreTransaction(comparisons: [], onSuccess: operations))
            }
            guard case .refused(let text)? = error else {
                Issue.record("expected .refused, got \(String(describing: error))")
                continue
            }
            #expect(text.contains(message) && text.contains("gRPC code 3"), "\(text)")
        }
        #expect(try client.list(prefix: "/flatnet/r/").isEmpty)
        #expect(try client.get("/flatnet/g-none") == nil, "the connection still works after the refusals")
    }

    @Test("IPv6 endpoints: the same members through [v6]:2379, certificates checked against the IPv6 SAN")
    func ipv6Endpoints() throws {
        let cluster = try shared
        let client = try EtcdClient(config: cluster.config(endpoints: cluster.endpointsIPv6))
        #expect(try client.commit(StoreTransaction(comparisons: [.absent("/flatnet/6/a")],
                                                   onSuccess: [.put("/flatnet/6/a", value: "v6")])).succeeded)
        let viaIPv4 = try EtcdClient(config: cluster.config())
        #expect(try viaIPv4.get("/flatnet/6/a")?.value == "v6")
    }
}

/// Starts one EtcdCluster around a whole suite and tears it down after its last test
/// (swift-testing's TestScoping); the suite's tests find it in `SharedEtcdCluster.current`.
struct SharedEtcdCluster: SuiteTrait, TestScoping {
    @TaskLocal static var current: EtcdCluster?

    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        guard TestHost.canRunPrivileged else { return try await function() }
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        try await Self.$current.withValue(cluster) { try await function() }
    }
}

extension Trait where Self == SharedEtcdCluster {
    static var sharedEtcdCluster: Self { Self() }
}
