import FlatnetCore
import FlatnetSystem

/// `flatnet teardown` and `flatnet setup`: the network's host side, on this host.
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

    static let setupSpec = CommandOptions.Spec(command: "setup", values: ["--conf"])

    /// Runs the network's full host setup now, as the next ADD would (it also repairs what
    /// drifted: a re-created docker0, a deleted bridge). For hosts where no ADD comes,
    /// e.g. a Kubernetes node that a failing STATUS took out of scheduling.
    static func setup(_ arguments: [String]) throws -> OperatorCommandLine.Outcome {
        let options = try CommandOptions.parse(arguments, setupSpec)
        let config = try OperatorCommandLine.loadConfig(try options.required("--conf", setupSpec))
        let setup = HostSetup(config: config,
                              lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
        try setup.invalidate()
        _ = try setup.ensure(socket: try NetlinkSocket())
        return .init(output: "network \(config.name): host setup in place on \(config.bridge)\n")
    }
}
