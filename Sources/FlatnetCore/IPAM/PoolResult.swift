/// The IPAM result for a leased address: the address with the subnet's prefix length,
/// the gateway, and the pool's routes (a route without `gw` goes via the gateway).
public enum PoolResult {
    public static func make(address: IPv4Address, pool: PoolConfig) -> CNIResult {
        let prefix = IPPrefix(address: .v4(address), length: pool.subnet.length)!
        let routes = pool.routes.map { route in
            CNIResult.Route(destination: route.destination, gateway: route.gateway ?? .v4(pool.gateway))
        }
        return CNIResult(ips: [CNIResult.IPConfig(address: prefix, gateway: .v4(pool.gateway))],
                         routes: routes)
    }
}
