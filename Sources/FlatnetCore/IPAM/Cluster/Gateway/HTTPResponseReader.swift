/// Assembles one HTTP/1.1 response from the bytes as they arrive: the status line and
/// headers, then a body framed by Content-Length or by chunked transfer coding (Go's
/// net/http, under etcd's gateway, chunks any answer larger than its 2 KiB buffer: a long
/// list), or, with neither, running to the end of the stream. Sizes are bounded so a
/// broken or hostile server cannot make the plugin grow without limit.
public struct HTTPResponseReader: Sendable {
    public static let maximumHeaderBytes = 64 * 1024
    public static let maximumBodyBytes = 64 * 1024 * 1024

    private var buffer: [UInt8] = []
    private typealias Head = (status: Int, headers: [String: String], bodyStart: Int)
    private var head: Head?

    public init() {}

    public mutating func append(_ bytes: some Collection<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The response once complete, nil while more bytes are needed.
    public mutating func response() throws(EtcdAttemptFailure) -> EtcdHTTPResponse? {
        if head == nil { head = try parseHead() }
        guard let head else { return nil }
        let framing = try bodyFraming(head.headers)
        guard let body = try framedBody(framing, from: head.bodyStart) else { return nil }
        return EtcdHTTPResponse(status: head.status, headers: head.headers, body: body)
    }

    /// At the end of the stream: the response if its body runs to the end, else why not.
    public mutating func responseAtEndOfStream() throws(EtcdAttemptFailure) -> EtcdHTTPResponse {
        if let complete = try response() { return complete }
        guard let head, try bodyFraming(head.headers) == .toEndOfStream else {
            throw .lost("the connection closed in the middle of an answer (\(buffer.count) bytes read)")
        }
        return EtcdHTTPResponse(status: head.status, headers: head.headers,
                                body: Array(buffer[head.bodyStart...]))
    }

    private enum Framing: Equatable { case length(Int), chunked, toEndOfStream }

    private func bodyFraming(_ headers: [String: String]) throws(EtcdAttemptFailure) -> Framing {
        if let coding = headers["transfer-encoding"] {
            guard coding.lowercased() == "chunked" else {
                throw .badAnswer("unsupported Transfer-Encoding \(coding)")
            }
            return .chunked
        }
        guard let lengthText = headers["content-length"] else { return .toEndOfStream }
        guard let length = Int(lengthText), length >= 0, length <= Self.maximumBodyBytes else {
            throw .badAnswer("bad or too large Content-Length '\(lengthText)'")
        }
        return .length(length)
    }

    private func framedBody(_ framing: Framing, from start: Int) throws(EtcdAttemptFailure) -> [UInt8]? {
        switch framing {
        case .length(let length):
            return buffer.count - start >= length ? Array(buffer[start..<(start + length)]) : nil
        case .chunked:
            return try ChunkedBody.decode(buffer[start...])
        case .toEndOfStream:
            guard buffer.count - start <= Self.maximumBodyBytes else { throw .badAnswer("answer too large") }
            return nil
        }
    }

    /// Status and headers once "\r\n\r\n" has arrived. Split as bytes, not as Characters:
    /// a Character can join a line break, a colon or a space to the combining mark after it
    /// (a value after a tab and a combining mark read back different: the fuzz lane's
    /// http-response seeds keep that case).
    private func parseHead() throws(EtcdAttemptFailure) -> Head? {
        guard let end = HTTPText.find([13, 10, 13, 10], in: buffer[...]) else {
            guard buffer.count <= Self.maximumHeaderBytes else { throw .badAnswer("HTTP header too large") }
            return nil
        }
        let lines = HTTPText.lines(buffer[..<end])
        guard let status = HTTPText.status(in: lines[0]) else {
            let start = String(decoding: lines[0].prefix(80), as: UTF8.self)
            throw .badAnswer("not an HTTP/1.1 answer: '\(start)'")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let value = line[(colon + 1)...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            headers[HTTPText.lowercased(line[..<colon])] = String(decoding: value, as: UTF8.self)
        }
        return (status, headers, end + 4)
    }
}

/// Chunked transfer coding (RFC 9112 section 7.1): hex size line, data, CRLF, ... a zero
/// size, optional trailers, CRLF.
enum ChunkedBody {
    /// The body once the final chunk and the end of the trailers are in `bytes`, else nil.
    static func decode(_ bytes: ArraySlice<UInt8>) throws(EtcdAttemptFailure) -> [UInt8]? {
        var body: [UInt8] = []
        var position = bytes.startIndex
        while true {
            guard let lineEnd = HTTPText.find([13, 10], in: bytes[position...]) else { return nil }
            let sizeText = String(decoding: bytes[position..<lineEnd], as: UTF8.self)
            let hexDigits = sizeText.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(hexDigits.droppingOuterSpaces, radix: 16), size >= 0,
                  body.count + size <= HTTPResponseReader.maximumBodyBytes else {
                throw .badAnswer("bad chunk size '\(sizeText.prefix(20))'")
            }
            position = lineEnd + 2
            if size == 0 {  // the last chunk: complete once the (possibly empty) trailers end
                return HTTPText.find([13, 10, 13, 10], in: bytes[(position - 2)...]) == nil ? nil : body
            }
            guard bytes.endIndex - position >= size + 2 else { return nil }
            body.append(contentsOf: bytes[position..<(position + size)])
            position += size + 2
        }
    }
}

enum HTTPText {
    /// The index where `pattern` first starts in `bytes`.
    static func find(_ pattern: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        var index = bytes.startIndex
        while index + pattern.count <= bytes.endIndex {
            if bytes[index] == pattern[0], bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The lines of `bytes`, split at each CRLF (at least one, maybe empty).
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        while let end = find([13, 10], in: bytes[start...]) {
            lines.append(bytes[start..<end])
            start = end + 2
        }
        lines.append(bytes[start...])
        return lines
    }

    /// The status code of a status line "HTTP/1.x SP 3DIGIT [SP reason]" (RFC 9112
    /// section 4): exactly three digits, the first naming a class (1 to 5 are defined, RFC
    /// 9110 section 15), so "+200", "-1", "002" or "2000" are not answers.
    static func status(in line: ArraySlice<UInt8>) -> Int? {
        let space = UInt8(ascii: " ")
        let parts = line.split(separator: space, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].starts(with: Array("HTTP/1.".utf8)), parts[1].count == 3,
              parts[1].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let status = parts[1].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return status >= 100 ? status : nil
    }

    /// A header name in ASCII lower case: field names are ASCII and case-insensitive
    /// (RFC 9110 section 5.1); other bytes are kept as they are.
    static func lowercased(_ name: ArraySlice<UInt8>) -> String {
        let lower = name.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }
        return String(decoding: lower, as: UTF8.self)
    }
}

private extension String {
    var droppingOuterSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
