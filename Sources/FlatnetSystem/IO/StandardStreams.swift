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

    /// Writes all of `text` to `descriptor` (1 = stdout, 2 = stderr), retrying short writes.
    public static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
