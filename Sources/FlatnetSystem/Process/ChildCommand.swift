/// A program to run, and how long it may take.
public struct ChildCommand: Sendable {
    /// An absolute path: nothing is looked up in PATH.
    public var path: String
    public var arguments: [String]
    /// The child's whole environment (nothing is inherited).
    public var environment: [String: String]
    /// How long the child may run, from spawn to exit. Past it the child and its process
    /// group are killed and `ChildProcessError.deadlineExceeded` is thrown: a hung helper
    /// must not hang the container runtime. Each caller documents its default.
    public var deadlineMilliseconds: Int

    public init(
        path: String, arguments: [String], environment: [String: String], deadlineMilliseconds: Int
    ) {
        self.path = path
        self.arguments = arguments
        self.environment = environment
        self.deadlineMilliseconds = deadlineMilliseconds
    }

    /// The command line as an operator would type it, for messages.
    public var commandLine: String { ([path] + arguments).joined(separator: " ") }
}

/// What a finished child printed and how it ended.
public struct ChildOutcome: Sendable {
    /// The exit status, or 128 + the signal number when a signal ended it (as a shell
    /// reports it).
    public let status: Int32
    public let stdout: [UInt8]
    /// The last `ChildProcess.stderrLimit` bytes of stderr: enough to explain a failure,
    /// bounded so a chatty child cannot balloon an error message.
    public let stderr: String
}
