import FlatnetCore
import Glibc

/// A failed system call, with its errno kept as a number and as text.
public struct SystemCallError: Error, CNIErrorConvertible, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String { "\(call): \(String(cString: strerror(errno))) (errno \(errno))" }

    public var cniError: CNIError {
        CNIError(.ioFailure, "system call failed: \(call)", details: description)
    }
}
