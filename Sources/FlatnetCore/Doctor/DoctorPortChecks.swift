/// Doctor's checks of the bridge's ports and of the network's container veths.
enum DoctorPortChecks {
    static func ports(_ config: NetworkConfig, _ seen: DoctorObservation) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for port in seen.bridgePorts.sorted(by: { $0.name < $1.name }) {
            guard let reason = NetworkMembership.unexpectedPortReason(port, config: config) else { continue }
            findings.append(.problem("bridge port \(port.name)", "unexpected on \(config.bridge): \(reason)",
                                     fix: "ip link set \(port.name) nomaster"
                                        + " (the next host setup refuses while it is there)"))
        }
        let owners = DoctorLeaseChecks.ownersByVeth(config, seen)
        for veth in seen.hostVeths.sorted(by: { $0.name < $1.name }) {
            let who = owners[veth.name].map { " (container \($0.containerID) \($0.ifName))" } ?? ""
            if seen.bridge == nil || veth.masterIndex != seen.bridge?.index {
                findings.append(.problem("host veth \(veth.name)\(who)",
                                         "not on \(config.bridge): the container is cut off",
                                         fix: "run an ADD on this network (host setup re-attaches it),"
                                            + " or ip link set \(veth.name) master \(config.bridge)"))
            }
            if let mtu = config.mtu, veth.mtu != mtu {
                findings.append(.problem("host veth \(veth.name)\(who)",
                                         "MTU \(veth.mtu), netconf says \(mtu)",
                                         fix: "DEL and ADD the container to apply the new MTU to both ends"))
            }
        }
        if findings.isEmpty {
            findings.append(.ok("\(seen.bridgePorts.count) port(s) on \(config.bridge) are this network's"))
        }
        return findings
    }
}
