import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 12, section 3: a netconf edited between ADDs converges the host; teardown
/// --force leaves no half-attached container.
@Suite("Config changes converge (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct ConfigConvergenceTests {
    @Test("uplink changed from eth1 to eth2: the next ADD leaves only eth2 in the bridge, and segment 1's router loses the containers")
    func uplinkChange() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let before = topology.flatA(host: "hA")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: before).status == 0)
        #expect(try topology.ping(from: "rt", "10.43.1.2"), "control: the router reaches c1 over segment 1")
        let after = before.setting("uplink", to: .string("eth2"))
        let add = try topology.flatnet("ADD", host: "hA", container: "c2", config: after)
        #expect(add.status == 0, "\(add.outcome.stdout)")
        let ports = try topology.bridgePorts(host: "hA", bridge: "br-flat-a")
        #expect(ports.contains("eth2") && !ports.contains("eth1"), "ports: \(ports)")
        #expect(try !topology.ping(from: "rt", "10.43.1.3"), "segment 1 no longer reaches the network")
        let doctor = try topology.operatorCommand(host: "hA", "doctor", "--conf", try topology.write(after, as: "flat-a.json"))
        #expect(doctor.status == 0, "\(doctor.stdout)")
    }

    @Test("an edit whose new uplink cannot be made (a VLAN on a kernel without 802.1Q) leaves the old uplink serving",
          .enabled(if: !TestHost.hasVLANSupport, "this kernel has 802.1Q: VLANIsolationTests proves VLANs here"))
    func failedEditKeepsTheNetworkUp() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        let add = try topology.flatnet("ADD", host: "hA", container: "c2", config: config.setting("vlan", to: .number(100)))
        #expect(add.code == 108 && add.outcome.stdout.contains("eth1.100"), "\(add.outcome.stdout)")
        #expect(try topology.bridgePorts(host: "hA", bridge: "br-flat-a").contains("eth1"), "eth1 still on the bridge")
        #expect(try topology.ping(from: "c1", "10.43.0.1"), "c1 still on its segment")
    }

    @Test("removing the metadata block takes the link pair, the reserved address and the chains away at the next ADD")
    func metadataRemoved() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA", metadata: true)
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        #expect(try topology.exec("hA", "ebtables-nft-save").stdout.contains(ContainmentRules.chainName("flat-a", "F")), "control")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c2", config: config.setting("metadata", to: nil)).status == 0)
        #expect(try topology.link(InterfaceNaming.linkPair(network: "flat-a").bridgeSide.value, on: "hA") == nil, "no link pair")
        #expect(try !topology.ip("hA", "-4", "addr", "show", "docker0").contains("10.43.0.2"), "no reserved address")
        #expect(try !topology.exec("hA", "ebtables-nft-save").stdout.contains("FN-flat-a"), "no chains")
        #expect(try topology.ping(from: "c2", "10.43.0.1"), "the network still works")
    }

    @Test("an operator's ACCEPT inserted ahead of flatnet's jump: STATUS says degraded, setup puts the jump first again")
    func jumpMovedFirst() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        _ = try topology.container("c1")
        let config = topology.flatA(host: "hA", metadata: true)
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        let jump = "-j " + ContainmentRules.chainName("flat-a", "F")
        let forward = {
            try topology.exec("hA", "ebtables-nft", "-L", "FORWARD").stdout.split(separator: "\n")
                .filter { $0.hasPrefix("-") }.map(String.init)
        }
        #expect(try forward() == [jump], "control: flatnet's jump alone")
        let healthy = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(healthy.status == 0, "control: \(healthy.outcome.stdout)")

        try topology.exec("hA", "ebtables-nft", "-I", "FORWARD", "1", "-p", "IPv4", "-j", "ACCEPT")
        #expect(try forward() == ["-p IPv4 -j ACCEPT", jump], "the operator's rule now comes first")
        let status = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(status.code == 51 && status.outcome.stdout.contains("expected first"), "\(status.outcome.stdout)")
        let setup = try topology.operatorCommand(host: "hA", "setup", "--conf", try topology.write(config, as: "flat-a.json"))
        #expect(setup.status == 0, "\(setup.stdout) \(setup.stderr)")
        #expect(try forward() == [jump, "-p IPv4 -j ACCEPT"], "the live chain starts with the jump, once")
    }

    @Test("a bridge port flatnet does not know is refused by name at the next setup, and doctor lists it")
    func unknownPortRefused() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        try topology.shell("hA", "ip link add stray0 type veth peer name stray1 && ip link set stray0 master br-flat-a up")
        let doctor = try topology.operatorCommand(host: "hA", "doctor", "--conf", try topology.write(config, as: "flat-a.json"))
        #expect(doctor.status == 1 && doctor.stdout.contains("stray0"), "\(doctor.stdout)")
        let changed = config.setting("mtu", to: .number(1400))  // a netconf edit: the next ADD runs the full setup
        let add = try topology.flatnet("ADD", host: "hA", container: "c2", config: changed)
        #expect(add.code == 108 && add.outcome.stdout.contains("stray0"), "\(add.outcome.stdout)")
        #expect(try !topology.ip("c2", "-br", "link").contains("eth0"), "nothing attached")
    }

    @Test("an MTU change converges the bridge, the uplink and the link pair; doctor names container veths still on the old MTU")
    func mtuChange() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let before = topology.flatA(host: "hA", metadata: true).setting("mtu", to: .number(1500))
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: before).status == 0)
        let after = before.setting("mtu", to: .number(1400))
        #expect(try topology.flatnet("ADD", host: "hA", container: "c2", config: after).status == 0)
        let pair = InterfaceNaming.linkPair(network: "flat-a")
        for name in ["br-flat-a", "eth1", pair.bridgeSide.value, pair.dockerSide.value] {
            let link = try topology.link(name, on: "hA") ?? "missing"
            #expect(link.contains("mtu 1400"), "\(name): \(link)")
        }
        let veth = InterfaceNaming.hostVeth(network: "flat-a", attachment: Attachment(containerID: "c1", ifName: "eth0")).value
        let doctor = try topology.operatorCommand(host: "hA", "doctor", "--conf", try topology.write(after, as: "flat-a.json"))
        #expect(doctor.status == 1 && doctor.stdout.contains("\(veth)") && doctor.unwrappedStdout.contains("MTU 1500"), "\(doctor.stdout)")
    }

    @Test("teardown --force removes every attached container fully (veth and lease) and names each one")
    func forcedTeardown() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2", "b1"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA", metadata: true)
        for name in ["c1", "c2"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0) }
        #expect(try topology.flatnet("ADD", host: "hA", container: "b1", config: topology.flatB(host: "hA", metadata: true)).status == 0)
        let teardown = try topology.operatorCommand(host: "hA", "teardown", "--conf", try topology.write(config, as: "flat-a.json"), "--force")
        #expect(teardown.status == 0, "\(teardown.stderr)")
        for name in ["c1", "c2"] {
            #expect(teardown.stdout.contains("container \(name) eth0"), "names \(name): \(teardown.stdout)")
            #expect(try !topology.ip(name, "-br", "link").contains("eth0"), "\(name) has no half-attached interface left")
        }
        #expect(topology.leases(host: "hA", network: "flat-a").isEmpty, "no lease kept")
        #expect(try topology.ip("b1", "-br", "link").contains("eth0") && topology.fetchMetadata(from: "b1") == "hA", "flat-b untouched")
    }
}
