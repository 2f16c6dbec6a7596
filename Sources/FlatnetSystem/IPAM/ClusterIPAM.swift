import FlatnetCore
#if canImport(Glibc)
import Glibc
#endif

/// flatnet-ipam's pool when `ipam.store` names etcd (README.md#one-pool-for-the-cluster):
/// ClusterPool's decisions carried to etcd by EtcdClient. The verbs mirror PoolIPAM's, so
/// the plugin and `flatnet-ipam` treat both pools alike (OwnPool).
public struct ClusterIPAM {
    public let pool: ClusterPool
    public let config: PoolConfig

    /// Connects nothing yet: the first call opens the connection. Unreadable TLS files or a
    /// bad endpoint are `.refused` (code 111) here, before anything is asked.
    public init(network: NetworkConfig, pool config: PoolConfig, store: EtcdStoreConfig) throws {
        guard let node = config.node?.name else {
            throw CNIError(.invalidNetworkConfig, "ipam.store: this node's name is unknown")
        }
        let client = try EtcdClient(config: store)
        let pools = config.rangeSets.map {
            AddressPool(network: network.name, rangeSet: $0,
                        reservedAddress: network.metadata?.reservedAddress)
        }
        pool = ClusterPool(store: client, keys: ClusterKeys(prefix: store.prefix, network: network.name),
                           pools: pools, node: node, now: Self.wallClockSeconds)
        pool.reservationExpirySeconds = config.reservations?.expirySeconds
        self.config = config
    }
}

extension ClusterIPAM {
    /// CLOCK_REALTIME in seconds: reservations expire by the wall clock, as hosts agree on it.
    static func wallClockSeconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }
}

/// What the plugin's verbs need of flatnet's own pool, on this host's disk (PoolIPAM) or in
/// the cluster store (ClusterIPAM).
public protocol OwnPool {
    var pools: [AddressPool] { get }
    var config: PoolConfig { get }
    /// ADD: the owner's addresses (one per family), and whether the IPv4 one was never
    /// leased before (LeaseHistory; the cluster pool does not know, and says false). A
    /// workload key (WorkloadKey) reserves them.
    func acquireLease(for owner: Attachment, requested: [IPAddress],
                      workload: String?) throws -> (addresses: [IPAddress], firstLease: Bool)
    func release(for owner: Attachment) throws
    func verify(for owner: Attachment, expected: [IPAddress]) throws
    /// GC: releases leases of attachments not in `valid` (this node's only); the problems.
    func collectGarbage(valid: Set<Attachment>) throws -> [String]
    func checkStatus() throws
    /// This node's leases, by owner (port security adopts running containers with them:
    /// never with what a container says it has).
    func nodeLeases() throws -> [(owner: Attachment, address: IPAddress)]
}

extension OwnPool {
    /// The addresses of `result` inside this pool's subnets (a chained result may list
    /// others' too).
    public func ownAddresses(in result: CNIResult?) -> [IPAddress] {
        (result?.ips ?? []).map(\.address.address).filter { address in
            pools.contains { $0.subnet.contains(address) }
        }
    }

    /// The result to return for addresses of this pool.
    public func result(for addresses: [IPAddress]) -> CNIResult {
        PoolResult.make(addresses: addresses, pool: config)
    }
}

extension PoolIPAM: OwnPool {
    public func nodeLeases() throws -> [(owner: Attachment, address: IPAddress)] {
        try leases().leases.map { ($0.owner, $0.address) }
    }


    public func collectGarbage(valid: Set<Attachment>) throws -> [String] {
        try collectGarbage(keeping: valid).problems
    }
}

extension ClusterIPAM: OwnPool {
    public var pools: [AddressPool] { pool.pools }

    public func acquireLease(for owner: Attachment, requested: [IPAddress],
                             workload: String?) throws -> (addresses: [IPAddress], firstLease: Bool) {
        (try pool.acquire(for: owner, requested: requested, workload: workload), false)
    }

    public func release(for owner: Attachment) throws { try pool.release(for: owner) }

    public func nodeLeases() throws -> [(owner: Attachment, address: IPAddress)] {
        try pool.leases().compactMap { lease in
            guard let record = lease.record, let owner = record.owner, record.node == pool.node else {
                return nil
            }
            return (owner, lease.address)
        }
    }

    public func verify(for owner: Attachment, expected: [IPAddress]) throws {
        try pool.verify(for: owner, expected: expected)
    }

    public func collectGarbage(valid: Set<Attachment>) throws -> [String] {
        _ = try pool.collectGarbage(valid: valid)
        return []
    }

    /// STATUS: 50 when the store cannot be reached (no ADD can succeed now). One read of one
    /// key, not a listing: runtimes ask every few seconds, and a pool may hold thousands of
    /// leases (unreadable ones are for `flatnet ipam list` and doctor).
    public func checkStatus() throws {
        do {
            _ = try pool.store.get(pool.keys.networkPrefix)
        } catch let error as StoreError {
            throw CNIError(.notAvailable, "the cluster store of network \(pool.network) cannot be reached",
                           details: error.cniError.details)
        }
    }
}
