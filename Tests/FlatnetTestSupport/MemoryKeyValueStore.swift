import FlatnetCore

/// An in-memory store with etcd v3's semantics (revisions, all-or-nothing transactions),
/// plus the faults a real cluster has: unavailable, another host committing first, and a
/// commit that lands but whose answer is lost.
public final class MemoryKeyValueStore: KeyValueStore, @unchecked Sendable {
    public private(set) var entries: [String: StoreEntry] = [:]
    public private(set) var revision: Int64 = 1
    public private(set) var commits = 0
    /// Every call fails with this while set.
    public var unavailable: StoreError?
    /// Runs before each commit is applied (another host's write, say).
    public var beforeCommit: ((MemoryKeyValueStore) -> Void)?
    /// The next commit is applied, then reported unavailable (the answer was lost).
    public var loseNextAnswer = false

    public init() {}

    public func get(_ key: String) throws(StoreError) -> StoreEntry? {
        if let unavailable { throw unavailable }
        return entries[key]
    }

    public func list(prefix: String) throws(StoreError) -> [StoreEntry] {
        if let unavailable { throw unavailable }
        return entries.keys.filter { $0.hasPrefix(prefix) }.sorted().map { entries[$0]! }
    }

    public func commit(_ transaction: StoreTransaction) throws(StoreError) -> StoreTransactionResult {
        if let unavailable { throw unavailable }
        beforeCommit?(self)
        let holds = transaction.comparisons.allSatisfy { comparison in
            switch comparison {
            case .absent(let key): return entries[key] == nil
            case .unchangedSince(let key, let revision): return entries[key]?.modRevision == revision
            }
        }
        var reads: [StoreEntry?] = []
        revision += 1
        for operation in holds ? transaction.onSuccess : transaction.onFailure {
            switch operation {
            case .put(let key, let value): write(key, value)
            case .delete(let key): entries[key] = nil
            case .get(let key): reads.append(entries[key])
            }
        }
        commits += 1
        if loseNextAnswer {
            loseNextAnswer = false
            throw StoreError.unavailable("answer lost after commit (test)")
        }
        return StoreTransactionResult(succeeded: holds, reads: reads)
    }

    /// Writes as another host would, outside any transaction of the code under test.
    public func put(_ key: String, _ value: String) {
        revision += 1
        write(key, value)
    }

    private func write(_ key: String, _ value: String) {
        let created = entries[key]?.createRevision ?? revision
        entries[key] = StoreEntry(key: key, value: value, modRevision: revision, createRevision: created)
    }
}
