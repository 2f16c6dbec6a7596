import FlatnetCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test("valid documents", arguments: [
        ("{}", JSONValue.object([:])),
        (" [1, -0.5, 2e3, 1E-2, 0] ", .array([.number(1), .number(-0.5), .number(2000), .number(0.01), .number(0)])),
        (#"{"a":{"b":[true,false,null]}}"#, .object(["a": .object(["b": .array([.bool(true), .bool(false), .null])])])),
        (#""tab\t\"q\" \\ \/ \u00e9 \ud83d\ude00""#, .string("tab\t\"q\" \\ / é 😀")),
        (#"{"k":1,"k":2}"#, .object(["k": .number(2)])),
        ("\"caf\u{e9}\"", .string("café")),
    ])
    func valid(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test("invalid documents are refused with a reason", arguments: [
        ("", "end of input"), ("{", "expected a string key"), ("{\"a\" 1}", "expected ':'"), ("[1 2]", "expected ','"),
        ("[1,]", "expected a value"), ("{\"a\":1,}", "expected a string key"), ("01", "after the JSON document"),
        ("1.", "digits after '.'"), ("1e", "exponent"), ("-", "invalid number"), ("tru", "expected true"),
        ("nul", "expected null"), ("\"abc", "unterminated"), ("\"a\nb\"", "control character"),
        (#""\x""#, "invalid escape"), (#""\u12g4""#, "\\u escape"), (#""\ud800""#, "surrogate"),
        (#""\ud800\u0041""#, "surrogate pair"), ("{} {}", "after the JSON document"), ("'a'", "unexpected character"),
        ("1e999", "out of range"), ("NaN", "unexpected character"),
    ])
    func invalid(_ text: String, _ reason: String) {
        do {
            _ = try JSONValue.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.contains(reason), "\(text): \(error)")
        }
    }

    @Test("invalid UTF-8 inside a string is refused, not repaired")
    func invalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
    }

    @Test("nesting beyond the limit is an error, not a stack overflow")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(deep) }
        let limit = JSONParser.maximumDepth
        let allowed = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(try JSONValue.parse(allowed) != .null)
    }

    @Test("errors point at line and column")
    func position() {
        do {
            _ = try JSONValue.parse("{\n  \"a\": 1,\n  \"b\" 2\n}")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 3 && error.column == 7, "\(error)")
        }
    }
}
