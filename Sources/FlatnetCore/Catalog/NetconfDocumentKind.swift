/// What a JSON file given to `flatnet netconf validate` is, told by its shape alone (no
/// catalog needed).
public enum NetconfDocumentKind: Equatable, Sendable {
    /// A conflist, a plugin object or a NetworkAttachmentDefinition (also anything
    /// unrecognised: the netconf parser then says what is wrong with it).
    case network
    /// A fleet answers file (`networks`), rendered per host with the catalog.
    case fleetAnswers
    /// A single network's answers (netconf/questions.json's variables, flat), the input
    /// of `flatnet netconf render`, not a netconf.
    case answers

    /// Members that mark a network file: a netconf or a Kubernetes object.
    static let networkMembers = ["type", "plugins", "ipam", "kind", "spec"]
    /// Answers a network file never has at the top (a netconf nests them in `ipam` and
    /// `metadata`). Each is a question of netconf/questions.json (a test checks it).
    /// The IPv6 ones mark an IPv6-only answers file, which has none of the IPv4 ones.
    public static let answerOnlyMembers = ["subnet", "gateway", "rangeStart", "rangeEnd", "reservedAddress",
                                           "ipv6Subnet", "ipv6Gateway", "ipv6RangeStart", "ipv6RangeEnd"]

    public init(_ document: JSONValue) {
        if document["networks"] != nil {
            self = .fleetAnswers
        } else if Self.networkMembers.contains(where: { document[$0] != nil }) {
            self = .network
        } else if Self.answerOnlyMembers.contains(where: { document[$0] != nil }) {
            self = .answers
        } else {
            self = .network
        }
    }

    /// What validate says of an answers file (exit 1: it is not a netconf).
    public static func answersProblem(file: String) -> String {
        "this is an answers file: use"
            + " `flatnet netconf render --template conflist --answers \(ShellWord.quoted(file))`"
    }
}
