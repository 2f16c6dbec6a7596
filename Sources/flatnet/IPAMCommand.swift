import FlatnetCore
import FlatnetSystem

/// `flatnet ipam list|usage|release|gc`: the pool of one network, for operators.
enum IPAMCommand {
    static func run(_ arguments: [String]) throws -> String {
        guard let subcommand = arguments.first else { throw CNIError(.invalidEnvironment, "ipam needs list, usage, release or gc") }
        var options = [String: String]()
        var flags = Set<String>()
        var rest = arguments.dropFirst()[...]
        while let option = rest.popFirst() {
            if option == "--json" { flags.insert(option); continue }
            guard let value = rest.popFirst() else { throw CNIError(.invalidEnvironment, "\(option) needs a value") }
            options[option] = value
        }
        guard let path = options["--conf"] else { throw CNIError(.invalidEnvironment, "ipam \(subcommand) needs --conf FILE") }
        let config = try OperatorCommandLine.loadConfig(path)
        guard let poolConfig = config.ipam.pool else {
            throw CNIError(.invalidNetworkConfig, "network \(config.name) uses the \(config.ipam.type) IPAM plugin, not flatnet-ipam")
        }
        let pool = PoolIPAM(network: config, pool: poolConfig, lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
        switch subcommand {
        case "list": return try list(pool, json: flags.contains("--json"))
        case "usage": return try usage(pool, json: flags.contains("--json"))
        case "release": return try release(pool, options: options)
        case "gc": return try collect(pool, config: config, options: options)
        default: throw CNIError(.invalidEnvironment, "unknown ipam command \(subcommand): list, usage, release or gc")
        }
    }

    static func list(_ pool: PoolIPAM, json: Bool) throws -> String {
        let (leases, problems) = try pool.leases()
        if json {
            return JSONValue.array(leases.map {
                .object(["address": .string($0.address.description), "containerID": .string($0.owner.containerID),
                         "ifname": .string($0.owner.ifName), "ageSeconds": .number(Double($0.ageSeconds))])
            }).prettyPrinted() + "\n"
        }
        let rows = leases.map { [$0.address.description, $0.owner.containerID, $0.owner.ifName, age($0.ageSeconds)] }
        return table(["ADDRESS", "CONTAINER", "IFNAME", "AGE"], rows)
            + problems.map { "problem: \($0)\n" }.joined() + "\(leases.count) lease(s) in \(pool.store.directory)\n"
    }

    static func usage(_ pool: PoolIPAM, json: Bool) throws -> String {
        let ranges = try pool.usageByRange()
        if json {
            return JSONValue.array(ranges.map {
                .object(["range": .string($0.range.description), "held": .number(Double($0.held)), "capacity": .number(Double($0.capacity))])
            }).prettyPrinted() + "\n"
        }
        return ranges.map { entry in
            let fraction = entry.capacity == 0 ? 1.0 : Double(entry.held) / Double(entry.capacity)
            let filled = Int((fraction * 30).rounded())
            let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "]"
            return "\(entry.range)  \(bar) \(entry.held)/\(entry.capacity) held (\(Int((fraction * 100).rounded()))%)\n"
        }.joined()
    }

    static func release(_ pool: PoolIPAM, options: [String: String]) throws -> String {
        if let text = options["--address"] {
            guard let address = IPv4Address(text) else { throw CNIError(.invalidEnvironment, "--address \(text) is not an IPv4 address") }
            guard let owner = try pool.release(address: address) else { return "\(address) was not held\n" }
            return "released \(address) (container \(owner.containerID) \(owner.ifName))\n"
        }
        guard let container = options["--container"] else {
            throw CNIError(.invalidEnvironment, "release needs --container ID [--ifname NAME] or --address IP")
        }
        let owner = Attachment(containerID: container, ifName: options["--ifname"] ?? "eth0")
        try pool.release(for: owner)
        return "released the lease of container \(owner.containerID) \(owner.ifName), if it held one\n"
    }

    /// GC against `--live ID,ID,...` (container ids the runtime knows), or, without it,
    /// by checking that each owner's host veth still exists on this host.
    static func collect(_ pool: PoolIPAM, config: NetworkConfig, options: [String: String]) throws -> String {
        let leases = try pool.leases().leases
        let keep: Set<Attachment>
        if let live = options["--live"] {
            let ids = Set(live.split(separator: ",").map(String.init))
            keep = Set(leases.map(\.owner).filter { ids.contains($0.containerID) })
        } else {
            let socket = try NetlinkSocket()
            keep = Set(try leases.map(\.owner).filter {
                try socket.link(named: InterfaceNaming.hostVeth(network: config.name, attachment: $0).value) != nil
            })
        }
        let outcome = try pool.collectGarbage(keeping: keep)
        return outcome.released.map { "released \($0.address) (container \($0.owner.containerID) \($0.owner.ifName))\n" }.joined()
            + outcome.problems.map { "problem: \($0)\n" }.joined()
            + "\(outcome.released.count) lease(s) released, \(keep.count) kept\n"
    }

    static func age(_ seconds: Int) -> String {
        seconds < 120 ? "\(seconds)s" : seconds < 7200 ? "\(seconds / 60)m" : seconds < 172_800 ? "\(seconds / 3600)h" : "\(seconds / 86400)d"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }
                .joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }.joined()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        String(reversed().drop { $0 == " " }.reversed())
    }
}
