/// One question of the netconf catalog (netconf/questions.json): what an operator fills in.
public struct CatalogQuestion: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case name, string, cniVersion, interface, vlan, mtu, path
        /// An IPv4 subnet (`cidr`) or address; an IPv6 subnet (/64 to /126) or address.
        case cidr, ipv4, ipv6Cidr, ipv6
        /// A JSON list of addresses or CIDRs of one family (an `exclude` list).
        case ipv4List, ipv6List
        /// true or false (JSON booleans only: "false" as text is refused, not read as true).
        case bool
        /// Per-node answers by node name (`nodes`): an object of objects whose members are
        /// the `perNode` questions (checked by `NodeAnswers`).
        case nodeRanges
        /// A JSON list of `http://` or `https://` URLs (etcd endpoints).
        case endpointList
        /// A positive whole number of milliseconds, at most a minute.
        case milliseconds

        /// The family an address kind's values are of; nil for the others.
        var family: IPFamily? {
            switch self {
            case .cidr, .ipv4, .ipv4List: return .ipv4
            case .ipv6Cidr, .ipv6, .ipv6List: return .ipv6
            default: return nil
            }
        }
    }

    public var variable: String
    public var kind: Kind
    /// Without `family`: the answer is required. With it: required once the family is
    /// asked for (see `FamilyAnswers`).
    public var required: Bool
    public var defaultValue: JSONValue?
    /// The range set this question fills (`"family": "ipv4"` or `"ipv6"` in
    /// questions.json): a network answers the questions of one family or of both.
    public var family: IPFamily?
    /// Answered once per node inside `nodes` when the network has per-node ranges
    /// (`"perNode": true` in questions.json: the range questions), else at the top.
    public var perNode: Bool

    public init(variable: String, kind: Kind, required: Bool = false, defaultValue: JSONValue? = nil,
                family: IPFamily? = nil, perNode: Bool = false) {
        self.variable = variable
        self.kind = kind
        self.required = required
        self.defaultValue = defaultValue
        self.family = family
        self.perNode = perNode
    }

    /// Parses questions.json, refusing anything malformed (it ships with flatnet).
    public static func parseList(_ document: JSONValue) throws(ConfigError) -> [CatalogQuestion] {
        let log = ProblemLog()
        guard case .array(let entries) = document else {
            throw ConfigError([ConfigProblem(path: "", message: "expected a list of questions")])
        }
        let questions = entries.enumerated().compactMap { index, entry -> CatalogQuestion? in
            guard let reader = ObjectReader(entry, path: "[\(index)]", log: log) else { return nil }
            reader.rejectUnknownKeys(known: ["variable", "label", "type", "required", "default",
                                             "description", "family", "perNode"])
            _ = reader.string("label", required: true)
            _ = reader.string("description", required: true)
            guard let variable = reader.string("variable", required: true),
                  let type = reader.string("type", required: true) else { return nil }
            guard let kind = Kind(rawValue: type) else {
                log.add(reader.childPath("type"), "unknown type \(type)"); return nil
            }
            return CatalogQuestion(variable: variable, kind: kind, required: reader.bool("required") ?? false,
                                   defaultValue: reader.value("default"), family: family(reader, kind: kind),
                                   perNode: reader.bool("perNode") ?? false)
        }
        try log.throwIfAny()
        return questions
    }

    /// `"family"`: ipv4 or ipv6, and the family of the question's values if its type has one.
    static func family(_ reader: ObjectReader, kind: Kind) -> IPFamily? {
        guard let text = reader.string("family") else { return nil }
        guard let family = IPFamily(rawValue: text) else {
            reader.log.add(reader.childPath("family"), "expected ipv4 or ipv6")
            return nil
        }
        if let valueFamily = kind.family, valueFamily != family {
            reader.log.add(reader.childPath("family"),
                           "a \(kind.rawValue) answer is \(valueFamily.name), not \(family.name)")
        }
        return family
    }

    /// Why `value` does not fit this question's type, or nil when it does.
    public func problem(with value: JSONValue) -> String? {
        switch (kind, value) {
        case (.vlan, .number(let number)):
            return number == number.rounded() && (1...4094).contains(number) ? nil : "must be 1-4094"
        case (.mtu, .number(let number)):
            return number == number.rounded() && (68...65535).contains(number) ? nil : "must be 68-65535"
        case (.milliseconds, .number(let number)):
            return number == number.rounded() && (1...60000).contains(number) ? nil : "must be 1-60000"
        case (.vlan, _), (.mtu, _), (.milliseconds, _): return "expected an integer, got \(value.typeName)"
        case (.nodeRanges, .object): return nil
        case (.nodeRanges, _):
            return "expected an object: node name -> that node's ranges, got \(value.typeName)"
        case (.endpointList, _): return endpointsProblem(value)
        case (.bool, .bool): return nil
        case (.bool, _): return "expected true or false, got \(value.typeName)"
        case (.ipv4List, _): return listProblem(value, family: .ipv4)
        case (.ipv6List, _): return listProblem(value, family: .ipv6)
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
        case .cidr: return subnetProblem(text, family: .ipv4)
        case .ipv6Cidr: return subnetProblem(text, family: .ipv6)
        case .ipv4: return addressProblem(text, family: .ipv4)
        case .ipv6: return addressProblem(text, family: .ipv6)
        case .interface: return InterfaceName.problem(with: text).map { "\"\(text)\": \($0)" }
        case .path: return text.hasPrefix("/") ? nil : "\"\(text)\" must be an absolute path"
        case .vlan, .mtu, .milliseconds: return "expected an integer"
        case .nodeRanges: return "expected an object"
        case .endpointList: return "expected a list"
        case .bool: return "expected true or false"
        case .ipv4List, .ipv6List: return "expected a list"
        }
    }

    /// A non-empty list of `http://host:port` or `https://host:port` (the plugin's parser
    /// checks the rest: TLS files for https).
    func endpointsProblem(_ value: JSONValue) -> String? {
        guard case .array(let entries) = value, !entries.isEmpty else {
            return "expected a list of endpoint URLs such as [\"https://10.0.0.11:2379\"],"
                + " got \(value.typeName)"
        }
        for (index, entry) in entries.enumerated() {
            guard let text = entry.stringValue,
                  let scheme = ["http://", "https://"].first(where: text.hasPrefix),
                  text.count > scheme.count else {
                return "entry \(index): expected an http:// or https:// URL"
            }
        }
        return nil
    }
}
