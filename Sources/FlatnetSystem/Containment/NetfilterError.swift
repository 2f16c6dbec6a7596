import FlatnetCore
import Glibc

/// What a NetfilterSocket call was doing when it failed, for messages.
public enum NetfilterOperation: String, Sendable {
    case open = "opening the netfilter socket"
    case add = "adding set elements"
    case delete = "deleting set elements"
    case lookup = "looking up a set element"
    case list = "listing set elements"
    case fingerprint = "reading the table's chains and rules"
}

/// A NetfilterSocket call that failed: which operation, on which table and set, and why
/// (the kernel's errno kept as a number and as text). Plugin code 101 (netlink failure);
/// EBUSY and EAGAIN (the nf_tables commit lock, a timed-out answer) are code 11.
public struct NetfilterError: Error, CNIErrorConvertible, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// ENOENT naming the table: `table bridge NAME` does not exist.
        case noSuchTable
        /// ENOENT on the set (named, or unnamed after the table was found).
        case noSuchSet(String)
        /// Any other refusal; `kernelMessage` is the extended ack's text when it sent one.
        case refused(set: String?, errno: Int32, kernelMessage: String?)
        /// A system call on the socket failed.
        case system(call: String, errno: Int32)
        /// The kernel's answer did not fit the protocol (framing, sequence, sender).
        case malformedReply(String)
        /// flatnet would not encode the request (a name or key the kernel cannot take).
        case invalidRequest(String)
    }

    public let operation: NetfilterOperation
    /// The table (`bridge NAME`); empty for `.open`.
    public let table: String
    public let reason: Reason

    public init(_ operation: NetfilterOperation, table: String, _ reason: Reason) {
        self.operation = operation
        self.table = table
        self.reason = reason
    }

    /// The table or set is missing: a DEL after teardown may treat this as done.
    public var isNoSuchTableOrSet: Bool {
        switch reason {
        case .noSuchTable, .noSuchSet: return true
        default: return false
        }
    }

    public var description: String {
        let place = table.isEmpty ? "" : " in table bridge \(table)"
        return "\(operation.rawValue)\(place): \(why)"
    }

    private var why: String {
        switch reason {
        case .noSuchTable: return "no such table bridge \(table) (\(Self.text(ENOENT)))"
        case .noSuchSet(let set): return "no such set \(set) in table bridge \(table) (\(Self.text(ENOENT)))"
        case .refused(let set, let errno, let message):
            let subject = set.map { "set \($0): " } ?? ""
            let detail = message.map { "; kernel: \($0)" } ?? ""
            return "\(subject)the kernel refused: \(Self.text(errno))\(detail)"
        case .system(let call, let errno): return "\(call) failed: \(Self.text(errno))"
        case .malformedReply(let what): return "unexpected answer from the kernel: \(what)"
        case .invalidRequest(let what): return what
        }
    }

    public var cniError: CNIError {
        CNIError(isRetryable ? .tryAgainLater : .netlinkFailure, "nftables \(operation.rawValue) failed",
                 details: description)
    }

    private var isRetryable: Bool {
        switch reason {
        case .refused(_, let errno, _), .system(_, let errno): return errno == EBUSY || errno == EAGAIN
        default: return false
        }
    }

    static func text(_ errno: Int32) -> String { "\(String(cString: strerror(errno))) (errno \(errno))" }
}
