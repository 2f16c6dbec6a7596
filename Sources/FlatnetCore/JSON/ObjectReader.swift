/// Reads typed fields from one JSON object, recording a `ConfigProblem` with the full
/// field path for every missing, mistyped or unknown key instead of stopping at the first.
struct ObjectReader {
    let path: String
    let members: [String: JSONValue]
    let log: ProblemLog

    /// Wraps `value`, or records "expected an object" and returns nil.
    init?(_ value: JSONValue, path: String, log: ProblemLog) {
        guard let members = value.objectValue else {
            log.add(path, "expected an object, got \(value.typeName)")
            return nil
        }
        self.init(members: members, path: path, log: log)
    }

    init(members: [String: JSONValue], path: String, log: ProblemLog) {
        self.members = members
        self.path = path
        self.log = log
    }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A member's value; records a problem if it is required and missing (or null).
    func value(_ key: String, required: Bool = false) -> JSONValue? {
        guard let value = members[key], value != .null else {
            if required { log.add(childPath(key), "is required") }
            return nil
        }
        return value
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard case .string(let text) = value else {
            log.add(childPath(key), "expected a string, got \(value.typeName)")
            return nil
        }
        return text
    }

    func integer(_ key: String, required: Bool = false) -> Int? {
        guard let value = value(key, required: required) else { return nil }
        guard case .number(let number) = value, number == number.rounded(),
              abs(number) <= Double(Int32.max) else {
            log.add(childPath(key), "expected an integer, got \(value.typeDescription)")
            return nil
        }
        return Int(number)
    }

    func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            log.add(childPath(key), "expected true or false, got \(value.typeName)")
            return nil
        }
        return flag
    }

    func object(_ key: String, required: Bool = false) -> ObjectReader? {
        guard let value = value(key, required: required) else { return nil }
        return ObjectReader(value, path: childPath(key), log: log)
    }

    /// The elements of an array member, each with its own path (`ranges[2]`).
    func array(_ key: String, required: Bool = false) -> [(path: String, value: JSONValue)]? {
        guard let value = value(key, required: required) else { return nil }
        guard case .array(let elements) = value else {
            log.add(childPath(key), "expected an array, got \(value.typeName)")
            return nil
        }
        return elements.enumerated().map { ("\(childPath(key))[\($0.offset)]", $0.element) }
    }

    /// Records every key not in `known` as an unknown key (CNI code 2).
    func rejectUnknownKeys(known: Set<String>) {
        for key in members.keys.sorted() where !known.contains(key) {
            log.add(childPath(key), "unknown key (value \(members[key]!.serialized()))", kind: .unknownKey)
        }
    }
}

extension JSONValue {
    /// Type name, plus the value for numbers, so "expected an integer, got 1.5" is precise.
    var typeDescription: String {
        if case .number(let number) = self { return "number \(JSONValue.format(number))" }
        return typeName
    }
}
