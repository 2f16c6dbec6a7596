import FlatnetCore

/// `flatnet repair --conf FILE [--dry-run]` (alias `setup`): the network's full host setup
/// run now, as the next ADD would run it (the ready stamp is dropped first, so everything
/// is verified, not trusted), between two doctor readings that say what it changed. For
/// a host where no ADD comes, e.g. a Kubernetes node that a failing STATUS took out of
/// scheduling, and for what doctor's fixes name.
public struct HostRepair {
    public let config: NetworkConfig
    /// The netconf file, named in the fixes printed.
    public let confPath: String
    public let lockTimeoutMilliseconds: Int

    public init(config: NetworkConfig, confPath: String,
                lockTimeoutMilliseconds: Int = PoolIPAM.defaultLockTimeoutMilliseconds) {
        self.config = config
        self.confPath = confPath
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
    }

    /// What repair would change, changing nothing.
    public func preview() throws -> String {
        RepairReport.preview(config, before: try doctor())
    }

    /// Runs the setup; the report and the exit status (1 when a problem setup owns is
    /// still there afterwards). A setup that refuses throws, as ADD's would.
    public func run() throws -> (text: String, status: Int32) {
        let before = try doctor()
        let setup = HostSetup(config: config, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
        try setup.invalidate()
        _ = try setup.ensure(socket: try NetlinkSocket())
        return RepairReport.outcome(config, before: before, after: try doctor())
    }

    func doctor() throws -> DoctorReport {
        DoctorReport(config, try DoctorProbe.observe(config), confPath: confPath)
    }
}
