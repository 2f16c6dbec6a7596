import ArgumentParser
import FlatnetCore

/// `flatnet` without CNI_COMMAND: the operator commands. Adding a command: write its file
/// in Commands/ (a `ParsableCommand` conforming to `OperatorCommand`) and add its type to
/// one group below; help, completions, the man page and "did you mean" follow.
struct FlatnetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flatnet",
        abstract: "A CNI plugin for flat layer-2 networks, and its operator commands.",
        usage: "flatnet <command> [options]",
        discussion: """
            As a CNI plugin, flatnet is run by a container runtime with CNI_COMMAND set (ADD, DEL, \
            CHECK, STATUS, GC, VERSION) and the network configuration on stdin. Without CNI_COMMAND \
            it runs the commands below. `flatnet help <command>` or `flatnet <command> --help` \
            explains one; `flatnet --version` is `flatnet version`.

            Unknown options and stray arguments are usage errors. --dry-run prints "would ..." \
            lines and changes nothing. Exit status: 0 success, 1 the command failed or found \
            problems (the reason on stderr), 2 usage error, 3 (doctor) the network is not set up \
            on this host.
            """,
        subcommands: [GenerateManualCommand.self],
        groupedSubcommands: [
            CommandGroup(name: "Read-only", subcommands: [
                PlanCommand.self, RulesCommand.self, DoctorCommand.self, WhoCommand.self, VersionCommand.self,
            ]),
            CommandGroup(name: "Address pool", subcommands: [IPAMCommand.self]),
            CommandGroup(name: "Configuration file", subcommands: [NetconfCommand.self]),
            CommandGroup(name: "Host-changing", subcommands: [
                RepairCommand.self, TeardownCommand.self, InstallCommand.self, UninstallCommand.self,
            ]),
        ]
    )

    /// Without arguments: the about line the CNI library prints, then the short help, on
    /// stderr (stdout stays empty, as a runtime probing the plugin expects).
    func run() throws {
        throw AboutRequested()
    }
}

/// `flatnet` with no arguments at all (see `FlatnetCommand.run`).
struct AboutRequested: Error {}
