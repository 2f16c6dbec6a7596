/// An Ethernet MAC address (six bytes).
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Parses `aa:bb:cc:dd:ee:ff` (or `-` separated), either case.
    public init?(_ text: some StringProtocol) {
        let separator: Character = text.contains("-") ? "-" : ":"
        let parts = text.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard part.count == 2, part.allSatisfy(\.isASCIIHexDigit),
                  let byte = UInt8(part, radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 6 else { return nil }
        self.bytes = bytes
    }

    /// Lower-case, colon-separated, as `ip link` and CNI results print it.
    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }

    /// Multicast (I/G bit set): never valid as an interface's own address.
    public var isMulticast: Bool { bytes[0] & 1 == 1 }

    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
}

extension MACAddress {
    /// A random locally administered unicast address. flatnet picks a container's MAC
    /// itself (never reading it back from the container, whose end the container
    /// controls), so port security knows it before the container can send anything.
    public static func random(using generator: inout some RandomNumberGenerator) -> MACAddress {
        var bytes = (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = (bytes[0] & 0xFE) | 0x02
        return MACAddress(bytes: bytes)!
    }

    /// The IPv6 link-local address the kernel derives from this MAC (modified EUI-64,
    /// RFC 4291 appendix A; `addr_gen_mode` 0, the default).
    public var linkLocalIPv6: IPv6Address {
        let b = bytes.map(UInt64.init)
        let low = (b[0] ^ 0x02) << 56 | b[1] << 48 | b[2] << 40 | 0xFF << 32 | 0xFE << 24
            | b[3] << 16 | b[4] << 8 | b[5]
        return IPv6Address(high: 0xFE80_0000_0000_0000, low: low)
    }
}
