/// What the store says of one address.
public enum LeaseState: Equatable, Sendable {
    case free
    case held(by: Attachment)
    /// A lease file is there but cannot be read as flatnet's (corrupt, or another tool's).
    /// It counts as held: handing its address out could duplicate one in use. It is
    /// reported (doctor, `ipam list`, STATUS), never silently reused.
    case unreadable(reason: String)
}

/// Read access to the leases, as the allocator needs it. The store on disk implements
/// it under the pool lock; tests implement it with a dictionary.
public protocol LeaseTable {
    /// Whether `address` is free, held, or held by a lease that cannot be read.
    func state(of address: IPv4Address) throws -> LeaseState
    /// The address `owner` recorded as its own, if any. The allocator confirms it with
    /// `holder(of:)`: the record may be an intent whose lease was never written.
    func recordedAddress(of owner: Attachment) throws -> IPv4Address?
    /// The last address handed out, where the round-robin walk resumes.
    func lastAllocated() throws -> IPv4Address?
}

extension LeaseTable {
    /// Who holds `address` by a readable lease; nil when it is free or unreadable.
    public func holder(of address: IPv4Address) throws -> Attachment? {
        if case .held(let owner) = try state(of: address) { return owner }
        return nil
    }
}

/// What ADD should do for one owner.
public enum AllocationDecision: Equatable, Sendable {
    /// The owner already holds this address: ADD repeated returns it again.
    case alreadyHeld(IPv4Address)
    /// Lease this free address to the owner.
    case lease(IPv4Address)

    public var address: IPv4Address {
        switch self {
        case .alreadyHeld(let address), .lease(let address): return address
        }
    }
}

/// Decides which address an owner gets. Pure: all state comes through `LeaseTable`.
public struct PoolAllocator: Sendable {
    public let pool: AddressPool

    public init(pool: AddressPool) { self.pool = pool }

    public func decide(
        for owner: Attachment, requested: [IPAddress], table: some LeaseTable
    ) throws -> AllocationDecision {
        let request = try singleRequest(requested)
        if let held = try table.recordedAddress(of: owner), try table.holder(of: held) == owner {
            if let request, request != held {
                throw IPAMError.ownerHoldsOther(owner, held: held, requested: request)
            }
            return .alreadyHeld(held)
        }
        if let request { return try decideRequested(request, for: owner, table: table) }
        let free = try pool.firstCandidate(after: try table.lastAllocated()) {
            try table.state(of: $0) == .free
        }
        guard let free else {
            throw IPAMError.exhausted(network: pool.network, ranges: pool.rangesDescription)
        }
        return .lease(free)
    }

    /// At most one IPv4 request; anything else is refused with the addresses named.
    private func singleRequest(_ requested: [IPAddress]) throws(IPAMError) -> IPv4Address? {
        guard !requested.isEmpty else { return nil }
        guard requested.count == 1, let only = requested[0].v4 else {
            if requested.count == 1, case .v6 = requested[0] {
                throw IPAMError.requestOutsideSubnet(requested[0], subnet: pool.subnet)
            }
            throw IPAMError.tooManyRequests(requested)
        }
        return only
    }

    private func decideRequested(
        _ address: IPv4Address, for owner: Attachment, table: some LeaseTable
    ) throws -> AllocationDecision {
        guard pool.subnet.contains(address) else {
            throw IPAMError.requestOutsideSubnet(.v4(address), subnet: pool.subnet)
        }
        if let reason = pool.neverAllocatedReason(address) {
            throw IPAMError.requestNeverAllocated(address, reason: reason)
        }
        guard pool.ranges.contains(where: { $0.contains(address) }) else {
            throw IPAMError.requestOutsideRanges(address, ranges: pool.rangesDescription)
        }
        switch try table.state(of: address) {
        case .free: return .lease(address)
        case .held(let holder) where holder == owner: return .alreadyHeld(address)
        case .held(let other): throw IPAMError.requestHeld(address, by: other)
        case .unreadable(let reason): throw IPAMError.requestUnreadable(address, reason: reason)
        }
    }
}
