import ArgumentParser
import FlatnetCore

/// `flatnet ipam list`: the pool's leases.
struct IPAMListCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The pool's leases: address, container, ifname, age.",
        discussion: """
            The pool's leases: address, container, ifname, age; exit 1 when some lease cannot be \
            read (named as a problem). Container ids longer than the table allows are shortened \
            to their first 12 characters (as docker ps shows them); --no-trunc or --json prints \
            them whole. For a network whose pool is in the cluster store (ipam.store), every \
            host's leases, with the node that holds each and the workload it is reserved for.
            """)

    static let needsRoot: String? = IPAMCommand.needsRoot

    @OptionGroup var network: NetworkFileOption
    @OptionGroup var json: JSONOption
    @Flag(name: .customLong("no-trunc"), help: "Print whole container ids, however wide the table gets.")
    var noTruncation = false

    func execute() throws -> CommandOutcome {
        if case (_, let cluster?) = try IPAMCommand.clusterPool(network) {
            return try ClusterListing.list(cluster, json: json.enabled)
        }
        return try IPAMListing.list(try IPAMCommand.pool(network, command: "ipam list").1, json: json.enabled,
                                    truncate: !noTruncation)
    }
}
