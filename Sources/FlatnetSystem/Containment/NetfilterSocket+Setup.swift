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
    /// SO_RCVBUFFORCE (asm-generic/socket.h): like SO_RCVBUF, above rmem_max (CAP_NET_ADMIN,
    /// which changing nf_tables needs anyway).
    static let receiveBufferForce: Int32 = 33

    /// Makes room for `count` acknowledgements before a batch is sent. The kernel queues a
    /// batch's answers all at once after processing it and drops what does not fit (the
    /// next read fails with ENOBUFS and the outcome is unknown), so a batch of 1,500
    /// changes would not fit the default ~208 KiB. Below 64 answers (an ADD has five) the
    /// default is left alone: setting SO_RCVBUF smaller would shrink it.
    func reserveReceiveBuffer(forAnswers count: Int, _ operation: NetfilterOperation,
                              table: String) throws(NetfilterError) {
        let needed = count * Self.bytesPerAnswer
        guard count > 64, needed > state.reservedReceiveBuffer else { return }
        var size = Int32(clamping: needed)
        let length = socklen_t(MemoryLayout<Int32>.size)
        guard setsockopt(descriptor, SOL_SOCKET, Self.receiveBufferForce, &size, length) == 0
                || setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, length) == 0 else {
            let reason = NetfilterError.Reason.system(call: "setsockopt(SO_RCVBUF)", errno: errno)
            throw NetfilterError(operation, table: table, reason)
        }
        state.reservedReceiveBuffer = needed
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
