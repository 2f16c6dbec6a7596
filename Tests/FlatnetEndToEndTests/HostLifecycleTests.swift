import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Two metadata networks side by side, teardown, STATUS, and ebtables missing.
@Suite("Host setup lifecycle: two networks, teardown, STATUS (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct HostLifecycleTests {
    @Test("two flat networks each get their own link pair, reserved address and chains; tearing one down leaves the other working")
    func twoNetworksAndTeardown() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let configA = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), reserved: "10.43.0.2")
        let configB = topology.netconf("flat-b", host: "hA", range: ("10.44.1.2", "10.44.1.9"), uplink: "eth2",
                                       subnet: "10.44.0.0/16", gateway: "10.44.0.1", reserved: "10.44.0.2")
        let docker0MAC = { try topology.ip("hA", "link", "show", "docker0").split(separator: " ").drop { $0 != "link/ether" }.dropFirst().first }
        let macBefore = try docker0MAC()
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: configA).status == 0)
        #expect(try topology.flatnet("ADD", host: "hA", container: "c2", config: configB).status == 0)
        #expect(try docker0MAC() == macBefore, "adding link veths must not change docker0's MAC")
        #expect(try topology.fetchMetadata(from: "c1") == "hA" && topology.fetchMetadata(from: "c2") == "hA")
        let pairA = InterfaceNaming.linkPair(network: "flat-a"), pairB = InterfaceNaming.linkPair(network: "flat-b")
        let links = try topology.ip("hA", "-br", "link")
        #expect(pairA.bridgeSide != pairB.bridgeSide && links.contains(pairA.bridgeSide.value) && links.contains(pairB.bridgeSide.value))
        let docker0 = try topology.ip("hA", "-4", "addr", "show", "docker0")
        #expect(docker0.contains("10.43.0.2/16") && docker0.contains("10.44.0.2/16"))
        let chains = try topology.exec("hA", TestHost.ebtablesSave).stdout
        #expect(chains.contains(ContainmentRules.chainName("flat-a", "F")) && chains.contains(ContainmentRules.chainName("flat-b", "F")))

        let fileB = try topology.write(configB, as: "flat-b.json")
        let refused = try topology.operatorCommand(host: "hA", "teardown", "--conf", fileB)
        #expect(refused.status == 1 && refused.stderr.contains("still attached"), "\(refused.stderr)")
        #expect(try topology.flatnet("DEL", host: "hA", container: "c2", config: configB).status == 0)
        let teardown = try topology.operatorCommand(host: "hA", "teardown", "--conf", fileB)
        #expect(teardown.status == 0, "\(teardown.stderr)")
        #expect(teardown.stdout.contains("removed bridge br-flat-b") && teardown.stdout.contains("removed address 10.44.0.2/16"))

        let after = try topology.exec("hA", TestHost.ebtablesSave).stdout
        #expect(!after.contains(ContainmentRules.chainName("flat-b", "F")) && after.contains(ContainmentRules.chainName("flat-a", "F")))
        #expect(try !topology.ip("hA", "-br", "link").contains(pairB.bridgeSide.value))
        #expect(try !topology.ip("hA", "-br", "link").contains("br-flat-b"))
        #expect(try docker0MAC() == macBefore, "nor must removing one")
        #expect(try topology.fetchMetadata(from: "c1") == "hA", "flat-a still works")
        #expect(try topology.operatorCommand(host: "hA", "teardown", "--conf", fileB).stdout.contains("nothing to remove"))
    }

    @Test("STATUS: 0 on a healthy host, 51 once the enslaved uplink loses its link; CHECK still passes (nothing flatnet made changed)")
    func status() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        _ = try topology.container("c1")
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), reserved: "10.43.0.2")
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.status == 0)
        let healthy = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(healthy.status == 0, "\(healthy.outcome.stdout)")
        let switchPorts = try topology.ip("sw", "-br", "link").split(separator: "\n").map { String($0.split(separator: "@")[0]) }
        for port in switchPorts where port.hasPrefix("p") {
            _ = try topology.run(["/usr/sbin/ip", "-n", topology.namespace("sw"), "link", "set", port, "down"])
        }
        let degraded = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(degraded.code == 51, "\(degraded.outcome.stdout)")
        let check = try topology.flatnet("CHECK", host: "hA", container: "c1", config: config.setting("prevResult", to: add.reply))
        #expect(check.status == 0, "a lost carrier is not drift: \(check.outcome.stdout)")
    }

    @Test("a metadata network on a host without its docker bridge: a clear error (108), nothing attached, no lease")
    func dockerBridgeMissing() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), reserved: "10.43.0.2")
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.code == 108 && add.reply?["msg"]?.stringValue == "docker bridge docker0 does not exist on this host",
                "\(add.outcome.stdout)")
        #expect(try !topology.ip("c1", "-br", "link").contains("eth0"))
        #expect(!leaseExists(topology.stateDirectory + "/hA/flat-a/addresses/10.43.1.2"))
    }

    @Test("without ebtables: ADD of a metadata network is a clear error (109) leaving nothing, STATUS says 50")
    func ebtablesMissing() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        _ = try topology.container("c1")
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), reserved: "10.43.0.2")
        // Both backends' tools: on a kernel with the legacy tables (scripts/vm-test.sh), hiding
        // only ebtables-nft leaves a working ebtables.
        let hide = Topology.hiding(["ebtables-nft", "ebtables-nft-restore", "ebtables-legacy", "ebtables-legacy-restore"])
        let run = { (command: String) throws -> PluginCall in
            let environment = ["CNI_COMMAND": command, "CNI_CONTAINERID": "c1", "CNI_NETNS": "/run/netns/" + topology.namespace("c1"),
                               "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
            let outcome = try ProcessRunner.run(["/usr/bin/unshare", "--mount", "sh", "-c",
                                                 hide + "exec ip netns exec \(topology.namespace("hA")) \(TestHost.binary!)"],
                                                environment: environment, stdin: config.serialized())
            return PluginCall(outcome: outcome)
        }
        let add = try run("ADD")
        #expect(add.code == 109, "\(add.outcome.stdout) \(add.outcome.stderr)")
        #expect(add.reply?["msg"]?.stringValue?.contains("ebtables") == true)
        #expect(try !topology.ip("c1", "-br", "link").contains("eth0"), "nothing attached")
        #expect(try run("STATUS").code == 50)
    }
}

