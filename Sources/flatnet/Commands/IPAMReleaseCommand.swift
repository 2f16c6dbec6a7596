import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet ipam release`: one lease, by owner or by address.
struct IPAMReleaseCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release one lease by owner or by address.",
        usage: "flatnet ipam release --conf <file> (--container <id> [--ifname <name>] | --address <ip>)"
            + " [--dry-run]",
        discussion: "Release one lease by owner (--container, with --ifname when it is not eth0) or by"
            + " address (--address): one of the two. Says what happened: released (and whose it was),"
            + " not held (exit 0), or an address outside the subnet (exit 1).")

    static let needsRoot: String? = "it changes the pool's leases"

    @OptionGroup var network: NetworkFileOption
    @Option(help: ArgumentHelp("The owner's container id.", valueName: "id"))
    var container: String?
    @Option(help: ArgumentHelp("The owner's interface (default: eth0); only with --container.",
                               valueName: "name"))
    var ifname: String?
    @Option(help: ArgumentHelp("The leased address (IPv4 or IPv6).", valueName: "ip"))
    var address: String?
    @OptionGroup var dryRun: DryRunOption

    func validate() throws {
        switch (container, address) {
        case (nil, nil): throw ValidationError("needs --container ID [--ifname NAME] or --address IP")
        case (.some, .some): throw ValidationError("takes --container or --address, not both")
        default: break
        }
        if ifname != nil && container == nil { throw ValidationError("--ifname goes with --container") }
        if let address, IPAddress(address) == nil {
            throw ValidationError("--address \(address.bounded(80)) is not an IP address")
        }
    }

    /// Says what happened (`IPAMReleaseOutcome`): released and whose it was, not held
    /// (exit 0: a release is idempotent), or an address outside the subnet (exit 1).
    /// A release is written to the network's audit log (`flatnet who` reads it).
    func execute() throws -> CommandOutcome {
        let (config, pool) = try IPAMCommand.pool(network)
        let outcome: IPAMReleaseOutcome
        if let text = address, let address = IPAddress(text) {
            outcome = try pool.operatorRelease(address: address, dryRun: dryRun.enabled)
        } else {
            let owner = Attachment(containerID: container ?? "", ifName: ifname ?? "eth0")
            outcome = try pool.operatorRelease(owner: owner, dryRun: dryRun.enabled)
        }
        if case .released(let addresses, let owner, dryRun: false) = outcome {
            for address in addresses {
                AuditTrail.recordRelease(config, verb: "ipam release", owner: owner, address: address.description)
            }
        }
        return .init(output: outcome.text + "\n")
    }
}
