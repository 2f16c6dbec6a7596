/// A subnet's addresses as offsets from its network address: the pool's keys.
///
/// A lease is keyed by (network, family, offset). Allocation, exclusion, capacity and GC
/// work on offsets, so nothing enumerates a range: a /64 costs what a /24 costs. IPv6
/// subnets are /64 or longer (an IPv6 layer-2 segment is a /64), so every offset fits in
/// 64 bits; a shared cluster store can key leases the same way (`key`).
public struct SubnetSpace: Hashable, Sendable {
    public let subnet: IPPrefix
    /// The highest offset: 2^(host bits) - 1.
    public let lastOffset: UInt64

    /// Nil for an IPv6 prefix shorter than /64 (offsets would not fit in 64 bits).
    public init?(_ subnet: IPPrefix) {
        let hostBits = subnet.address.bitWidth - subnet.length
        guard hostBits <= 64 else { return nil }
        self.subnet = IPPrefix(address: subnet.network, length: subnet.length)!
        lastOffset = hostBits == 64 ? .max : (UInt64(1) << UInt64(hostBits)) - 1
    }

    public var family: IPFamily { subnet.family }

    /// The offset of `address`, or nil when it is outside the subnet (or of the other family).
    public func offset(of address: IPAddress) -> UInt64? {
        guard subnet.contains(address) else { return nil }
        switch (address, subnet.address) {
        case (.v4(let a), .v4(let base)): return UInt64(a.value - base.value)
        case (.v6(let a), .v6(let base)): return a.low - base.low
        default: return nil
        }
    }

    /// The address at `offset` (which must be at most `lastOffset`).
    public func address(at offset: UInt64) -> IPAddress {
        switch subnet.address {
        case .v4(let base): return .v4(IPv4Address(base.value + UInt32(truncatingIfNeeded: offset)))
        case .v6(let base): return .v6(IPv6Address(high: base.high, low: base.low + offset))
        }
    }

    /// The offsets of the part of `prefix` inside this subnet, or nil when they do not meet.
    public func offsets(of prefix: IPPrefix) -> ClosedRange<UInt64>? {
        guard prefix.family == family else { return nil }
        if prefix.length <= subnet.length {
            return prefix.contains(subnet.address) ? 0...lastOffset : nil
        }
        guard let first = offset(of: prefix.network) else { return nil }
        let hostBits = prefix.address.bitWidth - prefix.length
        return first...(first + ((UInt64(1) << UInt64(hostBits)) - 1))
    }

    /// The key of the lease at `offset` in a shared store: `<family>/<subnet>/<offset, hex>`
    /// (`ipv6/2001:db8:43::/64/10000`). The local store names lease files by address.
    public func key(offset: UInt64) -> String {
        "\(family.rawValue)/\(subnet)/\(String(offset, radix: 16))"
    }
}