@Suite("GC of the network plugin (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct NetworkGCTests {
    @Test("GC removes the veths and leases of attachments not listed, keeps the listed one, refuses without a list")
    func gc() throws {
        let topology = try Topology()
        for name in ["c1", "c2", "c3", "b1"] { _ = try topology.container(name) }
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"))
        for name in ["c1", "c2", "c3"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0) }
        #expect(try topology.flatnet("ADD", host: "hA", container: "b1", config: topology.flatB(host: "hA")).status == 0)
        let noList = try topology.flatnet("GC", host: "hA", container: "", config: config)
        #expect(noList.code == 7)
        let valid = JSONValue.array([.object(["containerID": .string("c2"), "ifname": .string("eth0")])])
        let gc = try topology.flatnet("GC", host: "hA", container: "", config: config.settingKey("cni.dev/valid-attachments", to: valid))
        #expect(gc.status == 0, "\(gc.outcome.stdout)")
        #expect(try !topology.ip("c1", "-br", "link").contains("eth0") && !topology.ip("c3", "-br", "link").contains("eth0"))
        #expect(try topology.ping(from: "c2", "10.43.0.1"), "the kept container still works")
        let leases = try FileManager.default.contentsOfDirectory(atPath: topology.stateDirectory + "/hA/flat-a/addresses")
        #expect(leases == ["10.43.1.3"])
        #expect(try topology.ip("b1", "-br", "link").contains("eth0") && topology.leases(host: "hA", network: "flat-b").count == 1,
                "flat-b's container, listed nowhere, is another network's: GC of flat-a leaves it")
    }
}
