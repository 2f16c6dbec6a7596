/// One question of the netconf catalog (netconf/questions.json): what an operator fills in.
public struct CatalogQuestion: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case name, string, cniVersion, cidr, ipv4, interface, vlan, mtu, path
        /// true or false (JSON booleans only: "false" as text is refused, not read as true).
        case bool
    }

    public var variable: String
    public var kind: Kind
    public var required: Bool
    public var defaultValue: JSONValue?

    /// Parses questions.json, refusing anything malformed (it ships with flatnet).
    public static func parseList(_ document: JSONValue) throws(ConfigError) -> [CatalogQuestion] {
        let log = ProblemLog()
        guard case .array(let entries) = document else {
            throw ConfigError([ConfigProblem(path: "", message: "expected a list of questions")])
        }
        let questions = entries.enumerated().compactMap { index, entry -> CatalogQuestion? in
            guard let reader = ObjectReader(entry, path: "[\(index)]", log: log) else { return nil }
            reader.rejectUnknownKeys(known: ["variable", "label", "type", "required", "default",
                                             "description"])
            _ = reader.string("label", required: true)
            _ = reader.string("description", required: true)
            guard let variable = reader.string("variable", required: true),
                  let type = reader.string("type", required: true) else { return nil }
            guard let kind = Kind(rawValue: type) else {
                log.add(reader.childPath("type"), "unknown type \(type)"); return nil
            }
            return CatalogQuestion(variable: variable, kind: kind, required: reader.bool("required") ?? false,
                                   defaultValue: reader.value("default"))
        }
        try log.throwIfAny()
        return questions
    }

    /// Why `value` does not fit this question's type, or nil when it does.
    public func problem(with value: JSONValue) -> String? {
        switch (kind, value) {
        case (.vlan, .number(let number)):
            return number == number.rounded() && (1...4094).contains(number) ? nil : "must be 1-4094"
        case (.mtu, .number(let number)):
            return number == number.rounded() && (68...65535).contains(number) ? nil : "must be 68-65535"
        case (.vlan, _), (.mtu, _): return "expected an integer, got \(value.typeName)"
        case (.bool, .bool): return nil
        case (.bool, _): return "expected true or false, got \(value.typeName)"
        case (_, .string(let text)): return problem(withText: text)
        default: return "expected a string, got \(value.typeName)"
        }
    }

    private func problem(withText text: String) -> String? {
        switch kind {
        case .name:
            return CNIEnvironment.isValidName(text)
                ? nil : "\"\(text)\" must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"
        case .string: return nil
        case .cniVersion:
            return CNIVersion(text)?.isSupported == true ? nil : "\"\(text)\" is not a supported CNI version"
        case .cidr: return IPPrefix(text)?.v4 != nil ? nil : "\"\(text)\" is not an IPv4 CIDR"
        case .ipv4: return IPv4Address(text) != nil ? nil : "\"\(text)\" is not an IPv4 address"
        case .interface: return InterfaceName.problem(with: text).map { "\"\(text)\": \($0)" }
        case .path: return text.hasPrefix("/") ? nil : "\"\(text)\" must be an absolute path"
        case .vlan, .mtu: return "expected an integer"
        case .bool: return "expected true or false"
        }
    }
}
