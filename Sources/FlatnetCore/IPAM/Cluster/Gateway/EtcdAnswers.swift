/// Reads the gateway's JSON answers. proto3's JSON mapping leaves out fields at their zero
/// value: an absent `kvs` is no key, an absent `value` is "", an absent `succeeded` is false,
/// an absent `more` is false.
public enum EtcdAnswers {
    /// One page of a range answer.
    public struct RangePage: Equatable, Sendable {
        public var entries: [StoreEntry]
        public var more: Bool
        /// The store revision the page was read at (header.revision).
        public var revision: Int64

        public init(entries: [StoreEntry], more: Bool, revision: Int64) {
            self.entries = entries
            self.more = more
            self.revision = revision
        }
    }

    public static func rangePage(_ body: [UInt8]) throws(EtcdAttemptFailure) -> RangePage {
        let answer = try document(body)
        let entries = try Self.entries(answer["kvs"])
        let revision = try int64(answer["header"]?["revision"], "header.revision")
        return RangePage(entries: entries, more: answer["more"] == .bool(true), revision: revision)
    }

    /// A transaction answer: which branch ran, and the entry (or nil) of each `.get` of it.
    public static func transactionResult(
        _ body: [UInt8], for transaction: StoreTransaction
    ) throws(EtcdAttemptFailure) -> StoreTransactionResult {
        let answer = try document(body)
        let succeeded = answer["succeeded"] == .bool(true)
        let branch = succeeded ? transaction.onSuccess : transaction.onFailure
        let responses = answer["responses"]?.arrayValue ?? []
        guard responses.count == branch.count else {
            throw .badAnswer("the transaction answer has \(responses.count) responses for "
                             + "\(branch.count) operations")
        }
        var reads: [StoreEntry?] = []
        for (operation, response) in zip(branch, responses) {
            guard case .get = operation else { continue }
            guard let range = response["response_range"] else {
                throw .badAnswer("a get without response_range")
            }
            reads.append(try entries(range["kvs"]).first)
        }
        return StoreTransactionResult(succeeded: succeeded, reads: reads)
    }

    /// An answer that is not 200: etcd's {"error", "message", "code"} (a gRPC status code)
    /// as the failure it means.
    public static func failure(status: Int, body: [UInt8]) -> EtcdAttemptFailure {
        guard let answer = try? JSONValue.parse(body), let code = answer["code"].flatMap(number) else {
            let text = "HTTP \(status): \(String(decoding: body.prefix(200), as: UTF8.self))"
            return status >= 500 ? .storeUnavailable(text) : .badAnswer(text)
        }
        let message = answer["message"]?.stringValue ?? answer["error"]?.stringValue ?? "(no message)"
        let text = "etcd: \(message) (gRPC code \(Int(code)), HTTP \(status))"
        // The NOSPACE alarm (ResourceExhausted) lasts until an operator compacts, defragments
        // and disarms: retrying would answer 11 for ever.
        if message.contains("database space exceeded") { return .refused(text + "; etcd needs compaction") }
        switch Int(code) {
        // Cancelled, DeadlineExceeded, ResourceExhausted, Aborted, Unavailable: another
        // member, or a moment later, may do (no leader, leader changed, request timed out).
        case 1, 4, 8, 10, 14: return .storeUnavailable(text)
        case 2, 13, 15: return .badAnswer(text)  // Unknown, Internal, DataLoss
        default: return .refused(text)  // InvalidArgument, PermissionDenied, Unauthenticated...
        }
    }

    private static func document(_ body: [UInt8]) throws(EtcdAttemptFailure) -> JSONValue {
        let value: JSONValue
        do { value = try JSONValue.parse(body) } catch {
            let start = String(decoding: body.prefix(80), as: UTF8.self)
            throw .badAnswer("not JSON: \(error); starts '\(start)'")
        }
        guard value.objectValue != nil else {
            throw .badAnswer("the answer is a JSON \(value.typeName), not an object")
        }
        return value
    }

    private static func entries(_ kvs: JSONValue?) throws(EtcdAttemptFailure) -> [StoreEntry] {
        guard let kvs else { return [] }
        guard let list = kvs.arrayValue else { throw .badAnswer("kvs is a \(kvs.typeName)") }
        var entries: [StoreEntry] = []
        for item in list { entries.append(try entry(item)) }
        return entries
    }

    private static func entry(_ item: JSONValue) throws(EtcdAttemptFailure) -> StoreEntry {
        let key = try text(item["key"], "kv.key")
        return StoreEntry(key: key, value: try text(item["value"], "value of \(key)"),
                          modRevision: try int64(item["mod_revision"], "mod_revision of \(key)"),
                          createRevision: try int64(item["create_revision"], "create_revision of \(key)"))
    }

    /// A base64 `bytes` field as text (absent: ""). Bytes that are not UTF-8 come out with
    /// U+FFFD in their place: a foreign value under the prefix must not make a list fail.
    private static func text(_ field: JSONValue?, _ name: String) throws(EtcdAttemptFailure) -> String {
        guard let field else { return "" }
        guard let encoded = field.stringValue, let bytes = EtcdBase64.decode(encoded) else {
            throw .badAnswer("\(name) is not base64")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An int64 field: a decimal string (proto3 JSON) or a number; absent: 0.
    private static func int64(_ field: JSONValue?, _ name: String) throws(EtcdAttemptFailure) -> Int64 {
        guard let field else { return 0 }
        if let text = field.stringValue, let value = Int64(text) { return value }
        if let value = number(field), value == value.rounded(), abs(value) < 9.0e15 { return Int64(value) }
        throw .badAnswer("\(name) is not an integer")
    }

    private static func number(_ value: JSONValue) -> Double? {
        if case .number(let number) = value { return number }
        return nil
    }
}
