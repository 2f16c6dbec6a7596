import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet netconf validate`: conflists, plugin objects, NetworkAttachmentDefinitions and
/// fleet files checked, one line a file (or a problem), exit 1 when any is invalid.
struct NetconfValidateCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate network files and fleet answers files.",
        discussion: """
            Validate conflists, plugin objects, NetworkAttachmentDefinitions and fleet answers files \
            (ranges overlapping across hosts, shared bridges, VLANs, reserved addresses or derived \
            names on a host); network files given together are checked as one host's networks. \
            A plain network file needs no catalog; an answers file is named as one, with the \
            render command for it. Exit 0 when every file is valid, 1 otherwise.
            """)

    @Argument(help: ArgumentHelp("The files to check.", valueName: "file"))
    var files: [String]
    @Option(help: NetconfCommand.catalogHelp)
    var catalog: String?
    @OptionGroup var json: JSONOption

    func validate() throws {
        if files.isEmpty { throw ValidationError("needs at least one FILE") }
    }

    /// The verdicts come from `NetconfValidation`: the catalog is read only when a fleet
    /// file needs it, and an answers file is named as one.
    func execute() throws -> CommandOutcome {
        let verdicts = NetconfValidation.verdicts(paths: files, catalogDirectory: catalog)
        let healthy = verdicts.allSatisfy(\.isValid)
        guard json.enabled else { return .init(output: NetconfValidation.text(verdicts), status: healthy ? 0 : 1) }
        return .init(output: JSONValue.object([
            "valid": .bool(healthy), "files": .array(verdicts.map(Self.json)),
        ]).prettyPrinted() + "\n", status: healthy ? 0 : 1)
    }

    static func json(_ verdict: NetconfFileVerdict) -> JSONValue {
        var object: [String: JSONValue] = [
            "file": .string(verdict.file), "valid": .bool(verdict.isValid),
            "problems": .array((verdict.problems + verdict.conflicts).map(JSONValue.string)),
        ]
        if verdict.isValid, let summary = verdict.summary { object["summary"] = .string(summary) }
        return .object(object)
    }
}
