import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet repair` (alias `setup`): the network's full host setup now, as the next ADD
/// would run it, and what it changed (`HostRepair`, with a doctor reading before and
/// after). For hosts where no ADD comes, e.g. a Kubernetes node that a failing STATUS
/// took out of scheduling, and the fix doctor names for what setup converges.
struct RepairCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Converge the network's host setup now, as ADD would.",
        discussion: """
            Run the network's host setup now, as the next ADD would, without a container: it \
            creates what is missing and repairs what drifted (a re-created docker0, a deleted \
            bridge, flushed rules, a changed uplink or MTU). Prints what it repaired, what it \
            leaves (with each fix), and exits 1 when a problem setup owns is still there. \
            --dry-run says what it would change. `flatnet setup` is the same command.
            """,
        aliases: ["setup"])

    static let needsRoot: String? = "it changes links, addresses and rules"

    @OptionGroup var network: NetworkFileOption
    @OptionGroup var dryRun: DryRunOption

    func execute() throws -> CommandOutcome {
        let repair = HostRepair(config: try network.load(), confPath: network.path)
        if dryRun.enabled { return .init(output: try repair.preview()) }
        let (text, status) = try repair.run()
        return .init(output: text, status: status)
    }
}
