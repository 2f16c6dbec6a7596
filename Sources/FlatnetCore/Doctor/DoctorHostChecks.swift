/// Doctor's checks of the host side: bridge, uplink, the docker link.
enum DoctorHostChecks {
    static func bridge(
        _ config: NetworkConfig, _ seen: DoctorObservation, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        let check = "bridge \(config.bridge)"
        guard let bridge = seen.bridge else {
            return [.repairable(check, "missing", fix: fixes.repair(because: "creates it"))]
        }
        if bridge.kind != "bridge" {
            // Setup refuses to take a link that is not its bridge: a person decides.
            let kind = bridge.kind ?? "physical"
            let what = "a \(kind) link holds the name: rename or delete it, or set \"bridge\""
            return [.problem(check, "is a \(kind) link, not a bridge",
                             fix: fixes.edit(showing: "ip -d link show \(config.bridge)", what))]
        }
        if !bridge.isUp {
            return [.repairable(check, "is down", fix: fixes.repair(or: "ip link set \(config.bridge) up"))]
        }
        if let mtu = config.mtu, bridge.mtu != mtu {
            return [.repairable(check, "MTU \(bridge.mtu), netconf says \(mtu)",
                                fix: fixes.repair(or: "ip link set \(config.bridge) mtu \(mtu)"))]
        }
        if let address = seen.bridgeAddresses.first {
            let all = seen.bridgeAddresses.map(\.description).joined(separator: ", ")
            return [.problem(check, "carries host addresses (\(all)): the host is reachable from the segment",
                             fix: "ip addr del \(address) dev \(config.bridge)"
                                + "  # and stop whatever added it (DHCP, NetworkManager)")]
        }
        return [.ok(check)]
    }

    static func uplink(
        _ config: NetworkConfig, _ seen: DoctorObservation, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        guard let name = config.uplinkPort, let parent = config.uplink else { return [] }
        let check = "uplink \(name)"
        guard seen.uplink != nil else {
            return [.problem(check, "\(parent) does not exist",
                             fix: fixes.edit(showing: "ip -br link",
                                             "choose this host's NIC for \"uplink\""))]
        }
        guard let port = seen.uplinkPort else {
            return [.repairable(check, "missing", fix: fixes.repair(because: "creates and enslaves it"))]
        }
        if port.masterIndex == nil || port.masterIndex != seen.bridge?.index {
            let finding = "not enslaved to \(config.bridge)"
            let enslave = "ip link set \(name) master \(config.bridge)"
            // Setup enslaves a free port; one on another master it refuses (it would join segments).
            return [port.masterIndex == nil ? .repairable(check, finding, fix: fixes.repair(or: enslave))
                : .problem(check, finding + " (it is on another master)",
                           fix: "ip link set \(name) nomaster  # once nothing else needs it there;"
                               + " then \(fixes.repair)")]
        }
        if !port.isUp {
            return [.repairable(check, "is down", fix: fixes.repair(or: "ip link set \(name) up"))]
        }
        if !port.isOperational {
            let inspect = "ip link show \(name)  # no carrier: check the NIC's cable and its switch port"
            var finding = DoctorFinding.problem(check, "has no link (cable, switch port)", fix: inspect)
            finding.isSetupDrift = false
            return [finding]
        }
        if let mtu = config.mtu, port.mtu != mtu {
            return [.repairable(check, "MTU \(port.mtu), netconf says \(mtu)",
                                fix: fixes.repair(or: "ip link set \(name) mtu \(mtu)"))]
        }
        return [.ok(check)]
    }

    static func metadataLink(
        _ config: NetworkConfig, _ seen: DoctorObservation, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        guard let metadata = config.metadata else { return [] }
        guard let docker = seen.dockerBridge else {
            return [.problem("docker bridge \(metadata.dockerBridge)", "missing",
                             fix: "systemctl start docker  # or set metadata.dockerBridge in \(fixes.conf);"
                                 + " then \(fixes.repair)")]
        }
        return [linkPair(config, seen, docker: docker, fixes)]
            + reservedAddress(config, metadata: metadata, seen, fixes)
    }

    static func linkPair(
        _ config: NetworkConfig, _ seen: DoctorObservation, docker: LinkInfo, _ fixes: DoctorFixes
    ) -> DoctorFinding {
        let pair = InterfaceNaming.linkPair(network: config.name)
        let check = "link pair \(pair.bridgeSide)/\(pair.dockerSide)"
        // With the bridge gone, no port is on it (nil == nil must not read as "on it").
        if seen.bridge == nil || seen.linkBridgeSide?.masterIndex != seen.bridge?.index
            || seen.linkBridgeSide?.isUp != true {
            let problem = "\(pair.bridgeSide) is missing, down or not on \(config.bridge)"
            return .repairable(check, problem, fix: fixes.repair)
        }
        if seen.linkDockerSide?.masterIndex != docker.index || seen.linkDockerSide?.isUp != true {
            let problem = "\(pair.dockerSide) is missing, down or not on \(docker.name)"
            return .repairable(check, problem, fix: fixes.repair)
        }
        return .ok(check)
    }

    static func reservedAddress(
        _ config: NetworkConfig, metadata: MetadataConfig, _ seen: DoctorObservation, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        let reserved = AttachPlanner.reservedPrefix(metadata, config: config)
        let check = "reserved address \(reserved) on \(metadata.dockerBridge)"
        var findings: [DoctorFinding] = [seen.dockerAddresses.contains(reserved) ? .ok(check)
            : .repairable(check, "missing",
                          fix: fixes.repair(or: "ip addr add \(reserved) dev \(metadata.dockerBridge)"))]
        if let pool = config.ipam.ipv4Pool {
            let check = "reserved address outside the pool"
            if let range = pool.clusterRanges.first(where: { $0.range.contains(metadata.reservedAddress) }) {
                findings.append(.problem(check, "\(metadata.reservedAddress) is inside \(range.path)",
                                         fix: "flatnet netconf validate \(fixes.conf)  # move"
                                             + " metadata.reservedAddress out of every range"))
            } else {
                findings.append(.ok(check))
            }
        }
        return findings
    }
}
