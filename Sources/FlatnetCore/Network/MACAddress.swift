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
