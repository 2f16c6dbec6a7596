import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Testing

/// EtcdClient against a real 3-member etcd 3.4 cluster with client-certificate TLS
/// (EtcdCluster), each test on its own cluster: the KeyValueStore semantics the cluster pool
/// relies on.
@Suite("etcd client: store semantics on a TLS cluster (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)))
struct EtcdClientTests {
    @Test("get: absent is nil; written keys with '/' and ':' and unicode JSON values come back as written")
    func getAndPut() throws {
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let client = try EtcdClient(config: cluster.config())
        #expect(try client.get("/flatnet/a/10.43.0.5") == nil)
        let value = #"{"owner":"pod:ns/名前 ✓","note":"a \"quoted\"\nline","ip":"2001:db8::5"}"#
        let keys = ["/flatnet/a/10.43.0.5", "/flatnet/a/2001:db8::5", "/flatnet/reservations/ns:web-0"]
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
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let client = try EtcdClient(config: cluster.config())
        let key = "/flatnet/a/10.43.0.7"
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
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let client = try EtcdClient(config: cluster.config())
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
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let client = try EtcdClient(config: cluster.config())
        // Three pages of EtcdClient.listPageSize (1,000), written 100 per transaction
        // (etcd's default limit is 128 operations), in shuffled order.
        let inside = (0..<2_105).map { "/flatnet/a/" + String(String($0, radix: 16).reversed()) + ":x" }
        let outside = ["/flatnet/", "/flatnet0", "/flatnea/z", "/other/a/1"]
        var pending = (inside + outside).shuffled()
        while !pending.isEmpty {
            let batch = pending.prefix(100)
            pending.removeFirst(batch.count)
            _ = try client.commit(StoreTransaction(comparisons: [], onSuccess: batch.map { .put($0, value: "v:" + $0) }))
        }
        let listed = try client.list(prefix: "/flatnet/a/")
        #expect(listed.map(\.key) == inside.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(listed.allSatisfy { $0.value == "v:" + $0.key })
        #expect(try client.list(prefix: "/flatnet/b/").isEmpty)
        #expect(try client.list(prefix: "/flatnet").count == inside.count + 2, "/flatnet/ and /flatnet0 too")
    }
}
