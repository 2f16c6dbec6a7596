import FlatnetCore

/// The verbs of the flatnet network plugin.
public struct FlatnetBackend: PluginBackend {
    /// The process environment, handed to a delegated IPAM plugin as libcni would.
    public let environment: [String: String]
    public let lockTimeoutMilliseconds: Int

    public init(environment: [String: String], lockTimeoutMilliseconds: Int) {
        self.environment = environment
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
    }

    public func thisNode(environment: [String: String]) -> NodeIdentity? {
        NodeIdentityReader.current(environment: environment)
    }

    func ipam(_ request: PluginRequest) throws -> IPAMClient {
        try IPAMClient(request: request, environment: environment,
                   lockTimeoutMilliseconds: lockTimeoutMilliseconds)
    }

    /// ADD, in order: the container's netns (before anything is allocated; never the
    /// plugin's own), the interface name free in it, the host side, the veth, an
    /// address, then the rest of the container side. The veth comes before the address
    /// so that a lease never exists without its host veth (`ipam gc` relies on it). A
    /// failure after the address was taken gives it back; the runner undoes the veth.
    /// Host setup is never undone: other containers share it.
    public func add(_ request: PluginRequest) throws -> CNIResult {
        let (config, invocation) = (request.config, request.invocation)
        let namespace = try NamespaceFile(path: invocation.netns ?? "")
        try refuseOwnNamespace(namespace)
        let host = try NetlinkSocket()
        let container = try namespace.openSocket()
        if try container.link(named: invocation.ifName) != nil {
            throw CNIError(.interfaceExists, "interface \(invocation.ifName) already exists in the container",
                           details: "CNI_NETNS=\(namespace.path)")
        }
        let setup = HostSetup(config: config, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
        let bridgeIndex = try setup.ensure(socket: host)
        let hostVeth = InterfaceNaming.hostVeth(network: config.name, attachment: invocation.attachment)
        let operations = NetlinkContainerOperations(
            host: host, container: container, bridgeIndex: bridgeIndex, namespace: namespace,
            hostVeth: hostVeth, network: config.name,
            repairHost: {
                try setup.invalidate()
                _ = try setup.ensure(socket: try NetlinkSocket())
            })
        var runner = ContainerStepRunner(operations: operations)
        // flatnet picks the MAC (unless the runtime did): port security must know it
        // without asking the container.
        var random = SystemRandomNumberGenerator()
        let mac = config.runtime.effectiveRequests(with: invocation.arguments).mac ?? .random(using: &random)
        try runner.run([try AttachPlanner.vethStep(config: config, invocation: invocation, mac: mac)])
        let ipam: IPAMClient
        let (addresses, firstLease): (CNIResult, Bool)
        do {
            ipam = try self.ipam(request)
            (addresses, firstLease) = try ipam.add(request)
        } catch {
            runner.rollBack()
            throw error
        }
        do {
            let plan = try AttachPlanner.plan(config: config, invocation: invocation, ipam: addresses,
                                              mac: mac, firstLease: firstLease)
            try runner.run(Array(plan.container.dropFirst()))  // the veth step ran before IPAM
            let observed = try operations.observe(bridge: config.bridge, hostVeth: plan.hostVeth,
                                                  container: try InterfaceName(validating: invocation.ifName))
            return AttachResult.make(config: config, invocation: invocation, plan: plan, ipam: addresses,
                                     observed: observed)
        } catch {
            runner.rollBack()
            try? ipam.delete(request)
            throw error
        }
    }

    /// CNI_NETNS must not be the namespace flatnet runs in: ADD would put the container's
    /// address and default route on the host itself.
    func refuseOwnNamespace(_ namespace: borrowing NamespaceFile) throws {
        let own = try NetworkNamespace.identity(path: "/proc/thread-self/ns/net")
        guard try namespace.identity() != own else {
            throw CNIError(.invalidEnvironment, "CNI_NETNS is the plugin's own network namespace",
                           details: "CNI_NETNS=\(namespace.path) is the host's namespace;"
                               + " flatnet configures containers, never the host")
        }
    }

    /// DEL: the port's protection (elements and record), the host veth (its peer goes
    /// with it), then the address. Tries every step,
    /// treats "already gone" as done, and fails only for a real failure.
    public func delete(_ request: PluginRequest) throws {
        var failures: [CNIError] = []
        // The port's elements go first, on a socket that stays open until the veth is gone:
        // the kernel frees deleted set elements after an RCU grace period, and closing the
        // socket waits for it (8-16 ms here); deleting the veth (20-30 ms) covers it. A
        // port without its elements can send nothing, so it is never unguarded meanwhile.
        var elementsSocket: NetfilterSocket?
        do {
            elementsSocket = try unprotectPort(request)
        } catch {
            failures.append(CNIErrorMapping.cniError(for: error))
        }
        do {
            try deleteVeth(request)
        } catch {
            failures.append(CNIErrorMapping.cniError(for: error))
        }
        do {
            try ipam(request).delete(request)
        } catch {
            failures.append(CNIErrorMapping.cniError(for: error))
        }
        _ = consume elementsSocket
        guard let first = failures.first else { return }
        let details = failures.map { "\($0.message) \($0.details)" }.joined(separator: "; ")
        throw CNIError(first.code, "DEL: \(first.message)", details: details)
    }

    /// Removes the attachment's veth pair by deleting the host end; the container end
    /// goes with it. The name is derived, but the delete happens only when flatnet's
    /// record on the link (its host-side alias) says it is this network's: a link of that
    /// name that is not is left alone and named on stderr. (Deleting the container end
    /// from inside its netns instead measured the same, 30.8 vs 32.2 ms interleaved: the
    /// kernel's unregister dominates either way.)
    func deleteVeth(_ request: PluginRequest) throws {
        let hostVeth = InterfaceNaming.hostVeth(network: request.config.name,
                                                attachment: request.invocation.attachment)
        let socket = try NetlinkSocket()
        guard let link = try socket.link(named: hostVeth.value) else { return }
        guard NetworkMembership.isContainerVeth(link, of: request.config.name) else {
            StandardStreams.writeDiagnostic("flatnet: DEL left \(hostVeth) alone:"
                + " it is not marked as network \(request.config.name)'s\n")
            return
        }
        try socket.deleteLink(named: hostVeth.value)
    }

    /// CHECK: prevResult against the kernel and the IPAM reservation, and the network's
    /// host side (bridge, uplink, the docker link and reserved address, the rules, port
    /// security and this port's elements) as
    /// doctor judges it; the error names every difference. Host drift also drops the
    /// ready stamp, so the next ADD repairs it.
    public func check(_ request: PluginRequest) throws {
        guard let expected = request.config.runtime.prevResult else {
            throw CNIError(.invalidNetworkConfig, "CHECK needs prevResult",
                           details: "the runtime sends the ADD result as prevResult")
        }
        var drift = try AttachmentCheck.drift(expected: expected, config: request.config,
                                              invocation: request.invocation, observed: observe(request))
        do {
            try ipam(request).check(request, expected: expected)
        } catch {
            drift.append(CNIErrorMapping.cniError(for: error).message)
        }
        var hostDrift = try hostProblems(request.config)
        let port = InterfaceNaming.hostVeth(network: request.config.name, attachment: request.invocation.attachment)
        hostDrift += try portSecurityProblems(request.config) + (try portProblems(request.config, port: port))
        if let rules = ContainmentRules.make(for: request.config) {
            hostDrift += RuleConvergence.drift(desired: rules,
                                               live: try Ebtables.liveRules(of: request.config.name))
        }
        if !hostDrift.isEmpty {
            // The ADD fast path trusts a stamp; drop it so the next ADD repairs the host side.
            try? HostSetup(config: request.config, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
                .invalidate()
        }
        drift += hostDrift
        guard drift.isEmpty else {
            throw CNIError(.checkFailed, "CHECK: \(drift[0])", details: drift.joined(separator: "; "))
        }
    }

    /// The host side's differences from what setup made, as doctor words them
    /// (`check: problem`). A lost carrier is not one: STATUS reports it on its own.
    func hostProblems(_ config: NetworkConfig) throws -> [String] {
        Doctor.hostFindings(config, try HostProbe.observe(config, socket: try NetlinkSocket()))
            .filter(\.isSetupDrift)
            .compactMap { finding in finding.problem.map { "\(finding.check): \($0)" } }
    }

    func observe(_ request: PluginRequest) throws -> AttachmentCheck.Observation {
        let (config, invocation) = (request.config, request.invocation)
        let host = try NetlinkSocket()
        let hostVeth = InterfaceNaming.hostVeth(network: config.name, attachment: invocation.attachment)
        let container = try NamespaceFile(path: invocation.netns ?? "").openSocket()
        let link = try container.link(named: invocation.ifName)
        return AttachmentCheck.Observation(
            bridge: try host.link(named: config.bridge.value), hostVeth: try host.link(named: hostVeth.value),
            container: link,
            containerAddresses: try link.map {
                try container.addresses(interfaceIndex: $0.index).map(\.prefix)
            } ?? [],
            containerRoutes: try container.routes())
    }

    /// STATUS: 0 when an ADD could succeed now and the containers already here are
    /// served. 50 (not available): no working ebtables backend for a network with a
    /// metadata block (a real probe, cached when positive), the uplink missing, the pool
    /// exhausted. 51 (existing containers degraded): the enslaved uplink is not
    /// operational; the host side a setup left here has drifted (docker0 re-created by a
    /// Docker restart, the link pair or reserved address gone, the bridge deleted); the
    /// pool's state or some lease is unreadable. A delegated IPAM plugin's status is not
    /// asked (the Debian plugins predate STATUS).
    public func status(_ request: PluginRequest) throws {
        let config = request.config
        if config.metadata != nil { try Ebtables.requireAvailable(for: config.name) }
        if config.portSecurity.enabled { try Nft.requireAvailable() }
        if let port = config.uplinkPort {
            let socket = try NetlinkSocket()
            guard try socket.link(named: (config.uplink ?? port).value) != nil else {
                throw CNIError(.notAvailable, "uplink \(config.uplink ?? port) does not exist on this host")
            }
            if let link = try socket.link(named: port.value), link.masterIndex != nil, !link.isOperational {
                throw CNIError(.notAvailableDegraded, "uplink \(port) is down",
                               details: "containers on \(config.bridge) cannot reach the segment")
            }
        }
        try checkAppliedSetup(config)
        if case .pool(let pool) = try ipam(request) { try pool.checkStatus() }
    }

    /// 51 when the host side a setup left here no longer serves or guards the containers:
    /// links, addresses, and the rules (one ebtables listing: STATUS is not on the ADD
    /// path, and a firewall reload that flushed the chains must not go unnoticed).
    func checkAppliedSetup(_ config: NetworkConfig) throws {
        let setup = HostSetup(config: config, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
        guard try setup.wasApplied() else { return }
        var problems = try hostProblems(config) + (try portSecurityProblems(config))
        if let rules = ContainmentRules.make(for: config) {
            problems += RuleConvergence.drift(desired: rules, live: try Ebtables.liveRules(of: config.name))
        }
        guard let first = problems.first else { return }
        // The fast path cannot see all of this (rules are read by an exec): drop the stamp
        // so that the next ADD repairs it, as the message says.
        try? setup.invalidate()
        throw CNIError(.notAvailableDegraded, "network \(config.name) is degraded on this host: \(first)",
                       details: "the next ADD on this network repairs it,"
                           + " as does `flatnet repair --conf FILE`;"
                           + " `flatnet doctor --conf FILE` shows every problem")
    }

    /// GC (1.1.0): removes what belongs to attachments not in the valid list: host veths
    /// that carry flatnet's record of this network (never a name or prefix alone: another
    /// network's, or a link someone else made, could match it), whose container ends go
    /// with them, attached or cut off from the bridge (a cut-off veth whose lease GC
    /// released would leave an address in use and free at once); their ports' port
    /// security elements and records (also those an ADD killed half way left); and leases.
    /// Keeps going past errors and reports them all. Without the list it refuses:
    /// absent must never mean "nothing is valid".
    public func garbageCollect(_ request: PluginRequest) throws {
        let valid = try request.config.runtime.requiredValidAttachments()
        var problems: [String] = []
        do {
            problems += try removeStaleVeths(request.config, keeping: valid)
            problems += try removeStalePortProtection(request.config, keeping: valid)
        } catch {
            problems.append(CNIErrorMapping.cniError(for: error).message)
        }
        do {
            switch try ipam(request) {
            case .pool(let pool): problems += try pool.collectGarbage(valid: Set(valid))
            case .delegated(let plugin, let environment, let netconf):
                try plugin.run(.garbageCollect, environment: environment, netconf: netconf)
            }
        } catch {
            let cause = CNIErrorMapping.cniError(for: error)
            problems.append("\(cause.message) \(cause.details)")
        }
        guard problems.isEmpty else {
            throw CNIError(.ioFailure, "GC finished with \(problems.count) problem(s)",
                           details: problems.joined(separator: "; "))
        }
    }

    /// Deletes this network's host veths whose attachment is not valid; returns failures.
    func removeStaleVeths(_ config: NetworkConfig, keeping valid: [Attachment]) throws -> [String] {
        let socket = try NetlinkSocket()
        let keep = Set(valid.map { InterfaceNaming.hostVeth(network: config.name, attachment: $0).value })
        var problems: [String] = []
        for link in try socket.links()
            where !keep.contains(link.name) && NetworkMembership.isContainerVeth(link, of: config.name) {
            do { try socket.deleteLink(named: link.name) } catch { problems.append("\(error)") }
        }
        return problems
    }
}
