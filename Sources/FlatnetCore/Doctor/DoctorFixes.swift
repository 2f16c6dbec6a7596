/// The commands doctor's fixes name. Every fix is one shell line an operator can paste:
/// a command first, then `# why` (so pasting the whole line runs only the command), with
/// the netconf file doctor was given and the real names of links, chains and files.
public struct DoctorFixes: Sendable {
    /// The netconf file, as a shell word.
    public let conf: String

    public init(confPath: String) {
        conf = ShellWord.quoted(confPath)
    }

    /// For findings nobody prints (CHECK and STATUS read only the problems).
    static let unprinted = DoctorFixes(confPath: "FILE")

    /// `flatnet repair --conf F`: the network's host setup, as an ADD runs it.
    public var repair: String { "flatnet repair --conf \(conf)" }

    /// The repair, and a narrower command that fixes this one thing.
    func repair(or alternative: String) -> String { "\(repair)  # or: \(alternative)" }

    func repair(because why: String) -> String { "\(repair)  # \(why)" }

    var collectLeases: String { "flatnet ipam gc --conf \(conf)" }

    /// A fix that is an edit of the netconf: a command that shows what to choose from,
    /// what to set, then the repair.
    func edit(showing command: String, _ what: String) -> String {
        "\(command)  # \(what) in \(conf), then \(repair)"
    }

    /// A container's port that only its runtime can attach again (DEL then ADD).
    static func reattach(_ command: String, _ why: String) -> String {
        "\(command)  # \(why); restart the container through its runtime to attach it again"
    }
}
