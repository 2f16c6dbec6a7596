/// One element message the kernel refused, and what it refused.
public struct NftRequestFailure: Hashable, Sendable {
    public let culprit: NftCulprit
    /// The set the refused message named.
    public let set: String
    /// Positive errno.
    public let errno: Int32
    public let kernelMessage: String?

    public init(culprit: NftCulprit, set: String, errno: Int32, kernelMessage: String? = nil) {
        self.culprit = culprit
        self.set = set
        self.errno = errno
        self.kernelMessage = kernelMessage
    }

    /// ENOENT on one key: the element is not in the set (delete, lookup).
    public var isMissingKey: Bool {
        guard errno == NftablesMessages.noSuchEntry, case .key = culprit else { return false }
        return true
    }

    /// ENOENT on the table attribute: every kernel since extended acks (4.12) marks it.
    public var isMissingTable: Bool { errno == NftablesMessages.noSuchEntry && culprit == .table }

    /// ENOENT on the set attribute, or unmarked: Linux 6.1 looks the set up after the
    /// table and returns ENOENT without naming an attribute when it is missing.
    public var isMissingSet: Bool {
        errno == NftablesMessages.noSuchEntry && (culprit == .set || culprit == .unmarked)
    }
}

extension NftRequest {
    /// The refusals among the kernel's answers (by sequence number), in message order.
    /// Messages without an answer are not included: the caller waits for all of them.
    public func failures(in answers: [UInt32: NetlinkAcknowledgement]) -> [NftRequestFailure] {
        messages.compactMap { layout in
            guard let answer = answers[layout.sequence], answer.errno != 0 else { return nil }
            let culprit = layout.culprit(atOffset: answer.badAttributeOffset)
            return NftRequestFailure(culprit: culprit, set: layout.set, errno: answer.errno,
                                     kernelMessage: answer.kernelMessage)
        }
    }
}

extension NftElementChange {
    /// `changes` without the keys named by `failures` (missing keys reported by a refused
    /// delete batch), and without changes left empty. The kernel stops at the first missing
    /// key of a message, so the rest of that message is retried, not dropped.
    public static func removing(_ failures: [NftRequestFailure],
                                from changes: [NftElementChange]) -> [NftElementChange] {
        var dropped: [Int: Set<Int>] = [:]
        for failure in failures {
            guard case .key(let change, let key) = failure.culprit else { continue }
            dropped[change, default: []].insert(key)
        }
        return changes.enumerated().compactMap { index, change in
            let drop = dropped[index] ?? []
            let keys = change.keys.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            return keys.isEmpty ? nil : NftElementChange(set: change.set, keys: keys)
        }
    }
}
