import FlatnetCore
import Glibc

/// The two system calls, with EINTR retried and every length checked.
extension NetfilterSocket {
    /// `send(2)` of one datagram to the kernel (an unbound netlink socket sends to port 0,
    /// the kernel, and is bound on first use). Netlink sends whole datagrams or fail.
    func send(_ bytes: [UInt8], _ operation: NetfilterOperation, table: String) throws(NetfilterError) {
        while true {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            if sent == bytes.count { return }
            if sent < 0 && errno == EINTR { continue }
            let code = sent < 0 ? errno : EMSGSIZE
            throw NetfilterError(operation, table: table, .system(call: "send", errno: code))
        }
    }

    /// `recvfrom(2)` of one datagram into `buffer`; its length. MSG_TRUNC makes the kernel
    /// report a datagram's real length, so one larger than the buffer is refused rather
    /// than parsed cut. Datagrams from anyone but the kernel (port 0) are refused too.
    func receive(into buffer: inout [UInt8], _ operation: NetfilterOperation,
                 table: String) throws(NetfilterError) -> Int {
        var sender = sockaddr_storage()
        while true {
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let received = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &sender) { storage in
                    storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                        recvfrom(descriptor, raw.baseAddress, raw.count, Int32(MSG_TRUNC), address, &length)
                    }
                }
            }
            if received < 0 && errno == EINTR { continue }
            guard received >= 0 else {
                let timedOut = "recvfrom (no answer within \(Self.answerTimeoutSeconds) s)"
                let call = errno == EAGAIN ? timedOut : "recvfrom"
                throw NetfilterError(operation, table: table, .system(call: call, errno: errno))
            }
            guard received <= buffer.count else {
                throw NetfilterError(operation, table: table,
                                     .malformedReply("a \(received)-byte datagram (buffer \(buffer.count))"))
            }
            guard Self.isKernel(sender, length: length) else {
                let what = "a datagram not from the kernel"
                throw NetfilterError(operation, table: table, .malformedReply(what))
            }
            return received
        }
    }

    /// `struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; ... }`:
    /// AF_NETLINK from port 0.
    private static func isKernel(_ sender: sockaddr_storage, length: socklen_t) -> Bool {
        guard length >= 12 else { return false }
        return withUnsafeBytes(of: sender) { raw in
            raw.load(fromByteOffset: 0, as: UInt16.self) == UInt16(AF_NETLINK)
                && raw.load(fromByteOffset: 4, as: UInt32.self) == 0
        }
    }
}
