import FlatnetCore

/// Where a network's addresses come from: flatnet's pool in-process, or another IPAM
/// plugin on CNI_PATH. Both answer with a CNI result.
public enum IPAMClient: Sendable {
    case pool(PoolIPAM)
    case delegated(DelegatedIPAM, environment: [String: String], netconf: JSONValue)

    public init(request: PluginRequest, environment: [String: String], lockTimeoutMilliseconds: Int) {
        switch request.config.ipam {
        case .pool(let pool):
            self = .pool(PoolIPAM(network: request.config, pool: pool,
                                  lockTimeoutMilliseconds: lockTimeoutMilliseconds))
        case .delegated(let type):
            self = .delegated(DelegatedIPAM(type: type, searchPath: request.invocation.pluginPath),
                              environment: environment, netconf: request.config.raw)
        }
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
