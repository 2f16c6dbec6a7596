import Glibc

/// Runs a program synchronously with `posix_spawn` + `poll` + `waitpid`, within a
/// deadline.
///
/// Spawned from the calling thread, so the child starts in that thread's network
/// namespace (PLATFORM-NOTES: swift-subprocess and Foundation.Process spawn from other
/// threads and land children in the wrong netns).
///
/// The child starts as a program started from a shell would: every signal at its default
/// action and none blocked. flatnet ignores SIGPIPE, and exec keeps ignored signals
/// ignored and the mask as it was, so without this a child such as ebtables-restore
/// would inherit both. It also leads its own process group, so that a deadline kills
/// whatever it started too (a delegated IPAM plugin's helpers, a shell's commands).
public enum ChildProcess {
    public static let stderrLimit = 4096
    /// After SIGKILL at the deadline, how long to wait for the child to be reapable. A
    /// process in an uninterruptible kernel wait dies only when it leaves it: the error
    /// is thrown either way, and an unreaped child is reaped by init once flatnet exits.
    static let reapGraceMilliseconds = 2_000

    /// Runs `command` with `stdin` as its input; throws `.deadlineExceeded` (after killing
    /// it) when it has not exited and closed its output by its deadline.
    public static func run(
        _ command: ChildCommand, stdin: [UInt8]
    ) throws(ChildProcessError) -> ChildOutcome {
        let deadline = MonotonicClock.milliseconds() + command.deadlineMilliseconds
        var pipes: Pipes
        do { pipes = try Pipes() } catch { throw .systemCall(error) }
        defer { pipes.closeAll() }
        let pid = try spawn(command, pipes: pipes)
        pipes.closeChildEnds()
        let streams: Streams, status: Int32?
        do {
            streams = try pump(stdin: stdin, pipes: &pipes, until: deadline)
            status = streams.finished ? try reap(pid, until: deadline) : nil
        } catch {
            killAndReap(pid)
            throw error
        }
        let stderr = String(decoding: streams.stderr.suffix(stderrLimit), as: UTF8.self)
        guard let status else {
            killAndReap(pid)
            throw .deadlineExceeded(command: command.commandLine, milliseconds: command.deadlineMilliseconds,
                                    stderr: stderr)
        }
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildOutcome(status: exitStatus, stdout: streams.stdout, stderr: stderr)
    }

    private static func spawn(_ command: ChildCommand, pipes: Pipes) throws(ChildProcessError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes.input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, pipes.output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, pipes.errors.write, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        setDefaults(&attributes)
        let argv = ([command.path] + command.arguments).map { strdup($0) } + [nil]
        let envp = command.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command.path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw .systemCall(SystemCallError(call: "posix_spawn(\(command.path))", errno: result))
        }
        return pid
    }

    /// POSIX_SPAWN_SETSIGDEF with every signal (glibc's sigfillset leaves out its two
    /// internal ones), POSIX_SPAWN_SETSIGMASK with none, POSIX_SPAWN_SETPGROUP with 0
    /// (the child's own group).
    private static func setDefaults(_ attributes: inout posix_spawnattr_t) {
        var every = sigset_t(), none = sigset_t()
        sigfillset(&every)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &every)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP
        posix_spawnattr_setflags(&attributes, Int16(flags))
    }

    /// `waitpid(WNOHANG)` until the child has exited (its wait status) or the deadline
    /// passes (nil). A child that closed its pipes is a zombie within microseconds, so
    /// the pauses start short and grow.
    static func reap(_ pid: pid_t, until deadline: Int) throws(ChildProcessError) -> Int32? {
        var pause = 50
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return status }
            if result < 0 {
                guard errno == EINTR else {
                    throw .systemCall(SystemCallError(call: "waitpid", errno: errno))
                }
                continue
            }
            guard MonotonicClock.milliseconds() < deadline else { return nil }
            sleep(microseconds: pause)
            pause = min(pause * 2, 10_000)
        }
    }

    /// SIGKILL to the child's process group, then the child reaped (bounded). Called only
    /// before the child was reaped, so its pid cannot have been reused.
    static func killAndReap(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        _ = try? reap(pid, until: MonotonicClock.milliseconds() + reapGraceMilliseconds)
    }

    private static func sleep(microseconds: Int) {
        var request = timespec(tv_sec: 0, tv_nsec: microseconds * 1_000)
        _ = nanosleep(&request, nil)
    }
}
