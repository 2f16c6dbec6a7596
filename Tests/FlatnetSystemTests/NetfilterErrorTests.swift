import FlatnetCore
import FlatnetSystem
import Glibc
import Testing

/// NetfilterError's text and CNI codes (no root needed).
@Suite("NetfilterError: messages name operation, table, set and errno")
struct NetfilterErrorTests {
    @Test("a missing table or set is said plainly, and counts as 'already gone' for DEL")
    func missing() {
        let table = NetfilterError(.add, table: "fn-test", .noSuchTable)
        #expect(table.description == "adding set elements in table bridge fn-test:"
                + " no such table bridge fn-test (No such file or directory (errno 2))")
        let set = NetfilterError(.delete, table: "fn-test", .noSuchSet("mac"))
        #expect(set.description.hasSuffix("no such set mac in table bridge fn-test"
                                          + " (No such file or directory (errno 2))"))
        #expect(table.isNoSuchTableOrSet && set.isNoSuchTableOrSet)
        #expect(table.cniError.code == .netlinkFailure)
    }

    @Test("a refusal carries the set, the errno text and the kernel's own message")
    func refused() {
        let reason = NetfilterError.Reason.refused(set: "ipv4", errno: EINVAL, kernelMessage: "bad")
        let error = NetfilterError(.add, table: "t", reason)
        #expect(error.description == "adding set elements in table bridge t:"
                + " set ipv4: the kernel refused: Invalid argument (errno 22); kernel: bad")
        #expect(!error.isNoSuchTableOrSet)
    }

    @Test("busy and timed out are 'try again later' (CNI code 11); others are code 101")
    func codes() {
        let busy = NetfilterError(.add, table: "t", .refused(set: nil, errno: EBUSY, kernelMessage: nil))
        let timedOut = NetfilterError(.delete, table: "t", .system(call: "recvfrom", errno: EAGAIN))
        let denied = NetfilterError(.add, table: "t", .refused(set: nil, errno: EPERM, kernelMessage: nil))
        #expect(busy.cniError.code == .tryAgainLater && timedOut.cniError.code == .tryAgainLater)
        #expect(denied.cniError.code == .netlinkFailure)
        #expect(NetfilterError(.open, table: "", .system(call: "socket", errno: EPERM)).description
                == "opening the netfilter socket: socket failed: Operation not permitted (errno 1)")
    }
}
