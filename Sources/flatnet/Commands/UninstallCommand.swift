import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet uninstall`: undoes `flatnet install` under the same root, from its manifest.
struct UninstallCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove what `flatnet install` put in place.",
        usage: "flatnet uninstall [--root <dir>]",
        discussion: """
            Removes each file and link ROOT/etc/flatnet/install-manifest lists, then the \
            manifest, then the directories install created if they are empty. A file changed \
            since install wrote it (or a link pointing elsewhere) is kept and named. Without a \
            manifest there is nothing to do (exit 0). Leases, bridges and rules stay: \
            `flatnet teardown --conf FILE` removes a network from a host.
            """)

    @OptionGroup var root: InstallRootOption

    func execute() throws -> CommandOutcome {
        let report = try Uninstaller(installer: Installer(root: root.path)).uninstall()
        return .init(output: report.joined(separator: "\n") + "\n")
    }
}
