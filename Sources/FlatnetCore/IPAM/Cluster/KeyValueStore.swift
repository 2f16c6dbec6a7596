/// A cluster store seen the way etcd v3 shows it: keys with revisions, and transactions
/// that commit only if every comparison holds. The cluster pool (ClusterPool) decides
/// with these values; FlatnetSystem's EtcdClient carries them to etcd, and tests use an
/// in-memory store with the same semantics.
///
/// Values are UTF-8 text (flatnet writes JSON); keys are text too.

/// One key as the store holds it.
public struct StoreEntry: Equatable, Sendable {
    public var key: String
    public var value: String
    /// etcd's mod_revision: the store revision of the key's last write.
    public var modRevision: Int64
    /// etcd's create_revision: the store revision that created the key (0 = absent).
    public var createRevision: Int64

    public init(key: String, value: String, modRevision: Int64, createRevision: Int64) {
        self.key = key
        self.value = value
        self.modRevision = modRevision
        self.createRevision = createRevision
    }
}

/// A transaction's condition.
public enum StoreComparison: Equatable, Sendable {
    /// The key does not exist (etcd: create_revision == 0).
    case absent(String)
    /// The key exists and was last written at this revision (etcd: mod_revision == n).
    case unchangedSince(String, modRevision: Int64)
}

/// A transaction's step.
public enum StoreOperation: Equatable, Sendable {
    case put(String, value: String)
    case delete(String)
    /// Read one key; its entry (or none) is in the result.
    case get(String)
}

public struct StoreTransaction: Equatable, Sendable {
    public var comparisons: [StoreComparison]
    public var onSuccess: [StoreOperation]
    public var onFailure: [StoreOperation]

    public init(comparisons: [StoreComparison], onSuccess: [StoreOperation],
                onFailure: [StoreOperation] = []) {
        self.comparisons = comparisons
        self.onSuccess = onSuccess
        self.onFailure = onFailure
    }
}

public struct StoreTransactionResult: Equatable, Sendable {
    /// Every comparison held and `onSuccess` ran; otherwise `onFailure` ran.
    public var succeeded: Bool
    /// One element per `.get` of the branch that ran, in order: the entry or nil.
    public var reads: [StoreEntry?]

    public init(succeeded: Bool, reads: [StoreEntry?]) {
        self.succeeded = succeeded
        self.reads = reads
    }
}

/// Why the store could not answer. `unavailable` is "try again later" (CNI code 11): no
/// endpoint answered within the deadline, or none had a quorum. A transaction that got
/// `unavailable` may or may not have committed; callers make their writes recognisable
/// (the owner is in the value) so a retry can tell.
public enum StoreError: Error, Equatable, Sendable {
    case unavailable(String)
    /// The store answered and refused: TLS or permission failure, a malformed request.
    case refused(String)
    /// The store's answer could not be read.
    case badAnswer(String)
}

/// The operations the cluster pool needs. Synchronous: the plugin is single-threaded.
public protocol KeyValueStore: AnyObject {
    func get(_ key: String) throws(StoreError) -> StoreEntry?
    /// Every key that starts with `prefix`, in key order.
    func list(prefix: String) throws(StoreError) -> [StoreEntry]
    func commit(_ transaction: StoreTransaction) throws(StoreError) -> StoreTransactionResult
}
