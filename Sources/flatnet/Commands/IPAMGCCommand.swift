import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet ipam gc`: leases whose container is gone from this host, released.
struct IPAMGCCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Release leases whose container's host veth is gone from this host.",
        discussion: """
            Release leases whose container's host veth is gone from this host (and, with --live, \
            whose container id is not listed); an address whose veth exists is in use and is \
            never released. Decided under the pool lock, safe while ADDs run.
            """)

    static let needsRoot: String? = "it reads links and changes leases"

    @OptionGroup var network: NetworkFileOption
    @Option(help: ArgumentHelp("The container ids the runtime knows; a lease of any other may go.",
                               valueName: "id,id,..."))
    var live: String?
    @OptionGroup var dryRun: DryRunOption

    /// The `--live` ids, checked as CNI checks a container id.
    var liveIDs: Set<String>? {
        live.map { Set($0.split(separator: ",").map(String.init)) }
    }

    func validate() throws {
        guard let live else { return }
        let ids = live.split(separator: ",").map(String.init)
        guard !ids.isEmpty, ids.allSatisfy(CNIEnvironment.isValidName) else {
            throw ValidationError("--live needs container ids (ID,ID,...), not \"\(live.bounded(80))\"")
        }
    }

    /// A lease is released only when its container's host veth is gone from this host (a
    /// live veth means the address is in use: releasing it would hand it out twice) and,
    /// with `--live ID,...`, its container id is not listed. ADD creates the veth before it
    /// leases, so an ADD in flight always has its veth.
    func execute() throws -> CommandOutcome {
        let (config, pool) = try IPAMCommand.pool(network, command: "ipam gc")
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
        let listed = liveIDs
        let outcome = try pool.collectGarbage(dryRun: dryRun.enabled) { lease in
            if present == nil { present = Set(try socket.links().map(\.name)) }  // read under the pool lock
            let veth = InterfaceNaming.hostVeth(network: config.name, attachment: lease.owner).value
            return !present!.contains(veth) && !(listed?.contains(lease.owner.containerID) ?? false)
        }
        if !dryRun.enabled {
            for lease in outcome.released {
                AuditTrail.recordRelease(config, verb: "ipam gc", owner: lease.owner, address: lease.address.description)
            }
        }
        let released = outcome.released.map {
            IPAMReleaseOutcome.released([$0.address], owner: $0.owner, dryRun: dryRun.enabled).text + "\n"
        }
        return .init(output: released.joined()
            + outcome.problems.map { "problem: \($0)\n" }.joined()
            + "\(outcome.released.count) lease(s) \(dryRun.enabled ? "would be released" : "released")\n")
    }
}
