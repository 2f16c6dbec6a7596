/// Cross-field rules for a parsed `NetworkConfig`. Field-level problems (types, formats,
/// ranges of single numbers) are caught while parsing; this checks how fields relate.
public enum NetworkConfigValidator {
    /// The longest network name: it becomes a directory name and the seed of derived
    /// interface and chain names, so keep it well under NAME_MAX (255).
    public static let maximumNameLength = 128

    public static func validate(_ config: NetworkConfig) throws(ConfigError) {
        let log = ProblemLog()
        check(config, log: log)
        try log.throwIfAny()
    }

    static func check(_ config: NetworkConfig, log: ProblemLog) {
        checkName(config.name, log: log)
        checkInterfaces(config, log: log)
        if let pool = config.ipam.pool {
            PoolValidator.check(pool, log: log)
            if let metadata = config.metadata {
                if let ipv4 = pool.ipv4View {
                    checkMetadata(metadata, against: ipv4, log: log)
                } else {
                    log.add("metadata", "the metadata path is IPv4: it needs the pool's IPv4 range set"
                        + " (ipam.subnet, ipam.gateway, ipam.ranges)")
                }
            }
        }
        checkAllowedAddresses(config.portSecurity.allowedAddresses, path: "allowedAddresses",
                              config: config, log: log)
        checkGrantableAddresses(config, log: log)
        checkGrants(config.runtime.allowedAddresses, path: config.runtime.allowedAddressesPath,
                    config: config, log: log)
    }

    static func checkName(_ name: String, log: ProblemLog) {
        if !CNIEnvironment.isValidName(name) {
            log.add("name", "\"\(name)\" must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"
                + " (it names a state directory)")
        } else if name.utf8.count > maximumNameLength {
            log.add("name", "is \(name.utf8.count) bytes; at most \(maximumNameLength) are allowed")
        }
    }

    /// The bridge, the uplink side and the docker bridge must be three different links.
    static func checkInterfaces(_ config: NetworkConfig, log: ProblemLog) {
        if config.vlan != nil && config.uplink == nil {
            log.add("vlan", "needs \"uplink\": the VLAN sub-interface is created on the uplink")
        }
        if let port = config.uplinkPort, port.value.hasSuffix("+") {
            log.add("uplink", "\"\(port)\" ends in +,"
                + " which ebtables reads as a wildcard in the containment rules")
        }
        if let port = config.uplinkPort, port == config.bridge {
            log.add("bridge", "\"\(config.bridge)\" is also the uplink; the uplink is enslaved to the bridge")
        }
        if let metadata = config.metadata {
            if metadata.dockerBridge == config.bridge {
                log.add("metadata.dockerBridge", "\"\(metadata.dockerBridge)\" is also the flat bridge")
            }
            if let port = config.uplinkPort, port == metadata.dockerBridge {
                log.add("metadata.dockerBridge", "\"\(metadata.dockerBridge)\" is also the uplink")
            }
        }
    }

    /// The reserved address is a host-side gateway on the flat subnet: containers must
    /// reach it on-link, and the pool must never hand it out.
    static func checkMetadata(_ metadata: MetadataConfig, against pool: IPv4RangeSet, log: ProblemLog) {
        let reserved = metadata.reservedAddress
        let path = "metadata.reservedAddress"
        if !pool.subnet.contains(reserved) {
            log.add(path, "\(reserved) is outside ipam.subnet \(pool.subnet.network)/\(pool.subnet.length);"
                + " containers reach it on-link")
        } else if reserved == pool.subnet.network || reserved == pool.subnet.broadcast {
            log.add(path, "\(reserved) is the network or broadcast address of ipam.subnet")
        }
        if reserved == pool.gateway {
            log.add(path, "\(reserved) is also ipam.gateway; the reserved address must be its own address")
        }
        for range in pool.clusterRanges where range.range.contains(reserved) {
            log.add(path, "\(reserved) is inside \(range);"
                + " the pool would hand it out")
        }
        if pool.subnet.contains(metadata.address) {
            log.add("metadata.address", "\(metadata.address) is inside ipam.subnet;"
                + " it must be reached through the reserved address")
        }
        if metadata.address == reserved {
            log.add("metadata.address", "\(metadata.address) equals metadata.reservedAddress")
        }
    }
}
