import FlatnetCore
@testable import FlatnetSystem
import Testing

/// HTTP/1.1 answers as they arrive in pieces, and the endpoint URLs the client accepts (pure).
@Suite("etcd client HTTP framing and endpoint URLs (pure)")
struct EtcdClientHTTPTests {
    /// Feeds `text` to a reader `step` bytes at a time; the response once complete.
    private func read(_ text: String, step: Int) throws -> EtcdHTTPResponse? {
        var reader = HTTPResponseReader()
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            reader.append(bytes[offset..<min(offset + step, bytes.count)])
            offset += step
            if let response = try reader.response() {
                #expect(offset >= bytes.count, "complete only once every byte arrived")
                return response
            }
        }
        return nil
    }

    @Test("a Content-Length body is complete only when every byte arrived, whatever the pieces",
          arguments: [1, 3, 7, 1000])
    func contentLength(step: Int) throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"bc\"}\n"
        let response = try #require(try read(text, step: step))
        #expect(response.status == 200 && String(decoding: response.body, as: UTF8.self) == "{\"a\":\"bc\"}\n")
        #expect(!response.closesConnection)
        #expect(try read(String(text.dropLast()), step: step) == nil, "one byte short: not complete")
    }

    @Test("a chunked body (Go's answer past 2 KiB) is joined, with extensions and trailers",
          arguments: [1, 5, 1000])
    func chunked(step: Int) throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + "4\r\n{\"a\"\r\nA;ext=1\r\n:\"0123456\"\r\n1\r\n}\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let response = try #require(try read(text, step: step))
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"a\":\"0123456\"}")
        #expect(response.closesConnection)
        #expect(try read(String(text.dropLast(2)), step: step) == nil, "without the last CRLF: not complete")
    }

    @Test("a body without length runs to the end of the stream; a cut answer is a lost connection")
    func endOfStream() throws {
        var reader = HTTPResponseReader()
        reader.append(Array("HTTP/1.1 200 OK\r\n\r\n{}".utf8))
        #expect(try reader.response() == nil)
        #expect(try reader.responseAtEndOfStream().body == Array("{}".utf8))
        var cut = HTTPResponseReader()
        cut.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}".utf8))
        #expect(throws: EtcdAttemptFailure.self) { try cut.responseAtEndOfStream() }
    }

    @Test("what is not HTTP/1.x, or claims absurd sizes, is a bad answer",
          arguments: ["SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 abc\r\n\r\n",
                      "HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n",
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"])
    func notHTTP(text: String) {
        var reader = HTTPResponseReader()
        reader.append(Array(text.utf8))
        #expect(throws: EtcdAttemptFailure.self) { try reader.response() }
    }

    @Test("random bytes and mutated answers never crash the reader or the answer parser")
    func randomInput() throws {
        var generator = SeededGenerator(seed: 19)
        let valid = Array(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "1f\r\n{\"kvs\":[{\"key\":\"YQ==\",\"value\":\"\r\n8\r\nYg==\"}]}\r\n0\r\n\r\n").utf8)
        for round in 0..<3_000 {
            var bytes = valid
            if round % 3 == 0 {
                let count = Int.random(in: 0...96, using: &generator)
                bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let position = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[position] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            var reader = HTTPResponseReader()
            reader.append(bytes)
            if let response = try? reader.response() {
                _ = try? EtcdAnswers.rangePage(response.body)
            }
            _ = try? reader.responseAtEndOfStream()
            _ = try? EtcdAnswers.rangePage(bytes)
        }
        var reader = HTTPResponseReader()
        reader.append(valid)
        #expect(try EtcdAnswers.rangePage(try #require(try reader.response()).body).entries.first?.value == "b",
                "positive control: the unmutated answer parses")
    }

    @Test("endpoints are scheme://IP:PORT, IPv6 in brackets",
          arguments: [("https://10.0.0.11:2379", "10.0.0.11", true), ("http://127.0.0.1:2379/", "127.0.0.1", false),
                      ("https://[2001:db8::11]:2379", "2001:db8::11", true)])
    func endpoints(url: String, host: String, usesTLS: Bool) throws {
        let endpoint = try EtcdEndpoint.parse(url).get()
        #expect(endpoint.host == host && endpoint.port == 2379 && endpoint.usesTLS == usesTLS)
        #expect(endpoint.description == (url.hasSuffix("/") ? String(url.dropLast()) : url))
    }

    @Test("names, missing ports and other schemes are refused with the reason",
          arguments: ["https://etcd.example:2379", "https://10.0.0.1", "unix:///run/etcd.sock",
                      "https://10.0.0.1:0", "https://10.0.0.1:70000", "https://2001:db8::1:2379"])
    func badEndpoints(url: String) {
        guard case .failure(let problem) = EtcdEndpoint.parse(url) else {
            Issue.record("\(url) was accepted")
            return
        }
        #expect(problem.description.contains(url))
    }
}

/// A small deterministic generator (SplitMix64), so a failing round can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
