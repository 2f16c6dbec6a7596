import FlatnetCore
@testable import FlatnetSystem
import Testing

/// The etcd client's pure parts, byte for byte, without root or etcd: base64, the JSON bodies
/// the gateway gets, the answers it gives, HTTP framing and endpoint URLs.
@Suite("etcd client encoding and answer parsing (pure)")
struct EtcdClientEncodingTests {
    @Test("base64 matches RFC 4648's test vectors both ways, and refuses what is not base64",
          arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64Vectors(plain: String, encoded: String) {
        #expect(EtcdBase64.encode(plain) == encoded)
        #expect(EtcdBase64.decode(encoded) == Array(plain.utf8))
    }

    @Test("base64 round-trips every byte value and rejects bad text")
    func base64Bytes() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(EtcdBase64.decode(EtcdBase64.encode(bytes)) == bytes)
        #expect(EtcdBase64.decode("Zm9v!") == nil)
        #expect(EtcdBase64.decode("Z") == nil)
        #expect(EtcdBase64.decode("Zg=x") == nil)
        #expect(EtcdBase64.decode("Zg") == Array("f".utf8), "unpadded is valid proto3 JSON")
    }

    @Test("a prefix's range end increments the last byte, dropping trailing 0xFF bytes")
    func prefixEnd() {
        #expect(EtcdRequests.prefixEnd(Array("/flatnet/".utf8)) == Array("/flatnet0".utf8))
        #expect(EtcdRequests.prefixEnd([0x61, 0xFF, 0xFF]) == [0x62])
        #expect(EtcdRequests.prefixEnd([0xFF]) == [0], "nothing left: every key")
        #expect(EtcdRequests.prefixEnd([]) == [0])
    }

    @Test("a create-if-absent transaction renders etcd's compare/success/failure JSON exactly")
    func transactionBody() {
        let transaction = StoreTransaction(
            comparisons: [.absent("/f/a"), .unchangedSince("/f/b", modRevision: 9_007_199_254_740_993)],
            onSuccess: [.put("/f/a", value: "é"), .delete("/f/c")], onFailure: [.get("/f/a")])
        let expected = #"{"compare":[{"create_revision":"0","key":"L2YvYQ==","result":"EQUAL","target":"CREATE"},"#
            + #"{"key":"L2YvYg==","mod_revision":"9007199254740993","result":"EQUAL","target":"MOD"}],"#
            + #""failure":[{"request_range":{"key":"L2YvYQ=="}}],"#
            + #""success":[{"request_put":{"key":"L2YvYQ==","value":"w6k="}},"#
            + #"{"request_delete_range":{"key":"L2YvYw=="}}]}"#
        #expect(EtcdRequests.transaction(transaction) == expected)
    }

    @Test("a list page pins the revision once it is known")
    func listPageBody() {
        #expect(EtcdRequests.listPage(start: Array("a".utf8), end: Array("b".utf8), limit: 2, revision: 0)
                == #"{"key":"YQ==","limit":"2","range_end":"Yg=="}"#)
        #expect(EtcdRequests.listPage(start: Array("a".utf8), end: Array("b".utf8), limit: 2, revision: 7)
                == #"{"key":"YQ==","limit":"2","range_end":"Yg==","revision":"7"}"#)
    }

