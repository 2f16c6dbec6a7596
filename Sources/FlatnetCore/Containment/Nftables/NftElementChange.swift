/// Which elements of which set: one set of the table a request names.
public struct NftElementChange: Hashable, Sendable {
    public var set: String
    public var keys: [NftElementKey]

    public init(set: String, keys: [NftElementKey]) {
        self.set = set
        self.keys = keys
    }
}

/// One element's counters (`counter packets P bytes B` in `nft list set`), for sets
/// declared with `counter`.
public struct NftElementCounters: Hashable, Sendable {
    public var packets: UInt64
    public var bytes: UInt64

    public init(packets: UInt64, bytes: UInt64) {
        self.packets = packets
        self.bytes = bytes
    }
}
