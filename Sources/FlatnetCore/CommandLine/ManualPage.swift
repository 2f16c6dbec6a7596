/// A man page (roff, the `man` macros) written from a tool's `CommandDocumentation`: NAME,
/// SYNOPSIS, DESCRIPTION, one subsection per command with its options, then the sections
/// the parser does not know (EXIT STATUS, ENVIRONMENT, FILES), given as term lists.
public struct ManualPage: Sendable {
    /// A section of terms and their explanation (`FILES`: a path, what it holds).
    public struct Section: Sendable {
        public var title: String
        public var entries: [(term: String, text: String)]

        public init(title: String, entries: [(term: String, text: String)]) {
            self.title = title
            self.entries = entries
        }
    }

    public var tool: CommandDocumentation
    /// Printed in the page's footer: `flatnet 0.1.0`.
    public var source: String
    /// The page's date (the footer's middle), e.g. the commit's date.
    public var date: String
    public var sections: [Section]
    /// Other pages, with their manual section (`("ip", 8)`).
    public var seeAlso: [(name: String, section: Int)]

    public init(tool: CommandDocumentation, source: String, date: String, sections: [Section],
                seeAlso: [(name: String, section: Int)] = []) {
        self.tool = tool
        self.source = source
        self.date = date
        self.sections = sections
        self.seeAlso = seeAlso
    }

    /// The page, in section 1.
    public func roff() -> String {
        let name = tool.name
        let header = ".TH \(name.uppercased()) 1 \(Self.quoted(date)) \(Self.quoted(source))"
            + " \"User Commands\""
        var lines = [header,
                     ".SH NAME", "\(Self.escaped(name)) \\- \(Self.escaped(Self.sentence(tool.abstract)))",
                     ".SH SYNOPSIS"]
        let leaves = tool.shownCommands.filter { $0.subcommands.isEmpty }
        lines += leaves.flatMap { [".br", synopsis($0)] }.dropFirst()
        lines += [".SH DESCRIPTION"] + Self.paragraphs(tool.discussion)
        lines += [".SH COMMANDS"] + tool.shownCommands.dropFirst().flatMap(commandSection)
        for section in sections {
            lines += [".SH \(section.title.uppercased())"]
            lines += section.entries.flatMap { [".TP", Self.escaped($0.term), Self.escaped($0.text)] }
        }
        if !seeAlso.isEmpty {
            let pages = seeAlso.map { "\(Self.bold(Self.escaped($0.name)))(\($0.section))" }
            lines += [".SH SEE ALSO", pages.joined(separator: ", ")]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `flatnet ipam gc --conf file [--live id,...] [--dry-run]`: names bold, values italic.
    func synopsis(_ command: CommandDocumentation) -> String {
        let words = command.arguments.map { argument -> String in
            let value = argument.valueName.map { Self.italic(Self.escaped($0)) }
            let name = Self.bold(Self.escaped(argument.displayName))
            var word = argument.kind == .positional ? (value ?? "")
                : name + (argument.kind == .option ? " " + (value ?? "") : "")
            if argument.isRepeating { word += " ..." }
            return argument.isOptional ? "[" + word + "]" : word
        }
        return ([Self.bold(command.path.joined(separator: " "))] + words).joined(separator: " ")
    }

    func commandSection(_ command: CommandDocumentation) -> [String] {
        var lines = [".SS \(Self.quoted(command.path.joined(separator: " ")))"]
        if command.subcommands.isEmpty { lines += [synopsis(command), ".br"] }
        lines += Self.paragraphs(command.discussion.isEmpty ? command.abstract : command.discussion)
        for argument in command.arguments where !argument.abstract.isEmpty {
            let value = Self.italic(Self.escaped(argument.valueName ?? ""))
            let spelled = argument.kind == .positional ? value
                : argument.names.map { Self.bold(Self.escaped($0)) }.joined(separator: ", ")
                    + (argument.kind == .option ? " " + value : "")
            var text = argument.abstract
            if !argument.allowedValues.isEmpty {
                text += " One of: " + argument.allowedValues.joined(separator: ", ") + "."
            }
            if let value = argument.defaultValue { text += " Default: \(value)." }
            lines += [".TP", spelled, Self.escaped(text)]
        }
        return lines
    }

    /// Paragraphs (blank-line separated) as filled text: roff wraps them to the reader's width.
    static func paragraphs(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").map { $0.split(separator: "\n").joined(separator: " ") }
            .filter { !$0.isEmpty }.flatMap { [".PP", escaped($0)] }
    }

    /// Text as roff reads it literally: a backslash is `\e`, a hyphen `\-` (so it copies as
    /// the ASCII hyphen an option needs), and a line never starts a request (`.` or `'`).
    static func escaped(_ text: String) -> String {
        let body = text.components(separatedBy: "\\").joined(separator: "\\e")
            .components(separatedBy: "-").joined(separator: "\\-")
        return body.hasPrefix(".") || body.hasPrefix("'") ? "\\&" + body : body
    }

    static func quoted(_ text: String) -> String {
        "\"" + escaped(text).components(separatedBy: "\"").joined(separator: "\\(dq") + "\""
    }

    static func bold(_ text: String) -> String { "\\fB" + text + "\\fR" }

    static func italic(_ text: String) -> String { "\\fI" + text + "\\fR" }

    /// NAME's line is a phrase: no final period, no capital unless the word is all
    /// capitals (`A CNI plugin.` -> `a CNI plugin`, `CNI plugin.` stays `CNI plugin`).
    static func sentence(_ text: String) -> String {
        let phrase = text.hasSuffix(".") ? String(text.dropLast()) : text
        let firstWord = phrase.prefix { $0 != " " }
        let isAcronym = firstWord.count > 1 && !firstWord.dropFirst().contains(where: \.isLowercase)
        guard !isAcronym else { return phrase }
        return phrase.prefix(1).lowercased() + phrase.dropFirst()
    }
}
