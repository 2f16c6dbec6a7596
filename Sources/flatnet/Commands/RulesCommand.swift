import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet rules`: the network's ebtables rules (pasteable commands or a restore batch)
/// and its port security table (`nft -f` script); per-container elements are in
/// `flatnet plan`.
struct RulesCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "The network's ebtables rules and port security table.",
        discussion: """
            The network's ebtables rules and port security table: shell commands to review and \
            paste (both), a batch for ebtables-restore --noflush, or a script for nft -f -
            """)

    /// What `--format` takes.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case commands, restore, nft
    }

    @OptionGroup var network: NetworkFileOption
    @Option(help: ArgumentHelp("commands: shell commands (both); restore: a batch for ebtables-restore"
                               + " --noflush; nft: a script for nft -f -."))
    var format = Format.commands

    func execute() throws -> CommandOutcome {
        let config = try network.load()
        let portSecurity = PortSecurityRules.make(for: config)
        let header = "# port security of network \(config.name)\n"
        if format == .nft {
            return .init(output: portSecurity.map { header + $0.script() } ?? Self.noPortSecurity(config))
        }
        let nftSection = portSecurity.map {
            header + TextWrapping.wrapScript(HostStep.ensurePortSecurity($0).ipCommand) + "\n"
        }
            ?? Self.noPortSecurity(config)
        guard let rules = ContainmentRules.make(for: config) else {
            let none = "# network \(config.name) has no metadata block:"
                + " flatnet installs no ebtables rules for it\n"
            return .init(output: format == .restore ? none : none + nftSection)
        }
        if format == .restore {
            let batch = RuleConvergence.batch(desired: rules, live: LiveRules(saveOutput: "")) ?? ""
            return .init(output: "# for: ebtables-restore --noflush\n" + batch)
        }
        return .init(output: "# ebtables rules of network \(config.name)\n"
            + TextWrapping.wrapScript(HostStep.ensureRules(rules).ipCommand) + "\n" + nftSection)
    }

    static func noPortSecurity(_ config: NetworkConfig) -> String {
        "# network \(config.name) has \"portSecurity\": false: no port security table (unsafe)\n"
    }
}
