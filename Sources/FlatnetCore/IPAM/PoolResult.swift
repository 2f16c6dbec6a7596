/// The IPAM result for leased addresses (one per family, IPv4 first): each address with
/// its subnet's prefix length and gateway, and the pool's routes (a route without `gw`
/// goes via the gateway of its destination's family).
public enum PoolResult {
    public static func make(addresses: [IPAddress], pool: PoolConfig) -> CNIResult {
        let ips = addresses.sorted().compactMap { address -> CNIResult.IPConfig? in
            guard let set = pool.rangeSet(address.family) else { return nil }
            return CNIResult.IPConfig(address: IPPrefix(address: address, length: set.subnet.length)!,
                                      gateway: set.gateway)
        }
        let routes = pool.routes.compactMap { route -> CNIResult.Route? in
            guard let gateway = route.gateway ?? pool.rangeSet(route.destination.family)?.gateway else {
                return nil
            }
            return CNIResult.Route(destination: route.destination, gateway: gateway)
        }
        return CNIResult(ips: ips, routes: routes)
    }
}
