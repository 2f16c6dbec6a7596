import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// The runner behind ebtables, nft and delegated IPAM plugins: no deadlock on large
/// input and output, a deadline, and children that start with default signal handling.
/// No root needed. Every child here is bounded by its own deadline, so a regression
/// fails the test instead of hanging the run.
@Suite("Running child programs")
struct ChildProcessTests {
    static let shell = "/bin/sh"

    static func command(_ script: String, deadline: Int = 60_000) -> ChildCommand {
        ChildCommand(path: shell, arguments: ["-c", script], environment: ["PATH": "/usr/bin:/bin"],
                     deadlineMilliseconds: deadline)
    }

    @Test("a child that writes 200 KB before reading 200 KB of input: both arrive whole, no deadlock")
    func largeInputAndOutput() throws {
        let size = 200_000
        let input = [UInt8]((0..<size).map { UInt8(truncatingIfNeeded: $0 % 251) })
        // The child fills its stdout pipe (64 KiB) long before it reads; a runner that
        // blocks writing stdin would wait for it forever while it waits for us.
        let outcome = try ChildProcess.run(Self.command("head -c \(size) /dev/zero; cksum"), stdin: input)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.prefix(size) == ArraySlice(repeating: 0, count: size))
        let control = try ChildProcess.run(Self.command("cksum"), stdin: input)
        #expect(String(decoding: outcome.stdout.dropFirst(size), as: UTF8.self)
            == String(decoding: control.stdout, as: UTF8.self), "the child read the whole input")
    }

    @Test("a child that never ends is killed at its deadline, with its own children; the error names it")
    func deadline() throws {
        let command = Self.command("sleep 100000 & echo $! >&2; wait", deadline: 300)
        do {
            _ = try ChildProcess.run(command, stdin: [])
            Issue.record("expected the deadline to end the child")
        } catch {
            guard case .deadlineExceeded(let named, let milliseconds, let stderr) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(named == "/bin/sh -c sleep 100000 & echo $! >&2; wait" && milliseconds == 300)
            let cniError = CNIErrorMapping.cniError(for: error)
            #expect(cniError.code == .tryAgainLater, "\(cniError)")
            #expect(cniError.message.contains("/bin/sh") && cniError.message.contains("300 ms"), "\(cniError.message)")
            let grandchild = try #require(Int32(stderr.trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(Self.hasEnded(grandchild), "the child's own child (sleep) was killed too")
        }
    }

    @Test("a delegated IPAM plugin that hangs: ADD fails with code 11 naming the plugin, ended by its deadline")
    func hungIPAMPlugin() throws {
        let directory = NSTemporaryDirectory() + "flatnet-hung-" + ProcessRunner.uniqueSuffix()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plugin = directory + "/stuck-ipam"
        try "#!/bin/sh\nsleep 100000\n".write(toFile: plugin, atomically: true, encoding: .utf8)
        chmod(plugin, 0o755)
        let ipam = DelegatedIPAM(type: "stuck-ipam", searchPath: [directory], deadlineMilliseconds: 300)
        #expect(DelegatedIPAM(type: "x", searchPath: []).deadlineMilliseconds == 60_000, "the default")
        let netconf = JSONValue.object(["cniVersion": .string("1.0.0"), "name": .string("n")])
        do {
            _ = try ipam.run(.add, environment: ["CNI_CONTAINERID": "c1"], netconf: netconf)
            Issue.record("expected the deadline to end the plugin")
        } catch {
            let cniError = CNIErrorMapping.cniError(for: error)
            #expect(cniError.code == .tryAgainLater && cniError.message.hasPrefix(plugin + " did not finish"),
                    "\(cniError)")
        }
    }

    /// Whether `pid` is gone or a zombie, waiting up to 10 s for SIGKILL to land: a
    /// bound on a wait, not a timed assertion.
    static func hasEnded(_ pid: Int32) -> Bool {
        for _ in 0..<1_000 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if stat.split(separator: ")").last?.split(separator: " ").first == "Z" { return true }
            usleep(10_000)
        }
        return false
    }

    @Test("a child starts with no signal ignored and none blocked, though flatnet ignores SIGPIPE")
    func signalsReset() throws {
        signal(SIGPIPE, SIG_IGN)  // as flatnet's main does
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)  // as the test runner's threads do
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let status = try ChildProcess.run(
            ChildCommand(path: "/usr/bin/grep", arguments: ["-E", "^Sig(Ign|Blk)", "/proc/self/status"],
                         environment: [:], deadlineMilliseconds: 60_000), stdin: [])
        let child = Self.signalMasks(String(decoding: status.stdout, as: UTF8.self))
        #expect(child.blocked == 0, "\(child)")
        // Signals 1-31. glibc's posix_spawn itself leaves its two internal signals (32 and
        // 33, SIGCANCEL and SIGSETXID) ignored in the child, and its sigaddset refuses them;
        // a glibc program installs its own handlers for them at start.
        #expect(child.ignored & 0x7fff_ffff == 0, "\(child)")
        let own = Self.signalMasks(try String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8))
        #expect(own.blocked & (1 << (SIGTERM - 1)) != 0 && own.ignored & (1 << (SIGPIPE - 1)) != 0,
                "control: this thread blocks SIGTERM and ignores SIGPIPE: \(own)")
    }

    /// SigBlk and SigIgn of a /proc/PID/status text, as bit masks (bit n-1 = signal n).
    static func signalMasks(_ status: String) -> (blocked: UInt64, ignored: UInt64) {
        let value = { (field: String) -> UInt64 in
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
            return UInt64(line.split(separator: "\t").last ?? "", radix: 16) ?? .max
        }
        return (value("SigBlk"), value("SigIgn"))
    }

    @Test("a child that exits without reading its input: the runner stops feeding it, no error, no SIGPIPE")
    func childIgnoresInput() throws {
        signal(SIGPIPE, SIG_IGN)
        let outcome = try ChildProcess.run(Self.command("exit 3"), stdin: [UInt8](repeating: 1, count: 300_000))
        #expect(outcome.status == 3)
    }

    @Test("stdin write results: EINTR and EAGAIN retry, a closed reader stops feeding, bytes advance",
          arguments: [(-1, EINTR, StdinWrite.retry), (-1, EAGAIN, .retry), (-1, EPIPE, .stop),
                      (-1, EBADF, .stop), (4096, 0, .wrote(4096))])
    func stdinWriteResults(_ written: Int, _ error: Int32, _ expected: StdinWrite) {
        #expect(StdinWrite(written: written, errno: error) == expected)
    }

    @Test("signals delivered to the runner's thread throughout a large exchange change nothing")
    func signalStorm() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: every blocking call sees EINTR
        var previous = sigaction()
        sigaction(SIGUSR1, &action, &previous)
        defer { sigaction(SIGUSR1, &previous, nil) }
        let storm = SignalStorm(target: pthread_self(), signal: SIGUSR1)
        defer { storm.stop() }
        let input = [UInt8](repeating: 7, count: 1_000_000)
        let outcome = try ChildProcess.run(Self.command("sleep 0.2; cat; sleep 0.2"), stdin: input)
        #expect(storm.sent() > 0, "control: signals were delivered")
        #expect(outcome.status == 0 && outcome.stdout == input, "\(outcome.stdout.count) bytes back")
    }
}
