import FlatnetCore

/// Reads everything `flatnet doctor` compares, changing nothing.
public enum DoctorProbe {
    /// Where runtimes put container namespaces (ip netns, cnitool, podman, containerd).
    public static let namespaceDirectories = ["/run/netns", "/var/run/netns"]

    public static func observe(_ config: NetworkConfig) throws -> DoctorObservation {
        let socket = try NetlinkSocket()
        var seen = DoctorObservation()
        seen.bridge = try socket.link(named: config.bridge.value)
        seen.uplink = try config.uplink.flatMap { try socket.link(named: $0.value) }
        seen.uplinkPort = try config.uplinkPort.flatMap { try socket.link(named: $0.value) }
        if let metadata = config.metadata {
            let pair = InterfaceNaming.linkPair(network: config.name)
            seen.dockerBridge = try socket.link(named: metadata.dockerBridge.value)
            seen.linkBridgeSide = try socket.link(named: pair.bridgeSide.value)
            seen.linkDockerSide = try socket.link(named: pair.dockerSide.value)
            seen.dockerAddresses = try seen.dockerBridge.map { try socket.addresses(interfaceIndex: $0.index).map(\.prefix) } ?? []
            (seen.liveRules, seen.ebtablesBackends) = try Ebtables.doctorView(network: config.name)
        }
        if case .pool(let pool) = config.ipam {
            seen.leases = try PoolIPAM(network: config, pool: pool, lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
                .leases().leases
        }
        let prefix = InterfaceNaming.hostVethPrefix(network: config.name)
        seen.hostVeths = try socket.links().filter { $0.kind == "veth" && $0.name.hasPrefix(prefix) }
        seen.containerAddresses = containerAddresses(behind: seen.hostVeths)
        return seen
    }

    /// The addresses on the container end of each host veth, found by opening the
    /// namespaces runtimes publish and matching the alias flatnet gives container ends
    /// (`flatnet:<host veth>@<host netns inode>`; interface indexes alone are ambiguous
    /// across namespaces). Containers whose namespace is not published there are not seen.
    static func containerAddresses(behind veths: [LinkInfo]) -> [String: [IPPrefix]] {
        guard let inode = try? NetworkNamespace.identity(path: "/proc/thread-self/ns/net").inode else { return [:] }
        let byAlias = Dictionary(veths.map { (LinkInfo.containerAlias(hostVeth: $0.name, hostNamespaceInode: inode), $0.name) },
                                 uniquingKeysWith: { first, _ in first })
        var result: [String: [IPPrefix]] = [:]
        var visited = Set<NamespaceIdentity>()
        for directory in namespaceDirectories {
            for name in (try? StateFiles.list(directory)) ?? [] {
                let path = directory + "/" + name
                guard let identity = try? NetworkNamespace.identity(path: path), visited.insert(identity).inserted,
                      let socket = try? NamespaceFile(path: path).openSocket(),
                      let links = try? socket.links() else { continue }
                for link in links where link.kind == "veth" {
                    guard let alias = link.alias, let veth = byAlias[alias],
                          let addresses = try? socket.addresses(interfaceIndex: link.index) else { continue }
                    result[veth, default: []] += addresses.map(\.prefix)
                }
            }
        }
        return result
    }
}
