/// The addresses one host may hand out from one family's range set on one network, and
/// why any other is refused. Works on offsets (`SubnetSpace`): exclusions are skipped in
/// one step and capacity is arithmetic, so an IPv6 /64 is never enumerated.
///
/// Never allocated: the subnet's first address (the IPv4 network address, the IPv6
/// subnet-router anycast address), the IPv4 broadcast address, the gateway, the
/// network's reserved address (IPv4, bound on docker0 on every host), and `exclude`.
public struct AddressPool: Sendable {
    public let network: String
    public let rangeSet: RangeSet
    public let space: SubnetSpace
    public let reservedAddress: IPAddress?
    /// The ranges as offsets, sorted.
    let rangeOffsets: [ClosedRange<UInt64>]
    /// Offsets never handed out (boundaries, gateway, reserved address, exclusions), merged.
    let blocked: [ClosedRange<UInt64>]

    /// `set` must have passed validation (its subnet is a `SubnetSpace`).
    public init(network: String, rangeSet set: RangeSet, reservedAddress: IPv4Address?) {
        let space = SubnetSpace(set.subnet)!
        let reserved = set.family == .ipv4 ? reservedAddress.map(IPAddress.v4) : nil
        var blocked: [ClosedRange<UInt64>] = [0...0]
        if set.family == .ipv4 { blocked.append(space.lastOffset...space.lastOffset) }
        for address in [set.gateway, reserved].compactMap({ $0 }) {
            if let offset = space.offset(of: address) { blocked.append(offset...offset) }
        }
        blocked += set.exclude.compactMap { space.offsets(of: $0) }
        self.network = network
        self.space = space
        self.reservedAddress = reserved
        rangeSet = set
        rangeOffsets = set.ranges.compactMap { range in
            space.offset(of: range.start).flatMap { start in space.offset(of: range.end).map { start...$0 } }
        }.sorted { $0.lowerBound < $1.lowerBound }
        self.blocked = OffsetRanges.merged(blocked)
    }

    /// The IPv4 pool of `config` (for IPv4-only callers and tests).
    public init(network: String, config: PoolConfig, reservedAddress: IPv4Address?) {
        self.init(network: network, rangeSet: config.ipv4 ?? config.ipv6!, reservedAddress: reservedAddress)
    }

    public var family: IPFamily { space.family }
    public var subnet: IPPrefix { space.subnet }
    public var gateway: IPAddress? { rangeSet.gateway }
    public var ranges: [AddressRange] { rangeSet.ranges }

    /// Why an address at `offset` of `space` is never any container's, for the subnet's
    /// boundaries only (the validator refuses gateways and ranges there).
    public static func boundaryReason(_ offset: UInt64, space: SubnetSpace) -> String? {
        if offset == 0 {
            return space.family == .ipv4 ? "the network address of \(space.subnet)"
                : "the subnet-router anycast address of \(space.subnet)"
        }
        if space.family == .ipv4, offset == space.lastOffset {
            return "the broadcast address of \(space.subnet)"
        }
        return nil
    }

    /// Why `address` is never handed out, or nil when it may be.
    public func neverAllocatedReason(_ address: IPAddress) -> String? {
        guard let offset = space.offset(of: address) else { return "it is outside the subnet \(subnet)" }
        if let boundary = AddressPool.boundaryReason(offset, space: space) { return "it is \(boundary)" }
        if address == gateway { return "it is the gateway" }
        if address == reservedAddress { return "it is the reserved address (metadata.reservedAddress)" }
        if let index = rangeSet.exclude.firstIndex(where: { $0.contains(address) }) {
            return "it is excluded by \(rangeSet.path).exclude[\(index)] (\(rangeSet.exclude[index]))"
        }
        return nil
    }

    public func neverAllocatedReason(_ address: IPv4Address) -> String? { neverAllocatedReason(.v4(address)) }

    /// True when the pool may hand out `address`.
    public func isAllocatable(_ address: IPAddress) -> Bool {
        guard let offset = space.offset(of: address) else { return false }
        return rangeOffsets.contains { $0.contains(offset) } && !OffsetRanges.contains(blocked, offset)
    }

