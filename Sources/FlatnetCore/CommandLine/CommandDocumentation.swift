/// One command of a command-line tool as its documentation needs it: read from the JSON
/// that swift-argument-parser dumps (`--experimental-dump-help`, `ToolInfoV0`), so the
/// manual page is written from the parser's own definitions and cannot drift from them.
public struct CommandDocumentation: Equatable, Sendable {
    /// One option, flag or positional argument.
    public struct Argument: Equatable, Sendable {
        public enum Kind: String, Sendable { case positional, option, flag }
        public var kind: Kind
        /// Every spelling, long first as the parser lists them (`--conf`, `-h`).
        public var names: [String]
        /// What the value is called (`file`); nil for flags.
        public var valueName: String?
        public var isOptional: Bool
        public var isRepeating: Bool
        public var abstract: String
        public var defaultValue: String?
        public var allowedValues: [String]

        /// The long name that the tool itself prints (`--conf`), or the value name of a
        /// positional argument.
        public var displayName: String { names.first ?? valueName ?? "" }
    }

    /// The words that run it (`["flatnet", "ipam", "gc"]`).
    public var path: [String]
    public var abstract: String
    public var discussion: String
    /// False for hidden commands (the parser's `shouldDisplay`).
    public var isShown: Bool
    public var arguments: [Argument]
    public var subcommands: [CommandDocumentation]

    public var name: String { path.last ?? "" }

    /// Reads a `ToolInfoV0` document (`{"serializationVersion": 0, "command": {...}}`).
    public init(toolInfo: JSONValue) throws(DocumentationError) {
        guard toolInfo["serializationVersion"] == .number(0), let command = toolInfo["command"] else {
            throw DocumentationError(message: "not a serialization version 0 tool info document")
        }
        try self.init(command: command, parentPath: [])
    }

    init(command: JSONValue, parentPath: [String]) throws(DocumentationError) {
        guard let name = command["commandName"]?.stringValue else {
            throw DocumentationError(message: "a command without commandName under \(parentPath)")
        }
        path = parentPath + [name]
        abstract = command["abstract"]?.stringValue ?? ""
        discussion = command["discussion"]?.stringValue ?? ""
        isShown = command["shouldDisplay"] != .bool(false)
        arguments = (command["arguments"]?.arrayValue ?? []).compactMap(Argument.init(json:))
        var subcommands: [CommandDocumentation] = []
        for subcommand in command["subcommands"]?.arrayValue ?? [] {
            subcommands.append(try CommandDocumentation(command: subcommand, parentPath: path))
        }
        self.subcommands = subcommands
    }

    /// This command and every command under it, depth first, hidden ones left out.
    public var shownCommands: [CommandDocumentation] {
        guard isShown else { return [] }
        return [self] + subcommands.flatMap(\.shownCommands)
    }

    /// The long options that take one value and may be given once (`--conf`): the parser
    /// keeps the last of two silently, flatnet refuses the second.
    public var singleValueOptions: [String] {
        arguments.filter { $0.kind == .option && !$0.isRepeating }.flatMap(\.names)
            .filter { $0.hasPrefix("--") }
    }
}

extension CommandDocumentation.Argument {
    /// Nil for arguments the parser hides (`shouldDisplay` false) and for help flags,
    /// which every command has and the manual says once.
    init?(json: JSONValue) {
        guard json["shouldDisplay"] != .bool(false), let kindText = json["kind"]?.stringValue,
              let kind = Kind(rawValue: kindText) else { return nil }
        let names = (json["names"]?.arrayValue ?? []).compactMap { name -> String? in
            guard let text = name["name"]?.stringValue else { return nil }
            return (name["kind"]?.stringValue == "short" ? "-" : "--") + text
        }
        guard !names.contains("--help") else { return nil }
        self.kind = kind
        self.names = names.sorted { $0.count > $1.count }
        valueName = json["valueName"]?.stringValue
        isOptional = json["isOptional"] == .bool(true)
        isRepeating = json["isRepeating"] == .bool(true)
        abstract = json["abstract"]?.stringValue ?? ""
        defaultValue = json["defaultValue"]?.stringValue
        allowedValues = (json["allValues"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}

/// A tool info document flatnet cannot read.
public struct DocumentationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension CommandDocumentation {
    /// The first single-value option that `arguments` gives twice (`--conf a --conf b`),
    /// counting `--name value` and `--name=value` alike and nothing after `--`.
    public func repeatedOption(in arguments: [String]) -> String? {
        let single = Set(singleValueOptions)
        var seen = Set<String>()
        for argument in arguments.prefix(while: { $0 != "--" }) {
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            guard single.contains(name) else { continue }
            if !seen.insert(name).inserted { return name }
        }
        return nil
    }
}
