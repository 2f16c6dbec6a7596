import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 19, item 1: one netconf (a Multus NetworkAttachmentDefinition, say) on many nodes,
/// each allocating from its own ranges in `ipam.nodes`.
@Suite("One netconf, per-node ranges (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct PerNodeRangesTests {
    /// flat-a with node-a and node-b ranges; state per simulated host.
    static func config(_ topology: Topology, host: String) -> JSONValue {
        let node = { (first: String, last: String) -> JSONValue in
            .object(["ranges": .array([.object(["rangeStart": .string(first), "rangeEnd": .string(last)])])])
        }
        let nodes = JSONValue.object(["node-a": node("10.43.1.2", "10.43.1.254"),
                                      "node-b": node("10.43.2.2", "10.43.2.254")])
        var config = topology.netconf("flat-a", host: host, range: ("10.43.1.2", "10.43.1.254"))
        config = config.setting("ipam.ranges", to: nil)
        return config.setting("ipam.nodes", to: nodes)
    }

    @Test("the same netconf on two hosts: each leases from its node's range, and the containers reach each other")
    func twoNodesOneNetconf() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let onA = try topology.flatnet("ADD", host: "hA", container: "c1", config: Self.config(topology, host: "hA"),
                                       extraEnvironment: ["FLATNET_NODE_NAME": "node-a"])
        let onB = try topology.flatnet("ADD", host: "hB", container: "c2", config: Self.config(topology, host: "hB"),
                                       extraEnvironment: ["FLATNET_NODE_NAME": "node-b"])
        #expect(onA.status == 0 && onB.status == 0, "\(onA.outcome.stdout) \(onB.outcome.stdout)")
        #expect(onA.address == "10.43.1.2" && onB.address == "10.43.2.2")
        #expect(try topology.ping(from: "c1", "10.43.2.2"), "the two nodes' containers share the segment")
    }

    @Test("a host whose node is not in the map: ADD fails with code 7 naming it, and leaves no veth and no lease")
    func missingNode() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let config = Self.config(topology, host: "hA")
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config,
                                       extraEnvironment: ["FLATNET_NODE_NAME": "node-c"])
        #expect(add.status != 0 && add.code == 7, "\(add.outcome.stdout)")
        #expect(add.reply?["details"]?.stringValue?.contains("this node \"node-c\" (from FLATNET_NODE_NAME) has no entry")
                    == true, "\(add.outcome.stdout)")
        #expect(try !topology.ip("c1", "-br", "link").contains("eth0"), "nothing in the container")
        #expect(topology.leases(host: "hA", network: "flat-a").isEmpty, "no lease")
        #expect(try topology.link("br-flat-a", on: "hA") == nil, "no host setup either: the netconf was refused")
    }

    @Test("without FLATNET_NODE_NAME the host name picks the node (a UTS namespace named node-b)")
    func hostNamePicksTheNode() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let environment = [
            "CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c1", "CNI_NETNS": "/run/netns/" + topology.namespace("c1"),
            "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        ]
        let script = "hostname node-b && exec ip netns exec \(topology.namespace("hA")) \(TestHost.binary ?? "")"
        let outcome = try ProcessRunner.run(["/usr/bin/unshare", "--uts", "sh", "-ec", script], environment: environment,
                                            stdin: Self.config(topology, host: "hA").serialized())
        let add = PluginCall(outcome: outcome)
        #expect(add.status == 0 && add.address == "10.43.2.2", "\(outcome.stdout) \(outcome.stderr)")
    }

    @Test("flatnet plan names the node and its range; a node not in the map is refused the same way as ADD")
    func planNamesTheNode() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let file = try topology.write(Self.config(topology, host: "hB"), as: "flat-a.json")
        let plan = { (node: String) throws -> ProcessOutcome in
            try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", topology.namespace("hB"), TestHost.binary ?? "",
                                   "plan", "--conf", file, "--container", "c1", "--netns",
                                   "/run/netns/" + topology.namespace("c1")],
                                  environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "FLATNET_NODE_NAME": node])
        }
        let onB = try plan("node-b")
        let words = onB.stdout.split(whereSeparator: \.isWhitespace).filter { $0 != "\\" }.joined(separator: " ")
        #expect(onB.status == 0 && words.contains("would get 10.43.2.2/16 from 10.43.2.2-10.43.2.254 of node"
            + " \"node-b\" (from FLATNET_NODE_NAME)"), "\(onB.stdout)\(onB.stderr)")
        let onC = try plan("node-c")
        #expect(onC.status != 0 && onC.stderr.contains("this node \"node-c\""), "\(onC.stderr)")
    }
}
