import CNetlink
import FlatnetCore
import Glibc

extension NetlinkSocket {
    /// Adds an address (`rtnl_addr_add`; `ip addr add PREFIX dev IFINDEX`). The kernel adds
    /// the subnet's connected route with it.
    public func addAddress(_ prefix: IPPrefix, interfaceIndex: Int32) throws(NetlinkError) {
        let status = try withAddressObject(prefix, interfaceIndex: interfaceIndex) { rtnl_addr_add(handle, $0, 0) }
        guard status >= 0 else { throw NetlinkError(call: "rtnl_addr_add", code: status, subject: prefix.description) }
    }

    /// Runs `body` with a libnl address object for `prefix` on the interface, released after.
    private func withAddressObject(
        _ prefix: IPPrefix, interfaceIndex: Int32, _ body: (OpaquePointer) -> Int32
    ) throws(NetlinkError) -> Int32 {
        guard let object = rtnl_addr_alloc() else { throw NetlinkError(call: "rtnl_addr_alloc", code: NLE_NOMEM) }
        defer { rtnl_addr_put(object) }
        let local = try NetlinkAddress(prefix)
        rtnl_addr_set_ifindex(object, interfaceIndex)
        _ = rtnl_addr_set_local(object, local.pointer)
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
        let status = try withAddressObject(prefix, interfaceIndex: interfaceIndex) { rtnl_addr_delete(handle, $0, 0) }
        if status == -NLE_NOADDR || status == -NLE_OBJ_NOTFOUND { return false }
        guard status >= 0 else { throw NetlinkError(call: "rtnl_addr_delete", code: status, subject: prefix.description) }
        return true
    }
}