    /// Visits allocatable addresses in round-robin order until `body` returns true, and
    /// returns the address it stopped at. The walk starts just after `last` (at the first
    /// range when there is no last), runs to the end of the ranges and wraps to the start.
    /// Starting after the last allocation keeps a just-released address out of
    /// circulation as long as possible: switches and neighbours may still map it to the
    /// old container's MAC. Lazy, and blocked spans are skipped whole, so a free address
    /// right after `last` costs one step.
    public func firstCandidate(
        after last: IPAddress?, where body: (IPAddress) throws -> Bool
    ) rethrows -> IPAddress? {
        let lastOffset = last.flatMap { space.offset(of: $0) }
        let start = lastOffset.map { $0 == .max ? 0 : $0 + 1 } ?? 0
        // First pass: offsets >= start; second pass (the wrap): offsets < start.
        var passes = [start...UInt64.max]
        if start > 0 { passes.append(0...(start - 1)) }
        for pass in passes {
            for range in rangeOffsets where range.overlaps(pass) {
                let span = range.clamped(to: pass)
                if let found = try firstAllocatable(in: span, where: body) { return space.address(at: found) }
            }
        }
        return nil
    }

    /// The first offset of `span` outside `blocked` for which `body` holds.
    private func firstAllocatable(
        in span: ClosedRange<UInt64>, where body: (IPAddress) throws -> Bool
    ) rethrows -> UInt64? {
        var offset = span.lowerBound
        while true {
            if let block = blocked.first(where: { $0.contains(offset) }) {
                guard block.upperBound < span.upperBound else { return nil }
                offset = block.upperBound + 1
                continue
            }
            if try body(space.address(at: offset)) { return offset }
            guard offset < span.upperBound else { return nil }
            offset += 1
        }
    }

    /// How many addresses the pool can hand out in total, by arithmetic (never walked).
    /// Saturates at 2^64 - 1, which a /64 with one full range reaches.
    public var capacity: UInt64 {
        rangeOffsets.reduce(UInt64(0)) { OffsetRanges.saturatingAdd($0, capacity(of: $1)) }
    }

    /// How many addresses of `range` (offsets) the pool can hand out: the sizes of the
    /// gaps between blocked spans. A gap is never all 2^64 offsets (offset 0 is blocked).
    func capacity(of range: ClosedRange<UInt64>) -> UInt64 {
        var total: UInt64 = 0, next: UInt64? = range.lowerBound
        for block in blocked where block.overlaps(range) {
            if let start = next, start < block.lowerBound {
                total = OffsetRanges.saturatingAdd(total, block.lowerBound - start)
            }
            next = block.upperBound < range.upperBound ? block.upperBound + 1 : nil
        }
        if let start = next { total = OffsetRanges.saturatingAdd(total, range.upperBound - start + 1) }
        return total
    }

    /// How many addresses of `range` the pool can hand out (0 for another family's range).
    public func capacity(of range: AddressRange) -> UInt64 {
        guard let start = space.offset(of: range.start), let end = space.offset(of: range.end),
              start <= end else { return 0 }
        return capacity(of: start...end)
    }

    /// Refuses an address ADD would never hand out (a reservation made by hand), naming
    /// why; `note` ends the reason.
    public func checkAllocatable(_ address: IPAddress, note: String = "") throws(IPAMError) {
        if let reason = neverAllocatedReason(address) {
            throw IPAMError.requestNeverAllocated(address, reason: reason + note)
        }
        guard isAllocatable(address) else {
            throw IPAMError.requestOutsideRanges(address, ranges: rangesDescription + note)
        }
    }

    /// A reservation made under an earlier netconf may name what this one never hands out
    /// (the gateway moved onto it, another subnet, ranges that shrank): refused, not given.
    public func checkKeepable(_ address: IPAddress, workload: String) throws(IPAMError) {
        try checkAllocatable(address, note: "; it is reserved for workload \(workload):"
            + " flatnet ipam reservations release")
    }

    /// `10.43.1.2-10.43.1.254, 10.43.2.2-10.43.2.9`, for messages.
    public var rangesDescription: String { ranges.map(\.description).joined(separator: ", ") }
}

/// Sorted, merged lists of offset ranges.
enum OffsetRanges {
    static func merged(_ ranges: [ClosedRange<UInt64>]) -> [ClosedRange<UInt64>] {
        var merged: [ClosedRange<UInt64>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last,
               last.upperBound == .max || range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    static func contains(_ ranges: [ClosedRange<UInt64>], _ offset: UInt64) -> Bool {
        ranges.contains { $0.contains(offset) }
    }

    static func saturatingAdd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
