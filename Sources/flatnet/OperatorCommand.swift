import ArgumentParser
import FlatnetCore

/// One operator command: parsed by swift-argument-parser, run by `OperatorCommandLine`.
/// A command is one file: a `ParsableCommand` with its options and help text, that
/// conforms to this protocol, listed in `FlatnetCommand.configuration` (or in its group's).
protocol OperatorCommand: ParsableCommand {
    /// What the command reads or changes that only root may, said when someone else runs
    /// it ("it reads the pool's leases under the pool lock"); nil when anyone may run it.
    static var needsRoot: String? { get }

    /// Does the work; the output and exit status are written by the caller.
    func execute() throws -> CommandOutcome
}

extension OperatorCommand {
    static var needsRoot: String? { nil }
}

/// What one command printed, and the exit status it asks for (0, or 1 for "found
/// problems" when it ran fine: doctor, netconf validate, ipam list).
struct CommandOutcome {
    var output: String
    var status: Int32 = 0
}

/// A command line flatnet cannot run, found after parsing (a fleet file without --host):
/// one line, and the command's help to read (exit 2), as for a parse error.
struct UsageError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// `--conf FILE`, which every command about one network takes.
struct NetworkFileOption: ParsableArguments {
    @Option(name: .customLong("conf"),
            help: ArgumentHelp("The network's configuration: a conflist or a flatnet plugin object.",
                               valueName: "file"))
    var path: String

    func load() throws -> NetworkConfig {
        try OperatorCommandLine.loadConfig(path)
    }
}

/// `--json`, on every command whose output a program may read.
struct JSONOption: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print JSON (stable field names) instead of text.")
    var enabled = false
}

/// `--dry-run`, on every command that changes something.
struct DryRunOption: ParsableArguments {
    @Flag(name: .customLong("dry-run"), help: "Print \"would ...\" lines and change nothing.")
    var enabled = false
}
