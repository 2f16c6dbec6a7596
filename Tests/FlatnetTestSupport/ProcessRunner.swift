import Foundation

/// What a finished child process printed and returned.
public struct ProcessOutcome: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs commands for tests: the plugin binary under test, and `ip` to build fixtures.
public enum ProcessRunner {
    /// Runs `argv` with exactly `environment` (nothing inherited) and `stdin` piped in.
    @discardableResult
    public static func run(_ argv: [String], environment: [String: String] = [:], stdin: String = "") throws -> ProcessOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        // The plugin may exit before reading stdin (bad environment is checked first);
        // writing to its closed pipe must be an ignorable error, not a SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        try? input.fileHandleForWriting.write(contentsOf: Data(stdin.utf8))
        try? input.fileHandleForWriting.close()
        let stdoutData = output.fileHandleForReading.readDataToEndOfFile()
        let stderrData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessOutcome(status: process.terminationStatus,
                              stdout: String(decoding: stdoutData, as: UTF8.self),
                              stderr: String(decoding: stderrData, as: UTF8.self))
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
