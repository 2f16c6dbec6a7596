/// One set element's key: the concatenated fields, each padded to a multiple of 4 bytes,
/// exactly as the kernel stores a concatenation (nft's `type ifname . ether_addr`). Checked
/// against nft 1.0.6: `"flab1" . 02:00:00:00:00:01` is the 16-byte NUL-padded name followed
/// by `02 00 00 00 00 01 00 00`.
public struct NftElementKey: Hashable, Sendable, CustomStringConvertible {
    /// The kernel's limit for one key (NFT_DATA_VALUE_MAXLEN).
    public static let maximumLength = 64

    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// `ifname`: the name NUL-padded to IFNAMSIZ (16 bytes), as `meta iifname` loads it.
    public static func interface(_ name: InterfaceName) -> NftElementKey {
        let text = Array(name.value.utf8)
        return NftElementKey(bytes: text + Array(repeating: 0, count: 16 - text.count))
    }

    /// `ether_addr`: six bytes and two zero bytes of padding (8 bytes).
    public static func mac(_ mac: MACAddress) -> NftElementKey {
        NftElementKey(bytes: mac.bytes + [0, 0])
    }

    /// `ipv4_addr`: four bytes in network order.
    public static func ipv4(_ address: IPv4Address) -> NftElementKey {
        NftElementKey(bytes: address.bytes)
    }

    /// `ipv6_addr`: sixteen bytes in network order.
    public static func ipv6(_ address: IPv6Address) -> NftElementKey {
        NftElementKey(bytes: bigEndianBytes(address.high) + bigEndianBytes(address.low))
    }

    /// Concatenation (nft's `.`): the fields one after the other; each is already padded.
    public static func + (lhs: NftElementKey, rhs: NftElementKey) -> NftElementKey {
        NftElementKey(bytes: lhs.bytes + rhs.bytes)
    }

    /// Hex bytes in groups of four, for messages (`666c6162 31000000 ...`).
    public var description: String {
        stride(from: 0, to: bytes.count, by: 4).map { start in
            bytes[start..<min(start + 4, bytes.count)]
                .map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }.joined(separator: " ")
    }

    private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
    }
}
