import FlatnetCore
import FlatnetSystem

/// `flatnet netconf render|validate`: the catalog, for operators.
enum NetconfCommand {
    /// Where the catalog files are: --catalog DIR, else ./netconf, else the installed copy.
    static let installedCatalog = "/usr/local/share/flatnet/netconf"

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
            let catalog = try loadCatalog(options["--catalog"])
            return .init(output: try render(catalog, options: options, sets: parsed.all("--set")))
        case "validate":
            let parsed = try CommandOptions.parse(Array(arguments.dropFirst()), validateSpec)
            guard !parsed.positionals.isEmpty else {
                throw UsageError("netconf validate needs at least one FILE", validateSpec)
            }
            let catalog = try loadCatalog(parsed.value("--catalog"))
            let (output, healthy) = try validate(catalog, files: parsed.positionals)
            return .init(output: output, status: healthy ? 0 : 1)
        default:
            let given = arguments.first.map { "unknown netconf command \"\($0.bounded(80))\"; " } ?? ""
            throw UsageError("netconf: \(given)use render or validate", command: "netconf")
        }
    }

    static func loadCatalog(_ directory: String?) throws -> Catalog {
        let candidates = directory.map { [$0] } ?? ["netconf", installedCatalog]
        guard let root = candidates.first(where: {
            (try? StateFiles.read($0 + "/questions.json")) != nil
        }) else {
            throw CNIError(.ioFailure, "cannot find the catalog (questions.json)",
                           details: "looked in \(candidates.joined(separator: ", ")); use --catalog DIR")
        }
        let questions = try CatalogQuestion.parseList(try readJSON(root + "/questions.json"))
        var templates: [String: JSONValue] = [:]
        for name in (try StateFiles.list(root + "/templates") ?? []) where name.hasSuffix(".json") {
            templates[String(name.dropLast(5))] = try readJSON(root + "/templates/" + name)
        }
        return Catalog(questions: questions, templates: templates)
    }

    static func readJSON(_ path: String) throws -> JSONValue {
        guard let text = try StateFiles.read(path) else {
            throw CNIError(.ioFailure, "cannot read \(path): no such file")
        }
        do { return try JSONValue.parse(text) } catch {
            throw CNIError(.decodingFailure, "\(path) is not valid JSON", details: error.description)
        }
    }

    static func render(_ catalog: Catalog, options: [String: String], sets: [String]) throws -> String {
        guard let name = options["--template"], let answersPath = options["--answers"] else {
            throw UsageError("netconf render needs --template NAME and --answers FILE", renderSpec)
        }
        var answers = try readJSON(answersPath)
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

    /// Validates conflists, plugin objects, NetworkAttachmentDefinitions and fleet files.
    /// Network files given together are also checked as one host's networks: two that
    /// would share a bridge, an uplink, a reserved address or a derived name are refused,
    /// as ADD would refuse the second on a live host.
    static func validate(_ catalog: Catalog, files: [String]) throws -> (output: String, healthy: Bool) {
        var lines: [String] = [], healthy = true, networks: [(file: String, config: NetworkConfig)] = []
        for file in files {
            do {
                let document = try readJSON(file)
                if document["networks"] != nil {
                    let rendered = try catalog.renderFleet(try FleetFile.parse(document))
                    let hosts = Set(rendered.map(\.host)).count
                    lines.append("\(file): ok (\(rendered.count) network(s) on \(hosts) host(s))")
                } else {
                    let config = try NetconfFile.load(document: document)
                    lines.append("\(file): ok (network \(config.name))")
                    networks.append((file, config))
                }
            } catch {
                healthy = false
                let problems = (error as? ConfigError)?.problems.map(\.description)
                    ?? [CNIErrorMapping.cniError(for: error).message]
                lines += problems.map { "\(file): \($0)" }
            }
        }
        let files = Dictionary(networks.map { ($0.config.name, $0.file) },
                               uniquingKeysWith: { first, _ in first })
        for conflict in HostClaims.conflicts(networks.map(\.config)) {
            healthy = false
            lines.append("\(files[conflict.second] ?? ""): \(conflict.claim.field): \(conflict) on one host")
        }
        return (lines.joined(separator: "\n") + "\n", healthy)
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
