import FlatnetCore

/// Where a network's addresses come from: flatnet's pool in-process (on this host's disk,
/// or in the cluster store), or another IPAM plugin on CNI_PATH. All answer with a CNI
/// result.
public enum IPAMClient {
    case pool(any OwnPool)
    case delegated(DelegatedIPAM, environment: [String: String], netconf: JSONValue)

    public init(request: PluginRequest, environment: [String: String], lockTimeoutMilliseconds: Int) throws {
        switch request.config.ipam {
        case .pool(let pool):
            self = .pool(try Self.ownPool(network: request.config, pool: pool,
                                          lockTimeoutMilliseconds: lockTimeoutMilliseconds))
        case .delegated(let type):
            self = .delegated(DelegatedIPAM(type: type, searchPath: request.invocation.pluginPath),
                              environment: environment, netconf: request.config.raw)
        }
    }

    /// flatnet's pool: in the cluster store when `ipam.store` names one, else on disk.
    public static func ownPool(network: NetworkConfig, pool: PoolConfig,
                               lockTimeoutMilliseconds: Int) throws -> any OwnPool {
        if let store = pool.store { return try ClusterIPAM(network: network, pool: pool, store: store) }
        return PoolIPAM(network: network, pool: pool, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
    }

    /// ADD: the addresses for this attachment (idempotent in both cases), and whether they
    /// were never leased before (`LeaseHistory`; a delegated plugin's history is unknown).
    public func add(_ request: PluginRequest) throws -> (result: CNIResult, firstLease: Bool) {
        switch self {
        case .pool(let pool):
            let requested = request.config.runtime
                .effectiveRequests(with: request.invocation.arguments).addresses
            let lease = try pool.acquireLease(for: request.invocation.attachment, requested: requested)
            return (pool.result(for: lease.addresses), lease.firstLease)
        case .delegated(let plugin, let environment, let netconf):
            guard let result = try plugin.run(.add, environment: environment, netconf: netconf),
                  !result.ips.isEmpty else {
                throw CNIError(.delegatedIPAMFailed, "IPAM plugin \(plugin.type) returned no address")
            }
            return (result, false)
        }
    }

    /// DEL: releases this attachment's addresses; nothing held is success.
    public func delete(_ request: PluginRequest) throws {
        switch self {
        case .pool(let pool): try pool.release(for: request.invocation.attachment)
        case .delegated(let plugin, let environment, let netconf):
            try plugin.run(.delete, environment: environment, netconf: netconf)
        }
    }

    /// CHECK: the reservation still belongs to this attachment.
    public func check(_ request: PluginRequest, expected: CNIResult) throws {
        switch self {
        case .pool(let pool):
            try pool.verify(for: request.invocation.attachment, expected: pool.ownAddresses(in: expected))
        case .delegated(let plugin, let environment, let netconf):
            try plugin.run(.check, environment: environment, netconf: netconf)
        }
    }
}
