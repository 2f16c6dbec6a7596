/// Encodes one netlink message (netlink(7)): a 16-byte `nlmsghdr`, a family header and
/// attributes (`nlattr`: 2-byte length, 2-byte type, payload padded to 4 bytes). Header
/// fields and attribute headers are in host byte order, as the kernel reads them; payload
/// bytes are written as given.
public struct NetlinkMessageBuilder: Sendable {
    /// NLA_F_NESTED: set on nested attributes, as libnftnl 1.2 (nft 1.0.6) sets it.
    static let nestedFlag: UInt16 = 0x8000
    static let headerLength = 16

    public private(set) var bytes: [UInt8]
    /// nlmsg_seq: the kernel's answers carry it back.
    public let sequence: UInt32

    public init(type: UInt16, flags: UInt16, sequence: UInt32, familyHeader: [UInt8]) {
        self.sequence = sequence
        bytes = []
        bytes.reserveCapacity(256)
        appendHostOrder(UInt32(0))  // nlmsg_len, written by `finished()`
        appendHostOrder(type)
        appendHostOrder(flags)
        appendHostOrder(sequence)
        appendHostOrder(UInt32(0))  // nlmsg_pid: 0 addresses the kernel
        append(padded: familyHeader)
    }

    /// The offset the next attribute will start at (for mapping an extended ack back).
    public var offset: Int { bytes.count }

    /// An attribute; its payload must fit the 16-bit length (at most 65,531 bytes).
    public mutating func appendAttribute(type: UInt16, payload: [UInt8]) {
        precondition(payload.count <= Int(UInt16.max) - 4, "netlink attribute payload too long")
        appendHostOrder(UInt16(4 + payload.count))
        appendHostOrder(type)
        append(padded: payload)
    }

    /// A NUL-terminated string attribute (NLA_STRING; the kernel's nla_strcmp expects it).
    public mutating func appendString(type: UInt16, _ text: String) {
        appendAttribute(type: type, payload: Array(text.utf8) + [0])
    }

    /// A nested attribute whose payload is what `body` appends; its length is patched after
    /// (and must fit 16 bits: callers bound what they nest).
    public mutating func appendNested(type: UInt16, _ body: (inout NetlinkMessageBuilder) -> Void) {
        let start = bytes.count
        appendHostOrder(UInt16(0))
        appendHostOrder(type | Self.nestedFlag)
        body(&self)
        precondition(bytes.count - start <= Int(UInt16.max), "netlink nested attribute too long")
        patchHostOrder(UInt16(bytes.count - start), at: start)
    }

    /// The finished message with its length written.
    public func finished() -> [UInt8] {
        var message = self
        message.patchHostOrder(UInt32(bytes.count), at: 0)
        return message.bytes
    }

    private mutating func append(padded payload: [UInt8]) {
        bytes += payload
        bytes += Array(repeating: 0, count: (4 - payload.count % 4) % 4)
    }

    private mutating func appendHostOrder<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes += $0 }
    }

    private mutating func patchHostOrder<T: FixedWidthInteger>(_ value: T, at index: Int) {
        withUnsafeBytes(of: value) { raw in
            for (delta, byte) in raw.enumerated() { bytes[index + delta] = byte }
        }
    }
}
