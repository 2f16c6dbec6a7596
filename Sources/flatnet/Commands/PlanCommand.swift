import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet plan`: what ADD would do, printed from the same planner ADD executes
/// (`AttachPlanner`), changing nothing.
struct PlanCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "The dry run: every step ADD would take on this host.",
        discussion: """
            The dry run: every step ADD would take on this host, in order, each with its \
            ip/ebtables/nft equivalent, and the address IPAM would hand out (read from the pool's \
            state, written nowhere). Changes nothing; uses the same planner as ADD.
            """)

    static let needsRoot: String? = "it reads the pool under its lock"

    @OptionGroup var network: NetworkFileOption
    @Option(help: ArgumentHelp("The container id ADD would get (CNI_CONTAINERID).", valueName: "id"))
    var container = "plan-preview"
    @Option(help: ArgumentHelp("The container's network namespace (CNI_NETNS).", valueName: "path"))
    var netns = "/var/run/netns/CONTAINER"
    @Option(help: ArgumentHelp("The interface inside the container (CNI_IFNAME).", valueName: "name"))
    var ifname = "eth0"
    @OptionGroup var json: JSONOption

    func execute() throws -> CommandOutcome {
        let config = try network.load()
        let invocation = CNIInvocation(command: .add, containerID: container, netns: netns, ifName: ifname)
        let preview = try IPAMPreview.make(config, invocation: invocation)
        var random = SystemRandomNumberGenerator()
        let mac = config.runtime.effectiveRequests(with: invocation.arguments).mac ?? .random(using: &random)
        let plan = try AttachPlanner.plan(config: config, invocation: invocation, ipam: preview.result,
                                          mac: mac, firstLease: preview.firstLease)
        let namespace = netns.split(separator: "/").last.map(String.init) ?? netns
        if json.enabled {
            return .init(output: JSONValue.object([
                "network": .string(config.name), "container": .string(container), "ifname": .string(ifname),
                "netns": .string(netns), "ipam": preview.fields,
                "hostSetup": .array(plan.host.map(\.fields)),
                "containerSetup": .array(plan.container.map { $0.fields(namespace: namespace) }),
            ]).prettyPrinted() + "\n")
        }
        let title = "flatnet plan: ADD of \(container) \(ifname) to network \(config.name) on this host"
        let lines = TextWrapping.wrap(title)
            + ["", "Host setup (once per network; an ADD on a prepared host skips it):"]
            + Self.numbered(plan.host.map(\.ipCommand))
            + [""] + TextWrapping.wrap("IPAM: " + preview.text, indent: "  ")
            + ["", "Container (CNI_NETNS=\(netns)):"]
            + Self.numbered(plan.container.map { $0.ipCommand(namespace: namespace) })
        return .init(output: lines.joined(separator: "\n") + "\n")
    }

    /// "  1. command", continuation lines indented under the command, each wrapped to 80
    /// columns with `\` so it still pastes.
    static func numbered(_ steps: [String]) -> [String] {
        steps.enumerated().map { index, step in
            let label = "  \(index + 1). "
            let body = TextWrapping.wrapScript(step, width: TextWrapping.width - label.count)
            let pad = String(repeating: " ", count: label.count)
            return label + body.replacingOccurrences(of: "\n", with: "\n" + pad)
        }
    }
}

/// The addresses ADD would use, without taking them.
struct IPAMPreview {
    var result: CNIResult
    var text: String
    var fields: JSONValue
    var firstLease = false

    static func make(_ config: NetworkConfig, invocation: CNIInvocation) throws -> IPAMPreview {
        guard let poolConfig = config.ipam.pool else {
            // Running another plugin's ADD would allocate: the plan names it and stops there.
            return IPAMPreview(
                result: CNIResult(),
                text: "delegated to the \(config.ipam.type) plugin on CNI_PATH"
                    + " (not run by plan; its addresses and routes are not shown)",
                fields: .object(["plugin": .string(config.ipam.type), "decision": .string("delegated")]))
        }
        if let store = poolConfig.store {
            // The cluster pool's next address depends on every host's ADDs: plan does not guess.
            return IPAMPreview(
                result: CNIResult(),
                text: "from the cluster store (etcd at \(store.endpoints.joined(separator: ", "))), at ADD"
                    + " (not previewed: other hosts allocate from the same ranges)",
                fields: .object(["plugin": .string(config.ipam.type), "decision": .string("clusterStore")]))
        }
        let pool = PoolIPAM(network: config, pool: poolConfig,
                            lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
        let requested = config.runtime.effectiveRequests(with: invocation.arguments).addresses
        let decisions = try pool.preview(for: invocation.attachment, requested: requested)
        let parts = zip(pool.pools, decisions).map { addressPool, decision in
            let held = if case .alreadyHeld = decision { true } else { false }
            return (address: "\(decision.address)/\(addressPool.subnet.length)", held: held,
                    ranges: addressPool.rangesDescription)
        }
        let node = poolConfig.node.map { " of node \($0)" } ?? ""
        let text = "\(invocation.containerID) \(invocation.ifName) "
            + parts.map { "\($0.held ? "already holds" : "would get") \($0.address) from \($0.ranges)" + node }
                .joined(separator: "; ")
            + " (state \(pool.store.directory), read, not written)"
            + (poolConfig.reservations == nil ? ""
                : "; a workload with a reservation gets the addresses it keeps instead")
        var firstLease = false
        if let first = decisions.first, case .lease(let address) = first, address.family == .ipv4 {
            firstLease = try pool.wouldBeFirstLease(address)
        }
        let verdict = { (held: Bool) in JSONValue.string(held ? "alreadyHeld" : "lease") }
        var members: [String: JSONValue] = [
            "plugin": .string(config.ipam.type), "decision": verdict(parts.allSatisfy(\.held)),
            "address": .string(parts[0].address), "ranges": .string(parts.map(\.ranges).joined(separator: ", ")),
            "addresses": .array(parts.map {
                .object(["address": .string($0.address), "decision": verdict($0.held), "ranges": .string($0.ranges)])
            }),
            "stateDirectory": .string(pool.store.directory), "firstLease": .bool(firstLease),
        ]
        if let node = poolConfig.node { members["node"] = .string(node.name) }
        let fields = JSONValue.object(members)
        return IPAMPreview(result: pool.result(for: decisions.map(\.address)), text: text, fields: fields,
                           firstLease: firstLease)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)  // FlatnetCore's split
    }
}
