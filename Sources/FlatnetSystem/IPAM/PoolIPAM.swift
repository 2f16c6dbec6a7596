import FlatnetCore

/// flatnet's address pool for one network: the allocator's decisions applied to the
/// store under its lock. Used in-process by the flatnet plugin and by `flatnet-ipam`.
public struct PoolIPAM: Sendable {
    /// How long to wait for the pool lock before answering "try again later" (code 11).
    /// FLATNET_LOCK_TIMEOUT_MS overrides it (operations and tests).
    public static let defaultLockTimeoutMilliseconds = 10_000

    public let pool: AddressPool
    public let config: PoolConfig
    public let store: PoolStore

    public init(network: NetworkConfig, pool config: PoolConfig, lockTimeoutMilliseconds: Int) {
        self.config = config
        pool = AddressPool(network: network.name, config: config,
                           reservedAddress: network.metadata?.reservedAddress)
        store = PoolStore(dataDirectory: config.dataDirectory, network: network.name,
                          lockTimeoutMilliseconds: lockTimeoutMilliseconds)
    }

    /// ADD: the address `owner` holds, leasing one if it holds none.
    public func acquire(for owner: Attachment, requested: [IPAddress]) throws -> IPv4Address {
        try acquireLease(for: owner, requested: requested).address
    }

    /// ADD, and whether the address was never leased from this pool before (`LeaseHistory`;
    /// false for an address the owner already held).
    public func acquireLease(
        for owner: Attachment, requested: [IPAddress]
    ) throws -> (address: IPv4Address, firstLease: Bool) {
        let acquired = try store.withLocked(create: true) { state -> (IPv4Address, Bool) in
            let decision = try PoolAllocator(pool: pool)
                .decide(for: owner, requested: requested, table: state)
            switch decision {
            case .lease(let address):
                return (address, try state.lease(address, to: owner))
            case .alreadyHeld(let address):
                try state.recordOwnership(of: address, by: owner)
                return (address, false)
            }
        }
        // Durable before ADD answers, but fsynced outside the lock: a lease others see
        // before it is durable only steers them to another address; a crash before
        // this point loses a lease nobody was told about.
        try StateFiles.syncDirectory(at: store.directory + "/addresses")
        return (acquired!.0, acquired!.1)
    }

    /// DEL: releases what `owner` holds. Nothing held, or no state at all, is success.
    public func release(for owner: Attachment) throws {
        let released = try store.withLocked(create: false) { state in try state.release(owner) } ?? nil
        if released != nil { try StateFiles.syncDirectory(at: store.directory + "/addresses") }
    }

    /// The address `owner` holds, or nil (read under the lock, changing nothing).
    public func address(heldBy owner: Attachment) throws -> IPv4Address? {
        try store.withLocked(create: false) { state -> IPv4Address? in
            guard let address = try state.recordedAddress(of: owner),
                  try state.holder(of: address) == owner else { return nil }
            return address
        } ?? nil
    }

    /// CHECK: `owner` must hold `expected` (or anything, when nil).
    public func verify(for owner: Attachment, expected: IPv4Address?) throws {
        guard let held = try address(heldBy: owner), expected == nil || expected == held else {
            throw IPAMError.notHeld(owner, expected: expected)
        }
    }

    /// The result to return for an address of this pool.
    public func result(for address: IPv4Address) -> CNIResult {
        PoolResult.make(address: address, pool: config)
    }
}
