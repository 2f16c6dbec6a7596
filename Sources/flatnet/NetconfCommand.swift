import FlatnetCore
import FlatnetSystem

/// `flatnet netconf render|validate`: the catalog, for operators.
enum NetconfCommand {
    static let renderSpec = CommandOptions.Spec(
        command: "netconf render", values: ["--template", "--answers", "--host", "--output", "--catalog"],
        repeatable: ["--set"])
    static let validateSpec = CommandOptions.Spec(command: "netconf validate", values: ["--catalog"],
                                                  positionals: true)

    static func run(_ arguments: [String]) throws -> OperatorCommandLine.Outcome {
        switch arguments.first {
        case "render":
            let parsed = try CommandOptions.parse(Array(arguments.dropFirst()), renderSpec)
            var options: [String: String] = [:]
            for name in renderSpec.values { options[name] = parsed.value(name) }
            let catalog = try CatalogFiles.load(options["--catalog"])
            return .init(output: try render(catalog, options: options, sets: parsed.all("--set")))
        case "validate":
            let parsed = try CommandOptions.parse(Array(arguments.dropFirst()), validateSpec)
            guard !parsed.positionals.isEmpty else {
                throw UsageError("netconf validate needs at least one FILE", validateSpec)
            }
            let verdicts = NetconfValidation.verdicts(paths: parsed.positionals,
                                                      catalogDirectory: parsed.value("--catalog"))
            return .init(output: NetconfValidation.text(verdicts),
                         status: verdicts.allSatisfy(\.isValid) ? 0 : 1)
        default:
            let given = arguments.first.map { "unknown netconf command \"\($0.bounded(80))\"; " } ?? ""
            throw UsageError("netconf: \(given)use render or validate", command: "netconf")
        }
    }

    static func render(_ catalog: Catalog, options: [String: String], sets: [String]) throws -> String {
        guard let name = options["--template"], let answersPath = options["--answers"] else {
            throw UsageError("netconf render needs --template NAME and --answers FILE", renderSpec)
        }
        var answers = try CatalogFiles.readJSON(answersPath)
        if name == "fleet" || answers["networks"] != nil {
            guard sets.isEmpty else {
                throw UsageError("netconf render: --set applies to single-network answers;"
                    + " edit the fleet file", renderSpec)
            }
            guard let host = options["--host"] else {
                throw UsageError("netconf render: a fleet renders per host: add --host NAME", renderSpec)
            }
            let rendered = try catalog.renderFleet(try FleetFile.parse(answers),
                                                   template: name == "fleet" ? "conflist" : name)
                .filter { $0.host == host }
            guard !rendered.isEmpty else {
                throw UsageError("netconf render: no host \(host) in \(answersPath)", renderSpec)
            }
            if let directory = options["--output"] {
                try StateFiles.makeDirectory(directory, mode: 0o755)
                for network in rendered {
                    try StateFiles.replace("\(directory)/\(network.config.name).conflist",
                                           with: network.document.prettyPrinted() + "\n", durable: true)
                }
                return rendered.map { "wrote \(directory)/\($0.config.name).conflist\n" }.joined()
            }
            // One object keyed by network name: valid JSON however many networks a host has.
            let byName = Dictionary(uniqueKeysWithValues: rendered.map { ($0.config.name, $0.document) })
            return JSONValue.object(byName).prettyPrinted() + "\n"
        }
        for assignment in sets {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw UsageError("netconf render: --set \(assignment): expected key=value", renderSpec)
            }
            // A number or a boolean stays one (vlan, mtu, defaultRoute); anything else is
            // text. Types are checked against the questions next.
            let typed = (try? JSONValue.parse(parts[1])).flatMap { $0.isNumber || $0.isBool ? $0 : nil }
            answers = answers.settingMember(parts[0], to: typed ?? .string(parts[1]))
        }
        return try catalog.render(template: name, answers: answers.objectValue ?? [:]).prettyPrinted() + "\n"
    }
}

extension JSONValue {
    var isNumber: Bool { if case .number = self { return true } else { return false } }
    var isBool: Bool { if case .bool = self { return true } else { return false } }

    func settingMember(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
