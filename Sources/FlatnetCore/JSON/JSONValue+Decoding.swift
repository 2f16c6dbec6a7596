import FoundationEssentials

extension JSONValue: Decodable {
    /// Parses one JSON document. FoundationEssentials has no JSONSerialization, so the
    /// document is read through JSONDecoder's single-value and keyed containers.
    public static func parse(_ data: some Sequence<UInt8>) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(data))
    }

    public init(from decoder: any Decoder) throws {
        if var elements = try? decoder.unkeyedContainer() {
            var array: [JSONValue] = []
            while !elements.isAtEnd { array.append(try elements.decode(JSONValue.self)) }
            self = .array(array)
        } else if let members = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var object: [String: JSONValue] = [:]
            for key in members.allKeys {
                object[key.stringValue] = try members.decode(JSONValue.self, forKey: key)
            }
            self = .object(object)
        } else {
            self = try JSONValue.decodeScalar(try decoder.singleValueContainer())
        }
    }

    private static func decodeScalar(_ scalar: any SingleValueDecodingContainer) throws -> JSONValue {
        if scalar.decodeNil() { return .null }
        if let flag = try? scalar.decode(Bool.self) { return .bool(flag) }
        if let number = try? scalar.decode(Double.self) { return .number(number) }
        return .string(try scalar.decode(String.self))
    }
}

/// A coding key for objects whose keys are not known in advance.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
