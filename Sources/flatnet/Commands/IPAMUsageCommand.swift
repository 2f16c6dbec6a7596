import ArgumentParser
import FlatnetCore

/// `flatnet ipam usage`: how full each range is.
struct IPAMUsageCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Per range: addresses held of those it can hand out, with a bar.")

    static let needsRoot: String? = IPAMCommand.needsRoot

    @OptionGroup var network: NetworkFileOption
    @OptionGroup var json: JSONOption

    func execute() throws -> CommandOutcome {
        .init(output: try IPAMListing.usage(try IPAMCommand.pool(network, command: "ipam usage").1,
                                            json: json.enabled))
    }
}
