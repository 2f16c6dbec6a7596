import FlatnetCore

/// Why a child could not be run to its end.
public enum ChildProcessError: Error, CNIErrorConvertible, CustomStringConvertible {
    /// pipe, posix_spawn, poll or waitpid failed.
    case systemCall(SystemCallError)
    /// The child ran past its deadline; it and its process group were killed and reaped.
    /// `stderr` is what it had written so far (bounded), often the best clue.
    case deadlineExceeded(command: String, milliseconds: Int, stderr: String)

    public var description: String { cniError.message + ": " + cniError.details }

    /// A deadline is code 11, "try again later": like the pool lock's deadline, it most
    /// often means something slow or stuck on the host (a DHCP server that does not
    /// answer, a busy netfilter), and the runtime may retry once it clears. A failed
    /// system call keeps SystemCallError's meaning (5, I/O failure).
    public var cniError: CNIError {
        switch self {
        case .systemCall(let error):
            return error.cniError
        case .deadlineExceeded(let command, let milliseconds, let stderr):
            let lastLines = stderr.split(whereSeparator: \.isNewline).suffix(3).joined(separator: " | ")
            let limit = Self.duration(milliseconds)
            let message = "\(command) did not finish within \(limit); flatnet killed it"
            let details = lastLines.isEmpty ? "it wrote nothing to stderr" : "its stderr: \(lastLines)"
            return CNIError(.tryAgainLater, message, details: details)
        }
    }

    /// "10 s" for whole seconds, else "300 ms".
    static func duration(_ milliseconds: Int) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
