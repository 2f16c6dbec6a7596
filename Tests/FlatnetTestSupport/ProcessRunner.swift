import Foundation

/// What a finished child process printed and returned.
public struct ProcessOutcome: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    /// stdout with wrapped lines joined back: flatnet's human output wraps at 80 columns
    /// and indents a continuation 8 columns or more (doctor), so a phrase a test looks for
    /// may have been broken in two.
    public var unwrappedStdout: String {
        var lines: [String] = []
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(String(repeating: " ", count: 8)), var last = lines.popLast() {
                if last.hasSuffix(" \\") { last.removeLast(2) }  // a wrapped command's continuation
                lines.append(last + " " + line.drop { $0 == " " })
            } else {
                lines.append(String(line))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs commands for tests: the plugin binary under test, and `ip` to build fixtures.
///
/// Children start with an empty signal mask and every signal at its default action
/// (`posix_spawn` with SETSIGMASK and SETSIGDEF). Foundation's `Process` passed on the
/// spawning thread's mask, and the test runner's threads block SIGTERM: a metadata server
/// started by a test then outlived a plain `kill`, and with it the namespace it held.
/// SIGPIPE, which the runner ignores for itself, is back at its default in the child.
public enum ProcessRunner {
    /// Runs `argv` with exactly `environment` (nothing inherited) and `stdin` piped in;
    /// `argv[0]` is a path. stdin is written while stdout and stderr are read, so no
    /// amount of either can block the child or the runner.
    @discardableResult
    public static func run(_ argv: [String], environment: [String: String] = [:], stdin: String = "") throws -> ProcessOutcome {
        // The plugin may exit before reading stdin (bad environment is checked first);
        // writing to its closed pipe must be an ignorable error, not a SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let (pid, input, output, errors) = try spawnLock.withLock {
            let (input, output, errors) = (try ChildPipe(), try ChildPipe(), try ChildPipe())
            let childEnds = [input.read, output.write, errors.write]
            defer { for descriptor in childEnds { close(descriptor) } }
            do {
                return (try spawn(argv, environment: environment, stdio: childEnds), input, output, errors)
            } catch {
                for descriptor in [input.write, output.read, errors.read] { close(descriptor) }
                throw error
            }
        }
        let (stdoutBytes, stderrBytes) = exchange(Array(stdin.utf8), input: input.write,
                                                  output: output.read, errors: errors.read)
        return ProcessOutcome(status: waitForExit(pid),
                              stdout: String(decoding: stdoutBytes, as: UTF8.self),
                              stderr: String(decoding: stderrBytes, as: UTF8.self))
    }

    /// Runs `ip ARGS...` and throws with its stderr if it fails (fixture setup).
    public static func ip(_ arguments: String...) throws {
        let outcome = try run(["/usr/sbin/ip"] + arguments, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        guard outcome.status == 0 else { throw FixtureError(command: "ip " + arguments.joined(separator: " "), stderr: outcome.stderr) }
    }

    /// A short random suffix so fixtures of concurrently running tests never collide.
    public static func uniqueSuffix() -> String { String(UInt32.random(in: 0...UInt32.max), radix: 36) }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let command: String
    public let stderr: String
    public var description: String { "\(command) failed: \(stderr)" }
}
