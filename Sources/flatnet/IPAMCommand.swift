import FlatnetCore
import FlatnetSystem

/// `flatnet ipam list|usage|release|gc`: the pool of one network, for operators.
enum IPAMCommand {
    static let specs: [String: CommandOptions.Spec] = [
        "list": .init(command: "ipam list", values: ["--conf"], flags: ["--json"]),
        "usage": .init(command: "ipam usage", values: ["--conf"], flags: ["--json"]),
        "release": .init(command: "ipam release", values: ["--conf", "--container", "--ifname", "--address"],
                         flags: ["--dry-run"]),
        "gc": .init(command: "ipam gc", values: ["--conf", "--live"], flags: ["--dry-run"]),
    ]

    static func run(_ arguments: [String]) throws -> OperatorCommandLine.Outcome {
        guard let subcommand = arguments.first, let spec = specs[subcommand] else {
            let given = arguments.first.map { "unknown ipam command \"\($0.bounded(80))\"; " } ?? ""
            throw UsageError("ipam: \(given)use list, usage, release or gc", command: "ipam")
        }
        let options = try CommandOptions.parse(Array(arguments.dropFirst()), spec)
        let config = try OperatorCommandLine.loadConfig(try options.required("--conf", spec))
        guard let poolConfig = config.ipam.pool else {
            throw CNIError(.invalidNetworkConfig,
                           "network \(config.name) uses the \(config.ipam.type) IPAM plugin,"
                               + " not flatnet-ipam")
        }
        let pool = PoolIPAM(network: config, pool: poolConfig,
                            lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
        switch subcommand {
        case "list": return try IPAMListing.list(pool, json: options.has("--json"))
        case "usage": return .init(output: try IPAMListing.usage(pool, json: options.has("--json")))
        case "release": return .init(output: try release(pool, options: options, spec: spec))
        default: return .init(output: try collect(pool, config: config, options: options, spec: spec))
        }
    }

    static func release(
        _ pool: PoolIPAM, options: CommandOptions, spec: CommandOptions.Spec
    ) throws -> String {
        let dryRun = options.has("--dry-run")
        if let text = options.value("--address") {
            guard let address = IPv4Address(text) else {
                throw UsageError("ipam release: --address \(text.bounded(80)) is not an IPv4 address", spec)
            }
            return try pool.operatorRelease(address: address, dryRun: dryRun).text + "\n"
        }
        guard let container = options.value("--container") else {
            throw UsageError("ipam release needs --container ID [--ifname NAME] or --address IP", spec)
        }
        let owner = Attachment(containerID: container, ifName: options.value("--ifname") ?? "eth0")
        return try pool.operatorRelease(owner: owner, dryRun: dryRun).text + "\n"
    }

    /// GC, decided under the pool lock. A lease is released only when its container's host
    /// veth is gone from this host (a live veth means the address is in use: releasing it
    /// would hand it out twice) and, with `--live ID,...`, its container id is not listed.
    /// ADD creates the veth before it leases, so an ADD in flight always has its veth.
    static func collect(
        _ pool: PoolIPAM, config: NetworkConfig, options: CommandOptions, spec: CommandOptions.Spec
    ) throws -> String {
        var listed: Set<String>?
        if let live = options.value("--live") {
            let ids = live.split(separator: ",").map { String($0) }
            guard !ids.isEmpty, ids.allSatisfy(CNIEnvironment.isValidName) else {
                throw UsageError("ipam gc: --live needs container ids (ID,ID,...),"
                    + " not \"\(live.bounded(80))\"", spec)
            }
            listed = Set(ids)
        }
        let socket = try NetlinkSocket()
        // Liveness is read from this host's links: where the network's bridge is not, every
        // container would look gone (gc run in the wrong network namespace, or on a host
        // whose state directory was copied from another).
        guard try socket.link(named: config.bridge.value) != nil else {
            throw CNIError(.hostSetupConflict,
                           "network \(config.name) has no bridge \(config.bridge) here:"
                               + " refusing to decide which containers are gone",
                           details: "ipam gc reads this host's veths;"
                               + " run it on the network's host, in its network namespace")
        }
        var present: Set<String>?
        let dryRun = options.has("--dry-run")
        let outcome = try pool.collectGarbage(dryRun: dryRun) { lease in
            if present == nil { present = Set(try socket.links().map(\.name)) }  // read under the pool lock
            let veth = InterfaceNaming.hostVeth(network: config.name, attachment: lease.owner).value
            return !present!.contains(veth) && !(listed?.contains(lease.owner.containerID) ?? false)
        }
        let released = outcome.released.map {
            IPAMReleaseOutcome.released($0.address, owner: $0.owner, dryRun: dryRun).text + "\n"
        }
        return released.joined()
            + outcome.problems.map { "problem: \($0)\n" }.joined()
            + "\(outcome.released.count) lease(s) \(dryRun ? "would be released" : "released")\n"
    }
}
