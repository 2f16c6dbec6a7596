import FlatnetCore
import FlatnetSystem

/// `flatnet plan` and `flatnet rules`: what ADD would do, printed from the same planner
/// ADD executes (`AttachPlanner`), changing nothing.
enum PlanCommand {
    struct Options {
        var conf: String?
        var container = "plan-preview"
        var netns = "/var/run/netns/CONTAINER"
        var ifName = "eth0"
        var json = false
        var format = "commands"
    }

    static let planSpec = CommandOptions.Spec(
        command: "plan", values: ["--conf", "--container", "--netns", "--ifname"], flags: ["--json"])
    static let rulesSpec = CommandOptions.Spec(command: "rules", values: ["--conf", "--format"])

    static func run(_ command: String, _ arguments: [String]) throws -> OperatorCommandLine.Outcome {
        let spec = command == "plan" ? planSpec : rulesSpec
        let parsed = try CommandOptions.parse(arguments, spec)
        var options = Options()
        options.conf = try parsed.required("--conf", spec)
        options.container = parsed.value("--container") ?? options.container
        options.netns = parsed.value("--netns") ?? options.netns
        options.ifName = parsed.value("--ifname") ?? options.ifName
        options.json = parsed.has("--json")
        options.format = parsed.value("--format") ?? options.format
        guard ["commands", "restore", "nft"].contains(options.format) else {
            throw UsageError("rules: --format must be commands, restore or nft,"
                + " not \(options.format.bounded(40))", spec)
        }
        return .init(output: try command == "plan" ? plan(options) : rules(options))
    }

    /// `flatnet plan`: host steps, the IPAM decision, container steps.
    static func plan(_ options: Options) throws -> String {
        let config = try OperatorCommandLine.loadConfig(options.conf!)
        let invocation = CNIInvocation(command: .add, containerID: options.container, netns: options.netns,
                                       ifName: options.ifName)
        let (ipam, decision, firstLease) = try ipamPreview(config, invocation: invocation)
        var random = SystemRandomNumberGenerator()
        let mac = config.runtime.effectiveRequests(with: invocation.arguments).mac ?? .random(using: &random)
        let plan = try AttachPlanner.plan(config: config, invocation: invocation, ipam: ipam, mac: mac,
                                          firstLease: firstLease)
        let namespace = options.netns.split(separator: "/").last.map(String.init) ?? options.netns
        let host = plan.host.map(\.ipCommand)
        let container = plan.container.map { $0.ipCommand(namespace: namespace) }
        if options.json {
            return JSONValue.object([
                "network": .string(config.name), "hostSetup": .array(host.map(JSONValue.string)),
                "ipam": .string(decision), "container": .array(container.map(JSONValue.string)),
            ]).prettyPrinted() + "\n"
        }
        let numbered = { (lines: [String]) in
            lines.enumerated().map {
                "  \($0.offset + 1). " + $0.element.replacingOccurrences(of: "\n", with: "\n     ")
            }
        }
        let title = "flatnet plan: ADD of \(options.container) \(options.ifName) to network \(config.name)"
            + " on this host"
        return ([title, "",
                 "Host setup (once per network; an ADD on a prepared host skips it):"] + numbered(host)
                + ["", "IPAM: \(decision)", "", "Container (CNI_NETNS=\(options.netns)):"]
                + numbered(container))
            .joined(separator: "\n") + "\n"
    }

    /// The addresses ADD would use, without taking them.
    static func ipamPreview(
        _ config: NetworkConfig, invocation: CNIInvocation
    ) throws -> (CNIResult, String, firstLease: Bool) {
        guard let poolConfig = config.ipam.pool else {
            // Running another plugin's ADD would allocate: the plan names it and stops there.
            return (CNIResult(), "delegated to the \(config.ipam.type) plugin on CNI_PATH"
                + " (not run by plan; its addresses and routes are not shown)", false)
        }
        let pool = PoolIPAM(network: config, pool: poolConfig,
                            lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
        let requested = config.runtime.effectiveRequests(with: invocation.arguments).addresses
        let decision = try pool.preview(for: invocation.attachment, requested: requested)
        let verb = if case .alreadyHeld = decision { "already holds" } else { "would get" }
        let text = "\(invocation.containerID) \(invocation.ifName) \(verb)"
            + " \(decision.address)/\(poolConfig.subnet.length)"
            + " from \(pool.pool.rangesDescription) (state \(pool.store.directory), read, not written)"
        var firstLease = false
        if case .lease(let address) = decision { firstLease = try pool.wouldBeFirstLease(address) }
        return (pool.result(for: decision.address), text, firstLease)
    }

    static func noPortSecurity(_ config: NetworkConfig) -> String {
        "# network \(config.name) has \"portSecurity\": false: no port security table (unsafe)\n"
    }

    /// `flatnet rules`: the network's ebtables rules (pasteable commands or a restore
    /// batch) and its port security table (`nft -f` script); per-container elements are
    /// in `flatnet plan`.
    static func rules(_ options: Options) throws -> String {
        let config = try OperatorCommandLine.loadConfig(options.conf!)
        let portSecurity = PortSecurityRules.make(for: config)
        let header = "# port security of network \(config.name)\n"
        if options.format == "nft" {
            return portSecurity.map { header + $0.script() } ?? Self.noPortSecurity(config)
        }
        let nftSection = portSecurity.map { header + HostStep.ensurePortSecurity($0).ipCommand + "\n" }
            ?? Self.noPortSecurity(config)
        guard let rules = ContainmentRules.make(for: config) else {
            let none = "# network \(config.name) has no metadata block: flatnet installs no ebtables rules for it\n"
            return options.format == "restore" ? none : none + nftSection
        }
        switch options.format {
        case "restore":
            let batch = RuleConvergence.batch(desired: rules, live: LiveRules(saveOutput: "")) ?? ""
            return "# for: ebtables-restore --noflush\n" + batch
        default:
            return "# ebtables rules of network \(config.name)\n"
                + HostStep.ensureRules(rules).ipCommand + "\n" + nftSection
        }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)  // FlatnetCore's split
    }
}
