import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet teardown`: the network's host side, removed from this host.
struct TeardownCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "teardown",
        abstract: "Remove the network's host setup from this host.",
        discussion: """
            Remove the network's host setup from this host: the link veth pair to the docker \
            bridge, the reserved address, its ebtables chains, its port security table, and the \
            bridge and VLAN interface if flatnet created them. Refuses while containers are \
            attached; --force removes them first (veth and lease), naming each.
            """)

    static let needsRoot: String? = "it changes links, addresses and rules"

    @OptionGroup var network: NetworkFileOption
    @Flag(help: "Remove attached containers first (veth and lease), naming each.")
    var force = false
    @OptionGroup var dryRun: DryRunOption

    func execute() throws -> CommandOutcome {
        let config = try network.load()
        let lines = try HostTeardown(config: config,
                                     lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
            .run(force: force, dryRun: dryRun.enabled)
        let text = lines.isEmpty ? ["nothing to remove for network \(config.name)"] : lines
        return .init(output: text.joined(separator: "\n") + "\n")
    }
}
