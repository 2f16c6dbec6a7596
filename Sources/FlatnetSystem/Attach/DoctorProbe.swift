import FlatnetCore

/// Reads everything `flatnet doctor` compares, changing nothing.
public enum DoctorProbe {
    public static func observe(_ config: NetworkConfig) throws -> DoctorObservation {
        let socket = try NetlinkSocket()
        var seen = try HostProbe.observe(config, socket: socket)
        if config.metadata != nil {
            (seen.liveRules, seen.ebtablesBackends) = try Ebtables.doctorView(network: config.name)
        }
        if case .pool(let pool) = config.ipam, pool.store != nil {
            // This node's leases in the cluster store: the containers here are held there.
            let cluster = try IPAMClient.ownPool(network: config, pool: pool, lockTimeoutMilliseconds: 0)
            seen.leases = try cluster.nodeLeases().map {
                PoolLease(address: $0.address, owner: $0.owner, ageSeconds: 0)
            }
            seen.poolStateDirectory = "the cluster store"
            seen.poolStateDirectoryExists = true
        } else if case .pool(let pool) = config.ipam {
            let ipam = PoolIPAM(network: config, pool: pool,
                                lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
            (seen.leases, seen.unreadableLeases) = try ipam.leases()
            seen.poolStateDirectory = ipam.store.directory
            seen.poolStateDirectoryExists = try ipam.hasStateDirectory
        }
        seen.setupRecorded = try HostSetup(config: config, lockTimeoutMilliseconds: 0).hasRecords()
        let links = try socket.links()
        seen.bridgePorts = seen.bridge.map { bridge in links.filter { $0.masterIndex == bridge.index } } ?? []
        seen.hostVeths = links.filter { NetworkMembership.isContainerVeth($0, of: config.name) }
        seen.containerAddresses = ContainerFinder.addresses(behind: seen.hostVeths)
        seen.portSecurity = try PortSecurityProbe.observe(config)
        return seen
    }
}

/// Reads the host side of one network (bridge, uplink, docker link, reserved address):
/// shared by doctor, CHECK and STATUS, so all three judge the same facts.
public enum HostProbe {
    public static func observe(
        _ config: NetworkConfig, socket: borrowing NetlinkSocket
    ) throws -> DoctorObservation {
        var seen = DoctorObservation()
        seen.bridge = try socket.link(named: config.bridge.value)
        seen.bridgeAddresses = try seen.bridge.map {
            try socket.ipv4Addresses(interfaceIndex: $0.index)
        } ?? []
        seen.uplink = try config.uplink.flatMap { try socket.link(named: $0.value) }
        seen.uplinkPort = try config.uplinkPort.flatMap { try socket.link(named: $0.value) }
        if let metadata = config.metadata {
            let pair = InterfaceNaming.linkPair(network: config.name)
            seen.dockerBridge = try socket.link(named: metadata.dockerBridge.value)
            seen.linkBridgeSide = try socket.link(named: pair.bridgeSide.value)
            seen.linkDockerSide = try socket.link(named: pair.dockerSide.value)
            seen.dockerAddresses = try seen.dockerBridge.map {
                try socket.ipv4Addresses(interfaceIndex: $0.index)
            } ?? []
        }
        return seen
    }
}
