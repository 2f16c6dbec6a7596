import FlatnetTestSupport
import Foundation
import Testing

/// The runner every suite starts its fixtures with (ip, topology.sh, the plugin). Test
/// runner threads block signals, and the runner ignores SIGPIPE for itself: children must
/// inherit neither, or a metadata server started by a test outlives a plain `kill`.
@Suite("The tests' process runner")
struct ProcessRunnerTests {
    @Test("a child starts with no signal blocked and none ignored, whatever the spawning thread blocks")
    func childSignalState() throws {
        var blocked = sigset_t(), saved = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        let status = try ProcessRunner.run(["/bin/grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"]).stdout
        let masks = Dictionary(uniqueKeysWithValues: status.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t")
            return UInt64(fields.last ?? "", radix: 16).map { (String(fields[0]), $0) }
        })
        #expect(masks["SigBlk:"] == 0, "\(status)")
        // Signals 1-31 only: 32 and 33 are glibc's own, which posix_spawn may not reset.
        #expect(masks["SigIgn:"].map { $0 & 0x7fff_ffff } == 0, "\(status)")
    }

    @Test("stdout and stderr larger than a pipe's buffer, and stdin the child never reads, do not hang")
    func largeOutput() throws {
        let script = "head -c 200000 /dev/zero | tr '\\0' o; head -c 200000 /dev/zero | tr '\\0' e >&2"
        let outcome = try ProcessRunner.run(["/bin/sh", "-c", script], stdin: String(repeating: "i", count: 200_000))
        #expect(outcome.status == 0 && outcome.stdout.count == 200_000 && outcome.stderr.count == 200_000)
    }
}
