import ArgumentParser
import FlatnetCore

/// `flatnet ipam usage`: how full each range is.
struct IPAMUsageCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Per range: addresses held of those it can hand out, with a bar.",
        discussion: "For a pool in the cluster store (ipam.store): every host's leases and reserved"
            + " addresses, per range of the cluster's ranges.")

    static let needsRoot: String? = IPAMCommand.needsRoot

    @OptionGroup var network: NetworkFileOption
    @OptionGroup var json: JSONOption

    func execute() throws -> CommandOutcome {
        if case (_, let cluster?) = try IPAMCommand.clusterPool(network) {
            return .init(output: try ClusterListing.usage(cluster, json: json.enabled))
        }
        return .init(output: try IPAMListing.usage(try IPAMCommand.pool(network, command: "ipam usage").1,
                                                   json: json.enabled))
    }
}
