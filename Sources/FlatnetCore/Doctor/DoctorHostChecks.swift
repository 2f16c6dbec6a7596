/// Doctor's checks of the host side: bridge, uplink, the docker link.
enum DoctorHostChecks {
    static func bridge(_ config: NetworkConfig, _ seen: DoctorObservation) -> [DoctorFinding] {
        let check = "bridge \(config.bridge)"
        guard let bridge = seen.bridge else {
            return [.problem(check, "missing", fix: "run an ADD, or check \"bridge\" in the netconf")]
        }
        if bridge.kind != "bridge" {
            return [.problem(check, "is a \(bridge.kind ?? "physical") link, not a bridge",
                             fix: "rename that link or set \"bridge\"")]
        }
        if !bridge.isUp { return [.problem(check, "is down", fix: "ip link set \(config.bridge) up")] }
        if let mtu = config.mtu, bridge.mtu != mtu {
            return [.problem(check, "MTU \(bridge.mtu), netconf says \(mtu)",
                             fix: "ip link set \(config.bridge) mtu \(mtu)")]
        }
        if let address = seen.bridgeAddresses.first {
            let all = seen.bridgeAddresses.map(\.description).joined(separator: ", ")
            return [.problem(check, "carries host addresses (\(all)): the host is reachable from the segment",
                             fix: "ip addr del \(address) dev \(config.bridge)"
                                + " (and stop whatever added it: DHCP, NetworkManager)")]
        }
        return [.ok(check)]
    }

    static func uplink(_ config: NetworkConfig, _ seen: DoctorObservation) -> [DoctorFinding] {
        guard let name = config.uplinkPort else { return [] }
        let check = "uplink \(name)"
        guard seen.uplink != nil else {
            return [.problem(check, "\(config.uplink!) does not exist",
                             fix: "check \"uplink\" in the netconf")]
        }
        guard let port = seen.uplinkPort else {
            return [.problem(check, "missing", fix: "run an ADD to create and enslave it")]
        }
        if port.masterIndex == nil || port.masterIndex != seen.bridge?.index {
            return [.problem(check, "not enslaved to \(config.bridge)",
                             fix: "ip link set \(name) master \(config.bridge)")]
        }
        if !port.isUp { return [.problem(check, "is down", fix: "ip link set \(name) up")] }
        if !port.isOperational {
            var finding = DoctorFinding.problem(check, "has no link (cable, switch port)",
                                                fix: "check the NIC's cable and switch port")
            finding.isSetupDrift = false
            return [finding]
        }
        if let mtu = config.mtu, port.mtu != mtu {
            return [.problem(check, "MTU \(port.mtu), netconf says \(mtu)",
                             fix: "ip link set \(name) mtu \(mtu)")]
        }
        return [.ok(check)]
    }

    static func metadataLink(_ config: NetworkConfig, _ seen: DoctorObservation) -> [DoctorFinding] {
        guard let metadata = config.metadata else { return [] }
        let pair = InterfaceNaming.linkPair(network: config.name)
        var findings: [DoctorFinding] = []
        guard let docker = seen.dockerBridge else {
            return [.problem("docker bridge \(metadata.dockerBridge)", "missing",
                             fix: "start Docker, or check metadata.dockerBridge")]
        }
        let pairCheck = "link pair \(pair.bridgeSide)/\(pair.dockerSide)"
        if seen.linkBridgeSide?.masterIndex != seen.bridge?.index || seen.linkBridgeSide?.isUp != true {
            let problem = "\(pair.bridgeSide) is missing, down or not on \(config.bridge)"
            findings.append(.problem(pairCheck, problem, fix: "run an ADD (host setup repairs it)"))
        } else if seen.linkDockerSide?.masterIndex != docker.index || seen.linkDockerSide?.isUp != true {
            let problem = "\(pair.dockerSide) is missing, down or not on \(metadata.dockerBridge)"
            findings.append(.problem(pairCheck, problem, fix: "run an ADD (host setup repairs it)"))
        } else {
            findings.append(.ok(pairCheck))
        }
        let reserved = AttachPlanner.reservedPrefix(metadata, config: config)
        let reservedCheck = "reserved address \(reserved) on \(metadata.dockerBridge)"
        findings.append(seen.dockerAddresses.contains(reserved) ? .ok(reservedCheck)
            : .problem(reservedCheck, "missing", fix: "ip addr add \(reserved) dev \(metadata.dockerBridge)"))
        if let pool = config.ipam.pool {
            let inPool = pool.ranges.contains { $0.contains(metadata.reservedAddress) }
            findings.append(inPool ? .problem("reserved address outside the pool",
                                              "\(metadata.reservedAddress) is inside ipam.ranges",
                                              fix: "move it out of every range")
                : .ok("reserved address outside the pool"))
        }
        return findings
    }
}
