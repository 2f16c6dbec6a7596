/// The addresses one host may hand out on one network, and why any other is refused.
///
/// Never allocated: the subnet's network and broadcast addresses, the gateway, the
/// network's reserved address (bound on docker0 on every host), and `exclude`.
public struct AddressPool: Sendable {
    public let network: String
    public let subnet: IPv4Prefix
    public let gateway: IPv4Address
    public let ranges: [AddressRange]
    public let exclude: [IPv4Prefix]
    public let reservedAddress: IPv4Address?

    public init(network: String, config: PoolConfig, reservedAddress: IPv4Address?) {
        self.network = network
        subnet = config.subnet
        gateway = config.gateway
        ranges = config.ranges
        exclude = config.exclude
        self.reservedAddress = reservedAddress
    }

    /// Why `address` is never handed out, or nil when it may be.
    public func neverAllocatedReason(_ address: IPv4Address) -> String? {
        if address == subnet.network { return "it is the network address of \(subnet)" }
        if address == subnet.broadcast { return "it is the broadcast address of \(subnet)" }
        if address == gateway { return "it is the gateway" }
        if address == reservedAddress { return "it is the reserved address (metadata.reservedAddress)" }
        if let index = exclude.firstIndex(where: { $0.contains(address) }) {
            return "it is excluded by ipam.exclude[\(index)] (\(exclude[index]))"
        }
        return nil
    }

    /// True when the pool may hand out `address`.
    public func isAllocatable(_ address: IPv4Address) -> Bool {
        ranges.contains { $0.contains(address) } && neverAllocatedReason(address) == nil
    }

    /// Visits allocatable addresses in round-robin order until `body` returns true, and
    /// returns the address it stopped at. The walk starts just after `last` (at the first
    /// range when there is no last), runs to the end of the ranges and wraps to the start.
    /// Starting after the last allocation keeps a just-released address out of
    /// circulation as long as possible: switches and neighbours may still map it to the
    /// old container's MAC. Lazy, so a free address right after `last` costs one step.
    public func firstCandidate(
        after last: IPv4Address?, where body: (IPv4Address) throws -> Bool
    ) rethrows -> IPv4Address? {
        let sorted = ranges.sorted { $0.start < $1.start }
        let start = last.map { $0.value &+ 1 } ?? 0
        // First pass: addresses >= start; second pass (the wrap): addresses < start.
        for (lower, upper) in [(start, UInt32.max), (0, start == 0 ? 0 : start - 1)] where lower <= upper {
            for range in sorted {
                let from = max(range.start.value, lower), to = min(range.end.value, upper)
                guard from <= to else { continue }
                for value in from...to {
                    let address = IPv4Address(value)
                    if neverAllocatedReason(address) == nil, try body(address) { return address }
                }
            }
            if last == nil { break }
        }
        return nil
    }

    /// How many addresses the pool can hand out in total (walks the ranges: for usage
    /// reports and STATUS, not for ADD).
    public var capacity: Int {
        var count = 0
        _ = firstCandidate(after: nil) { _ in count += 1; return false }
        return count
    }

    /// `10.43.1.2-10.43.1.254, 10.43.2.2-10.43.2.9`, for messages.
    public var rangesDescription: String { ranges.map(\.description).joined(separator: ", ") }
}
