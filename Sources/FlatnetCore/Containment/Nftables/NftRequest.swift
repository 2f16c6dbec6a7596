/// Whether a batch adds or deletes elements.
public enum NftElementOperation: Sendable {
    case add
    case delete

    var messageType: UInt16 {
        self == .add ? NftablesMessages.MessageType.newSetElement
            : NftablesMessages.MessageType.deleteSetElement
    }

    var flags: UInt16 {
        let base = NftablesMessages.Flag.request | NftablesMessages.Flag.acknowledge
        return self == .add ? base | NftablesMessages.Flag.create : base
    }
}

/// Bytes to send, and where each element message's parts sit in them.
public struct NftRequest: Sendable {
    public let bytes: [UInt8]
    /// One per element message, in order: what the kernel answers, by sequence number.
    public let messages: [NftMessageLayout]
    /// The batch-begin message's sequence number (nil outside a batch): a failure to commit
    /// the whole batch is reported against it.
    public let batchSequence: UInt32?

    /// Every sequence number an answer to this request can carry.
    public var sequences: Set<UInt32> {
        Set(messages.map(\.sequence) + (batchSequence.map { [$0] } ?? []))
    }

    /// The first sequence number after this request's (batch end included).
    public var nextSequence: UInt32 {
        let last = messages.last?.sequence ?? batchSequence ?? 0
        return last &+ (batchSequence == nil ? 1 : 2)
    }
}

/// One element message: which change and keys it carries and at which byte offsets the
/// table, the set and each key's NFTA_LIST_ELEM start. The kernel's extended ack names the
/// attribute it refused by such an offset (NLMSGERR_ATTR_OFFS).
public struct NftMessageLayout: Hashable, Sendable {
    public let sequence: UInt32
    /// Index of the change (in the array given to the builder) this message carries.
    public let change: Int
    public let set: String
    /// Index, in that change's keys, of this message's first key.
    public let firstKey: Int
    public let tableOffset: Int
    public let setOffset: Int
    public let keyOffsets: [Int]

    public init(sequence: UInt32, change: Int, set: String, firstKey: Int, tableOffset: Int, setOffset: Int,
                keyOffsets: [Int]) {
        self.sequence = sequence
        self.change = change
        self.set = set
        self.firstKey = firstKey
        self.tableOffset = tableOffset
        self.setOffset = setOffset
        self.keyOffsets = keyOffsets
    }

    /// What the attribute at `offset` is. Linux 6.1 marks a missing table and a refused
    /// element, but not a missing set (no offset); later kernels may mark the set too.
    public func culprit(atOffset offset: Int?) -> NftCulprit {
        guard let offset else { return .unmarked }
        if offset == tableOffset { return .table }
        if offset == setOffset { return .set }
        if let index = keyOffsets.firstIndex(of: offset) {
            return .key(change: change, key: firstKey + index)
        }
        return .unmarked
    }
}

/// The part of a request the kernel refused.
public enum NftCulprit: Hashable, Sendable {
    case table
    case set
    case key(change: Int, key: Int)
    /// The kernel named no attribute (or one flatnet did not send).
    case unmarked
}
