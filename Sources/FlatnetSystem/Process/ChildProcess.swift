import Glibc

/// What a finished child printed and how it ended.
public struct ChildOutcome: Sendable {
    public let status: Int32
    public let stdout: [UInt8]
    /// The last `stderrLimit` bytes of stderr: enough to explain a failure, bounded so a
    /// chatty child cannot balloon an error message.
    public let stderr: String
}

/// Runs a program synchronously with `posix_spawn` + `poll` + `waitpid`.
///
/// Spawned from the calling thread, so the child starts in that thread's network
/// namespace (PLATFORM-NOTES: swift-subprocess and Foundation.Process spawn from other
/// threads and land children in the wrong netns).
public enum ChildProcess {
    public static let stderrLimit = 4096

    public static func run(
        _ path: String, arguments: [String], environment: [String: String], stdin: [UInt8]
    ) throws(SystemCallError) -> ChildOutcome {
        var pipes = try Pipes()
        defer { pipes.closeAll() }
        let pid = try spawn(path, arguments: arguments, environment: environment, pipes: pipes)
        pipes.closeChildEnds()
        let (stdout, stderr) = try pump(stdin: stdin, pipes: &pipes)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SystemCallError(call: "waitpid(\(path))", errno: errno) }
        }
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildOutcome(status: exitStatus, stdout: stdout,
                            stderr: String(decoding: stderr.suffix(stderrLimit), as: UTF8.self))
    }

    private static func spawn(
        _ path: String, arguments: [String], environment: [String: String], pipes: Pipes
    ) throws(SystemCallError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes.input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, pipes.output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, pipes.errors.write, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw SystemCallError(call: "posix_spawn(\(path))", errno: result) }
        return pid
    }

    /// Feeds stdin and drains stdout and stderr together, so neither side can block on a
    /// full pipe while the other waits.
    private static func pump(
        stdin: [UInt8], pipes: inout Pipes
    ) throws(SystemCallError) -> ([UInt8], [UInt8]) {
        var pending = stdin[...], stdout: [UInt8] = [], stderr: [UInt8] = []
        if pending.isEmpty { pipes.closeInput() }
        while pipes.output.read >= 0 || pipes.errors.read >= 0 {
            var fds = [pollfd(fd: pipes.input.write, events: Int16(POLLOUT), revents: 0),
                       pollfd(fd: pipes.output.read, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: pipes.errors.read, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 3, -1) >= 0 || errno == EINTR else {
                throw SystemCallError(call: "poll", errno: errno)
            }
            if fds[0].revents != 0 {
                let written = pending.withUnsafeBytes { write(pipes.input.write, $0.baseAddress, $0.count) }
                if written > 0 { pending = pending.dropFirst(written) }
                if written < 0 || pending.isEmpty { pipes.closeInput() }
            }
            if fds[1].revents != 0 { drain(&pipes.output.read, into: &stdout) }
            if fds[2].revents != 0 { drain(&pipes.errors.read, into: &stderr) }
        }
        return (stdout, stderr)
    }

    /// Reads what is available; closes and marks the descriptor -1 at end of file.
    @discardableResult
    private static func drain(_ descriptor: inout Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 { buffer += chunk[0..<count]; return true }
        if count < 0 && errno == EINTR { return true }
        close(descriptor)
        descriptor = -1
        return false
    }
}

/// The three pipes between parent and child. Ends are -1 once closed.
struct Pipes {
    var input: (read: Int32, write: Int32)
    var output: (read: Int32, write: Int32)
    var errors: (read: Int32, write: Int32)

    init() throws(SystemCallError) {
        input = try Pipes.make()
        output = try Pipes.make()
        errors = try Pipes.make()
    }

    private static func make() throws(SystemCallError) -> (read: Int32, write: Int32) {
        // pipe2(O_CLOEXEC) needs _GNU_SOURCE; close-on-exec set right after is enough
        // here, since flatnet is single-threaded and nothing spawns in between.
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SystemCallError(call: "pipe", errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    mutating func closeChildEnds() {
        Pipes.close(&input.read)
        Pipes.close(&output.write)
        Pipes.close(&errors.write)
    }

    mutating func closeInput() { Pipes.close(&input.write) }

    mutating func closeAll() {
        for descriptor in [\Pipes.input.read, \.input.write, \.output.read, \.output.write,
                           \.errors.read, \.errors.write] {
            Pipes.close(&self[keyPath: descriptor])
        }
    }

    private static func close(_ descriptor: inout Int32) {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }
}
