import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The installer's contract with the plugin (issue 19, items 1 and 6): what `flatnet install`
/// writes (one conflist with `ipam.nodes`, /etc/flatnet/nodename) is what the plugin reads
/// on the node. The node's /etc is an overlay in a private mount namespace with the scratch
/// root's etc/flatnet bound into it: the machine's own /etc is never written.
@Suite("Installed conflist and node name file drive the plugin (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct InstallNodeNameTests {
    static let netconf = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("netconf").path

    /// flat-a with per-node ranges for node-a and node-b, its pool under the topology.
    static func answers(_ topology: Topology) -> JSONValue {
        let node = { (first: String, last: String) -> JSONValue in
            .object(["rangeStart": .string(first), "rangeEnd": .string(last)])
        }
        return .object([
            "name": .string("flat-a"), "subnet": .string("10.43.0.0/16"), "gateway": .string("10.43.0.1"),
            "uplink": .string("eth1"), "dataDir": .string(topology.stateDirectory + "/hA"),
            "nodes": .object(["node-a": node("10.43.1.2", "10.43.1.254"), "node-b": node("10.43.2.2", "10.43.2.254")]),
        ])
    }

    /// /etc as an overlay (upper layer under the topology's directory), ROOT/etc/flatnet on
    /// its /etc/flatnet: the plugin then reads the installed node name file at its real path.
    static func nodeFiles(_ topology: Topology, root: String) -> String {
        let layer = topology.stateDirectory + "/etc-layer"
        return "mount --make-rprivate / && mkdir -p \(layer) && mount -t tmpfs tmpfs \(layer)"
            + " && mkdir \(layer)/upper \(layer)/work"
            + " && mount -t overlay overlay -o lowerdir=/etc,upperdir=\(layer)/upper,workdir=\(layer)/work /etc"
            + " && mkdir -p /etc/flatnet && mount --bind \(root)/etc/flatnet /etc/flatnet && "
    }

    /// The installed conflist as the runtime hands its flatnet plugin over.
    static func installedPlugin(root: String) throws -> JSONValue {
        let text = try String(contentsOfFile: root + "/etc/cni/net.d/90-flat-a.conflist", encoding: .utf8)
        let document = try JSONValue.parse(text)
        var plugin = try #require(document["plugins"]?.arrayValue?.first?.objectValue)
        plugin["name"] = document["name"]
        plugin["cniVersion"] = document["cniVersion"]
        return .object(plugin)
    }

    @Test("on host hA, the node name install wrote picks that node's range; installing as another node moves it")
    func nodeNameFilePicksTheRange() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let answers = try topology.write(Self.answers(topology), as: "flat-a.answers.json")
        let root = topology.stateDirectory + "/root"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let install = { (node: String) throws -> ProcessOutcome in
            try ProcessRunner.run([TestHost.binary!, "install", "--root", root, "--answers", answers,
                                   "--node", node, "--catalog", Self.netconf])
        }
        let asNodeB = try install("node-b")
        #expect(asNodeB.status == 0, "\(asNodeB.stderr)")
        let config = try Self.installedPlugin(root: root)
        #expect(config["ipam"]?["nodes"]?["node-b"] != nil && config["ipam"]?["ranges"] == nil)
        let first = try topology.flatnet("ADD", host: "hA", container: "c1", config: config,
                                         afterPrivateSetup: Self.nodeFiles(topology, root: root))
        #expect(first.status == 0 && first.address == "10.43.2.2", "\(first.outcome.stdout) \(first.outcome.stderr)")
        // Control: the same conflist, the file rewritten by install as node-a.
        let asNodeA = try install("node-a")
        #expect(asNodeA.status == 0 && asNodeA.stdout.contains("nodename (node node-a)"), "\(asNodeA.stdout)")
        #expect(try Self.installedPlugin(root: root) == config, "the conflist is every node's")
        let second = try topology.flatnet("ADD", host: "hA", container: "c2", config: config,
                                          afterPrivateSetup: Self.nodeFiles(topology, root: root))
        #expect(second.status == 0 && second.address == "10.43.1.2", "\(second.outcome.stdout)")
        for (container, call) in [("c1", first), ("c2", second)] where call.status == 0 {
            let delete = try topology.flatnet("DEL", host: "hA", container: container, config: config,
                                              afterPrivateSetup: Self.nodeFiles(topology, root: root))
            #expect(delete.status == 0, "\(delete.outcome.stdout)")
        }
    }
}
