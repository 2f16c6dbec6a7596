import FlatnetCore

/// The bytes an etcd endpoint sends back, read as the client reads them
/// (FlatnetSystem's EtcdConnection: append what each read gave, ask for the response,
/// and at the end of the stream take a body that runs to it). Whatever the bytes:
/// - the pieces the network cuts them into change nothing: read in one piece or in many,
///   the stream gives the same response or the same failure;
/// - a body is what its framing says: exactly Content-Length bytes, or the rest of the
///   stream, or no more than the stream held;
/// - a response written back (Content-Length, or chunked) reads back the same.
enum HTTPResponseTarget {
    static let target = FuzzTarget(name: "http-response", summary: "etcd gateway HTTP/1.1 responses",
                                   run: run)

    static func run(_ bytes: [UInt8]) {
        let whole = HTTPReading.outcome(of: bytes, in: [bytes.count])
        let pieces = HTTPReading.outcome(of: bytes, in: HTTPReading.pieceSizes(for: bytes))
        precondition(whole == pieces,
                     "the pieces changed the answer: \(whole) read whole, \(pieces) in pieces")
        guard case .response(let response) = whole else { return }
        checkFraming(of: response, in: bytes)
        checkRewritten(response)
    }

    static func checkFraming(of response: EtcdHTTPResponse, in stream: [UInt8]) {
        precondition((100...999).contains(response.status),
                     "status \(response.status) is not from 100 to 999")
        if response.headers["transfer-encoding"] != nil {
            precondition(response.body.count <= stream.count, "a chunked body longer than the stream")
        } else if let length = response.headers["content-length"] {
            precondition(Int(length) == response.body.count,
                         "Content-Length \(length) gave a body of \(response.body.count) bytes")
        } else {
            precondition(stream.suffix(response.body.count).elementsEqual(response.body),
                         "a body without framing is not the rest of the stream")
        }
    }

    /// Written back with each framing, the response reads back the same (the framing
    /// headers aside).
    static func checkRewritten(_ response: EtcdHTTPResponse) {
        var plain = response.headers
        plain["transfer-encoding"] = nil
        plain["content-length"] = nil
        var withLength = EtcdHTTPResponse(status: response.status, headers: plain, body: response.body)
        withLength.headers["content-length"] = String(response.body.count)
        var chunked = EtcdHTTPResponse(status: response.status, headers: plain, body: response.body)
        chunked.headers["transfer-encoding"] = "chunked"
        for expected in [withLength, chunked] {
            let text = HTTPReading.serialized(expected)
            let reread = HTTPReading.outcome(of: text, in: [text.count])
            precondition(reread == .response(expected),
                         "a response does not read back: \(expected) gave \(reread)")
        }
    }
}

/// Reading a stream as the client does, and writing a response back as a server would.
enum HTTPReading {
    enum Outcome: Equatable, CustomStringConvertible {
        case response(EtcdHTTPResponse)
        case failure(EtcdAttemptFailure)

        var description: String {
            switch self {
            case .response(let response): return "response \(response)"
            case .failure(let failure): return "failure \(failure)"
            }
        }
    }

    /// Feeds `stream` in pieces of `sizes` (the last size repeats), asking for the response
    /// after each, then ends the stream.
    static func outcome(of stream: [UInt8], in sizes: [Int]) -> Outcome {
        var reader = HTTPResponseReader()
        var offset = 0
        var piece = 0
        do {
            while offset < stream.count {
                let size = max(1, sizes[min(piece, sizes.count - 1)])
                reader.append(stream[offset..<min(offset + size, stream.count)])
                offset += size
                piece += 1
                if let response = try reader.response() { return .response(response) }
            }
            return .response(try reader.responseAtEndOfStream())
        } catch let failure as EtcdAttemptFailure {
            return .failure(failure)
        } catch {
            preconditionFailure("the reader threw a \(type(of: error)), not an EtcdAttemptFailure")
        }
    }

    /// Piece sizes from 1 to 64 bytes, the same for the same input (libFuzzer must see
    /// one behaviour per input), different across inputs.
    static func pieceSizes(for stream: [UInt8]) -> [Int] {
        var state = UInt64(stream.count) &* 0x9E37_79B9_7F4A_7C15
        for byte in stream.prefix(64) { state = (state ^ UInt64(byte)) &* 0x1000_0000_01B3 }
        var sizes: [Int] = []
        for _ in 0..<(stream.count / 8 + 1) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            sizes.append(Int(state >> 58) + 1)
        }
        return sizes
    }

    /// The response as a server would send it: framed by its own headers (a chunked body
    /// in chunks of up to 7 bytes, with an extension and a trailer).
    static func serialized(_ response: EtcdHTTPResponse) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) Reason\r\n"
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) {
            head += name + ": " + value + "\r\n"
        }
        head += "\r\n"
        guard response.headers["transfer-encoding"] != nil else { return Array(head.utf8) + response.body }
        var bytes = Array(head.utf8)
        var offset = 0
        while offset < response.body.count {
            let chunk = response.body[offset..<min(offset + 7, response.body.count)]
            bytes += Array((String(chunk.count, radix: 16) + ";x=1\r\n").utf8) + chunk + [13, 10]
            offset += chunk.count
        }
        return bytes + Array("0\r\nX-Trailer: 1\r\n\r\n".utf8)
    }
}
