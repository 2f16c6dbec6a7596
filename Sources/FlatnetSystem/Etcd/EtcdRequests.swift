import FlatnetCore

/// The JSON bodies of the gateway calls (etcd's rpc.proto in proto3's JSON mapping, as the
/// gateway reads it): keys and values base64, int64 fields as decimal strings (proto3 JSON
/// allows both; strings keep revisions past 2^53 exact).
enum EtcdRequests {
    static let rangePath = "/v3/kv/range"
    static let transactionPath = "/v3/kv/txn"

    /// Range of one key.
    static func get(_ key: String) -> String {
        JSONValue.object(["key": .string(EtcdBase64.encode(key))]).serialized()
    }

    /// One page of the keys in [start, end): `limit` keys at most, read at `revision` (0: the
    /// current one; later pages pin the first page's revision, so the list is one snapshot).
    static func listPage(start: [UInt8], end: [UInt8], limit: Int, revision: Int64) -> String {
        var fields: [String: JSONValue] = [
            "key": .string(EtcdBase64.encode(start)),
            "range_end": .string(EtcdBase64.encode(end)),
            "limit": .string(String(limit)),
        ]
        if revision > 0 { fields["revision"] = .string(String(revision)) }
        return JSONValue.object(fields).serialized()
    }

    /// The range_end that makes [prefix, end) hold exactly the keys starting with `prefix`:
    /// the prefix with its last byte incremented, trailing 0xFF bytes dropped first ("\0", all
    /// keys, when nothing is left: etcd's convention, as in clientv3.GetPrefixRangeEnd).
    static func prefixEnd(_ prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        while let last = end.last {
            if last < 0xFF {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return [0]
    }

    static func transaction(_ transaction: StoreTransaction) -> String {
        JSONValue.object([
            "compare": .array(transaction.comparisons.map(comparison)),
            "success": .array(transaction.onSuccess.map(operation)),
            "failure": .array(transaction.onFailure.map(operation)),
        ]).serialized()
    }

    private static func comparison(_ comparison: StoreComparison) -> JSONValue {
        switch comparison {
        case .absent(let key):
            return .object(["key": .string(EtcdBase64.encode(key)), "target": .string("CREATE"),
                            "result": .string("EQUAL"), "create_revision": .string("0")])
        case .unchangedSince(let key, let revision):
            return .object(["key": .string(EtcdBase64.encode(key)), "target": .string("MOD"),
                            "result": .string("EQUAL"), "mod_revision": .string(String(revision))])
        }
    }

    private static func operation(_ operation: StoreOperation) -> JSONValue {
        switch operation {
        case .put(let key, let value):
            return .object(["request_put": .object(["key": .string(EtcdBase64.encode(key)),
                                                    "value": .string(EtcdBase64.encode(value))])])
        case .delete(let key):
            return .object(["request_delete_range": .object(["key": .string(EtcdBase64.encode(key))])])
        case .get(let key):
            return .object(["request_range": .object(["key": .string(EtcdBase64.encode(key))])])
        }
    }
}
