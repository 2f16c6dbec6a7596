/// An address with a prefix length: a subnet (`10.43.0.0/16`) or an interface address
/// (`10.43.1.5/16`). The address is kept as written; `network` masks it.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let length: Int

    public init?(address: IPAddress, length: Int) {
        guard (0...address.bitWidth).contains(length) else { return nil }
        self.address = address
        self.length = length
    }

    /// Parses `ADDRESS/LENGTH`. With `allowBareAddress`, a bare address means a host
    /// prefix (/32 or /128), as CNI `exclude` lists and `IP=` requests allow.
    public init?(_ text: some StringProtocol, allowBareAddress: Bool = false) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let address = parts.first.flatMap({ IPAddress($0) }) else { return nil }
        if parts.count == 1, allowBareAddress {
            self.init(address: address, length: address.bitWidth)
            return
        }
        guard parts.count == 2, (1...3).contains(parts[1].count), parts[1].allSatisfy(\.isASCIIDigit),
              let length = Int(parts[1]) else { return nil }
        self.init(address: address, length: length)
    }

    public var description: String { "\(address)/\(length)" }

    /// The IPv4 view (nil for IPv6), for pool arithmetic.
    public var v4: IPv4Prefix? {
        address.v4.map { IPv4Prefix(address: $0, length: length) }
    }

    /// The masked network address (`10.43.1.5/16` -> `10.43.0.0`).
    public var network: IPAddress {
        switch address {
        case .v4(let v4): return .v4(IPv4Prefix(address: v4, length: length).network)
        case .v6(let v6):
            let mask = IPv6Mask(length: length)
            return .v6(IPv6Address(high: v6.high & mask.high, low: v6.low & mask.low))
        }
    }

    /// True when the address has no host bits set, as a subnet should be written.
    public var isNetworkAddress: Bool { network == address }

    /// True when `other` is inside this prefix (same family, same masked bits).
    public func contains(_ other: IPAddress) -> Bool {
        guard let masked = IPPrefix(address: other, length: length) else { return false }
        return masked.network == network
    }
}

/// IPv4 prefix arithmetic on 32-bit values.
public struct IPv4Prefix: Hashable, Sendable, CustomStringConvertible {
    public let address: IPv4Address
    public let length: Int

    public init(address: IPv4Address, length: Int) {
        self.address = address
        self.length = length
    }

    public var mask: UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }
    public var network: IPv4Address { IPv4Address(address.value & mask) }
    public var broadcast: IPv4Address { IPv4Address(address.value | ~mask) }
    public func contains(_ other: IPv4Address) -> Bool { other.value & mask == address.value & mask }

    /// The first and last address of the prefix, inclusive.
    public var bounds: ClosedRange<IPv4Address> { network...broadcast }

    public var description: String { "\(address)/\(length)" }
}

private struct IPv6Mask {
    let high: UInt64
    let low: UInt64

    init(length: Int) {
        high = length >= 64 ? .max : (length == 0 ? 0 : UInt64.max << UInt64(64 - length))
        low = length <= 64 ? 0 : (length == 128 ? .max : UInt64.max << UInt64(128 - length))
    }
}
