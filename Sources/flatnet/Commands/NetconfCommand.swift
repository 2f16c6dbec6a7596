import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet netconf render|validate`: the catalog, for operators.
struct NetconfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netconf",
        abstract: "Network files: render from the catalog, validate.",
        subcommands: [NetconfRenderCommand.self, NetconfValidateCommand.self])

    static let catalogHelp = ArgumentHelp(
        "The catalog (questions.json, templates/); default: ./netconf, else "
            + CatalogFiles.installedDirectories.joined(separator: ", else ") + ".",
        valueName: "dir")
}

extension JSONValue {
    var isNumber: Bool { if case .number = self { return true } else { return false } }
    var isBool: Bool { if case .bool = self { return true } else { return false } }
    var isList: Bool { if case .array = self { return true } else { return false } }

    func settingMember(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
