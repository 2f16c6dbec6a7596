/// What the store says of one address.
public enum LeaseState: Equatable, Sendable {
    case free
    case held(by: Attachment)
    /// A lease file is there but cannot be read as flatnet's (corrupt, or another tool's).
    /// It counts as held: handing its address out could duplicate one in use. It is
    /// reported (doctor, `ipam list`, STATUS), never silently reused.
    case unreadable(reason: String)
    /// Kept for a workload between its attachments (README.md#addresses-that-follow-their-workload):
    /// only that workload's ADD may take it.
    case reserved(workload: String)
}

/// Read access to the leases, as the allocator needs it. The store on disk implements
/// it under the pool lock; tests implement it with a dictionary.
public protocol LeaseTable {
    /// Whether `address` is free, held, or held by a lease that cannot be read.
    func state(of address: IPAddress) throws -> LeaseState
    /// The address `owner` recorded as its own, if any. The allocator confirms it with
    /// `holder(of:)`: the record may be an intent whose lease was never written.
    func recordedAddress(of owner: Attachment) throws -> IPAddress?
    /// The last address handed out, where the round-robin walk resumes.
    func lastAllocated() throws -> IPAddress?
}

extension LeaseTable {
    /// Who holds `address` by a readable lease; nil when it is free or unreadable.
    public func holder(of address: IPAddress) throws -> Attachment? {
        if case .held(let owner) = try state(of: address) { return owner }
        return nil
    }
}

/// What ADD should do for one owner.
public enum AllocationDecision: Equatable, Sendable {
    /// The owner already holds this address: ADD repeated returns it again.
    case alreadyHeld(IPAddress)
    /// Lease this free address to the owner.
    case lease(IPAddress)

    public var address: IPAddress {
        switch self {
        case .alreadyHeld(let address), .lease(let address): return address
        }
    }
}

/// Decides which address of one family's pool an owner gets. Pure: all state comes
/// through `LeaseTable`.
public struct PoolAllocator: Sendable {
    public let pool: AddressPool

    public init(pool: AddressPool) { self.pool = pool }

    /// The decision for this pool alone: `requested` may hold one address, of its family.
    public func decide(
        for owner: Attachment, requested: [IPAddress], table: some LeaseTable
    ) throws -> AllocationDecision {
        let requests = try Self.requests(requested, network: pool.network, families: [pool.family])
        return try decide(for: owner, request: requests[pool.family], table: table)
    }

    /// `request` is the owner's request of this pool's family, if any (`requests(_:families:)`).
    public func decide(
        for owner: Attachment, request: IPAddress?, table: some LeaseTable
    ) throws -> AllocationDecision {
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

    /// Every family's decision, IPv4 first, each pool reading its family's table (dry
    /// runs; ADD decides and leases family by family under the lock).
    public static func decide(
        pools: [AddressPool], for owner: Attachment, requested: [IPAddress],
        table: (IPFamily) -> any LeaseTable
    ) throws -> [AllocationDecision] {
        let network = pools.first?.network ?? ""
        let requests = try requests(requested, network: network, families: pools.map(\.family))
        return try pools.map { pool in
            try PoolAllocator(pool: pool).decide(for: owner, request: requests[pool.family],
                                                 table: table(pool.family))
        }
    }

    /// The requests by family: at most one per family, and only of families the pool has.
    public static func requests(
        _ requested: [IPAddress], network: String, families: [IPFamily]
    ) throws(IPAMError) -> [IPFamily: IPAddress] {
        var byFamily: [IPFamily: IPAddress] = [:]
        for address in requested {
            guard families.contains(address.family) else {
                throw IPAMError.requestFamilyMissing(address, network: network)
            }
            guard byFamily.updateValue(address, forKey: address.family) == nil else {
                throw IPAMError.tooManyRequests(requested)
            }
        }
        return byFamily
    }

    private func decideRequested(
        _ address: IPAddress, for owner: Attachment, table: some LeaseTable
    ) throws -> AllocationDecision {
        guard pool.subnet.contains(address) else {
            throw IPAMError.requestOutsideSubnet(address, subnet: pool.subnet)
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
        case .reserved(let workload): throw IPAMError.requestReserved(address, workload: workload)
        }
    }
}

/// A pool with no state yet (dry runs before the first ADD, the fuzzer).
public struct EmptyLeaseTable: LeaseTable {
    public init() {}
    public func state(of address: IPAddress) -> LeaseState { .free }
    public func recordedAddress(of owner: Attachment) -> IPAddress? { nil }
    public func lastAllocated() -> IPAddress? { nil }
}
