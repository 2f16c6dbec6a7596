import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet ipam list|usage|release|gc`: the pool of one network, for operators.
struct IPAMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipam",
        abstract: "The network's address pool: list, usage, release, gc.",
        subcommands: [
            IPAMListCommand.self, IPAMUsageCommand.self, IPAMReleaseCommand.self, IPAMGCCommand.self,
        ])

    static let needsRoot = "it reads the pool under its lock"

    /// The pool of the network in `file`, which must use flatnet-ipam.
    static func pool(_ file: NetworkFileOption) throws -> (NetworkConfig, PoolIPAM) {
        let config = try file.load()
        guard let poolConfig = config.ipam.pool else {
            throw CNIError(.invalidNetworkConfig,
                           "network \(config.name) uses the \(config.ipam.type) IPAM plugin,"
                               + " not flatnet-ipam")
        }
        return (config, PoolIPAM(network: config, pool: poolConfig,
                                 lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds))
    }
}
