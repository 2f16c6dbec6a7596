/// Doctor's checks of leases against the containers that are really there.
enum DoctorLeaseChecks {
    /// Lease owners by the host veth name derived for them.
    static func ownersByVeth(_ config: NetworkConfig, _ seen: DoctorObservation) -> [String: Attachment] {
        let vethsAndOwners = seen.leases.map {
            (InterfaceNaming.hostVeth(network: config.name, attachment: $0.owner).value, $0.owner)
        }
        return Dictionary(vethsAndOwners, uniquingKeysWith: { first, _ in first })
    }

    static func leases(
        _ config: NetworkConfig, _ seen: DoctorObservation, _ fixes: DoctorFixes
    ) -> [DoctorFinding] {
        guard let pool = config.ipam.pool else { return [] }
        var findings = seen.unreadableLeases.map(unreadable)
        let veths = Set(seen.hostVeths.map(\.name))
        let derivedVeth = { (owner: Attachment) in
            InterfaceNaming.hostVeth(network: config.name, attachment: owner).value
        }
        for lease in seen.leases where !veths.contains(derivedVeth(lease.owner)) {
            let owner = "container \(lease.owner.containerID) \(lease.owner.ifName)"
            findings.append(.problem("lease \(lease.address)", "\(owner) has no host veth (leaked)",
                                     fix: fixes.collectLeases))
        }
        findings += addressFindings(config, seen, subnets: pool.rangeSets.map(\.subnet))
        let owners = ownersByVeth(config, seen)
        for veth in seen.hostVeths where owners[veth.name] == nil {
            findings.append(.problem("host veth \(veth.name)", "has no lease",
                                     fix: DoctorFixes.reattach("ip link del \(veth.name)",
                                                               "its address is not leased: another ADD could"
                                                                   + " hand it out")))
        }
        if findings.isEmpty { findings.append(.ok(noProblemCheck(config, seen))) }
        return findings
    }

    /// "3 lease(s) match their containers", or, before the first address was handed out
    /// here, that there is no state directory yet (not an empty table).
    static func noProblemCheck(_ config: NetworkConfig, _ seen: DoctorObservation) -> String {
        guard let directory = seen.poolStateDirectory, !seen.poolStateDirectoryExists else {
            return "\(seen.leases.count) lease(s) match their containers"
        }
        return PoolListingNote.noStateDirectory(network: config.name, directory: directory)
    }

    /// An unreadable lease (its reason starts with the file's path): it counts as held.
    static func unreadable(_ reason: String) -> DoctorFinding {
        let path = reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? reason
        return .problem("lease", "unreadable, counted as held: \(reason)",
                        fix: "rm -r \(ShellWord.quoted(path))  # once no container uses that address")
    }

    /// Addresses configured in containers: each must be leased to the container it is on,
    /// and none may be behind two containers.
    static func addressFindings(
        _ config: NetworkConfig, _ seen: DoctorObservation, subnets: [IPPrefix]
    ) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let addressesAndVeths = seen.leases.map {
            ($0.address, InterfaceNaming.hostVeth(network: config.name, attachment: $0.owner).value)
        }
        let leased = Dictionary(addressesAndVeths, uniquingKeysWith: { first, _ in first })
        var behind: [IPAddress: String] = [:]
        for (veth, addresses) in seen.containerAddresses.sorted(by: { $0.key < $1.key }) {
            for address in addresses.map(\.address) where subnets.contains(where: { $0.contains(address) }) {
                if let other = behind[address] {
                    // The one the lease is not for is the intruder (the second, when neither holds it).
                    let intruder = leased[address] == veth ? other : veth
                    findings.append(.problem("address \(address)",
                                             "configured behind both \(other) and \(veth) (duplicate)",
                                             fix: DoctorFixes.reattach("ip link del \(intruder)",
                                                                       "its container uses \(address)"
                                                                           + " without holding it")))
                }
                behind[address] = veth
                if leased[address] != veth {
                    findings.append(.problem("address \(address)", "in use behind \(veth) without a lease",
                                             fix: DoctorFixes.reattach("ip link del \(veth)",
                                                                       "its container uses an address"
                                                                           + " it does not hold")))
                }
            }
        }
        return findings
    }
}
