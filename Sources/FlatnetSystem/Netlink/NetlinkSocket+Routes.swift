import CNetlink
import FlatnetCore
import Glibc

extension NetlinkSocket {
    /// Adds a route to the main table (`rtnl_route_add`; `ip route add DST via GW dev IF`).
    public func addRoute(_ route: RouteEntry) throws(NetlinkError) {
        guard let object = rtnl_route_alloc() else {
            throw NetlinkError(call: "rtnl_route_alloc", code: NLE_NOMEM)
        }
        defer { rtnl_route_put(object) }
        let subject = "\(route.destination) via \(route.gateway.map { "\($0)" } ?? "-")"
        let destination = try NetlinkAddress(route.destination)
        let family = route.destination.address.bitWidth == 32 ? AF_INET : AF_INET6
        try NetlinkError.check(rtnl_route_set_family(object, UInt8(family)), call: "rtnl_route_set_family",
                               subject: subject)
        rtnl_route_set_table(object, UInt32(RT_TABLE_MAIN.rawValue))
        rtnl_route_set_scope(object, UInt8(RT_SCOPE_UNIVERSE.rawValue))
        try NetlinkError.check(rtnl_route_set_dst(object, destination.pointer), call: "rtnl_route_set_dst",
                               subject: subject)
        try addNexthop(to: object, route)
        let status = rtnl_route_add(handle, object, NLM_F_CREATE | NLM_F_EXCL)
        guard status >= 0 else { throw NetlinkError(call: "rtnl_route_add", code: status, subject: subject) }
    }

    /// Gives `route` its one nexthop (`rtnl_route_nh_alloc`, `rtnl_route_add_nexthop`). The
    /// gateway's address is built before the hop: nothing can throw while the hop is ours to
    /// free (a gateway that failed to build used to leak it), and the route owns it after.
    private func addNexthop(to route: OpaquePointer, _ entry: RouteEntry) throws(NetlinkError) {
        let gateway = try entry.gateway.map { address throws(NetlinkError) in try NetlinkAddress(address) }
        guard let hop = rtnl_route_nh_alloc() else {
            throw NetlinkError(call: "rtnl_route_nh_alloc", code: NLE_NOMEM)
        }
        if let index = entry.interfaceIndex { rtnl_route_nh_set_ifindex(hop, Int32(index)) }
        if let gateway { rtnl_route_nh_set_gateway(hop, gateway.pointer) }  // takes its own reference
        rtnl_route_add_nexthop(route, hop)
    }

    /// The main table's routes (`rtnl_route_alloc_cache`; `ip route show`).
    public func routes() throws(NetlinkError) -> [RouteEntry] {
        var cache: OpaquePointer?
        let status = rtnl_route_alloc_cache(handle, AF_UNSPEC, 0, &cache)
        guard status >= 0, let cache else { throw NetlinkError(call: "rtnl_route_alloc_cache", code: status) }
        defer { nl_cache_free(cache) }
        var result: [RouteEntry] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            let route = current
            if rtnl_route_get_table(route) == UInt32(RT_TABLE_MAIN.rawValue),
               let destination = NetlinkAddress.routeDestination(rtnl_route_get_dst(route)) {
                let hop = rtnl_route_get_nnexthops(route) > 0 ? rtnl_route_nexthop_n(route, 0) : nil
                let gateway = hop.flatMap { NetlinkAddress.ipAddress(rtnl_route_nh_get_gateway($0)) }?.address
                let index = hop.map { Int32(rtnl_route_nh_get_ifindex($0)) }
                result.append(RouteEntry(destination: destination, gateway: gateway, interfaceIndex: index))
            }
            object = nl_cache_get_next(current)
        }
        return result
    }
}
