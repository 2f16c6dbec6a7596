import ArgumentParser
import FlatnetCore
import FlatnetSystem
import Glibc

/// `flatnet` run by a person: arguments and no CNI_COMMAND in the environment. The parser
/// is swift-argument-parser's; this is its `main`, written out so that a usage error is
/// one line and exits 2 (the parser's own prints its whole usage and exits 64), help goes
/// to stdout wrapped to 80 columns, and a command's output that cannot be written fails.
enum OperatorCommandLine {
    /// Runs the command line; returns the process exit status.
    static func run(_ arguments: [String]) -> Int32 {
        // `--version` as the convention has it; the parser's own would be added to every
        // subcommand's options (and help, completions, man page), where it means nothing.
        let arguments = arguments == ["--version"] ? ["version"] : arguments
        let command: any ParsableCommand
        let path: CommandPath
        do {
            path = try CommandPath.resolve(arguments)
            try path.checkRepeatedOptions()
            command = try FlatnetCommand.parseAsRoot(arguments)
        } catch let failure as UsageFailure {
            return usageError(failure)
        } catch {
            return parserExit(error, path: try? CommandPath.resolve(arguments))
        }
        guard let operatorCommand = command as? any OperatorCommand else {
            return runBuiltIn(command, path: path)
        }
        if let reason = type(of: operatorCommand).needsRoot, geteuid() != 0 {
            let name = path.words.joined(separator: " ")
            StandardStreams.writeDiagnostic("flatnet: \(name) must run as root (\(reason))\n")
            return 1
        }
        do {
            let outcome = try operatorCommand.execute()
            return output(outcome.output, status: outcome.status)
        } catch let error as UsageError {
            return usageError(UsageFailure(qualified(error.message, path), help: path.helpCommand))
        } catch {
            return failure(error)
        }
    }

    /// The parser's own commands (help) and `flatnet` alone, which prints the about text.
    static func runBuiltIn(_ command: any ParsableCommand, path: CommandPath) -> Int32 {
        var command = command
        do {
            try command.run()
            return 0
        } catch is AboutRequested {
            let help = fitted(FlatnetCommand.helpMessage(columns: TextWrapping.width))
            StandardStreams.writeDiagnostic(FlatnetBuild.about + "\n\n" + help + "\n")
            return 0
        } catch {
            return parserExit(error, path: path)
        }
    }

    /// Help, a version or a completion script (exit 0, stdout), or a usage error (exit 2).
    static func parserExit(_ error: any Error, path: CommandPath?) -> Int32 {
        if FlatnetCommand.exitCode(for: error) == .success {
            let text = FlatnetCommand.fullMessage(for: error, columns: TextWrapping.width)
            // Help is fitted; a completion script or a tool-info dump must stay as it is.
            return output((text.hasPrefix("OVERVIEW:") ? fitted(text) : text) + "\n", status: 0)
        }
        let help = path?.helpCommand ?? "flatnet --help"
        let message = qualified(firstLine(FlatnetCommand.message(for: error)), path)
        return usageError(UsageFailure(message, help: help))
    }

    /// The parser wraps help text to 80 columns but not the USAGE line: that one is broken
    /// here, between bracketed groups, continuation lines under the command. No newline at
    /// the end (the parser's text has one or two).
    static func fitted(_ help: String) -> String {
        help.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line in
            line.count <= TextWrapping.width ? [String(line)]
                : TextWrapping.wrapUsage(String(line), indent: String(repeating: " ", count: 9))
        }.joined(separator: "\n").trimmingTrailingNewlines()
    }

    /// The parser's message as one line of flatnet's: "Unknown option '--liv'. Did you
    /// mean '--live'?" becomes "unknown option '--liv'; did you mean '--live'?".
    static func firstLine(_ message: String) -> String {
        let line = message.split(separator: "\n").first.map(String.init) ?? "invalid command line"
        let sentence = line.components(separatedBy: ". Did you mean").joined(separator: "; did you mean")
        return sentence.prefix(1).lowercased() + sentence.dropFirst()
    }

    /// "ipam gc: --live needs ..." for a message about one command.
    static func qualified(_ message: String, _ path: CommandPath?) -> String {
        guard let words = path?.words, !words.isEmpty else { return message }
        return words.joined(separator: " ") + ": " + message
    }

    static func usageError(_ failure: UsageFailure) -> Int32 {
        StandardStreams.writeDiagnostic(failure.text)
        return 2
    }

    static func loadConfig(_ path: String) throws -> NetworkConfig {
        guard let text = try StateFiles.read(path) else {
            throw CNIError(.ioFailure, "cannot read \(path): no such file")
        }
        return try NetconfFile.load(text, node: .thisNode {
            NodeIdentityReader.current(environment: ProcessEnvironment.current())
        })
    }

    static func failure(_ error: any Error) -> Int32 {
        let cniError = CNIErrorMapping.cniError(for: error)
        let details = cniError.details.isEmpty ? "" : "\n  " + cniError.details
        StandardStreams.writeDiagnostic("flatnet: \(cniError.message)\(details)\n")
        return 1
    }

    /// Writes a command's output; `status`, or 1 when stdout refused it (a listing that
    /// did not arrive whole must not look like one that did).
    static func output(_ text: String, status: Int32) -> Int32 {
        do {
            try StandardStreams.write(text, to: 1)
            return status
        } catch {
            StandardStreams.writeDiagnostic("flatnet: cannot write to stdout: \(error)\n")
            return 1
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        String(reversed().drop { $0 == "\n" }.reversed())
    }
}
