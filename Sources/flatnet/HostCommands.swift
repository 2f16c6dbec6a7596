import FlatnetCore
import FlatnetSystem

/// `flatnet teardown` and `flatnet repair`: the network's host side, on this host.
enum HostCommands {
    static let teardownSpec = CommandOptions.Spec(command: "teardown", values: ["--conf"],
                                                  flags: ["--force", "--dry-run"])

    static func teardown(_ arguments: [String]) throws -> OperatorCommandLine.Outcome {
        let options = try CommandOptions.parse(arguments, teardownSpec)
        let config = try OperatorCommandLine.loadConfig(try options.required("--conf", teardownSpec))
        let lines = try HostTeardown(config: config,
                                     lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
            .run(force: options.has("--force"), dryRun: options.has("--dry-run"))
        let text = lines.isEmpty ? ["nothing to remove for network \(config.name)"] : lines
        return .init(output: text.joined(separator: "\n") + "\n")
    }

    static let repairSpec = CommandOptions.Spec(command: "repair", values: ["--conf"], flags: ["--dry-run"])

    /// `flatnet repair` (alias `setup`): the network's full host setup now, as the next
    /// ADD would run it, and what it changed (`HostRepair`).
    static func repair(_ arguments: [String]) throws -> OperatorCommandLine.Outcome {
        let options = try CommandOptions.parse(arguments, repairSpec)
        let path = try options.required("--conf", repairSpec)
        let repair = HostRepair(config: try OperatorCommandLine.loadConfig(path), confPath: path)
        if options.has("--dry-run") { return .init(output: try repair.preview()) }
        let (text, status) = try repair.run()
        return .init(output: text, status: status)
    }
}
