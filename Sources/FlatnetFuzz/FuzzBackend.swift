import FlatnetCore

/// The plugin's ADD with every effect left out: what the real backend decides before it
/// touches the kernel (FlatnetBackend.add), from a netconf and environment that passed
/// validation. An empty pool stands in for the lease store, a fixed MAC for the random
/// one, and a delegated IPAM plugin answers with one address.
struct FuzzBackend: PluginBackend {
    /// `.ipamPlugin`: flatnet-ipam run by another main plugin, which only leases.
    let configMode: NetworkConfigParser.Mode

    static let fixedMAC = MACAddress("02:42:0a:2b:01:02")!
    static let delegatedAnswer = CNIResult(ips: [CNIResult.IPConfig(address: IPPrefix("10.43.1.2/16")!,
                                                                     gateway: IPAddress("10.43.0.1"))])

    func add(_ request: PluginRequest) throws -> CNIResult {
        let (config, invocation) = (request.config, request.invocation)
        let requests = config.runtime.effectiveRequests(with: invocation.arguments)
        let ipam: CNIResult
        switch config.ipam {
        case .pool(let pool):
            checkDataDirectory(pool.dataDirectory)
            let pools = pool.rangeSets.map {
                AddressPool(network: config.name, rangeSet: $0,
                            reservedAddress: config.metadata?.reservedAddress)
            }
            let decisions = try PoolAllocator.decide(pools: pools, for: invocation.attachment,
                                                     requested: requests.addresses) { _ in EmptyLeaseTable() }
            ipam = PoolResult.make(addresses: decisions.map(\.address), pool: pool)
        case .delegated:
            ipam = FuzzBackend.delegatedAnswer
        }
        guard configMode == .plugin else { return ipam }
        let mac = requests.mac ?? FuzzBackend.fixedMAC
        let plan = try AttachPlanner.plan(config: config, invocation: invocation, ipam: ipam, mac: mac)
        renderHostChanges(plan, config: config)
        let observed = AttachResult.Observed(bridgeMAC: FuzzBackend.fixedMAC,
                                             hostVethMAC: FuzzBackend.fixedMAC,
                                             containerMAC: mac, containerMTU: config.mtu)
        return AttachResult.make(config: config, invocation: invocation, plan: plan, ipam: ipam,
                                 observed: observed)
    }

    /// What setup would apply and record, and what the dry run prints: the ebtables
    /// batch, the nft script, the host claims, each step as an `ip` command.
    private func renderHostChanges(_ plan: AttachPlan, config: NetworkConfig) {
        _ = plan.host.map(\.ipCommand) + plan.container.map { $0.ipCommand(namespace: "c1") }
        if let rules = ContainmentRules.make(for: config) {
            _ = RuleConvergence.batch(desired: rules, live: LiveRules())
            checkRulesReadBack(rules)
        }
        _ = PortSecurityRules.make(for: config)?.script()
        _ = HostClaims.claims(for: config).map(\.description)
        for case .protectPort(let protection) in plan.container {
            precondition(PortProtection(record: protection.record) == protection,
                         "a port's record does not read back as the same protection")
        }
    }

    /// A host whose table holds exactly these rules (as ebtables-save prints flatnet's own
    /// restore lines) needs no batch: otherwise setup would rewrite it on every run.
    private func checkRulesReadBack(_ rules: ContainmentRules) {
        let save = ["*filter"] + rules.chains.map { ":\($0.name) RETURN" }
            + rules.chains.map { "-A \($0.base) -j \($0.name)" } + rules.allRules.map(\.restoreLine)
        let live = LiveRules(saveOutput: save.joined(separator: "\n"))
        precondition(RuleConvergence.batch(desired: rules, live: live) == nil,
                     "a table holding exactly the desired rules does not converge: \(save)")
    }

    /// What validation promises of ipam.dataDir, checked the way the kernel reads a path
    /// (bytes between slashes): absolute, and no `.` or `..` component.
    private func checkDataDirectory(_ path: String) {
        let components = path.unicodeScalars.split(separator: "/").map { String(Substring($0)) }
        let absolute = path.unicodeScalars.first == "/"
        precondition(absolute && !components.contains("..") && !components.contains("."),
                     "a validated dataDir climbs: \(path)")
    }

    func delete(_ request: PluginRequest) throws {}
    func check(_ request: PluginRequest) throws {}
    func status(_ request: PluginRequest) throws {}
    func garbageCollect(_ request: PluginRequest) throws {}
}
