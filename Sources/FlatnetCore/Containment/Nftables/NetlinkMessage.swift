/// One netlink message received from the kernel, cut out of a datagram with every length
/// checked against the bytes actually received (a lying length is an error, never a read
/// past the end).
public struct NetlinkMessage: Sendable {
    public let type: UInt16
    public let flags: UInt16
    public let sequence: UInt32
    public let portID: UInt32
    /// The bytes after the 16-byte header, up to nlmsg_len.
    public let payload: ArraySlice<UInt8>

    /// Splits one received datagram into its messages (NLMSG_OK / NLMSG_NEXT).
    public static func split(_ datagram: ArraySlice<UInt8>) throws(NetlinkParseError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = datagram.startIndex
        while datagram.endIndex - offset >= NetlinkMessageBuilder.headerLength {
            let header = datagram[offset..<offset + NetlinkMessageBuilder.headerLength]
            guard let length = header.hostOrder(UInt32.self, at: 0),
                  Int(length) >= NetlinkMessageBuilder.headerLength,
                  Int(length) <= datagram.endIndex - offset else {
                throw .badLength(what: "netlink message", offset: offset - datagram.startIndex)
            }
            let payloadStart = offset + NetlinkMessageBuilder.headerLength
            messages.append(NetlinkMessage(
                type: header.hostOrder(UInt16.self, at: 4) ?? 0,
                flags: header.hostOrder(UInt16.self, at: 6) ?? 0,
                sequence: header.hostOrder(UInt32.self, at: 8) ?? 0,
                portID: header.hostOrder(UInt32.self, at: 12) ?? 0,
                payload: datagram[payloadStart..<offset + Int(length)]))
            offset += min(aligned(Int(length)), datagram.endIndex - offset)
        }
        guard offset == datagram.endIndex else {
            throw .badLength(what: "netlink message", offset: offset - datagram.startIndex)
        }
        return messages
    }

    static func aligned(_ length: Int) -> Int { (length + 3) & ~3 }
}

/// A netlink attribute (`nlattr`) inside a payload. `type` has NLA_F_NESTED and
/// NLA_F_NET_BYTEORDER masked off: the kernel sets them inconsistently.
public struct NetlinkAttribute: Sendable {
    public let type: UInt16
    public let payload: ArraySlice<UInt8>

    /// The attributes that fill `bytes` (nla_for_each_attr); a length that runs past the
    /// end, or is shorter than the attribute header, is an error.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(NetlinkParseError) -> [NetlinkAttribute] {
        var attributes: [NetlinkAttribute] = []
        var offset = bytes.startIndex
        while bytes.endIndex - offset >= 4 {
            guard let length = bytes.hostOrder(UInt16.self, at: offset - bytes.startIndex),
                  let type = bytes.hostOrder(UInt16.self, at: offset - bytes.startIndex + 2),
                  Int(length) >= 4, Int(length) <= bytes.endIndex - offset else {
                throw .badLength(what: "netlink attribute", offset: offset - bytes.startIndex)
            }
            let payload = bytes[offset + 4..<offset + Int(length)]
            attributes.append(NetlinkAttribute(type: type & 0x3fff, payload: payload))
            offset += min(NetlinkMessage.aligned(Int(length)), bytes.endIndex - offset)
        }
        guard offset == bytes.endIndex else {
            throw .badLength(what: "netlink attribute", offset: offset - bytes.startIndex)
        }
        return attributes
    }

    /// The payload of a NUL-terminated string attribute, without the NUL.
    public var string: String {
        String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// A reply that does not fit the netlink framing.
public enum NetlinkParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case badLength(what: String, offset: Int)
    case missing(String)
    case unexpected(String)

    public var description: String {
        switch self {
        case .badLength(let what, let offset): return "malformed reply: bad \(what) length at byte \(offset)"
        case .missing(let what): return "malformed reply: no \(what)"
        case .unexpected(let what): return "malformed reply: unexpected \(what)"
        }
    }
}

extension ArraySlice where Element == UInt8 {
    /// The integer at `offset` (from the slice's start) in host byte order, or nil when the
    /// slice is too short.
    func hostOrder<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T? {
        guard offset >= 0, count - offset >= MemoryLayout<T>.size else { return nil }
        let start = startIndex + offset
        let bytes = self[start..<start + MemoryLayout<T>.size]
        return T(littleEndian: bytes.reversed().reduce(T.zero) { $0 << 8 | T($1) })
    }

    /// The integer at `offset` in network byte order (nf_tables' NLA_U64/NLA_U32 payloads).
    func bigEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T? {
        guard offset >= 0, count - offset >= MemoryLayout<T>.size else { return nil }
        let start = startIndex + offset
        return self[start..<start + MemoryLayout<T>.size].reduce(T.zero) { $0 << 8 | T($1) }
    }
}
