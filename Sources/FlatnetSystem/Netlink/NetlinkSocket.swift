import CNetlink

/// A connected NETLINK_ROUTE socket (libnl `nl_sock`), freed exactly once.
///
/// `~Copyable` makes a double free a compile error. The socket is bound to the network
/// namespace of the thread that opened it (PLATFORM-NOTES): open one while switched into
/// a container's netns and it keeps acting on that netns after switching back.
public struct NetlinkSocket: ~Copyable {
    let handle: OpaquePointer

    /// `nl_socket_alloc()` + `nl_connect(NETLINK_ROUTE)`.
    public init() throws(NetlinkError) {
        guard let handle = nl_socket_alloc() else {
            throw NetlinkError(call: "nl_socket_alloc", code: NLE_NOMEM)
        }
        let status = nl_connect(handle, NETLINK_ROUTE)
        guard status >= 0 else {
            nl_socket_free(handle)
            throw NetlinkError(call: "nl_connect", code: status)
        }
        self.handle = handle
    }

    deinit { nl_socket_free(handle) }
}
