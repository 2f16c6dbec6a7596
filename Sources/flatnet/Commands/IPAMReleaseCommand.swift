import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet ipam release`: one lease, by owner or by address.
struct IPAMReleaseCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release one lease by owner or by address.",
        usage: "flatnet ipam release --conf <file> (--container <id> [--ifname <name>] | --address <ip>"
            + " | --node <name>) [--dry-run]",
        discussion: "Release one lease by owner (--container, with --ifname when it is not eth0) or by"
            + " address (--address): one of the two. Says what happened: released (and whose it was),"
            + " not held (exit 0), or an address outside the subnet (exit 1). For a pool in the cluster"
            + " store, --node releases every lease a node holds (a node that died; reserved workloads"
            + " keep their addresses).")

    static let needsRoot: String? = "it changes the pool's leases"

    @OptionGroup var network: NetworkFileOption
    @Option(help: ArgumentHelp("The owner's container id.", valueName: "id"))
    var container: String?
    @Option(help: ArgumentHelp("The owner's interface (default: eth0); only with --container.",
                               valueName: "name"))
    var ifname: String?
    @Option(help: ArgumentHelp("The leased address (IPv4 or IPv6).", valueName: "ip"))
    var address: String?
    @Option(help: ArgumentHelp("Every lease of this node (cluster store only).", valueName: "name"))
    var node: String?
    @OptionGroup var dryRun: DryRunOption

    func validate() throws {
        switch [container, address, node].compactMap({ $0 }).count {
        case 0: throw ValidationError("needs --container ID [--ifname NAME], --address IP or --node NAME")
        case 1: break
        default: throw ValidationError("takes one of --container, --address and --node")
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
        if case (_, let cluster?) = try IPAMCommand.clusterPool(network) {
            return try releaseInCluster(cluster)
        }
        if node != nil {
            throw CNIError(.invalidNetworkConfig, "--node releases leases of a pool in the cluster store",
                           details: "this network's pool is on this host's disk: every lease is this node's")
        }
        let (config, pool) = try IPAMCommand.pool(network)
        let outcome: IPAMReleaseOutcome
        if let text = address, let address = IPAddress(text) {
            outcome = try pool.operatorRelease(address: address, dryRun: dryRun.enabled)
        } else {
            let owner = Attachment(containerID: container ?? "", ifName: ifname ?? "eth0")
            outcome = try pool.operatorRelease(owner: owner, dryRun: dryRun.enabled)
        }
        if case .released(let addresses, let owner, dryRun: false, _) = outcome {
            for address in addresses {
                AuditTrail.recordRelease(config, verb: "ipam release", owner: owner, address: address.description)
            }
        }
        return .init(output: outcome.text + "\n")
    }

    /// The cluster store's release: by node, by owner, or by address (its holder's DEL).
    func releaseInCluster(_ pool: ClusterPool) throws -> CommandOutcome {
        let verb = dryRun.enabled ? "would release" : "released"
        if let node {
            let owners = try pool.releaseNode(node, dryRun: dryRun.enabled)
            let lines = owners.map { "\(verb) \($0.containerID) \($0.ifName) (node \(node))\n" }
            return .init(output: lines.joined()
                + "\(owners.count) attachment(s) of node \(node)\n")
        }
        var owner = Attachment(containerID: container ?? "", ifName: ifname ?? "eth0")
        if let text = address, let address = IPAddress(text) {
            let lease = try pool.leases().first { $0.address == address }
            guard let holder = lease?.record?.owner else {
                let reserved = lease?.record?.workload
                    .map { ": reserved for \($0) (flatnet ipam reservations)" }
                return .init(output: "\(address) is not held by any container\(reserved ?? "")\n")
            }
            owner = holder
        }
        guard let held = try pool.heldAddresses(of: owner) else {
            return .init(output: "\(owner.containerID) \(owner.ifName) holds no address\n")
        }
        if !dryRun.enabled { try pool.release(for: owner, anyNode: true) }
        let addresses = held.map(\.description).joined(separator: ", ")
        return .init(output: "\(verb) \(addresses) of \(owner.containerID)"
            + " \(owner.ifName)\n")
    }
}
