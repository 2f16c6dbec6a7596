import Glibc

/// What one write(2) to the child's stdin means for the next.
public enum StdinWrite: Equatable, Sendable {
    case wrote(Int)
    /// EINTR (a signal came first) or EAGAIN (no room after all): nothing was written and
    /// nothing is lost; poll again. Closing here would hand the child a truncated input.
    case retry
    /// EPIPE (the child closed its stdin: it may exit without reading it) or another
    /// error: stop feeding it.
    case stop

    public init(written: Int, errno: Int32) {
        if written >= 0 {
            self = .wrote(written)
        } else {
            self = errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ? .retry : .stop
        }
    }
}

extension ChildProcess {
    /// What the pump collected, and whether both streams reached end of file in time.
    struct Streams {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var finished = false
    }

    /// Feeds stdin and drains stdout and stderr together, so neither side can block on a
    /// full pipe while the other waits, until all three are closed or `deadline` (on
    /// MonotonicClock) passes.
    static func pump(
        stdin: [UInt8], pipes: inout Pipes, until deadline: Int
    ) throws(ChildProcessError) -> Streams {
        var pending = stdin[...], streams = Streams()
        if pending.isEmpty { pipes.closeInput() }
        while pipes.input.write >= 0 || pipes.output.read >= 0 || pipes.errors.read >= 0 {
            let remaining = deadline - MonotonicClock.milliseconds()
            guard remaining > 0 else { return streams }
            var fds = [pollfd(fd: pipes.input.write, events: Int16(POLLOUT), revents: 0),
                       pollfd(fd: pipes.output.read, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: pipes.errors.read, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 3, Int32(clamping: remaining)) >= 0 else {
                guard errno == EINTR else { throw .systemCall(SystemCallError(call: "poll", errno: errno)) }
                continue
            }
            if fds[0].revents != 0 { feed(&pending, pipes: &pipes) }
            if fds[1].revents != 0 { drain(&pipes.output.read, into: &streams.stdout, keeping: nil) }
            if fds[2].revents != 0 { drain(&pipes.errors.read, into: &streams.stderr, keeping: stderrLimit) }
        }
        streams.finished = true
        return streams
    }

    /// One non-blocking write of what is left; closes stdin once all of it is written.
    private static func feed(_ pending: inout ArraySlice<UInt8>, pipes: inout Pipes) {
        let written = pending.withUnsafeBytes { write(pipes.input.write, $0.baseAddress, $0.count) }
        switch StdinWrite(written: written, errno: errno) {
        case .wrote(let count):
            pending = pending.dropFirst(count)
            if pending.isEmpty { pipes.closeInput() }
        case .retry:
            break
        case .stop:
            pipes.closeInput()
        }
    }

    /// Reads what is available; closes and marks the descriptor -1 at end of file. With
    /// `keeping`, only about the last that many bytes are kept (a chatty stderr).
    private static func drain(_ descriptor: inout Int32, into buffer: inout [UInt8], keeping limit: Int?) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            buffer += chunk[0..<count]
            if let limit, buffer.count > 2 * limit { buffer.removeFirst(buffer.count - limit) }
            return
        }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return }
        Pipes.close(&descriptor)
    }
}
