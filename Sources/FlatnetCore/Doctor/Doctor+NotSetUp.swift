extension Doctor {
    /// True when nothing of the network is on this host: no ADD or setup ran here (or
    /// teardown removed it all). Then every check would fail for one reason, and doctor
    /// says that in one line instead. Anything of the network that is there (a record, a
    /// chain, a lease, a container veth, the link pair, its table) makes it a host that
    /// is partly set up, whose problems doctor lists. So does anything doctor could not
    /// read (no working ebtables, nft missing): absence is not proven then.
    public static func isNotSetUp(_ config: NetworkConfig, _ seen: DoctorObservation) -> Bool {
        !seen.setupRecorded && bridgeIsAbsentOrBare(config, seen) && uplinkPortIsAbsent(config, seen)
            && metadataLinkIsAbsent(config, seen) && rulesAreAbsent(config, seen)
            && portSecurityIsAbsent(config, seen)
            && seen.leases.isEmpty && seen.unreadableLeases.isEmpty && seen.hostVeths.isEmpty
    }

    /// No bridge, or a bare one (no ports, no addresses) that an operator made for
    /// flatnet to use: setup takes it as it is.
    static func bridgeIsAbsentOrBare(_ config: NetworkConfig, _ seen: DoctorObservation) -> Bool {
        guard let bridge = seen.bridge else { return true }
        return bridge.kind == "bridge" && seen.bridgePorts.isEmpty && seen.bridgeAddresses.isEmpty
    }

    /// A VLAN sub-interface is flatnet's (the plain uplink is the host's NIC, there before).
    static func uplinkPortIsAbsent(_ config: NetworkConfig, _ seen: DoctorObservation) -> Bool {
        config.uplinkPort == config.uplink || seen.uplinkPort == nil
    }

    static func metadataLinkIsAbsent(_ config: NetworkConfig, _ seen: DoctorObservation) -> Bool {
        guard let metadata = config.metadata else { return true }
        let reserved = AttachPlanner.reservedPrefix(metadata, config: config)
        return seen.linkBridgeSide == nil && seen.linkDockerSide == nil
            && !seen.dockerAddresses.contains(reserved)
    }

    static func rulesAreAbsent(_ config: NetworkConfig, _ seen: DoctorObservation) -> Bool {
        guard config.metadata != nil else { return true }
        let facts = seen.ebtablesBackends
        return !facts.working.isEmpty && facts.recorded == nil && facts.holding.isEmpty
    }

    static func portSecurityIsAbsent(_ config: NetworkConfig, _ seen: DoctorObservation) -> Bool {
        guard PortSecurityRules.make(for: config) != nil else { return true }
        let observed = seen.portSecurity
        return observed.unreadable == nil && observed.table == nil && observed.records.isEmpty
    }
}
