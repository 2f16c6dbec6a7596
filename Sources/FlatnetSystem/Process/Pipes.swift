import Glibc

/// The three pipes between parent and child. Ends are -1 once closed.
struct Pipes {
    var input: (read: Int32, write: Int32)
    var output: (read: Int32, write: Int32)
    var errors: (read: Int32, write: Int32)

    /// The parent's end of stdin is non-blocking (O_NONBLOCK on its own open file, so the
    /// child's end stays blocking): poll promises room for some bytes, never for all, and
    /// a write that blocked on the rest would wait for a child that is itself waiting
    /// for us to read its stdout.
    init() throws(SystemCallError) {
        input = try Pipes.make()
        output = try Pipes.make()
        errors = try Pipes.make()
        let flags = fcntl(input.write, F_GETFL)
        guard flags >= 0, fcntl(input.write, F_SETFL, flags | O_NONBLOCK) == 0 else {
            let error = SystemCallError(call: "fcntl(O_NONBLOCK)", errno: errno)
            closeAll()
            throw error
        }
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

    static func close(_ descriptor: inout Int32) {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }
}
