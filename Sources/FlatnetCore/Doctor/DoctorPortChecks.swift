/// Doctor's checks of the bridge's ports and of the network's container veths.
enum DoctorPortChecks {
    static func ports(
        _ config: NetworkConfig, _ seen: DoctorObservation, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for port in seen.bridgePorts.sorted(by: { $0.name < $1.name }) {
            guard let reason = NetworkMembership.unexpectedPortReason(port, config: config) else { continue }
            findings.append(.problem("bridge port \(port.name)", "unexpected on \(config.bridge): \(reason)",
                                     fix: "ip link set \(port.name) nomaster"
                                        + "  # the next host setup refuses while it is there"))
        }
        let owners = DoctorLeaseChecks.ownersByVeth(config, seen)
        for veth in seen.hostVeths.sorted(by: { $0.name < $1.name }) {
            let who = owners[veth.name].map { " (container \($0.containerID) \($0.ifName))" } ?? ""
            if seen.bridge == nil || veth.masterIndex != seen.bridge?.index {
                findings.append(cutOff(veth, who: who, config: config, fixes))
            }
            if let mtu = config.mtu, veth.mtu != mtu {
                findings.append(.problem("host veth \(veth.name)\(who)",
                                         "MTU \(veth.mtu), netconf says \(mtu)",
                                         fix: DoctorFixes.reattach("ip link set \(veth.name) mtu \(mtu)",
                                                                   "the host end only")))
            }
        }
        if findings.isEmpty {
            findings.append(.ok("\(seen.bridgePorts.count) port(s) on \(config.bridge) are this network's"))
        }
        return findings
    }

    /// A container veth off the bridge: setup re-attaches one that has no master (its
    /// bridge was deleted); one on another master a person must look at.
    static func cutOff(
        _ veth: LinkInfo, who: String, config: NetworkConfig, _ fixes: DoctorFixes
    ) -> DoctorFinding {
        let check = "host veth \(veth.name)\(who)"
        let problem = "not on \(config.bridge): the container is cut off"
        let attach = "ip link set \(veth.name) master \(config.bridge)"
        guard veth.masterIndex == nil else {
            return .problem(check, problem + " (it is on another master)",
                            fix: attach + "  # after finding out who moved it")
        }
        return .repairable(check, problem, fix: fixes.repair(or: attach))
    }
}
