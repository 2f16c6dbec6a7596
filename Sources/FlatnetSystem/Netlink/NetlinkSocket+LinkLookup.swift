import CNetlink
import FlatnetCore
import Glibc

extension NetlinkSocket {
    /// The link named `name`, or nil when there is none
    /// (`rtnl_link_get_kernel`; `ip link show NAME`).
    public func link(named name: String) throws(NetlinkError) -> LinkInfo? {
        var link: OpaquePointer?
        let status = rtnl_link_get_kernel(handle, 0, name, &link)
        if status == -NLE_OBJ_NOTFOUND || status == -NLE_NODEV { return nil }
        guard status >= 0, let link else {
            throw NetlinkError(call: "rtnl_link_get_kernel", code: status, subject: name)
        }
        defer { rtnl_link_put(link) }
        return LinkInfo(libnlLink: link)
    }
}

extension LinkInfo {
    /// Copies the fields out of a libnl `rtnl_link`; the caller keeps ownership.
    init(libnlLink link: OpaquePointer) {
        let master = Int32(rtnl_link_get_master(link))
        self.init(
            index: Int32(rtnl_link_get_ifindex(link)),
            name: String(cString: rtnl_link_get_name(link)),
            kind: rtnl_link_get_type(link).map { String(cString: $0) },
            mtu: Int(rtnl_link_get_mtu(link)),
            isUp: rtnl_link_get_flags(link) & UInt32(IFF_UP) != 0,
            masterIndex: master > 0 ? master : nil,
            mac: rtnl_link_get_addr(link).flatMap(LinkInfo.mac),
            isOperational: rtnl_link_get_operstate(link) == 6 /* IF_OPER_UP, <linux/if.h> */,
            alias: rtnl_link_get_ifalias(link).map { String(cString: $0) },
            peerIndex: LinkInfo.peerIndex(link), peerNamespaceID: LinkInfo.peerNamespaceID(link))
    }

    /// IFLA_LINK (`rtnl_link_get_link`), when set.
    private static func peerIndex(_ link: OpaquePointer) -> Int32? {
        let index = Int32(rtnl_link_get_link(link))
        return index > 0 ? index : nil
    }

    /// IFLA_LINK_NETNSID (`rtnl_link_get_link_netnsid`), when the kernel reported one.
    private static func peerNamespaceID(_ link: OpaquePointer) -> Int32? {
        var identifier: Int32 = -1
        guard rtnl_link_get_link_netnsid(link, &identifier) == 0, identifier >= 0 else { return nil }
        return identifier
    }

    private static func mac(_ address: OpaquePointer) -> MACAddress? {
        guard nl_addr_get_len(address) == 6, let raw = nl_addr_get_binary_addr(address) else { return nil }
        return MACAddress(bytes: Array(UnsafeRawBufferPointer(start: raw, count: 6)))
    }
}

extension NetlinkSocket {
    /// Every link in this namespace (`rtnl_link_alloc_cache`; `ip link show`).
    public func links() throws(NetlinkError) -> [LinkInfo] {
        var cache: OpaquePointer?
        let status = rtnl_link_alloc_cache(handle, AF_UNSPEC, &cache)
        guard status >= 0, let cache else { throw NetlinkError(call: "rtnl_link_alloc_cache", code: status) }
        defer { nl_cache_free(cache) }
        var result: [LinkInfo] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            result.append(LinkInfo(libnlLink: current))
            object = nl_cache_get_next(current)
        }
        return result
    }
}
