/// Per-container grants of extra addresses (README.md#port-security-on-by-default, allowed addresses).
///
/// A runtime's grant is per container and may come from whoever writes a pod's
/// annotations (Multus turns `cni-args` into `args.cni`). Hosts share the subnet with
/// disjoint ranges, so an address outside this host's ranges may be another host's lease:
/// a grant may only name an address inside `grantableAddresses`, blocks the operator
/// reserves for virtual addresses on every host.
extension ObjectReader {
    /// An array of IPv4 prefixes (a bare address is a /32), at most
    /// `maximumAllowedAddresses`.
    func grantableAddresses(_ key: String) -> [IPv4Prefix]? {
        guard let elements = boundedArray(key, of: "blocks") else { return nil }
        return elements.compactMap { element in
            guard let prefix = ObjectReader.prefix(element.value, path: element.path, log: log,
                                                   allowBareAddress: true) else { return nil }
            guard let v4 = prefix.v4 else {
                log.add(element.path, "\"\(prefix)\" is IPv6; grants are IPv4 addresses")
                return nil
            }
            return v4
        }
    }
}

extension NetworkConfigValidator {
    /// Each block inside the subnet, holding neither the gateway, the reserved address nor
    /// the metadata address, and outside this host's ranges unless excluded from the pool.
    static func checkGrantableAddresses(_ config: NetworkConfig, log: ProblemLog) {
        for (index, block) in config.portSecurity.grantableAddresses.enumerated() {
            if let problem = grantableBlockProblem(block, config: config) {
                log.add("grantableAddresses[\(index)]", "\(block) \(problem)")
            }
        }
    }

    static func grantableBlockProblem(_ block: IPv4Prefix, config: NetworkConfig) -> String? {
        var forbidden: [(IPv4Address, String)] = []
        if let pool = config.ipam.ipv4Pool {
            guard pool.subnet.contains(block.network), pool.subnet.contains(block.broadcast) else {
                return "is not inside ipam.subnet \(pool.subnet.network)/\(pool.subnet.length)"
            }
            forbidden.append((pool.gateway, "ipam.gateway"))
            let span = AddressRange(start: block.network, end: block.broadcast)
            let excluded = pool.exclude.contains { $0.contains(block.network) && $0.length <= block.length }
            if let range = pool.clusterRanges.first(where: { $0.range.overlaps(span) }), !excluded {
                return "overlaps \(range): the pool could lease"
                    + " its addresses; reserve the block outside every host's ranges"
            }
        }
        if let metadata = config.metadata {
            forbidden += [(metadata.reservedAddress, "metadata.reservedAddress"),
                          (metadata.address, "the metadata address")]
        }
        if let (_, name) = forbidden.first(where: { block.contains($0.0) }) { return "holds \(name)" }
        return nil
    }

    /// Why a per-container grant is refused, or nil.
    static func grantProblem(_ address: IPv4Address, config: NetworkConfig) -> String? {
        if let problem = allowedAddressProblem(address, config: config) { return problem }
        let blocks = config.portSecurity.grantableAddresses
        guard !blocks.contains(where: { $0.contains(address) }) else { return nil }
        return blocks.isEmpty
            ? "may not be granted: the netconf has no grantableAddresses (blocks reserved on every"
                + " host for per-container grants)"
            : "is not inside grantableAddresses (\(blocks.map(\.description).joined(separator: ", ")));"
                + " another host may lease it"
    }

    /// Per-container grants known at parse time (args.cni, runtimeConfig).
    static func checkGrants(_ addresses: [IPv4Address], path: String, config: NetworkConfig, log: ProblemLog) {
        for (index, address) in addresses.enumerated() {
            if let problem = grantProblem(address, config: config) {
                log.add("\(path)[\(index)]", "\(address) \(problem)")
            }
        }
    }
}
