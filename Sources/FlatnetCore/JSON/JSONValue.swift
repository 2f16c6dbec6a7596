/// A JSON document as a plain value.
///
/// flatnet parses stdin into this type first and then reads typed fields out of it by
/// hand (see `JSONReader`). That is what lets validation name the exact field path of
/// every problem, reject unknown keys, and report all problems at once, which a
/// `Decodable` model cannot do. Objects keep no key order; output is always key-sorted
/// so results and rendered files diff cleanly.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type name used in error messages ("expected a string, got number").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The members of an object, or nil for any other JSON type.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The text of a string, or nil for any other JSON type.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The elements of an array, or nil for any other JSON type.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// Member lookup on an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}
