import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet who ADDRESS [--at TIME] [--conf FILE | --log FILE] [--json]`: which container
/// held the address then, from the audit log (and, with --conf, the pool's lease now).
struct WhoCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "who",
        abstract: "Which container held an address, when: from the audit log.",
        usage: "flatnet who <address> [--at <time>] [--conf <file> | --log <file>] [--json]",
        discussion: """
            Which container (and pod) held ADDRESS at TIME (default now) and since when, from the \
            audit log (with --conf: the network's logFile and its lease now); exit 1 when no one \
            did or the log cannot tell.
            """)

    @Argument(help: ArgumentHelp("The IP address.", valueName: "address"))
    var address: String
    @Option(help: ArgumentHelp("When: RFC 3339 (2026-12-03T11:40:02Z) or a date (2026-12-03); default now.",
                               valueName: "time"))
    var at: String?
    @Option(help: ArgumentHelp("The network's configuration: its logFile, its lease now, that network only.",
                               valueName: "file"))
    var conf: String?
    @Option(help: ArgumentHelp("The audit log to read (default: the network's logFile, else"
                               + " \(AuditSettings.defaultFile)).", valueName: "file"))
    var log: String?
    @OptionGroup var json: JSONOption

    func validate() throws {
        guard IPAddress(address) != nil else {
            throw ValidationError("\"\(address.bounded(80))\" is not an IP address")
        }
        if conf != nil && log != nil { throw ValidationError("takes --conf or --log, not both") }
        if let at, AuditTime.parse(at) == nil {
            throw ValidationError("--at \"\(at.bounded(80))\" is not a time like 2026-12-03T11:40:02Z")
        }
    }

    func execute() throws -> CommandOutcome {
        guard let address = IPAddress(address) else { throw UsageError("needs one IP address") }
        let now = AuditTrail.now()
        let time = at.flatMap(AuditTime.parse) ?? now
        let config = try conf.map(OperatorCommandLine.loadConfig)
        let logPath = try Self.logFile(log, config: config)
        var history = AddressHistory(address: address, network: config?.name)
        // A log that cannot be read (EACCES for a user outside its group) is an error, never
        // an empty history: "no one held it" must mean the log says so.
        let files = try AuditLogFile.files(of: logPath)
        guard !files.isEmpty else {
            throw CNIError(.ioFailure, "no audit log at \(logPath)",
                           details: "nothing was logged on this host yet, or the log is elsewhere (--log FILE)")
        }
        for file in files {
            guard let text = try StateFiles.read(file) else { continue }
            history.read(text.split(separator: "\n", omittingEmptySubsequences: false))
        }
        let lease = try config.flatMap { try Self.currentLease(of: address, in: $0) }
        let report = WhoReport(history: history, at: time, lease: lease, now: now, files: files)
        return .init(output: json.enabled ? report.json.prettyPrinted() + "\n" : report.text,
                     status: report.found ? 0 : 1)
    }

    /// --log, else the network's logFile, else the default.
    static func logFile(_ explicit: String?, config: NetworkConfig?) throws -> String {
        if let explicit { return explicit }
        guard let config else { return AuditSettings.defaultFile }
        guard let file = config.audit.file else {
            throw CNIError(.invalidNetworkConfig,
                           "network \(config.name) keeps no audit log file (logFile is \"\")",
                           details: "give the file with --log FILE")
        }
        return file
    }

    static func currentLease(of address: IPAddress, in config: NetworkConfig) throws -> PoolLease? {
        guard let poolConfig = config.ipam.pool else { return nil }
        let timeout = PoolIPAM.defaultLockTimeoutMilliseconds
        guard poolConfig.store == nil else {
            // The cluster store keeps no lease age; this node's lease of the address, if any.
            let pool = try IPAMClient.ownPool(network: config, pool: poolConfig, lockTimeoutMilliseconds: timeout)
            return try pool.nodeLeases().first { $0.address == address }
                .map { PoolLease(address: $0.address, owner: $0.owner, ageSeconds: 0) }
        }
        let pool = PoolIPAM(network: config, pool: poolConfig, lockTimeoutMilliseconds: timeout)
        return try pool.leases().leases.first { $0.address == address }
    }
}
