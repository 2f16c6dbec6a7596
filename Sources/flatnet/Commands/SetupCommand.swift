import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet setup`: the network's full host setup now, as the next ADD would run it (it
/// also repairs what drifted: a re-created docker0, a deleted bridge). For hosts where no
/// ADD comes, e.g. a Kubernetes node that a failing STATUS took out of scheduling.
struct SetupCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Run the network's host setup now, as ADD would.",
        discussion: """
            Run the network's host setup now, as the next ADD would: it also repairs what drifted \
            (a re-created docker0, a deleted bridge, a changed uplink or MTU).
            """)

    static let needsRoot: String? = "it changes links, addresses and rules"

    @OptionGroup var network: NetworkFileOption

    func execute() throws -> CommandOutcome {
        let config = try network.load()
        let setup = HostSetup(config: config,
                              lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
        try setup.invalidate()
        _ = try setup.ensure(socket: try NetlinkSocket())
        return .init(output: "network \(config.name): host setup in place on \(config.bridge)\n")
    }
}
