import CNetlink
import FlatnetCore
import Glibc

extension NetlinkSocket {
    /// Adds an address (`rtnl_addr_add`; `ip addr add PREFIX dev IFINDEX`). The kernel adds
    /// the subnet's connected route with it. Without `duplicateAddressDetection` an IPv6
    /// address is usable at once, never tentative (IFA_F_NODAD; `... nodad`).
    public func addAddress(
        _ prefix: IPPrefix, interfaceIndex: Int32, duplicateAddressDetection: Bool = true
    ) throws(NetlinkError) {
        let status = try withAddressObject(prefix, interfaceIndex: interfaceIndex) { object in
            if !duplicateAddressDetection { rtnl_addr_set_flags(object, UInt32(IFA_F_NODAD)) }
            return rtnl_addr_add(handle, object, 0)
        }
        guard status >= 0 else {
            throw NetlinkError(call: "rtnl_addr_add", code: status, subject: prefix.description)
        }
    }

    /// Runs `body` with a libnl address object for `prefix` on the interface, released after.
    private func withAddressObject(
        _ prefix: IPPrefix, interfaceIndex: Int32, _ body: (OpaquePointer) -> Int32
    ) throws(NetlinkError) -> Int32 {
        guard let object = rtnl_addr_alloc() else {
            throw NetlinkError(call: "rtnl_addr_alloc", code: NLE_NOMEM)
        }
        defer { rtnl_addr_put(object) }
        let local = try NetlinkAddress(prefix)
        rtnl_addr_set_ifindex(object, interfaceIndex)
        try NetlinkError.check(rtnl_addr_set_local(object, local.pointer), call: "rtnl_addr_set_local",
                               subject: prefix.description)
        return body(object)
    }

    /// Every address in this namespace, or on one interface (`rtnl_addr_alloc_cache`;
    /// `ip addr show [dev IFINDEX]`).
    public func addresses(interfaceIndex: Int32? = nil) throws(NetlinkError) -> [InterfaceAddress] {
        var cache: OpaquePointer?
        let status = rtnl_addr_alloc_cache(handle, &cache)
        guard status >= 0, let cache else { throw NetlinkError(call: "rtnl_addr_alloc_cache", code: status) }
        defer { nl_cache_free(cache) }
        var result: [InterfaceAddress] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            let address = current
            let index = Int32(rtnl_addr_get_ifindex(address))
            if interfaceIndex == nil || interfaceIndex == index,
               let prefix = NetlinkAddress.ipAddress(rtnl_addr_get_local(address)) {
                result.append(InterfaceAddress(interfaceIndex: index, prefix: prefix))
            }
            object = nl_cache_get_next(current)
        }
        return result
    }
}

extension NetlinkSocket {
    /// Removes an address (`rtnl_addr_delete`; `ip addr del PREFIX dev IFINDEX`). Returns
    /// false when it was not there.
    @discardableResult
    public func deleteAddress(_ prefix: IPPrefix, interfaceIndex: Int32) throws(NetlinkError) -> Bool {
        let status = try withAddressObject(prefix, interfaceIndex: interfaceIndex) {
            rtnl_addr_delete(handle, $0, 0)
        }
        if status == -NLE_NOADDR || status == -NLE_OBJ_NOTFOUND { return false }
        guard status >= 0 else {
            throw NetlinkError(call: "rtnl_addr_delete", code: status, subject: prefix.description)
        }
        return true
    }
}

extension NetlinkSocket {
    /// The IPv4 addresses of one interface, filtered by the kernel: an RTM_GETADDR dump
    /// with ifa_family AF_INET and ifa_index set, on a socket with NETLINK_GET_STRICT_CHK
    /// on for the one request (`ip -4 addr show dev IFINDEX`). Its cost does not grow with
    /// the host's other addresses, unlike `addresses()` (one link-local per veth).
    public func ipv4Addresses(interfaceIndex: Int32) throws(NetlinkError) -> [IPPrefix] {
        let descriptor = nl_socket_get_fd(handle)
        var strict: Int32 = 1
        setsockopt(descriptor, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &strict,
                   socklen_t(MemoryLayout<Int32>.size))
        defer {
            var lenient: Int32 = 0
            setsockopt(descriptor, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &lenient,
                       socklen_t(MemoryLayout<Int32>.size))
        }
        var request = ifaddrmsg()
        request.ifa_family = UInt8(AF_INET)
        request.ifa_index = UInt32(interfaceIndex)
        let sent = nl_send_simple(handle, Int32(RTM_GETADDR), NLM_F_DUMP, &request,
                                  MemoryLayout<ifaddrmsg>.size)
        guard sent >= 0 else { throw NetlinkError(call: "nl_send_simple RTM_GETADDR", code: sent) }
        var cache: OpaquePointer?
        let allocated = nl_cache_alloc_name("route/addr", &cache)
        guard allocated >= 0, let cache else {
            throw NetlinkError(call: "nl_cache_alloc_name", code: allocated)
        }
        defer { nl_cache_free(cache) }
        let picked = nl_cache_pickup(handle, cache)
        guard picked >= 0 else { throw NetlinkError(call: "nl_cache_pickup RTM_GETADDR", code: picked) }
        var result: [IPPrefix] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            // The kernel filtered already; the index check guards a kernel that did not.
            if Int32(rtnl_addr_get_ifindex(current)) == interfaceIndex,
               let prefix = NetlinkAddress.ipAddress(rtnl_addr_get_local(current)), prefix.address.v4 != nil {
                result.append(prefix)
            }
            object = nl_cache_get_next(current)
        }
        return result
    }
}
