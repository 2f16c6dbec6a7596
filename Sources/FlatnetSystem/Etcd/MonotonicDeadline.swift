import Glibc

/// A point on CLOCK_MONOTONIC (clock_gettime(2)): wall-clock steps cannot stretch or cut a
/// call's budget.
struct MonotonicDeadline: Comparable {
    let nanoseconds: UInt64

    static func now() -> MonotonicDeadline {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return MonotonicDeadline(nanoseconds: UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec))
    }

    static func after(milliseconds: Int) -> MonotonicDeadline {
        MonotonicDeadline(nanoseconds: now().nanoseconds + UInt64(max(0, milliseconds)) * 1_000_000)
    }

    /// Whole milliseconds left, 0 once passed (poll(2)'s timeout unit).
    var remainingMilliseconds: Int {
        let current = MonotonicDeadline.now().nanoseconds
        return current >= nanoseconds ? 0 : Int((nanoseconds - current + 999_999) / 1_000_000)
    }

    /// Whole milliseconds from this point to now (0 if it is still ahead).
    var millisecondsSince: Int {
        let current = MonotonicDeadline.now().nanoseconds
        return current <= nanoseconds ? 0 : Int((current - nanoseconds) / 1_000_000)
    }

    var hasPassed: Bool { MonotonicDeadline.now() >= self }

    /// The earlier of this deadline and `milliseconds` from now.
    func capped(atMilliseconds milliseconds: Int) -> MonotonicDeadline {
        min(self, MonotonicDeadline.after(milliseconds: milliseconds))
    }

    static func < (left: MonotonicDeadline, right: MonotonicDeadline) -> Bool {
        left.nanoseconds < right.nanoseconds
    }
}
