import ArgumentParser
import FlatnetCore

/// The commands named at the front of a command line (`ipam gc`), found before the parser
/// runs so that a mistyped one gets "did you mean" and a group without its subcommand is
/// a usage error, not the group's help with exit 0.
struct CommandPath {
    var commands: [ParsableCommand.Type]
    /// What follows the command words: options and arguments for the parser.
    var rest: [String]

    /// The words that run the command (`["ipam", "gc"]`), without `flatnet`.
    var words: [String] { commands.dropFirst().map { $0._commandName } }

    /// Where a usage error sends the reader.
    var helpCommand: String { (["flatnet"] + words + ["--help"]).joined(separator: " ") }

    static func resolve(_ arguments: [String]) throws(UsageFailure) -> CommandPath {
        var path = CommandPath(commands: [FlatnetCommand.self], rest: arguments)
        // `flatnet help ipam gc` names a command as `flatnet ipam gc` does.
        let helpRequested = arguments.first == "help" || arguments.contains("--help")
            || arguments.contains("-h")
        if arguments.first == "help" { path.rest.removeFirst() }
        while let current = path.commands.last, !current.configuration.subcommands.isEmpty {
            guard let word = path.rest.first, !word.hasPrefix("-") else {
                guard path.commands.count == 1 || helpRequested else {
                    throw UsageFailure("\(path.words.joined(separator: " ")) needs a command: "
                        + Self.names(current).joined(separator: ", "), help: path.helpCommand)
                }
                break
            }
            let subcommands = current.configuration.subcommands
            guard let next = subcommands.first(where: {
                $0._commandName == word || $0.configuration.aliases.contains(word)
            }) else {
                throw unknown(word, under: path)
            }
            path.commands.append(next)
            path.rest.removeFirst()
        }
        return path
    }

    /// `unknown command "doctr"; did you mean "doctor"?`
    static func unknown(_ word: String, under path: CommandPath) -> UsageFailure {
        let candidates = names(path.commands.last!) + (path.commands.count == 1 ? ["help"] : [])
        let noun = (path.words + ["command"]).joined(separator: " ")
        let suggestion = CommandSuggestion.closest(to: word, among: candidates)
            .map { "; did you mean \"\($0)\"?" } ?? ""
        return UsageFailure("unknown \(noun) \"\(word.bounded(80))\"" + suggestion, help: path.helpCommand)
    }

    /// The subcommands a reader may type (hidden ones left out).
    static func names(_ command: ParsableCommand.Type) -> [String] {
        command.configuration.subcommands.filter { $0.configuration.shouldDisplay }.map { $0._commandName }
    }

    /// A single-value option given twice: the parser would keep the last one silently, and
    /// `--conf a --conf b` names two networks, so flatnet refuses it.
    func checkRepeatedOptions() throws(UsageFailure) {
        guard let command = commands.last,
              let info = try? JSONValue.parse(command._dumpHelp()),
              let documentation = try? CommandDocumentation(toolInfo: info),
              let repeated = documentation.repeatedOption(in: rest) else { return }
        throw UsageFailure((words + ["\(repeated) given twice"]).joined(separator: ": "), help: helpCommand)
    }
}

/// A command line flatnet will not run: one line (`flatnet: <what>`), then which --help
/// to read; exit 2.
struct UsageFailure: Error {
    let message: String
    let help: String

    init(_ message: String, help: String) {
        self.message = message
        self.help = help
    }

    var text: String { "flatnet: \(message)\ntry `\(help)`\n" }
}
