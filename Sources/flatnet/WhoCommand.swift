import FlatnetCore
import FlatnetSystem

/// `flatnet who ADDRESS [--at TIME] [--conf FILE | --log FILE] [--json]`: which container
/// held the address then, from the audit log (and, with --conf, the pool's lease now).
enum WhoCommand {
    static let spec = CommandOptions.Spec(command: "who", values: ["--at", "--conf", "--log"], flags: ["--json"],
                                          positionals: true)

    static func run(_ arguments: [String]) throws -> OperatorCommandLine.Outcome {
        let options = try CommandOptions.parse(arguments, spec)
        guard options.positionals.count == 1, let address = IPAddress(options.positionals[0]) else {
            throw UsageError("who needs one IP address (got \(options.positionals.count) arguments)", spec)
        }
        let now = AuditTrail.now()
        let at = try options.value("--at").map { text throws(UsageError) in
            guard let time = AuditTime.parse(text) else {
                throw UsageError("who: --at \"\(text.bounded(80))\" is not a time like 2026-12-03T11:40:02Z", spec)
            }
            return time
        } ?? now
        let config = try options.value("--conf").map(OperatorCommandLine.loadConfig)
        let logPath = try logFile(options.value("--log"), config: config)
        var history = AddressHistory(address: address, network: config?.name)
        let files = AuditLogFile.files(of: logPath)
        for file in files {
            guard let text = try StateFiles.read(file) else { continue }
            history.read(text.split(separator: "\n", omittingEmptySubsequences: false))
        }
        let lease = try config.flatMap { try currentLease(of: address, in: $0) }
        let report = WhoReport(history: history, at: at, lease: lease, now: now, files: files)
        return .init(output: options.has("--json") ? report.json.prettyPrinted() + "\n" : report.text,
                     status: report.found ? 0 : 1)
    }

    /// --log, else the network's logFile, else the default.
    static func logFile(_ explicit: String?, config: NetworkConfig?) throws -> String {
        if let explicit { return explicit }
        guard let config else { return AuditSettings.defaultFile }
        guard let file = config.audit.file else {
            throw CNIError(.invalidNetworkConfig, "network \(config.name) keeps no audit log file (logFile is \"\")",
                           details: "give the file with --log FILE")
        }
        return file
    }

    static func currentLease(of address: IPAddress, in config: NetworkConfig) throws -> PoolLease? {
        guard let poolConfig = config.ipam.pool else { return nil }
        let pool = PoolIPAM(network: config, pool: poolConfig,
                            lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
        return try pool.leases().leases.first { IPAddress.v4($0.address) == address }
    }
}
