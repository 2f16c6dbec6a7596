import Foundation

/// A pipe whose ends are closed on exec: tests spawn children from many threads at once,
/// and a child that inherited another's pipe would hold it open. (`pipe2` is not visible
/// without _GNU_SOURCE: `pipe` and FD_CLOEXEC, made and spawned under `spawnLock`.)
struct ChildPipe {
    let read: Int32
    let write: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw FixtureError(command: "pipe", stderr: String(cString: strerror(errno))) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        (read, write) = (ends[0], ends[1])
    }
}

extension ProcessRunner {
    /// Held from making a child's pipes until it is spawned: no other child of the runner
    /// can be spawned between `pipe` and FD_CLOEXEC.
    static let spawnLock = NSLock()

    /// `posix_spawn(argv[0])` with `stdio` as its descriptors 0, 1 and 2, an empty signal
    /// mask and every signal at its default action.
    static func spawn(_ argv: [String], environment: [String: String], stdio: [Int32]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source) in stdio.enumerated() { posix_spawn_file_actions_adddup2(&actions, source, Int32(target)) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), everySignal = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in arguments + variables { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv.first ?? "", &actions, &attributes, arguments, variables)
        guard result == 0 else {
            let reason = String(cString: strerror(result))
            throw FixtureError(command: argv.joined(separator: " "), stderr: "posix_spawn: \(reason)")
        }
        return pid
    }

    /// Writes `bytes` to `input` (then closes it) while reading `output` and `errors` to
    /// their ends, with poll(2): a child that writes before it reads, or never reads,
    /// cannot block the exchange. A child that closed its stdin early just stops the write.
    static func exchange(_ bytes: [UInt8], input: Int32, output: Int32, errors: Int32) -> ([UInt8], [UInt8]) {
        _ = fcntl(input, F_SETFL, O_NONBLOCK)
        var written = 0
        var received: [Int32: [UInt8]] = [output: [], errors: []]
        var open: Set<Int32> = [output, errors]
        if bytes.isEmpty { close(input) } else { open.insert(input) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            var watched = open.map { pollfd(fd: $0, events: Int16($0 == input ? POLLOUT : POLLIN), revents: 0) }
            guard poll(&watched, nfds_t(watched.count), -1) >= 0 || errno == EINTR else { break }
            for ready in watched where ready.revents != 0 {
                let descriptor = ready.fd
                let count = descriptor == input
                    ? bytes.withUnsafeBytes { write(input, $0.baseAddress! + written, bytes.count - written) }
                    : read(descriptor, &buffer, buffer.count)
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count > 0 && descriptor != input {
                    received[descriptor]?.append(contentsOf: buffer[..<count])
                    continue
                }
                if count > 0 { written += count }
                if count > 0 && written < bytes.count { continue }
                close(descriptor)  // all written, EPIPE, end of file or a read error
                open.remove(descriptor)
            }
        }
        return (received[output] ?? [], received[errors] ?? [])
    }

    /// Reaps `pid`: its exit status, or the number of the signal that ended it (as
    /// Foundation's `terminationStatus` gave).
    static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }
}
