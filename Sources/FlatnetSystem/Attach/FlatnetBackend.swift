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

    func ipam(_ request: PluginRequest) -> IPAMClient {
        IPAMClient(request: request, environment: environment, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
    }

    /// ADD, in order: the container's netns (before anything is allocated), the
    /// interface name free in it, the host side, an address, then the container side.
    /// A failure after the address was taken gives it back; the container side undoes
    /// its own veth. Host setup is never undone: other containers share it.
    public func add(_ request: PluginRequest) throws -> CNIResult {
        let (config, invocation) = (request.config, request.invocation)
        let namespace = try NamespaceFile(path: invocation.netns ?? "")
        let host = try NetlinkSocket()
        let container = try namespace.openSocket()
        if try container.link(named: invocation.ifName) != nil {
            throw CNIError(.interfaceExists, "interface \(invocation.ifName) already exists in the container",
                           details: "CNI_NETNS=\(namespace.path)")
        }
        let bridgeIndex = try HostSetup(config: config, lockTimeoutMilliseconds: lockTimeoutMilliseconds).ensure(socket: host)
        let ipam = ipam(request)
        let addresses = try ipam.add(request)
        let hostVeth = InterfaceNaming.hostVeth(network: config.name, attachment: invocation.attachment)
        let operations = NetlinkContainerOperations(host: host, container: container, bridgeIndex: bridgeIndex,
                                                    namespace: namespace, hostVeth: hostVeth)
        var runner = ContainerStepRunner(operations: operations)
        do {
            let mac = config.runtime.effectiveRequests(with: invocation.arguments).mac
            let plan = try AttachPlanner.plan(config: config, invocation: invocation, ipam: addresses, mac: mac)
            try runner.run(plan.container)
            let observed = try operations.observe(bridge: config.bridge, hostVeth: plan.hostVeth,
                                                  container: try InterfaceName(validating: invocation.ifName))
            return AttachResult.make(config: config, invocation: invocation, plan: plan, ipam: addresses, observed: observed)
        } catch {
            runner.rollBack()
            try? ipam.delete(request)
            throw error
        }
    }

    /// DEL: the host veth (its peer goes with it), then the address. Tries every step,
    /// treats "already gone" as done, and fails only for a real failure.
    public func delete(_ request: PluginRequest) throws {
        var failures: [CNIError] = []
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
        guard let first = failures.first else { return }
        throw CNIError(first.code, "DEL: \(first.message)", details: failures.map { "\($0.message) \($0.details)" }.joined(separator: "; "))
    }

    /// Removes the attachment's veth pair by deleting the host end, whose name is
    /// deterministic and always ours; the container end goes with it. (Deleting the
    /// container end from inside its netns instead measured the same, 30.8 vs 32.2 ms
    /// interleaved: the kernel's unregister dominates either way.)
    func deleteVeth(_ request: PluginRequest) throws {
        let hostVeth = InterfaceNaming.hostVeth(network: request.config.name, attachment: request.invocation.attachment)
        try NetlinkSocket().deleteLink(named: hostVeth.value)
    }

    /// CHECK: prevResult against the kernel and the IPAM reservation; the error names
    /// every difference.
    public func check(_ request: PluginRequest) throws {
        guard let expected = request.config.runtime.prevResult else {
            throw CNIError(.invalidNetworkConfig, "CHECK needs prevResult", details: "the runtime sends the ADD result as prevResult")
        }
        var drift = try AttachmentCheck.drift(expected: expected, config: request.config, invocation: request.invocation,
                                              observed: observe(request))
        do {
            try ipam(request).check(request, expected: expected)
        } catch {
            drift.append(CNIErrorMapping.cniError(for: error).message)
        }
        if let rules = ContainmentRules.make(for: request.config) {
            let ruleDrift = RuleConvergence.drift(desired: rules, live: try Ebtables.liveRules(of: request.config.name))
            if !ruleDrift.isEmpty {
                // The ADD fast path trusts a stamp; drop it so the next ADD repairs the rules.
                try? HostSetup(config: request.config, lockTimeoutMilliseconds: lockTimeoutMilliseconds).invalidate()
            }
            drift += ruleDrift
        }
        guard drift.isEmpty else {
            throw CNIError(.checkFailed, "CHECK: \(drift[0])", details: drift.joined(separator: "; "))
        }
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
            containerAddresses: try link.map { try container.addresses(interfaceIndex: $0.index).map(\.prefix) } ?? [],
            containerRoutes: try container.routes())
    }

    /// STATUS: 0 when an ADD could succeed now. 50 (not available): no working ebtables
    /// backend for a metadata network, the uplink missing, the pool exhausted. 51
    /// (existing containers degraded too): the enslaved uplink is not operational, or the
    /// pool's state is unreadable. A delegated IPAM plugin's status is not asked (the
    /// Debian plugins predate STATUS).
    public func status(_ request: PluginRequest) throws {
        let config = request.config
        if config.metadata != nil { try Ebtables.requireAvailable(for: config.name) }
        if let port = config.uplinkPort {
            let socket = try NetlinkSocket()
            guard try socket.link(named: (config.uplink ?? port).value) != nil else {
                throw CNIError(.notAvailable, "uplink \(config.uplink ?? port) does not exist on this host")
            }
            if let link = try socket.link(named: port.value), link.masterIndex != nil, !link.isOperational {
                throw CNIError(.notAvailableDegraded, "uplink \(port) is down", details: "containers on \(config.bridge) cannot reach the segment")
            }
        }
        if case .pool(let pool) = ipam(request) { try pool.checkStatus() }
    }

    /// GC (1.1.0): removes what belongs to attachments not in the valid list: host veths
    /// (found by this network's name prefix, so no state is needed; their container ends
    /// go with them) and leases. Per-container rules do not exist (one wildcard rule covers
    /// every container), so there are none to remove. Keeps going past errors and reports
    /// them all. Without the list it refuses: absent must never mean "nothing is valid".
    public func garbageCollect(_ request: PluginRequest) throws {
        let valid = try request.config.runtime.requiredValidAttachments()
        var problems: [String] = []
        do {
            problems += try removeStaleVeths(request.config, keeping: valid)
        } catch {
            problems.append(CNIErrorMapping.cniError(for: error).message)
        }
        do {
            switch ipam(request) {
            case .pool(let pool): problems += try pool.collectGarbage(keeping: Set(valid)).problems
            case .delegated(let plugin, let environment, let netconf): try plugin.run(.garbageCollect, environment: environment, netconf: netconf)
            }
        } catch {
            let cause = CNIErrorMapping.cniError(for: error)
            problems.append("\(cause.message) \(cause.details)")
        }
        guard problems.isEmpty else {
            throw CNIError(.ioFailure, "GC finished with \(problems.count) problem(s)", details: problems.joined(separator: "; "))
        }
    }

    /// Deletes this network's host veths whose attachment is not valid; returns failures.
    func removeStaleVeths(_ config: NetworkConfig, keeping valid: [Attachment]) throws -> [String] {
        let socket = try NetlinkSocket()
        let prefix = InterfaceNaming.hostVethPrefix(network: config.name)
        let keep = Set(valid.map { InterfaceNaming.hostVeth(network: config.name, attachment: $0).value })
        var problems: [String] = []
        for link in try socket.links() where link.kind == "veth" && link.name.hasPrefix(prefix) && !keep.contains(link.name) {
            do { try socket.deleteLink(named: link.name) } catch { problems.append("\(error)") }
        }
        return problems
    }
}
