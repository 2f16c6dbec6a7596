import Foundation
import Synchronization

/// Sends `signal` to one thread (pthread_kill) every ~200 µs from a helper thread until
/// stopped, so that thread's blocking calls keep returning EINTR. `stop()` returns only
/// once the helper has sent its last signal: the caller may then restore the signal's
/// previous handler without a late signal reaching the default action.
final class SignalStorm: Sendable {
    private let running = Atomic<Bool>(true)
    private let finished = Atomic<Bool>(false)
    private let count = Atomic<Int>(0)

    init(target: pthread_t, signal: Int32) {
        Thread.detachNewThread { [self] in
            while running.load(ordering: .acquiring) {
                pthread_kill(target, signal)
                count.add(1, ordering: .relaxed)
                usleep(200)
            }
            finished.store(true, ordering: .releasing)
        }
    }

    /// How many signals were sent so far.
    func sent() -> Int { count.load(ordering: .relaxed) }

    func stop() {
        running.store(false, ordering: .releasing)
        while !finished.load(ordering: .acquiring) { usleep(100) }
    }
}
