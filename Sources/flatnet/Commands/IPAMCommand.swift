import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet ipam list|usage|release|gc|reservations`: the pool of one network, for
/// operators, on this host's disk or in the cluster store.
struct IPAMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipam",
        abstract: "The network's address pool: list, usage, release, gc, reservations.",
        subcommands: [
            IPAMListCommand.self, IPAMUsageCommand.self, IPAMReleaseCommand.self, IPAMGCCommand.self,
            IPAMReservationsCommand.self,
        ])

    static let needsRoot = "it reads the pool under its lock"

    /// The pool on this host's disk of the network in `file`, which must use flatnet-ipam
    /// without a cluster store (each command asks `clusterPool` first and comes here for a
    /// pool on disk).
    static func pool(_ file: NetworkFileOption,
                     command: String = "this command") throws -> (NetworkConfig, PoolIPAM) {
        let (config, poolConfig) = try ownPoolConfig(file)
        if poolConfig.store != nil {
            throw CNIError(.invalidNetworkConfig, "network \(config.name) keeps its pool in the cluster store"
                + " (ipam.store): \(command) reads a pool on this host's disk",
                           details: "flatnet ipam list, usage, release, gc and reservations"
                               + " work on the cluster store")
        }
        return (config, PoolIPAM(network: config, pool: poolConfig,
                                 lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds))
    }

    /// The cluster pool of the network in `file`, or nil when its pool is on disk.
    static func clusterPool(_ file: NetworkFileOption) throws -> (NetworkConfig, ClusterPool?) {
        let (config, poolConfig) = try ownPoolConfig(file)
        guard let store = poolConfig.store else { return (config, nil) }
        return (config, try ClusterIPAM(network: config, pool: poolConfig, store: store).pool)
    }

    static func ownPoolConfig(_ file: NetworkFileOption) throws -> (NetworkConfig, PoolConfig) {
        let config = try file.load()
        guard let poolConfig = config.ipam.pool else {
            throw CNIError(.invalidNetworkConfig,
                           "network \(config.name) uses the \(config.ipam.type) IPAM plugin,"
                               + " not flatnet-ipam")
        }
        return (config, poolConfig)
    }
}
