import Glibc

/// An exclusive `flock(2)` on a lock file, held for the duration of a closure.
///
/// flock is released by the kernel the moment a holder dies, so a killed plugin never
/// leaves a pool locked. It is not fair (PLATFORM-NOTES: 90-195 ms worst waits under 8
/// writers), so the lock is polled with LOCK_NB against a deadline, and a timeout is
/// reported (CNI code 11, "try again later") instead of blocking a runtime forever.
/// The closure form makes the held scope explicit: nothing the optimiser does can
/// release the lock early.
public enum FileLock {
    /// With `createFile` false, a missing lock file is not created: the caller learns of
    /// it (`LockFileMissing`) and decides whether the directory may be written to.
    public static func withLock<T>(
        path: String, timeoutMilliseconds: Int, createFile: Bool = true, _ body: () throws -> T
    ) throws -> T {
        let descriptor = open(path, O_RDWR | O_CLOEXEC | (createFile ? O_CREAT : 0), 0o600)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw LockFileMissing(path: path) }
            throw SystemCallError(call: "open(\(path))", errno: errno)
        }
        defer { close(descriptor) }
        try acquire(descriptor, path: path, timeoutMilliseconds: timeoutMilliseconds)
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    private static func acquire(_ descriptor: Int32, path: String, timeoutMilliseconds: Int) throws {
        let deadline = MonotonicClock.milliseconds() + timeoutMilliseconds
        var pause = 1
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw SystemCallError(call: "flock(\(path))", errno: errno)
            }
            guard MonotonicClock.milliseconds() < deadline else {
                throw LockTimeout(path: path, milliseconds: timeoutMilliseconds)
            }
            // Short, growing, jittered pauses: waiters that wake together would collide again.
            MonotonicClock.sleep(milliseconds: pause + Int.random(in: 0...pause))
            pause = min(pause * 2, 8)
        }
    }
}

/// The lock file (or, when it was to be created, its directory) does not exist.
public struct LockFileMissing: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "no lock file \(path)" }
}

/// The lock could not be taken before the deadline (mapped to CNI code 11).
public struct LockTimeout: Error, CustomStringConvertible {
    public let path: String
    public let milliseconds: Int
    public var description: String { "\(path) stayed locked for \(milliseconds) ms" }
}

/// CLOCK_MONOTONIC in milliseconds, and a sleep: deadlines must not jump with the wall clock.
public enum MonotonicClock {
    public static func milliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }

    public static func microseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1_000_000 + Int(now.tv_nsec) / 1000
    }

    public static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
