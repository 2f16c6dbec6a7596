import FlatnetCore

/// The body of an etcd gateway answer, read every way the client reads one: as a range
/// page, as a transaction's result, as a refusal; and the same bytes as base64 text.
/// Whatever the body, a page or result that reads written back the way etcd writes it
/// reads the same; a refusal is always one of the failures the client acts on; base64
/// round-trips any bytes, and what it decodes encodes back to the same bytes.
enum EtcdAnswersTarget {
    static let target = FuzzTarget(name: "etcd-answers", summary: "etcd gateway JSON answers and base64",
                                   run: run)

    static func run(_ bytes: [UInt8]) {
        let document = try? JSONValue.parse(bytes)
        checkRangePage(bytes)
        checkTransaction(bytes, document: document)
        checkFailure(bytes, document: document)
        // Base64's paths do not depend on length past a few groups; 4 KiB made the target
        // ten times slower.
        checkBase64(Array(bytes.prefix(192)))
    }

    static func checkRangePage(_ body: [UInt8]) {
        guard let page = try? EtcdAnswers.rangePage(body) else { return }
        let written = EtcdAnswerWriter.rangePage(page)
        precondition((try? EtcdAnswers.rangePage(written)) == page,
                     "a range page does not read back: \(String(decoding: written, as: UTF8.self))")
    }

    /// Against the transaction whose shape the answer itself suggests (a get where the
    /// answer has a response_range), so the reading goes past the count check.
    static func checkTransaction(_ body: [UInt8], document: JSONValue?) {
        let responses = document?["responses"]?.arrayValue ?? []
        let operations = responses.enumerated().map { index, response in
            response["response_range"] == nil ? StoreOperation.put("k\(index)", value: "v")
                : StoreOperation.get("k\(index)")
        }
        let transaction = StoreTransaction(comparisons: [], onSuccess: operations, onFailure: operations)
        guard let result = try? EtcdAnswers.transactionResult(body, for: transaction) else { return }
        let gets = operations.filter { if case .get = $0 { return true } else { return false } }
        precondition(result.reads.count == gets.count, "\(result.reads.count) reads for \(gets.count) gets")
        let written = EtcdAnswerWriter.transactionResult(result, operations: operations)
        precondition((try? EtcdAnswers.transactionResult(written, for: transaction)) == result,
                     "a transaction result does not read back: \(String(decoding: written, as: UTF8.self))")
    }

    /// A refusal is a failure the client can act on; without etcd's numeric code, the HTTP
    /// status alone decides.
    static func checkFailure(_ body: [UInt8], document: JSONValue?) {
        let coded: Bool
        if case .number? = document?["code"] { coded = true } else { coded = false }
        for status in [404, 503] {
            let failure = EtcdAnswers.failure(status: status, body: body)
            precondition(!failure.text.isEmpty, "a refusal without text")
            guard !coded else { continue }
            let expected = status >= 500 ? EtcdAttemptFailure.storeUnavailable(failure.text)
                : .badAnswer(failure.text)
            precondition(failure == expected, "HTTP \(status) without a code read as \(failure)")
        }
    }

    static func checkBase64(_ bytes: [UInt8]) {
        let encoded = EtcdBase64.encode(bytes)
        precondition(encoded.utf8.count == (bytes.count + 2) / 3 * 4, "base64 of \(bytes.count) bytes is "
                     + "\(encoded.utf8.count) long")
        precondition(EtcdBase64.decode(encoded) == bytes, "base64 does not round-trip \(bytes)")
        let unpadded = String(decoding: encoded.utf8.prefix { $0 != UInt8(ascii: "=") }, as: UTF8.self)
        precondition(EtcdBase64.decode(unpadded) == bytes, "unpadded base64 does not decode: \(unpadded)")
        guard let decoded = EtcdBase64.decode(String(decoding: bytes, as: UTF8.self)) else { return }
        precondition(EtcdBase64.decode(EtcdBase64.encode(decoded)) == decoded,
                     "decoded base64 does not encode back: \(decoded)")
    }
}

/// Answers as etcd's gateway writes them (proto3 JSON: base64 bytes, int64 as strings,
/// fields at their zero value left out).
enum EtcdAnswerWriter {
    static func rangePage(_ page: EtcdAnswers.RangePage) -> [UInt8] {
        var answer: [String: JSONValue] = ["header": .object(["revision": .string(String(page.revision))])]
        if !page.entries.isEmpty { answer["kvs"] = .array(page.entries.map(entry)) }
        if page.more { answer["more"] = .bool(true) }
        return Array(JSONValue.object(answer).serialized().utf8)
    }

    static func transactionResult(_ result: StoreTransactionResult, operations: [StoreOperation]) -> [UInt8] {
        var reads = result.reads.makeIterator()
        var responses: [JSONValue] = []
        for operation in operations {
            guard case .get = operation else {
                responses.append(.object(["response_put": .object([:])]))
                continue
            }
            let read = reads.next() ?? nil
            let range: [String: JSONValue] = read.map { ["kvs": .array([entry($0)])] } ?? [:]
            responses.append(.object(["response_range": .object(range)]))
        }
        var answer: [String: JSONValue] = ["responses": .array(responses)]
        if result.succeeded { answer["succeeded"] = .bool(true) }
        return Array(JSONValue.object(answer).serialized().utf8)
    }

    static func entry(_ entry: StoreEntry) -> JSONValue {
        .object(["key": .string(EtcdBase64.encode(entry.key)),
                 "value": .string(EtcdBase64.encode(entry.value)),
                 "mod_revision": .string(String(entry.modRevision)),
                 "create_revision": .string(String(entry.createRevision))])
    }
}
