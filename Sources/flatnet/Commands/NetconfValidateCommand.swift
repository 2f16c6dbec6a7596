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
            Exit 0 when every file is valid, 1 otherwise.
            """)

    @Argument(help: ArgumentHelp("The files to check.", valueName: "file"))
    var files: [String]
    @Option(help: NetconfCommand.catalogHelp)
    var catalog: String?
    @OptionGroup var json: JSONOption

    func validate() throws {
        if files.isEmpty { throw ValidationError("needs at least one FILE") }
    }

    func execute() throws -> CommandOutcome {
        let (results, conflicts) = try Self.validate(try NetconfCommand.loadCatalog(catalog), files: files)
        let healthy = results.allSatisfy(\.problems.isEmpty) && conflicts.isEmpty
        if json.enabled {
            var byFile = results
            for conflict in conflicts { byFile[conflict.index].problems.append(conflict.problem) }
            return .init(output: JSONValue.object([
                "valid": .bool(healthy),
                "files": .array(byFile.map(\.json)),
            ]).prettyPrinted() + "\n", status: healthy ? 0 : 1)
        }
        let lines = results.flatMap { result in
            result.problems.isEmpty ? ["\(result.file): ok (\(result.summary))"]
                : result.problems.map { "\(result.file): \($0)" }
        } + conflicts.map { "\(results[$0.index].file): \($0.problem)" }
        return .init(output: lines.joined(separator: "\n") + "\n", status: healthy ? 0 : 1)
    }

    /// One file's verdict: what it holds when valid, its problems when not.
    struct FileResult {
        var file: String
        var summary = ""
        var problems: [String] = []

        var json: JSONValue {
            var object: [String: JSONValue] = ["file": .string(file), "valid": .bool(problems.isEmpty),
                                               "problems": .array(problems.map(JSONValue.string))]
            if problems.isEmpty { object["summary"] = .string(summary) }
            return .object(object)
        }
    }

    /// Network files given together are also checked as one host's networks: two that
    /// would share a bridge, an uplink, a reserved address or a derived name are refused,
    /// as ADD would refuse the second on a live host. A conflict names the second file.
    static func validate(
        _ catalog: Catalog, files: [String]
    ) throws -> (results: [FileResult], conflicts: [(index: Int, problem: String)]) {
        var results: [FileResult] = [], networks: [(index: Int, config: NetworkConfig)] = []
        for file in files {
            var result = FileResult(file: file)
            do {
                let document = try NetconfCommand.readJSON(file)
                if document["networks"] != nil {
                    let rendered = try catalog.renderFleet(try FleetFile.parse(document))
                    let hosts = Set(rendered.map(\.host)).count
                    result.summary = "\(rendered.count) network(s) on \(hosts) host(s)"
                } else {
                    let config = try NetconfFile.load(document: document)
                    result.summary = "network \(config.name)"
                    networks.append((results.count, config))
                }
            } catch {
                result.problems = (error as? ConfigError)?.problems.map(\.description)
                    ?? [CNIErrorMapping.cniError(for: error).message]
            }
            results.append(result)
        }
        let indexByName = Dictionary(networks.map { ($0.config.name, $0.index) },
                                     uniquingKeysWith: { first, _ in first })
        let conflicts = HostClaims.conflicts(networks.map(\.config)).compactMap { conflict in
            indexByName[conflict.second].map { ($0, "\(conflict.claim.field): \(conflict) on one host") }
        }
        return (results, conflicts)
    }
}
