import FlatnetCore
import Foundation

/// A private containerd 1.6 (Debian's) playing one host of a Topology, driven with `ctr`
/// (TESTING.md "Real clients"). The daemon runs in the host's network namespace and in a
/// mount namespace of its own (ContainerdHost+Setup.swift); every ctr call enters both,
/// so the daemon, its shims and ctr's CNI calls all see one /etc/cni/net.d and one
/// libcni result cache. Stopping kills, by PID, everything in that mount namespace and
/// the containers the shims started.
public final class ContainerdHost: @unchecked Sendable {  // immutable after init
    public let host: String
    /// Root, state, socket, config and the daemon's log.
    public let directory: String
    public let daemon: pid_t
    let topology: Topology
    /// The daemon's mount namespace ("device:inode"), read once it serves.
    let mountNamespace: String
    static let path = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]

    /// Starts the daemon and waits (a fixture wait, at most 20 s) until its socket serves.
    public init(_ topology: Topology, host: String, binary: String) throws {
        self.topology = topology
        self.host = host
        directory = topology.stateDirectory + "/containerd-" + host
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.configuration(directory: directory).write(toFile: directory + "/config.toml", atomically: true,
                                                           encoding: .utf8)
        let script = Self.startScript(directory: directory, hostNamespace: topology.namespace(host), binary: binary)
        try script.write(toFile: directory + "/start.sh", atomically: true, encoding: .utf8)
        let log = directory + "/containerd.log"
        daemon = try Self.background("exec unshare --mount sh \(directory)/start.sh", log: log)
        let socket = directory + "/containerd.sock"
        guard Self.waitUntil(seconds: 20, { FileManager.default.fileExists(atPath: socket) }),
              let namespace = Self.namespaceIdentity(of: daemon),
              namespace != Self.namespaceIdentity(of: getpid()) else {
            if Self.isRunning(daemon) { kill(daemon, SIGKILL) }
            throw FixtureError(command: "containerd on \(host)", stderr: Self.read(log))
        }
        mountNamespace = namespace
    }

    deinit { stop() }

    /// `ctr ARGS...` against this host's daemon, in its network and mount namespaces.
    @discardableResult
    public func ctr(_ arguments: String...) throws -> ProcessOutcome { try ctr(arguments) }

    @discardableResult
    public func ctr(_ arguments: [String]) throws -> ProcessOutcome {
        try ProcessRunner.run(enter() + arguments, environment: Self.path)
    }

    /// A shell command in the daemon's mount namespace (to read or place files there).
    public func shell(_ command: String) throws -> ProcessOutcome {
        try ProcessRunner.run(["/usr/bin/nsenter", "-t", "\(daemon)", "--mount", "sh", "-c", command],
                              environment: Self.path)
    }

    /// Places a conflist where ctr looks for it, under its own name, and returns the path
    /// of a copy outside the mount namespace (for the operator commands).
    @discardableResult
    public func install(conflist: String, as name: String) throws -> String {
        let staged = directory + "/" + name
        try conflist.write(toFile: staged, atomically: true, encoding: .utf8)
        let outcome = try shell("cp \(staged) /etc/cni/net.d/\(name)")
        guard outcome.status == 0 else { throw FixtureError(command: "install \(name)", stderr: outcome.stderr) }
        return staged
    }

    /// `ctr run --rm --cni` in the foreground, as a background process: ctr 1.6 runs CNI
    /// DEL only when the task it waits for exits (`-d` and `ctr task kill` never run it).
    /// Returns ctr's PID; its output goes to DIRECTORY/ID.out.
    public func run(_ id: String, rootfs: String, _ command: String...) throws -> pid_t {
        let argv = runArguments(id, rootfs: rootfs, command)
        return try Self.background("exec " + argv.joined(separator: " "), log: directory + "/\(id).out")
    }

    /// `ctr run --rm --cni` waited for, or with `detached` `ctr run -d --cni` (which returns
    /// once the task has started).
    public func runToEnd(_ id: String, rootfs: String, detached: Bool = false, _ command: String...) throws
        -> ProcessOutcome {
        try ProcessRunner.run(runArguments(id, rootfs: rootfs, command, detached: detached), environment: Self.path)
    }

    /// Each container in a cgroup of its own (runc needs one), named after the topology so
    /// that stop() can find any a killed run left. A relative path: runc puts it under its
    /// own cgroup in each hierarchy, so the containers stay inside this run's limits.
    func runArguments(_ id: String, rootfs: String, _ command: [String], detached: Bool = false) -> [String] {
        let cgroup = cgroupName + "-" + id
        let lifetime = detached ? "-d" : "--rm"
        return enter() + ["run", lifetime, "--cni", "--null-io", "--cgroup", cgroup, "--rootfs", rootfs, id] + command
    }

    /// ctr's view of the container's task: its status (RUNNING, STOPPED), nil if none.
    public func taskStatus(_ id: String) throws -> String? {
        let rows = try ctr("task", "ls").stdout.split(separator: "\n").map { $0.split(separator: " ") }
        return rows.first { $0.first.map(String.init) == id }?.last.map(String.init)
    }

    /// What the background `ctr run` of container `id` printed.
    public func output(of id: String) -> String { Self.read(directory + "/\(id).out") }

    /// What stop() should have removed and did not: processes still in the daemon's mount
    /// namespace, and this host's cgroups.
    public func leftovers() -> [String] {
        let processes = members().map { "process \($0)" }
        let cgroups = (try? ProcessRunner.run(["/usr/bin/find"] + cgroupSearch, environment: Self.path).stdout) ?? ""
        return processes + cgroups.split(separator: "\n").map { "cgroup " + $0 }
    }

    func enter() -> [String] {
        ["/usr/bin/nsenter", "-t", "\(daemon)", "--mount", "--net", "ctr", "--address", directory + "/containerd.sock"]
    }

    /// Kills the containers the shims started, then the shims, ctr clients and the daemon
    /// (everything in its mount namespace), each by PID with SIGKILL; then removes the
    /// cgroups runc left for them (runc removes a container's own when ctr deletes it).
    public func stop() {
        let running = members()
        let containers = Self.processes { pid in Self.parent(of: pid).map(running.contains) ?? false }
        for pid in containers.subtracting(running) { kill(pid, SIGKILL) }
        for pid in running { kill(pid, SIGKILL) }  // the daemon among them, unless it died
        _ = Self.waitUntil(seconds: 10) { members().isEmpty }
        _ = try? ProcessRunner.run(["/usr/bin/find"] + cgroupSearch + ["-delete"], environment: Self.path)
    }

    /// The processes in the daemon's mount namespace.
    func members() -> Set<pid_t> { Self.processes { Self.namespaceIdentity(of: $0) == mountNamespace } }

    var cgroupName: String { "flatnet-\(topology.prefix)-\(host)" }

    /// find(1) arguments matching this host's container cgroups, in every hierarchy.
    var cgroupSearch: [String] { ["/sys/fs/cgroup", "-maxdepth", "6", "-type", "d", "-name", cgroupName + "-*"] }
}
