import FlatnetCore
import Glibc

/// Socket constants and options. Swift's Glibc module does not export linux/netlink.h.
extension NetfilterSocket {
    /// NETLINK_NETFILTER (linux/netlink.h).
    static let netlinkNetfilter: Int32 = 12
    /// SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK (linux/netlink.h).
    static let solNetlink: Int32 = 270
    static let netlinkCapAck: Int32 = 10
    static let netlinkExtendedAck: Int32 = 11
    /// How long to wait for one answer before giving up (EAGAIN, CNI code 11).
    static let answerTimeoutSeconds = 10
    /// Receive buffer: the kernel never sends a dump datagram above 32 KiB (netlink caps
    /// max_recvmsg_len there), acknowledgements are far smaller. A larger datagram is
    /// detected (MSG_TRUNC) and refused, never read past.
    static let receiveBufferSize = 65_536
    /// Bounds on one answer: datagrams read, and elements a listing may return.
    static let maximumDatagrams = 65_536
    static let maximumListedElements = 1 << 20

    /// `setsockopt(SOL_NETLINK, option, 1)`.
    static func enable(_ option: Int32, on descriptor: Int32, name: String) throws(NetfilterError) {
        var one: Int32 = 1
        let length = socklen_t(MemoryLayout<Int32>.size)
        guard setsockopt(descriptor, solNetlink, option, &one, length) == 0 else {
            throw NetfilterError(.open, table: "", .system(call: "setsockopt(\(name))", errno: errno))
        }
    }

    /// `setsockopt(SOL_SOCKET, SO_RCVTIMEO)`.
    static func setReceiveTimeout(seconds: Int, on descriptor: Int32) throws(NetfilterError) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout,
                         socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw NetfilterError(.open, table: "", .system(call: "setsockopt(SO_RCVTIMEO)", errno: errno))
        }
    }

    /// Bytes of receive buffer charged per queued acknowledgement, with room to spare (an
    /// ack skb's truesize is about 1 KiB, more with extended-ack text).
    static let bytesPerAnswer = 2_048
    /// SO_SNDBUFFORCE and SO_RCVBUFFORCE (asm-generic/socket.h): like SO_SNDBUF and
    /// SO_RCVBUF, above wmem_max/rmem_max (CAP_NET_ADMIN, which nf_tables needs anyway).
    static let sendBufferForce: Int32 = 32
    static let receiveBufferForce: Int32 = 33
    /// Below this, the default buffers (about 208 KiB each) are left alone: setting them
    /// smaller would shrink them.
    static let defaultBufferShare = 96 * 1024

    /// Makes room, before a batch is sent, for the batch itself (a netlink datagram larger
    /// than the send buffer fails with EMSGSIZE: 1,000 containers are about 420 KB) and for
    /// its answers (the kernel queues a batch's acknowledgements all at once and drops what
    /// does not fit; the next read fails with ENOBUFS and the outcome is unknown). An
    /// ADD's five messages fit the defaults: nothing is changed. nft does the same.
    func reserveBuffers(for request: NftRequest, answersPerMessage: Int, _ operation: NetfilterOperation,
                        table: String) throws(NetfilterError) {
        // The kernel doubles what is set: a datagram of N bytes fits a buffer set to N.
        let sending = request.bytes.count
        let answers = request.messages.count * answersPerMessage * Self.bytesPerAnswer
        if sending > Self.defaultBufferShare, sending > state.reservedSendBuffer {
            try resize(Self.sendBufferForce, SO_SNDBUF, to: sending, operation, table: table)
            state.reservedSendBuffer = sending
        }
        if answers > Self.defaultBufferShare, answers > state.reservedReceiveBuffer {
            try resize(Self.receiveBufferForce, SO_RCVBUF, to: answers, operation, table: table)
            state.reservedReceiveBuffer = answers
        }
    }

    /// `setsockopt(SOL_SOCKET, forced)`, or the capped `plain` option when not permitted.
    private func resize(_ forced: Int32, _ plain: Int32, to bytes: Int, _ operation: NetfilterOperation,
                        table: String) throws(NetfilterError) {
        var size = Int32(clamping: bytes)
        let length = socklen_t(MemoryLayout<Int32>.size)
        guard setsockopt(descriptor, SOL_SOCKET, forced, &size, length) == 0
                || setsockopt(descriptor, SOL_SOCKET, plain, &size, length) == 0 else {
            let reason = NetfilterError.Reason.system(call: "setsockopt(SOL_SOCKET, \(plain))", errno: errno)
            throw NetfilterError(operation, table: table, reason)
        }
    }

    /// The failure to report when several messages were refused: a missing table explains
    /// every other refusal, a missing set the refusals in it.
    static func mostTelling(_ failures: [NftRequestFailure]) -> NftRequestFailure? {
        failures.first(where: \.isMissingTable) ?? failures.first(where: \.isMissingSet) ?? failures.first
    }

    static func error(for failure: NftRequestFailure, _ operation: NetfilterOperation,
                      table: String) -> NetfilterError {
        if failure.isMissingTable { return NetfilterError(operation, table: table, .noSuchTable) }
        if failure.isMissingSet { return NetfilterError(operation, table: table, .noSuchSet(failure.set)) }
        let reason = NetfilterError.Reason.refused(set: failure.set, errno: failure.errno,
                                                   kernelMessage: failure.kernelMessage)
        return NetfilterError(operation, table: table, reason)
    }
}
