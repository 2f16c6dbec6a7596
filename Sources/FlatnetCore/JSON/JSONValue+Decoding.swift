extension JSONValue {
    /// Parses one JSON document from UTF-8 bytes (see `JSONParser`).
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(bytes)
    }

    /// Parses one JSON document from text.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }
}
