/// Port security (README.md#port-security-on-by-default): what a container port may send. On unless
/// the netconf says `"portSecurity": false`, which is documented as unsafe.
public struct PortSecurityConfig: Equatable, Sendable {
    public var enabled: Bool
    /// Addresses any container of the network may use besides its own (VRRP/keepalived
    /// virtual IPs, as Neutron's allowed address pairs); each also needs a runtime's
    /// per-container grant or this list.
    public var allowedAddresses: [IPv4Address]
    /// Where a runtime's per-container grants (args.cni, runtimeConfig, CNI_ARGS
    /// `ALLOWED_ADDRESSES`) may point: blocks the operator reserved on every host for
    /// virtual addresses. None: no per-container grant is accepted (a pod author who can
    /// set `cni-args` must not be able to claim another host's lease).
    public var grantableAddresses: [IPv4Prefix]
    public var floodLimit: FloodLimit

    public init(enabled: Bool = true, allowedAddresses: [IPv4Address] = [], grantableAddresses: [IPv4Prefix] = [],
                floodLimit: FloodLimit = FloodLimit()) {
        self.enabled = enabled
        self.allowedAddresses = allowedAddresses
        self.grantableAddresses = grantableAddresses
        self.floodLimit = floodLimit
    }

    /// At most this many allowed addresses per network, and again per container: a port's
    /// elements are added in one request, and a long list is a mistake, not a design.
    public static let maximumAllowedAddresses = 32
}

/// Broadcast and multicast frames a container port may send: a token bucket per port.
public struct FloodLimit: Equatable, Sendable {
    public var packetsPerSecond: Int
    public var burst: Int

    /// ARP, neighbour discovery, MLD and VRRP stay far below this; a flood does not.
    public init(packetsPerSecond: Int = 100, burst: Int = 200) {
        self.packetsPerSecond = packetsPerSecond
        self.burst = burst
    }
}

extension ObjectReader {
    /// `portSecurity`, `allowedAddresses`, `grantableAddresses` and `floodLimit` (top level).
    func portSecurity() -> PortSecurityConfig {
        var config = PortSecurityConfig()
        config.enabled = bool("portSecurity") ?? true
        config.allowedAddresses = allowedAddresses("allowedAddresses") ?? []
        config.grantableAddresses = grantableAddresses("grantableAddresses") ?? []
        if let block = object("floodLimit") {
            block.rejectUnknownKeys(known: ["packetsPerSecond", "burst"])
            let rate = block.integer("packetsPerSecond", in: 1...1_000_000, what: "frames per second")
            let burst = block.integer("burst", in: 1...1_000_000, what: "frames")
            config.floodLimit = FloodLimit(packetsPerSecond: rate ?? 100, burst: burst ?? 200)
        }
        return config
    }

    /// An array of IPv4 addresses, each checked, at most `maximumAllowedAddresses`.
    func allowedAddresses(_ key: String) -> [IPv4Address]? {
        guard let elements = boundedArray(key, of: "addresses") else { return nil }
        return elements.compactMap { element in
            guard case .string(let text) = element.value else {
                log.add(element.path, "expected a string, got \(element.value.typeName)")
                return nil
            }
            return ObjectReader.ipv4Address(text, path: element.path, log: log)
        }
    }
}

extension NetworkConfigValidator {
    /// Allowed addresses must be addresses a container of this subnet could hold: inside
    /// it, not its network or broadcast address, never the gateway, the reserved address
    /// or the metadata address (a container holding those could hijack the segment), and
    /// never one the pool may lease (it would be two containers' at once).
    static func checkAllowedAddresses(
        _ addresses: [IPv4Address], path: String, config: NetworkConfig, log: ProblemLog
    ) {
        for (index, address) in addresses.enumerated() {
            let at = "\(path)[\(index)]"
            if let problem = allowedAddressProblem(address, config: config) {
                log.add(at, "\(address) \(problem)")
            }
        }
    }

    static func allowedAddressProblem(_ address: IPv4Address, config: NetworkConfig) -> String? {
        if let pool = config.ipam.ipv4Pool {
            if !pool.subnet.contains(address) {
                return "is outside ipam.subnet \(pool.subnet.network)/\(pool.subnet.length)"
            }
            if address == pool.subnet.network || address == pool.subnet.broadcast {
                return "is the network or broadcast address of ipam.subnet"
            }
            if address == pool.gateway { return "is ipam.gateway; containers may not claim the router" }
            let excluded = pool.exclude.contains { $0.contains(address) }
            if let range = pool.clusterRanges.first(where: { $0.range.contains(address) }), !excluded {
                return "is inside \(range): the pool could lease it"
                    + " to a container, which every container allowed it could then impersonate;"
                    + " list it in ipam.exclude or pick one outside the ranges"
            }
        }
        if let metadata = config.metadata {
            if address == metadata.reservedAddress { return "is metadata.reservedAddress" }
            if address == metadata.address { return "is the metadata address" }
        }
        return nil
    }
}

extension ObjectReader {
    /// Array `key`, noting (not truncating) one longer than `maximumAllowedAddresses`: a
    /// long list is a mistake, not a design.
    func boundedArray(_ key: String, of noun: String) -> [(path: String, value: JSONValue)]? {
        guard let elements = array(key) else { return nil }
        if elements.count > PortSecurityConfig.maximumAllowedAddresses {
            log.add(childPath(key), "lists \(elements.count) \(noun);"
                + " at most \(PortSecurityConfig.maximumAllowedAddresses) are allowed")
        }
        return elements
    }
}
