/// The container's routes, per address family (issue 18).
extension AttachPlanner {
    /// The two default destinations, IPv4 first (the order of the plan and the result).
    static let defaultDestinations = [IPPrefix(address: .v4(IPv4Address(0)), length: 0)!,
                                      IPPrefix(address: .v6(IPv6Address(high: 0, low: 0)), length: 0)!]

    /// IPAM's routes with a gateway on each (a route that names none goes via the result's
    /// gateway of its destination's family), then `default via <gateway>` for each family
    /// whose gateway the result names and for which IPAM returned no default route, unless
    /// `defaultRoute` is false (which also drops the default routes IPAM returned). The
    /// metadata route comes last and is IPv4, as the metadata path is.
    static func containerRoutes(
        config: NetworkConfig, ipam: CNIResult
    ) throws(CNIError) -> [CNIResult.Route] {
        var routes: [CNIResult.Route] = []
        for route in ipam.routes where config.defaultRoute || route.destination.length != 0 {
            routes.append(try withGateway(route, ipam: ipam))
        }
        if config.defaultRoute {
            let added = defaultDestinations.compactMap { destination -> CNIResult.Route? in
                guard !routes.contains(where: { $0.destination == destination }),
                      let gateway = gateway(toward: destination, in: ipam) else { return nil }
                return CNIResult.Route(destination: destination, gateway: gateway)
            }
            routes.insert(contentsOf: added, at: 0)
        }
        if let metadata = config.metadata { routes.append(try metadataRoute(metadata, ipam: ipam)) }
        return routes
    }

    /// The result's first gateway of `destination`'s family.
    static func gateway(toward destination: IPPrefix, in ipam: CNIResult) -> IPAddress? {
        ipam.ips.lazy.compactMap(\.gateway).first { $0.bitWidth == destination.address.bitWidth }
    }

    /// `route` with its gateway, or the result's of its family; a gateway of the other
    /// family (the kernel would refuse it) or none at all is IPAM's error.
    static func withGateway(_ route: CNIResult.Route, ipam: CNIResult) throws(CNIError) -> CNIResult.Route {
        let family = route.destination.address.bitWidth == 32 ? "IPv4" : "IPv6"
        if let gateway = route.gateway, gateway.bitWidth != route.destination.address.bitWidth {
            throw CNIError(.delegatedIPAMFailed,
                           "IPAM route \(route.destination) has gateway \(gateway) of the other family",
                           details: "an \(family) route needs an \(family) gateway")
        }
        guard let via = route.gateway ?? gateway(toward: route.destination, in: ipam) else {
            throw CNIError(.delegatedIPAMFailed, "IPAM route \(route.destination) has no gateway",
                           details: "and the IPAM result names no \(family) gateway to route it through")
        }
        return CNIResult.Route(destination: route.destination, gateway: via)
    }

    /// `metadata.address/32 via metadata.reservedAddress`: IPv4 only, so the container
    /// needs an IPv4 address (README: the metadata path stays IPv4).
    static func metadataRoute(
        _ metadata: MetadataConfig, ipam: CNIResult
    ) throws(CNIError) -> CNIResult.Route {
        guard ipam.ips.contains(where: { $0.address.address.v4 != nil }) else {
            let route = "\(metadata.address)/32 via \(metadata.reservedAddress)"
            throw CNIError(.invalidNetworkConfig, "metadata needs an IPv4 address and IPAM returned none",
                           details: "the metadata route \(route) is IPv4:"
                               + " give the network an IPv4 range or remove its metadata block")
        }
        return CNIResult.Route(destination: IPPrefix(address: .v4(metadata.address), length: 32)!,
                               gateway: .v4(metadata.reservedAddress))
    }
}
