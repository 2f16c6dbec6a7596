import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 19: one pool in a 3-member etcd cluster with TLS, shared by simulated hosts
/// (flatnet-ipam processes with their own FLATNET_NODE_NAME).
@Suite("Cluster pool on etcd (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct ClusterPoolStoreTests {
    static var harness: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Harness/cluster_stress.py").path
    }

    static var etcdScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/lib/etcd_cluster.sh").path
    }

    static func netconf(_ cluster: EtcdCluster, name: String = "flat-c", store: EtcdStoreConfig? = nil) -> JSONValue {
        let store = store ?? cluster.config()
        var block: [String: JSONValue] = [
            "type": .string("etcd"), "endpoints": .array(store.endpoints.map(JSONValue.string)),
            "timeoutMilliseconds": .number(Double(store.timeoutMilliseconds)),
        ]
        if let tls = store.tls {
            block["tls"] = .object(["certFile": .string(tls.certFile), "keyFile": .string(tls.keyFile),
                                    "caFile": .string(tls.caFile)])
        }
        return .object([
            "cniVersion": .string("1.1.0"), "name": .string(name), "type": .string("bridge"),
            "ipam": .object([
                "type": .string("flatnet-ipam"), "subnet": .string("10.43.0.0/16"), "gateway": .string("10.43.0.1"),
                "ranges": .array([.object(["rangeStart": .string("10.43.1.2"), "rangeEnd": .string("10.43.3.254")])]),
                "store": .object(block),
            ]),
        ])
    }

    /// flatnet-ipam run as host `node` would run it.
    static func call(_ command: String, _ container: String, node: String, config: JSONValue,
                     arguments: String = "") throws -> PluginCall {
        let directory = NSTemporaryDirectory() + "flatnet-cluster-bin-" + ProcessRunner.uniqueSuffix()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createSymbolicLink(atPath: directory + "/flatnet-ipam", withDestinationPath: TestHost.binary!)
        let outcome = try ProcessRunner.run([directory + "/flatnet-ipam"], environment: [
            "CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/proc/self/ns/net",
            "CNI_IFNAME": "eth0", "CNI_PATH": directory, "FLATNET_NODE_NAME": node, "CNI_ARGS": arguments,
        ], stdin: config.serialized())
        return PluginCall(outcome: outcome)
    }

    @Test("4 hosts x 8 workers x 2,000 calls each, the leader SIGKILLed half way: no failed call, no address held twice, the store equals what the workers hold")
    func fourHostsUnderLoad() throws {
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let file = NSTemporaryDirectory() + "flatnet-cluster-conf-" + ProcessRunner.uniqueSuffix()
        try Self.netconf(cluster).serialized().write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = try ProcessRunner.run(["/usr/bin/env", "python3", Self.harness, TestHost.binary ?? "", file,
                                             cluster.directory, Self.etcdScript, "--kill", String(try cluster.leader())],
                                            environment: ProcessInfo.processInfo.environment
                                                .filter { $0.key == "FLATNET_OUTER_NETNS" }
                                                .merging(["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]) { $1 })
        let summary = try JSONValue.parse(outcome.stdout.split(separator: "\n").last.map(String.init) ?? "{}")
        print("cluster stress summary: \(summary.serialized())")  // the figures docs/performance.md quotes
        #expect(outcome.status == 0, "\(outcome.stdout) \(outcome.stderr)")
        #expect(summary["failure_count"] == .number(0) && summary["overlapping_holds"] == .number(0))
        #expect(summary["store_matches_workers"] == .bool(true) && summary["held_by_workers"] == .number(32))
        #expect(summary["member_killed"] == .bool(true))
    }

    @Test("every member stopped: ADD answers 11 and writes nothing; DEL answers 11 and loses nothing; restarted, both work")
    func allMembersDown() throws {
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let config = Self.netconf(cluster)
        let held = try Self.call("ADD", "c1", node: "host-1", config: config)
        #expect(held.status == 0, "\(held.outcome.stdout)")
        try cluster.stopAll()
        let started = ContinuousClock.now
        let add = try Self.call("ADD", "c2", node: "host-1", config: config)
        print("ADD with every member stopped answered in \(ContinuousClock.now - started)")  // recorded, not asserted
        #expect(add.code == 11, "\(add.outcome.stdout)")
        let delete = try Self.call("DEL", "c1", node: "host-1", config: config)
        #expect(delete.code == 11, "\(delete.outcome.stdout)")
        try cluster.restartAll()
        let check = try Self.call("ADD", "c1", node: "host-1", config: config)
        #expect(check.address == held.address, "c1's lease survived the failed DEL")
        let again = try Self.call("ADD", "c2", node: "host-1", config: config)
        #expect(again.status == 0 && again.address != held.address, "\(again.outcome.stdout)")
        #expect(try Self.call("DEL", "c1", node: "host-1", config: config).status == 0)
    }

    @Test("two hosts never share an address; GC on one host leaves the other's leases")
    func gcIsPerNode() throws {
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let config = Self.netconf(cluster)
        let a = try Self.call("ADD", "a1", node: "host-a", config: config)
        let b = try Self.call("ADD", "b1", node: "host-b", config: config)
        #expect(a.status == 0 && b.status == 0 && a.address != b.address)
        let valid = JSONValue.array([])
        let gc = try Self.call("GC", "", node: "host-a", config: config.settingKey("cni.dev/valid-attachments", to: valid))
        #expect(gc.status == 0, "\(gc.outcome.stdout)")
        let bAgain = try Self.call("ADD", "b1", node: "host-b", config: config)
        #expect(bAgain.address == b.address, "host-b's lease survived host-a's GC")
        let aAgain = try Self.call("ADD", "a2", node: "host-a", config: config)
        #expect(aAgain.status == 0)
    }

    @Test("a StatefulSet pod deleted on host A and added on host B keeps its address; another pod asking for it is refused")
    func reservedWorkloadMoves() throws {
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let config = Self.netconf(cluster).setting("ipam.reservations", to: .object(["kubernetesPods": .bool(true)]))
        let pod = { (name: String) in "IgnoreUnknown=1;K8S_POD_NAMESPACE=payments;K8S_POD_NAME=\(name)" }
        let onA = try Self.call("ADD", "sandbox-a", node: "host-a", config: config, arguments: pod("db-0"))
        #expect(onA.status == 0, "\(onA.outcome.stdout)")
        let early = try Self.call("ADD", "sandbox-b", node: "host-b", config: config, arguments: pod("db-0"))
        #expect(early.code == 103 && early.reply?["msg"]?.stringValue?.contains("still held by container sandbox-a")
                    == true, "the pod still attached on host A: \(early.outcome.stdout)")
        #expect(try Self.call("DEL", "sandbox-a", node: "host-a", config: config, arguments: pod("db-0")).status == 0)
        let other = try Self.call("ADD", "other", node: "host-b", config: config.setting("args", to: .object([
            "cni": .object(["ips": .array([.string(onA.address ?? "")])])])), arguments: pod("db-1"))
        #expect(other.code == 103 && other.reply?["msg"]?.stringValue?.contains("reserved for workload k8s/payments/db-0")
                    == true, "\(other.outcome.stdout)")
        let onB = try Self.call("ADD", "sandbox-b", node: "host-b", config: config, arguments: pod("db-0"))
        #expect(onB.status == 0 && onB.address == onA.address, "\(onB.outcome.stdout)")
    }

    /// `flatnet ARGS` (the operator CLI) as host `node`'s operator runs it.
    static func operatorCommand(_ arguments: [String], node: String) throws -> ProcessOutcome {
        try ProcessRunner.run([TestHost.binary ?? ""] + arguments,
                              environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "FLATNET_NODE_NAME": node])
    }

    @Test("the operator's view of the cluster pool: ipam list names nodes and reservations, reservations create/release, release --node reclaims a dead node's leases, usage counts every host's, gc frees this node's gone containers only")
    func operatorCommands() throws {
        let cluster = try EtcdCluster()
        defer { cluster.down() }
        let config = Self.netconf(cluster).setting("ipam.reservations", to: .object(["kubernetesPods": .bool(false)]))
        let file = NSTemporaryDirectory() + "flatnet-cluster-op-" + ProcessRunner.uniqueSuffix()
        try config.serialized().write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let reserve = try Self.operatorCommand(["ipam", "reservations", "create", "--conf", file, "--workload",
                                                "ledger/primary", "--address", "10.43.2.9"], node: "host-a")
        #expect(reserve.status == 0, "\(reserve.stdout)\(reserve.stderr)")
        let onA = try Self.call("ADD", "a1", node: "host-a", config: config)
        let onB = try Self.call("ADD", "b1", node: "host-b", config: config.setting("args", to: .object([
            "cni": .object(["workload": .string("ledger/primary")])])))
        #expect(onA.status == 0 && onB.address == "10.43.2.9", "\(onB.outcome.stdout)")
        let list = try Self.operatorCommand(["ipam", "list", "--conf", file, "--json"], node: "host-a")
        let rows = try JSONValue.parse(list.stdout)
        #expect(list.status == 0 && rows.arrayValue?.count == 2, "\(list.stdout)\(list.stderr)")
        #expect(rows.arrayValue?.contains { $0["node"] == .string("host-b") && $0["workload"] == .string("ledger/primary") }
                    == true, "\(list.stdout)")
        let dead = try Self.operatorCommand(["ipam", "release", "--conf", file, "--node", "host-b"], node: "host-a")
        #expect(dead.status == 0 && dead.stdout.contains("released b1 eth0 (node host-b)"), "\(dead.stdout)\(dead.stderr)")
        let reservations = try Self.operatorCommand(["ipam", "reservations", "list", "--conf", file], node: "host-a")
        #expect(reservations.stdout.contains("ledger/primary") && reservations.stdout.contains("10.43.2.9"),
                "the dead node's workload keeps its address: \(reservations.stdout)")
        let released = try Self.operatorCommand(["ipam", "reservations", "release", "--conf", file, "--workload",
                                                 "ledger/primary"], node: "host-a")
        #expect(released.status == 0 && released.stdout.contains("released the reservation of ledger/primary: 10.43.2.9"),
                "\(released.stdout)\(released.stderr)")
        let usage = try Self.operatorCommand(["ipam", "usage", "--conf", file, "--json"], node: "host-a")
        #expect(usage.status == 0 && (try? JSONValue.parse(usage.stdout))?.arrayValue?.first?["held"] == .number(1),
                "a1 on host-a is left (b1 released, the reservation released): \(usage.stdout)\(usage.stderr)")
        let gcOfBridge = try Self.operatorCommand(["ipam", "gc", "--conf", file], node: "host-a")
        #expect(gcOfBridge.status == 1 && gcOfBridge.stderr.contains("is of type bridge, not flatnet"),
                "the reference bridge names its own veths: \(gcOfBridge.stderr)")
        let flatnet = file + ".flatnet"
        try config.setting("type", to: .string("flatnet")).serialized().write(toFile: flatnet, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: flatnet) }
        try Self.collectGarbage(flatnet, config: config, live: onA)
    }

    /// `ipam gc` on host-a: refused without the bridge, and as host-b (a1's veth is here);
    /// with the bridge and a1's veth (this throwaway namespace is host-a, where the etcd
    /// members are reachable), a2 (no veth) goes and host-b's b2 (no veth here either) stays.
    static func collectGarbage(_ file: String, config: JSONValue, live a1: PluginCall) throws {
        let a2 = try Self.call("ADD", "a2", node: "host-a", config: config)
        let b2 = try Self.call("ADD", "b2", node: "host-b", config: config)
        let elsewhere = try Self.operatorCommand(["ipam", "gc", "--conf", file], node: "host-a")
        #expect(elsewhere.status == 1 && elsewhere.stderr.contains("no bridge br-flat-c here"), "\(elsewhere.stderr)")
        let veth = InterfaceNaming.hostVeth(network: "flat-c", attachment: FlatnetCore.Attachment(containerID: "a1", ifName: "eth0"))
        defer { _ = try? ProcessRunner.run(["/usr/sbin/ip", "link", "delete", "br-flat-c"]) }
        defer { _ = try? ProcessRunner.run(["/usr/sbin/ip", "link", "delete", veth.value]) }
        for command in [["br-flat-c", "type", "bridge"], [veth.value, "type", "veth", "peer", "name", "a1-peer"]] {
            #expect(try ProcessRunner.run(["/usr/sbin/ip", "link", "add"] + command).status == 0, "ip link add \(command)")
        }
        let wrongName = try Self.operatorCommand(["ipam", "gc", "--conf", file], node: "host-b")
        #expect(wrongName.status == 1 && wrongName.stderr.contains("container a1 ifname eth0 has its veth on this host"
                    + " but its lease is node host-a's"), "host-a's veth here: not host-b: \(wrongName.stderr)")
        let a2Address = a2.address ?? "a2?"
        let dry = try Self.operatorCommand(["ipam", "gc", "--conf", file, "--dry-run"], node: "host-a")
        #expect(dry.status == 0 && dry.stdout == "would release \(a2Address) (container a2 ifname eth0)\n"
                    + "1 lease(s) would be released\n", "\(dry.stdout)\(dry.stderr)")
        let gc = try Self.operatorCommand(["ipam", "gc", "--conf", file], node: "host-a")
        #expect(gc.status == 0 && gc.stdout == "released \(a2Address) (container a2 ifname eth0)\n1 lease(s) released\n",
                "\(gc.stdout)\(gc.stderr)")
        let log = (try? String(contentsOfFile: AuditSettings.defaultFile, encoding: .utf8)) ?? ""
        let audited = log.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
            .filter { $0["verb"] == .string("ipam gc") && $0["network"] == .string("flat-c") }
        #expect(audited.map { [$0["containerID"], $0["addresses"]] } == [[.string("a2"), .array([.string(a2Address)])]],
                "the release is in the audit log, as on disk; the dry run is not: \(audited)")
        let list = try Self.operatorCommand(["ipam", "list", "--conf", file, "--json"], node: "host-a")
        let held = (try JSONValue.parse(list.stdout)).arrayValue?.compactMap { $0["containerID"]?.stringValue }
        #expect(held?.sorted() == ["a1", "b2"], "a1 (its veth is there) and host-b's b2 stay: \(list.stdout)")
        #expect(a1.address != nil && a2.address != b2.address)
    }
}
