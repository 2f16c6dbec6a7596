/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// flatnet parses JSON itself instead of using JSONDecoder: linking FoundationEssentials
/// and running JSONDecoder cost about 0.45 ms of the plugin's ~1.2 ms start-up (measured
/// side by side against a plain static Swift binary; docs/performance.md), and the
/// runtime pays that on every exec. It also gives line:column errors, and a nesting
/// limit so hostile input cannot exhaust the stack.
public struct JSONParser {
    /// Deeper documents are refused: CNI configs nest four or five levels.
    public static let maximumDepth = 128

    let bytes: [UInt8]
    var position = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses exactly one JSON document (surrounding whitespace allowed).
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.error("unexpected text after the JSON document")
        }
        return value
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard let byte = peek() else { throw error("unexpected end of input, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character \(JSONParser.show(byte)), expected a value")
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        var members: [String: JSONValue] = [:]
        position += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { position += 1; depth -= 1; return .object(members) }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after an object key")
            skipWhitespace()
            members[key] = try parseValue()  // a repeated key: the last one wins, as in Go
            skipWhitespace()
            if try endOfContainer(UInt8(ascii: "}")) { return .object(members) }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        var elements: [JSONValue] = []
        position += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { position += 1; depth -= 1; return .array(elements) }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            if try endOfContainer(UInt8(ascii: "]")) { return .array(elements) }
        }
    }

    private mutating func enterContainer() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw error("nested deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    /// After a member or element: `,` continues, `close` ends the container.
    private mutating func endOfContainer(_ close: UInt8) throws(JSONSyntaxError) -> Bool {
        if peek() == close { position += 1; depth -= 1; return true }
        try expect(UInt8(ascii: ","), "expected ',' or '\(Character(Unicode.Scalar(close)))'")
        skipWhitespace()
        return false
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
        } else if try digits() == 0 {
            throw error("invalid number")
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            if try digits() == 0 { throw error("invalid number: expected digits after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            if try digits() == 0 { throw error("invalid number: expected digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw error("number \(text) is out of range")
        }
        return number
    }

    private mutating func digits() throws(JSONSyntaxError) -> Int {
        let start = position
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
        return position - start
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count,
              bytes[position..<position + expected.count].elementsEqual(expected) else {
            throw error("invalid literal, expected \(word)")
        }
        position += expected.count
    }

    mutating func expect(_ byte: UInt8, _ message: String) throws(JSONSyntaxError) {
        guard peek() == byte else { throw error(message) }
        position += 1
    }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skip() { position += 1 }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 {
            position += 1
        }
    }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: position, bytes: bytes)
    }

    static func show(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7f
            ? "'\(Character(Unicode.Scalar(byte)))'"
            : "byte 0x\(String(byte, radix: 16))"
    }
}
