/// Where a network's audit log goes (README "Audit log"): netconf keys `logFile`,
/// `logSyslog`, `logMaxBytes`, `logKeep`, at the top level of the plugin object.
public struct AuditSettings: Equatable, Sendable {
    public static let defaultFile = "/var/log/flatnet/audit.log"
    public static let defaultMaxBytes = 10 * 1024 * 1024
    public static let defaultKeep = 5
    public static let keys: Set<String> = ["logFile", "logSyslog", "logMaxBytes", "logKeep"]

    /// The JSON-lines file; nil when `logFile` is "" (file logging off).
    public var file: String? = AuditSettings.defaultFile
    /// Also send each line to the local syslog (facility daemon, tag flatnet).
    public var syslog = false
    /// The file is rotated (`.1`, `.2`, ...) before a write would find it this big. On the
    /// default file, values below the defaults are raised to them (shared by networks).
    public var maxBytes = AuditSettings.defaultMaxBytes
    /// Rotated files kept besides the live one.
    public var keep = AuditSettings.defaultKeep

    public init() {}

    public var isOff: Bool { file == nil && !syslog }

    /// The settings a call's stdin names, for the log line written whatever became of the
    /// call: fields that are missing or invalid keep their defaults (the call itself
    /// reports invalid ones: `NetworkConfigParser` reads them strictly).
    public static func lenient(_ document: JSONValue?) -> AuditSettings {
        guard let members = document?.objectValue else { return AuditSettings() }
        return read(ObjectReader(members: members, path: "", log: ProblemLog()))
    }

    /// Reads the keys from the plugin object, recording a problem for each bad one.
    static func read(_ top: ObjectReader) -> AuditSettings {
        var settings = AuditSettings()
        if let file = top.string("logFile") {
            let problems = ProblemLog()
            PoolValidator.checkStatePath(file, field: "logFile", log: problems)
            if file.isEmpty {
                settings.file = nil
            } else if problems.isEmpty {
                settings.file = file
            } else {
                problems.problems.forEach { top.log.add($0.path, $0.message) }
            }
        }
        settings.syslog = top.bool("logSyslog") ?? false
        settings.maxBytes = top.integer("logMaxBytes", in: 4096...(1 << 30), what: "log size in bytes")
            ?? defaultMaxBytes
        settings.keep = top.integer("logKeep", in: 1...100, what: "number of rotated logs") ?? defaultKeep
        // Every network shares the default file: one netconf may keep more of it, never
        // less, or it could rotate the others' history away (a Multus attachment
        // definition is enough to set these keys).
        if settings.file == defaultFile {
            settings.maxBytes = max(settings.maxBytes, defaultMaxBytes)
            settings.keep = max(settings.keep, defaultKeep)
        }
        return settings
    }
}
