import Glibc

/// Raw reads and writes on the process's standard file descriptors, through read(2) and
/// write(2): no buffering layer that could reorder or hold back the CNI JSON.
public enum StandardStreams {
    /// Reads fd 0 to end of file. Retries EINTR; other errors throw `SystemCallError`.
    public static func readAllInput() throws(SystemCallError) -> [UInt8] {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(call: "read(stdin)", errno: errno)
            }
            data.append(contentsOf: chunk[0..<count])
        }
    }

    /// True when fd 0 is a terminal (a person typed the command, no stdin was piped).
    public static var inputIsTerminal: Bool { isatty(0) == 1 }

    /// Writes all of `text` to `descriptor` (1 = stdout, 2 = stderr), retrying short writes
    /// and EINTR. Any other failure throws (`write(stdout)`, EPIPE, ENOSPC, EBADF for a
    /// closed descriptor): a CNI result that did not reach the runtime is not a success.
    public static func write(_ text: String, to descriptor: Int32) throws(SystemCallError) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let error = written < 0 ? errno : EIO
                throw SystemCallError(call: "write(\(name(of: descriptor)))", errno: error)
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Writes a diagnostic to stderr, best effort: a message that cannot be written has
    /// nowhere else to go, and must not turn a success into a failure.
    public static func writeDiagnostic(_ text: String) {
        try? write(text, to: 2)
    }

    private static func name(of descriptor: Int32) -> String {
        switch descriptor {
        case 1: return "stdout"
        case 2: return "stderr"
        default: return "fd \(descriptor)"
        }
    }
}
