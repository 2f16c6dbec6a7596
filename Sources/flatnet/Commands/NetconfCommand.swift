import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet netconf render|validate`: the catalog, for operators.
struct NetconfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netconf",
        abstract: "Network files: render from the catalog, validate.",
        subcommands: [NetconfRenderCommand.self, NetconfValidateCommand.self])

    /// Where the catalog files are: --catalog DIR, else ./netconf, else an installed copy:
    /// scripts/install.sh's in /usr/local first (the administrator's, as /usr/local comes
    /// before /usr on PATH), then the Debian package's.
    static let installedCatalogs = ["/usr/local/share/flatnet/netconf", "/usr/share/flatnet/netconf"]

    static let catalogHelp = ArgumentHelp(
        "The catalog (questions.json, templates/); default: ./netconf, else "
            + installedCatalogs.joined(separator: ", else ") + ".",
        valueName: "dir")

    static func loadCatalog(_ directory: String?) throws -> Catalog {
        let candidates = directory.map { [$0] } ?? ["netconf"] + installedCatalogs
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
