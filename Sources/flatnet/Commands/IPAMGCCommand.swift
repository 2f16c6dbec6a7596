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
            never released. Decided under the pool lock, safe while ADDs run. A pool in the \
            cluster store (ipam.store) has no such lock: there only this node's leases are \
            looked at (another node's stay, whatever this host has), each lease's veth is looked \
            at after the leases are listed (ADD creates the veth before it leases), and a \
            release holds only if the lease is unchanged since listed, so a new ADD in flight \
            keeps its address; it refuses when a veth here is of another node's lease (this \
            host is not the node it says). A reserved workload keeps its addresses, as after \
            its DEL.
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
    /// leases, so an ADD in flight always has its veth. On disk the pool lock orders gc
    /// against ADD; the cluster store has none (`ClusterPool.collectGarbage(dryRun:isGone:)`
    /// says how it goes without), and only this node's leases are looked at.
    func execute() throws -> CommandOutcome {
        let (config, cluster) = try IPAMCommand.clusterPool(network)
        let socket = try NetlinkSocket()
        try Self.requireBridge(config, socket: socket)
        let listed = liveIDs
        guard let cluster else {
            let pool = try IPAMCommand.pool(network, command: "ipam gc").1
            let outcome = try pool.collectGarbage(dryRun: dryRun.enabled) {
                try Self.isGone($0.owner, network: config.name, listed: listed, socket: socket)
            }
            return report(config, released: outcome.released.map { ($0.owner, $0.address) },
                          problems: outcome.problems)
        }
        try Self.requireOwnNodeName(cluster, network: config.name, socket: socket)
        let outcome = cluster.collectGarbage(dryRun: dryRun.enabled) {
            try Self.isGone($0, network: config.name, listed: listed, socket: socket)
        }
        // What was released before the store failed is said (and audited), then exit 1.
        return report(config, released: outcome.releasedLeases, problems: outcome.problemsAndStop,
                      status: outcome.stoppedBy == nil ? 0 : 1)
    }

    /// Gone: not in `listed` (`--live`), and no host veth on this host, read when asked
    /// (for the cluster store, after its listing: ClusterPool.collectGarbage(dryRun:isGone:)).
    static func isGone(_ owner: Attachment, network: String, listed: Set<String>?,
                       socket: borrowing NetlinkSocket) throws -> Bool {
        if listed?.contains(owner.containerID) ?? false { return false }
        let veth = InterfaceNaming.hostVeth(network: network, attachment: owner)
        return try socket.link(named: veth.value) == nil
    }

    /// Liveness is read from this host's links, by the names flatnet gives its host veths:
    /// under another main plugin (flatnet-ipam alone) the veths are that plugin's, and where
    /// the network's bridge is not (gc run in the wrong network namespace, or on a host
    /// whose state directory was copied from another), every container would look gone.
    static func requireBridge(_ config: NetworkConfig, socket: borrowing NetlinkSocket) throws {
        guard config.type == "flatnet" else {
            throw CNIError(.invalidNetworkConfig,
                           "network \(config.name) is of type \(config.type.bounded(80)), not flatnet:"
                               + " its veths are not flatnet's, refusing to decide which containers are gone",
                           details: "ipam gc reads flatnet's host veths; under another plugin the runtime's"
                               + " CNI GC releases flatnet-ipam's leases")
        }
        guard try socket.link(named: config.bridge.value) != nil else {
            throw CNIError(.hostSetupConflict,
                           "network \(config.name) has no bridge \(config.bridge) here:"
                               + " refusing to decide which containers are gone",
                           details: "ipam gc reads this host's veths;"
                               + " run it on the network's host, in its network namespace")
        }
    }

    /// The store's node name must be the one this host's containers were leased under: a
    /// veth here of an attachment the store gives to another node says it is not.
    static func requireOwnNodeName(_ cluster: ClusterPool, network: String,
                                   socket: borrowing NetlinkSocket) throws {
        let present = Set(try socket.links().map(\.name))
        let stranger = try cluster.otherNodesAttachment {
            present.contains(InterfaceNaming.hostVeth(network: network, attachment: $0).value)
        }
        guard let (owner, other) = stranger else { return }
        let container = "container \(owner.containerID.bounded(80)) ifname \(owner.ifName)"
        throw CNIError(.invalidEnvironment,
                       "\(container) has its veth on this host but its lease is node \(other)'s,"
                           + " and this host is node \(cluster.node):"
                           + " refusing to decide which of \(cluster.node)'s containers are gone",
                       details: "the node name comes from FLATNET_NODE_NAME, /etc/flatnet/nodename or the"
                           + " host name; run ipam gc as the node this host's containers were added as")
    }

    /// One line per address released (or that would be), the problems, the count; each
    /// release written to the network's audit log, as `ipam release` does.
    func report(_ config: NetworkConfig, released: [(owner: Attachment, address: IPAddress)],
                problems: [String], status: Int32 = 0) -> CommandOutcome {
        if !dryRun.enabled {
            for lease in released {
                AuditTrail.recordRelease(config, verb: "ipam gc", owner: lease.owner,
                                         address: lease.address.description)
            }
        }
        let lines = released.map {
            IPAMReleaseOutcome.released([$0.address], owner: $0.owner, dryRun: dryRun.enabled).text + "\n"
        }
        return .init(output: lines.joined()
            + problems.map { "problem: \($0)\n" }.joined()
            + "\(released.count) lease(s) \(dryRun.enabled ? "would be released" : "released")\n",
                     status: status)
    }
}
