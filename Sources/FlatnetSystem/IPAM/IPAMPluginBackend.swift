import FlatnetCore

/// The verbs of `flatnet-ipam`, the standalone IPAM plugin (the same binary, run under
/// that name). Results are the abbreviated IPAM form: no interfaces, no interface index.
public struct IPAMPluginBackend: PluginBackend {
    public let lockTimeoutMilliseconds: Int

    public init(lockTimeoutMilliseconds: Int) {
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
    }

    public var configMode: NetworkConfigParser.Mode { .ipamPlugin }

    public func thisNode(environment: [String: String]) -> NodeIdentity? {
        NodeIdentityReader.current(environment: environment)
    }

    func pool(_ request: PluginRequest) throws -> any OwnPool {
        guard let config = request.config.ipam.pool else {
            throw CNIError(.invalidNetworkConfig, "ipam.type: flatnet-ipam needs its own pool block")
        }
        return try IPAMClient.ownPool(network: request.config, pool: config,
                                      lockTimeoutMilliseconds: lockTimeoutMilliseconds)
    }

    public func add(_ request: PluginRequest) throws -> CNIResult {
        let pool = try pool(request)
        let requested = request.config.runtime.effectiveRequests(with: request.invocation.arguments).addresses
        let addresses = try pool.acquireLease(for: request.invocation.attachment, requested: requested).addresses
        return pool.result(for: addresses).abbreviatedForIPAM
    }

    public func delete(_ request: PluginRequest) throws {
        try pool(request).release(for: request.invocation.attachment)
    }

    /// CHECK: the owner must still hold the addresses prevResult reports for this pool.
    public func check(_ request: PluginRequest) throws {
        let pool = try pool(request)
        try pool.verify(for: request.invocation.attachment,
                        expected: pool.ownAddresses(in: request.config.runtime.prevResult))
    }

    /// STATUS: see `PoolIPAM.checkStatus`.
    public func status(_ request: PluginRequest) throws {
        try pool(request).checkStatus()
    }

    /// GC: releases leases of attachments the runtime no longer lists. Refuses to run
    /// without the list: an absent list must never mean "release everything".
    public func garbageCollect(_ request: PluginRequest) throws {
        let valid = try request.config.runtime.requiredValidAttachments()
        let problems = try pool(request).collectGarbage(valid: Set(valid))
        guard problems.isEmpty else {
            throw CNIError(.ioFailure, "GC finished with \(problems.count) problem(s)",
                           details: problems.joined(separator: "; "))
        }
    }
}
