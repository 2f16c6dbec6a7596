/// Doctor's checks of leases against the containers that are really there.
enum DoctorLeaseChecks {
    static func leases(_ config: NetworkConfig, _ seen: DoctorObservation) -> [DoctorFinding] {
        guard config.ipam.pool != nil else { return [] }
        var findings: [DoctorFinding] = []
        let veths = Set(seen.hostVeths.map(\.name))
        var leased: [IPv4Address: Attachment] = [:]
        for lease in seen.leases {
            leased[lease.address] = lease.owner
            let veth = InterfaceNaming.hostVeth(network: config.name, attachment: lease.owner).value
            if !veths.contains(veth) {
                findings.append(.problem("lease \(lease.address)", "container \(lease.owner.containerID) \(lease.owner.ifName) has no host veth (leaked)",
                                         fix: "flatnet ipam gc --conf FILE"))
            }
        }
        let owners = Dictionary(seen.leases.map { (InterfaceNaming.hostVeth(network: config.name, attachment: $0.owner).value, $0.address) },
                                uniquingKeysWith: { first, _ in first })
        var seenAddresses: [IPv4Address: String] = [:]
        for (veth, addresses) in seen.containerAddresses.sorted(by: { $0.key < $1.key }) {
            for address in addresses.compactMap({ $0.address.v4 }) where config.ipam.pool!.subnet.contains(address) {
                if let other = seenAddresses[address] {
                    findings.append(.problem("address \(address)", "configured behind both \(other) and \(veth) (duplicate)",
                                             fix: "DEL one of the two containers"))
                }
                seenAddresses[address] = veth
                if leased[address] == nil || owners[veth] != address {
                    findings.append(.problem("address \(address)", "in use behind \(veth) without a lease",
                                             fix: "DEL and ADD that container, or release the address in use elsewhere"))
                }
            }
        }
        for veth in seen.hostVeths where owners[veth.name] == nil {
            findings.append(.problem("host veth \(veth.name)", "has no lease", fix: "DEL its container, or ip link del \(veth.name)"))
        }
        if findings.isEmpty { findings.append(.ok("\(seen.leases.count) lease(s) match their containers")) }
        return findings
    }
}
