import FlatnetCore
import FlatnetSystem

/// `flatnet netconf render|validate`: the catalog, for operators.
enum NetconfCommand {
    /// Where the catalog files are: --catalog DIR, else ./netconf, else the installed copy.
    static let installedCatalog = "/usr/local/share/flatnet/netconf"

    static func run(_ arguments: [String]) throws -> (output: String, healthy: Bool) {
        guard let subcommand = arguments.first else { throw CNIError(.invalidEnvironment, "netconf needs render or validate") }
        var options: [String: String] = [:], sets: [String] = [], files: [String] = []
        var rest = arguments.dropFirst()[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else { files.append(argument); continue }
            guard let value = rest.popFirst() else { throw CNIError(.invalidEnvironment, "\(argument) needs a value") }
            if argument == "--set" { sets.append(value) } else { options[argument] = value }
        }
        let catalog = try loadCatalog(options["--catalog"])
        switch subcommand {
        case "render": return (try render(catalog, options: options, sets: sets), true)
        case "validate": return try validate(catalog, files: files)
        default: throw CNIError(.invalidEnvironment, "unknown netconf command \(subcommand): render or validate")
        }
    }

    static func loadCatalog(_ directory: String?) throws -> Catalog {
        let candidates = directory.map { [$0] } ?? ["netconf", installedCatalog]
        guard let root = candidates.first(where: { (try? StateFiles.read($0 + "/questions.json")) != nil }) else {
            throw CNIError(.ioFailure, "cannot find the catalog (questions.json)", details: "looked in \(candidates.joined(separator: ", ")); use --catalog DIR")
        }
        let questions = try CatalogQuestion.parseList(try readJSON(root + "/questions.json"))
        var templates: [String: JSONValue] = [:]
        for name in (try StateFiles.list(root + "/templates") ?? []) where name.hasSuffix(".json") {
            templates[String(name.dropLast(5))] = try readJSON(root + "/templates/" + name)
        }
        return Catalog(questions: questions, templates: templates)
    }

    static func readJSON(_ path: String) throws -> JSONValue {
        guard let text = try StateFiles.read(path) else { throw CNIError(.ioFailure, "cannot read \(path): no such file") }
        do { return try JSONValue.parse(text) } catch {
            throw CNIError(.decodingFailure, "\(path) is not valid JSON", details: error.description)
        }
    }

    static func render(_ catalog: Catalog, options: [String: String], sets: [String]) throws -> String {
        guard let name = options["--template"], let answersPath = options["--answers"] else {
            throw CNIError(.invalidEnvironment, "render needs --template NAME and --answers FILE")
        }
        var answers = try readJSON(answersPath)
        if name == "fleet" || answers["networks"] != nil {
            guard sets.isEmpty else { throw CNIError(.invalidEnvironment, "--set applies to single-network answers; edit the fleet file") }
            guard let host = options["--host"] else { throw CNIError(.invalidEnvironment, "a fleet renders per host: add --host NAME") }
            let rendered = try catalog.renderFleet(try FleetFile.parse(answers), template: name == "fleet" ? "conflist" : name)
                .filter { $0.host == host }
            guard !rendered.isEmpty else { throw CNIError(.invalidEnvironment, "no host \(host) in \(answersPath)") }
            if let directory = options["--output"] {
                try StateFiles.makeDirectory(directory, mode: 0o755)
                for network in rendered {
                    try StateFiles.replace("\(directory)/\(network.config.name).conflist", with: network.document.prettyPrinted() + "\n", durable: true)
                }
                return rendered.map { "wrote \(directory)/\($0.config.name).conflist\n" }.joined()
            }
            // One object keyed by network name: valid JSON however many networks a host has.
            return JSONValue.object(Dictionary(uniqueKeysWithValues: rendered.map { ($0.config.name, $0.document) })).prettyPrinted() + "\n"
        }
        for assignment in sets {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CNIError(.invalidEnvironment, "--set \(assignment): expected key=value") }
            // A number stays a number (vlan, mtu); anything else is text. Types are checked next.
            answers = answers.settingMember(parts[0], to: (try? JSONValue.parse(parts[1])).flatMap { $0.isNumber ? $0 : nil } ?? .string(parts[1]))
        }
        return try catalog.render(template: name, answers: answers.objectValue ?? [:]).prettyPrinted() + "\n"
    }

    /// Validates conflists, plugin objects, NetworkAttachmentDefinitions and fleet files.
    static func validate(_ catalog: Catalog, files: [String]) throws -> (output: String, healthy: Bool) {
        guard !files.isEmpty else { throw CNIError(.invalidEnvironment, "validate needs at least one FILE") }
        var lines: [String] = [], healthy = true
        for file in files {
            do {
                let document = try readJSON(file)
                if document["networks"] != nil {
                    let rendered = try catalog.renderFleet(try FleetFile.parse(document))
                    lines.append("\(file): ok (\(rendered.count) network(s) on \(Set(rendered.map(\.host)).count) host(s))")
                } else {
                    let config = try NetconfFile.load(document: document)
                    lines.append("\(file): ok (network \(config.name))")
                }
            } catch {
                healthy = false
                let problems = (error as? ConfigError)?.problems.map(\.description) ?? [CNIErrorMapping.cniError(for: error).message]
                lines += problems.map { "\(file): \($0)" }
            }
        }
        return (lines.joined(separator: "\n") + "\n", healthy)
    }
}

extension JSONValue {
    var isNumber: Bool { if case .number = self { return true } else { return false } }

    func settingMember(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