    @Test("a range answer reads entries, with proto3's left-out zero fields as defaults")
    func rangeAnswer() throws {
        let body = #"{"header":{"revision":"12"},"kvs":[{"key":"L2YvYQ==","create_revision":"3","#
            + #""mod_revision":"11","version":"2","value":"eyJ4IjoxfQ=="},{"key":"L2YvYg==","mod_revision":"4","#
            + #""create_revision":"4"}],"more":true,"count":"5"}"#
        let page = try EtcdAnswers.rangePage(Array(body.utf8))
        #expect(page.entries == [StoreEntry(key: "/f/a", value: #"{"x":1}"#, modRevision: 11, createRevision: 3),
                                 StoreEntry(key: "/f/b", value: "", modRevision: 4, createRevision: 4)])
        #expect(page.more && page.revision == 12)
        let empty = try EtcdAnswers.rangePage(Array(#"{"header":{"revision":"1"}}"#.utf8))
        #expect(empty.entries.isEmpty && !empty.more)
    }

    @Test("a transaction answer gives the branch and one read per get, in order")
    func transactionAnswer() throws {
        let transaction = StoreTransaction(comparisons: [.absent("k")], onSuccess: [.put("k", value: "v")],
                                           onFailure: [.get("k"), .delete("x"), .get("y")])
        let failed = #"{"header":{"revision":"5"},"responses":[{"response_range":{"header":{},"#
            + #""kvs":[{"key":"aw==","value":"dg==","mod_revision":"5","create_revision":"2"}],"count":"1"}},"#
            + #"{"response_delete_range":{"header":{}}},{"response_range":{"header":{}}}]}"#
        let result = try EtcdAnswers.transactionResult(Array(failed.utf8), for: transaction)
        #expect(result == StoreTransactionResult(
            succeeded: false, reads: [StoreEntry(key: "k", value: "v", modRevision: 5, createRevision: 2), nil]))
        let succeeded = #"{"header":{},"succeeded":true,"responses":[{"response_put":{"header":{}}}]}"#
        #expect(try EtcdAnswers.transactionResult(Array(succeeded.utf8), for: transaction)
                == StoreTransactionResult(succeeded: true, reads: []))
        #expect(throws: EtcdAttemptFailure.self) {
            try EtcdAnswers.transactionResult(Array(#"{"succeeded":true}"#.utf8), for: transaction)
        }
    }

    @Test("etcd's error bodies map to retry-elsewhere, refused or bad answer by gRPC code",
          arguments: [(14, "unavailable"), (4, "unavailable"), (3, "refused"), (7, "refused"),
                      (16, "refused"), (13, "badAnswer")])
    func errorBodies(code: Int, kind: String) {
        let body = #"{"error":"etcdserver: no leader","message":"etcdserver: no leader","code":\#(code)}"#
        let failure = EtcdAnswers.failure(status: 503, body: Array(body.utf8))
        switch failure {
        case .storeUnavailable(let text): #expect(kind == "unavailable" && text.contains("no leader"))
        case .refused(let text): #expect(kind == "refused" && text.contains("no leader"))
        case .badAnswer(let text): #expect(kind == "badAnswer" && text.contains("no leader"))
        default: Issue.record("unexpected \(failure)")
        }
        #expect(EtcdAnswers.failure(status: 502, body: Array("<html>".utf8)) == .storeUnavailable("HTTP 502: <html>"))
    }

    @Test("etcd's NOSPACE alarm is a refusal (111), not try-again (11): it lasts until an operator compacts")
    func noSpace() {
        let body = #"{"error":"etcdserver: mvcc: database space exceeded","code":8}"#
        guard case .refused(let text) = EtcdAnswers.failure(status: 500, body: Array(body.utf8)) else {
            Issue.record("database space exceeded was not refused")
            return
        }
        #expect(text.contains("needs compaction"))
    }

    @Test("answers that are not etcd's JSON are bad answers, not crashes",
          arguments: ["", "[]", "{", #"{"kvs":{}}"#, #"{"kvs":[{"key":"%%"}]}"#, #"{"kvs":[{"key":"YQ==","mod_revision":"x"}]}"#])
    func garbage(body: String) {
        #expect(throws: EtcdAttemptFailure.self) { try EtcdAnswers.rangePage(Array(body.utf8)) }
    }

    @Test("the request is one HTTP/1.1 POST with the JSON length")
    func requestBytes() {
        let request = EtcdHTTPRequest(path: "/v3/kv/range", body: #"{"key":"YQ=="}"#, host: "10.0.0.1:2379")
        #expect(String(decoding: request.bytes(), as: UTF8.self) == "POST /v3/kv/range HTTP/1.1\r\n"
            + "Host: 10.0.0.1:2379\r\nContent-Type: application/json\r\nGrpc-Metadata-Hasleader: true\r\n"
            + "Content-Length: 14\r\n\r\n"
            + #"{"key":"YQ=="}"#)
    }
}
