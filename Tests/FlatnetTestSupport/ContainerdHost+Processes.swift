import Foundation

/// Processes a ContainerdHost starts and finds: the daemon and ctr clients run in the
/// background, so each is started by a shell that prints its PID and leaves.
extension ContainerdHost {
    /// Starts `command` in the background (stdin /dev/null, stdout and stderr to `log`,
    /// so no pipe of ours is held open) and returns its PID (`exec` keeps it the same).
    static func background(_ command: String, log: String) throws -> pid_t {
        let outcome = try ProcessRunner.run(["/bin/sh", "-c", "(\(command)) < /dev/null > \(log) 2>&1 & echo $!"],
                                            environment: path)
        let printed = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard outcome.status == 0, let pid = pid_t(printed) else {
            throw FixtureError(command: command, stderr: outcome.stderr)
        }
        return pid
    }

    /// Polls `condition` every 50 ms for at most `seconds`: a fixture wait for a process
    /// that works in the background, never a timed assertion.
    public static func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    /// Whether process `pid` still runs: it exists and is not a zombie (a background
    /// process is reaped by whoever adopted it, not by us, and maybe not at once).
    public static func isRunning(_ pid: pid_t) -> Bool {
        guard let fields = statFields(of: pid), let state = fields.first else { return false }
        return state != "Z" && state != "X"
    }

    /// "device:inode" of a process's mount namespace, nil once it is gone.
    static func namespaceIdentity(of pid: pid_t) -> String? {
        var info = stat()
        return stat("/proc/\(pid)/ns/mnt", &info) == 0 ? "\(info.st_dev):\(info.st_ino)" : nil
    }

    /// The PIDs in /proc for which `include` holds.
    static func processes(where include: (pid_t) -> Bool) -> Set<pid_t> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return Set(names.compactMap { pid_t($0) }.filter(include))
    }

    /// The parent PID, from /proc/PID/stat.
    static func parent(of pid: pid_t) -> pid_t? {
        guard let fields = statFields(of: pid), fields.count > 1 else { return nil }
        return pid_t(fields[1])
    }

    /// /proc/PID/stat's fields after the parenthesised name: state, parent PID, ...
    static func statFields(of pid: pid_t) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    static func read(_ file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
}
