import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet netconf render`: a catalog template filled from typed answers.
struct NetconfRenderCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a catalog template from typed answers.",
        usage: """
            flatnet netconf render --template conflist|multus-nad|fleet --answers <file> \
            [--set <key=value> ...] [--host <name> [--output <dir>]] [--catalog <dir>]
            """,
        discussion: """
            Render a catalog template from typed answers (see netconf/questions.json); a fleet \
            answers file renders per host: a JSON object by network name, or with --output DIR one \
            DIR/<network>.conflist per network.
            """)

    @Option(help: ArgumentHelp("The template: conflist, multus-nad or fleet.", valueName: "name"))
    var template: String
    @Option(help: ArgumentHelp("The answers file (JSON).", valueName: "file"))
    var answers: String
    @Option(name: .customLong("set"),
            help: ArgumentHelp("Override one answer (numbers, booleans and lists stay typed); repeatable;"
                               + " single-network answers only.", valueName: "key=value"))
    var assignments: [String] = []
    @Option(help: ArgumentHelp("The host whose networks a fleet answers file renders.", valueName: "name"))
    var host: String?
    @Option(help: ArgumentHelp("With --host: write DIR/<network>.conflist per network.", valueName: "dir"))
    var output: String?
    @Option(help: NetconfCommand.catalogHelp)
    var catalog: String?

    func validate() throws {
        if let bad = assignments.first(where: { !$0.dropFirst().contains("=") }) {
            throw ValidationError("--set \(bad.bounded(80)): expected key=value")
        }
        if output != nil && host == nil { throw ValidationError("--output goes with --host") }
    }

    func execute() throws -> CommandOutcome {
        let catalog = try CatalogFiles.load(catalog)
        let document = try CatalogFiles.readJSON(answers)
        if template == "fleet" || document["networks"] != nil {
            return .init(output: try renderFleet(catalog, document))
        }
        var typedAnswers = document
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            // A number, a boolean or a list stays one (vlan, mtu, defaultRoute, exclude);
            // anything else is text. Types are checked against the questions next.
            let value = parts.count == 2 ? parts[1] : ""
            let parsed = try? JSONValue.parse(value)
            let typed = parsed.flatMap { $0.isNumber || $0.isBool || $0.isList ? $0 : nil }
            typedAnswers = typedAnswers.settingMember(parts[0], to: typed ?? .string(value))
        }
        return .init(output: try catalog.render(template: template, answers: typedAnswers.objectValue ?? [:])
            .prettyPrinted() + "\n")
    }

    /// A fleet renders per host: one object keyed by network name (valid JSON however many
    /// networks a host has), or one file per network under --output.
    func renderFleet(_ catalog: Catalog, _ document: JSONValue) throws -> String {
        guard assignments.isEmpty else {
            throw UsageError("--set applies to single-network answers; edit the fleet file")
        }
        guard let host else { throw UsageError("a fleet renders per host: add --host NAME") }
        let rendered = try catalog.renderFleet(try FleetFile.parse(document),
                                               template: template == "fleet" ? "conflist" : template)
            .filter { $0.host == host }
        guard !rendered.isEmpty else { throw UsageError("no host \(host.bounded(80)) in \(answers)") }
        if let directory = output {
            try StateFiles.makeDirectory(directory, mode: 0o755)
            for network in rendered {
                try StateFiles.replace("\(directory)/\(network.config.name).conflist",
                                       with: network.document.prettyPrinted() + "\n", durable: true)
            }
            return rendered.map { "wrote \(directory)/\($0.config.name).conflist\n" }.joined()
        }
        let byName = Dictionary(uniqueKeysWithValues: rendered.map { ($0.config.name, $0.document) })
        return JSONValue.object(byName).prettyPrinted() + "\n"
    }
}
