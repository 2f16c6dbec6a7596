/// Doctor's checks of leases against the containers that are really there.
enum DoctorLeaseChecks {
    /// Lease owners by the host veth name derived for them.
    static func ownersByVeth(_ config: NetworkConfig, _ seen: DoctorObservation) -> [String: Attachment] {
        let vethsAndOwners = seen.leases.map {
            (InterfaceNaming.hostVeth(network: config.name, attachment: $0.owner).value, $0.owner)
        }
        return Dictionary(vethsAndOwners, uniquingKeysWith: { first, _ in first })
    }

    static func leases(_ config: NetworkConfig, _ seen: DoctorObservation) -> [DoctorFinding] {
        guard let pool = config.ipam.pool else { return [] }
        var findings = seen.unreadableLeases.map { problem in
            DoctorFinding.problem("lease", "unreadable, counted as held: \(problem)",
                                  fix: "check which container (if any) uses that address,"
                                    + " then remove the file")
        }
        let veths = Set(seen.hostVeths.map(\.name))
        let derivedVeth = { (owner: Attachment) in
            InterfaceNaming.hostVeth(network: config.name, attachment: owner).value
        }
        for lease in seen.leases where !veths.contains(derivedVeth(lease.owner)) {
            let owner = "container \(lease.owner.containerID) \(lease.owner.ifName)"
            findings.append(.problem("lease \(lease.address)", "\(owner) has no host veth (leaked)",
                                     fix: "flatnet ipam gc --conf FILE"))
        }
        findings += addressFindings(config, seen, subnet: pool.subnet)
        let owners = ownersByVeth(config, seen)
        for veth in seen.hostVeths where owners[veth.name] == nil {
            findings.append(.problem("host veth \(veth.name)", "has no lease",
                                     fix: "DEL its container, or ip link del \(veth.name)"))
        }
        if findings.isEmpty { findings.append(.ok("\(seen.leases.count) lease(s) match their containers")) }
        return findings
    }

    /// Addresses configured in containers: each must be leased to the container it is on,
    /// and none may be behind two containers.
    static func addressFindings(
        _ config: NetworkConfig, _ seen: DoctorObservation, subnet: IPv4Prefix
    ) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let addressesAndVeths = seen.leases.map {
            ($0.address, InterfaceNaming.hostVeth(network: config.name, attachment: $0.owner).value)
        }
        let leased = Dictionary(addressesAndVeths, uniquingKeysWith: { first, _ in first })
        var behind: [IPv4Address: String] = [:]
        for (veth, addresses) in seen.containerAddresses.sorted(by: { $0.key < $1.key }) {
            for address in addresses.compactMap({ $0.address.v4 }) where subnet.contains(address) {
                if let other = behind[address] {
                    findings.append(.problem("address \(address)",
                                             "configured behind both \(other) and \(veth) (duplicate)",
                                             fix: "DEL one of the two containers"))
                }
                behind[address] = veth
                if leased[address] != veth {
                    findings.append(.problem("address \(address)", "in use behind \(veth) without a lease",
                                             fix: "DEL and ADD that container,"
                                                + " or release the address in use elsewhere"))
                }
            }
        }
        return findings
    }
}
