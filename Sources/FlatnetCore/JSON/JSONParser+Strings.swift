extension JSONParser {
    /// Parses a string literal at the current `"`: escapes, \u with surrogate pairs, and
    /// validated UTF-8 (invalid bytes and raw control characters are errors).
    mutating func parseString() throws(JSONSyntaxError) -> String {
        try expect(UInt8(ascii: "\""), "expected a string")
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                try flush(&run, into: &scalars)
                skip()
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush(&run, into: &scalars)
                skip()
                scalars.append(try parseEscape())
            case 0..<0x20:
                throw error("control character \(JSONParser.show(byte)) inside a string must be escaped")
            default:
                run.append(byte)
                skip()
            }
        }
    }

    /// Decodes a run of raw bytes, refusing invalid UTF-8 rather than repairing it.
    private func flush(
        _ run: inout [UInt8], into scalars: inout String.UnicodeScalarView
    ) throws(JSONSyntaxError) {
        guard !run.isEmpty else { return }
        var decoder = UTF8()
        var iterator = run.makeIterator()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: break decoding
            case .error: throw error("invalid UTF-8 in a string")
            }
        }
        run.removeAll(keepingCapacity: true)
    }

    private mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard let byte = peek() else { throw error("unterminated escape") }
        skip()
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"): return try parseUnicodeEscape()
        default: throw error("invalid escape \\\(Character(Unicode.Scalar(byte)))")
        }
    }

    /// `\uXXXX`, joining a high and low surrogate pair into one scalar.
    private mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let first = try hexQuad()
        if (0xD800...0xDBFF).contains(first) {
            guard peek() == UInt8(ascii: "\\") else { throw error("unpaired surrogate in \\u escape") }
            skip()
            try expect(UInt8(ascii: "u"), "unpaired surrogate in \\u escape")
            let second = try hexQuad()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw error("invalid surrogate pair in \\u escape")
            }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(first) else { throw error("unpaired surrogate in \\u escape") }
        return scalar
    }

    private mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = JSONParser.hexValue(byte) else {
                throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            skip()
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}

/// A JSON syntax error with where it happened, as a person would look for it.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let line: Int
    public let column: Int

    init(message: String, offset: Int, bytes: [UInt8]) {
        self.message = message
        let before = bytes[..<min(offset, bytes.count)]
        line = before.filter { $0 == 0x0a }.count + 1
        column = before.count - (before.lastIndex(of: 0x0a).map { $0 + 1 } ?? 0) + 1
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
