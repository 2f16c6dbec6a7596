import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 12, section 1: which objects are this network's, on a host carrying flat-a and
/// flat-b (names that differ only in their last character).
@Suite("Two networks with near-identical names on one host (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct TwoNetworksOneHostTests {
    @Test("CNI GC of flat-b removes only flat-b's stale attachments; flat-a's container stays attached and reachable")
    func gcLeavesTheOtherNetworkAlone() throws {
        let topology = try Topology()
        for name in ["a1", "b1", "b2"] { _ = try topology.container(name) }
        let (flatA, flatB) = (topology.flatA(host: "hA"), topology.flatB(host: "hA"))
        #expect(try topology.flatnet("ADD", host: "hA", container: "a1", config: flatA).status == 0)
        for name in ["b1", "b2"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: flatB).status == 0) }
        let valid = JSONValue.array([.object(["containerID": .string("b1"), "ifname": .string("eth0")])])
        let gc = try topology.flatnet("GC", host: "hA", container: "", config: flatB.settingKey("cni.dev/valid-attachments", to: valid))
        #expect(gc.status == 0, "\(gc.outcome.stdout)")
        #expect(try !topology.ip("b2", "-br", "link").contains("eth0"), "control: flat-b's stale attachment is gone")
        #expect(try topology.ip("a1", "-br", "link").contains("eth0"), "flat-a's container keeps its interface")
        #expect(try topology.ping(from: "a1", "10.43.0.1"), "and stays on its segment")
    }

    @Test("only flatnet's record makes a veth the network's: a look-alike port survives GC, a foreign link on a derived name survives DEL, a cut-off veth of the network is still its own")
    func membershipByRecord() throws {
        let topology = try Topology()
        for name in ["c1", "c3"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA")
        for name in ["c1", "c3"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0) }
        let derived = { (name: String) in
            InterfaceNaming.hostVeth(network: "flat-a", attachment: Attachment(containerID: name, ifName: "eth0")).value
        }
        // Someone else's links: a port of the bridge named with flat-a's prefix, and a link
        // holding the name flatnet would derive for container c2. Neither carries the record.
        let lookAlike = InterfaceNaming.hostVethPrefix(network: "flat-a") + "000000000"
        try topology.shell("hA", "ip link add \(lookAlike) type veth peer name la1 && ip link set \(lookAlike) master br-flat-a up")
        try topology.shell("hA", "ip link add \(derived("c2")) type veth peer name la2")
        try topology.shell("hA", "ip link set \(derived("c3")) nomaster")  // c3 cut off: not a port, still flat-a's
        let valid = JSONValue.array([.object(["containerID": .string("c1"), "ifname": .string("eth0")])])
        let gc = try topology.flatnet("GC", host: "hA", container: "", config: config.settingKey("cni.dev/valid-attachments", to: valid))
        #expect(gc.status == 0, "\(gc.outcome.stdout)")
        #expect(try topology.link(lookAlike, on: "hA") != nil, "GC left the look-alike port alone")
        #expect(try topology.link(derived("c3"), on: "hA") == nil && topology.leases(host: "hA", network: "flat-a").count == 1,
                "c3's cut-off veth is still flat-a's: GC removed it with its lease")
        _ = try topology.container("c2")
        let delete = try topology.flatnet("DEL", host: "hA", container: "c2", config: config)
        #expect(delete.status == 0 && delete.outcome.stderr.contains("left \(derived("c2")) alone"), "\(delete.outcome.stderr)")
        #expect(try topology.link(derived("c2"), on: "hA") != nil, "DEL left the foreign link on the derived name alone")
        #expect(try topology.ip("c1", "-br", "link").contains("eth0"), "control: the valid container is untouched")
        let doctor = try topology.operatorCommand(host: "hA", "doctor", "--conf", try topology.write(config, as: "flat-a.json"))
        #expect(doctor.unwrappedStdout.contains("bridge port \(lookAlike): unexpected"), "doctor names the look-alike:\n\(doctor.stdout)")
    }

    @Test("a network refused for one shared claim holds none of the others: flat-b can still take the uplink it asked for")
    func refusedClaimsAreGivenBack() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["a1", "x1", "b1"] { _ = try topology.container(name) }
        #expect(try topology.flatnet("ADD", host: "hA", container: "a1", config: topology.flatA(host: "hA", metadata: true)).status == 0)
        // flat-c wants eth2 and flat-a's reserved address: refused.
        let flatC = topology.netconf("flat-c", host: "hA", range: ("10.43.5.2", "10.43.5.9"), uplink: "eth2", reserved: "10.43.0.2")
        let refused = try topology.flatnet("ADD", host: "hA", container: "x1", config: flatC)
        #expect(refused.code == 108 && refused.outcome.stdout.contains("reserved address"), "\(refused.outcome.stdout)")
        let flatB = try topology.flatnet("ADD", host: "hA", container: "b1", config: topology.flatB(host: "hA"))
        #expect(flatB.status == 0, "eth2 was not left claimed by flat-c: \(flatB.outcome.stdout)")
    }

    @Test("doctor of flat-b is healthy while flat-a has containers, and blames none of them")
    func doctorSeesOnlyItsNetwork() throws {
        let topology = try Topology()
        for name in ["a1", "a2", "b1"] { _ = try topology.container(name) }
        let (flatA, flatB) = (topology.flatA(host: "hA"), topology.flatB(host: "hA"))
        for name in ["a1", "a2"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: flatA).status == 0) }
        #expect(try topology.flatnet("ADD", host: "hA", container: "b1", config: flatB).status == 0)
        let doctor = try topology.operatorCommand(host: "hA", "doctor", "--conf", try topology.write(flatB, as: "flat-b.json"))
        #expect(doctor.status == 0, "\(doctor.stdout)")
        for name in ["a1", "a2"] {
            let veth = InterfaceNaming.hostVeth(network: "flat-a", attachment: Attachment(containerID: name, ifName: "eth0")).value
            #expect(!doctor.stdout.contains(veth), "flat-b's doctor must not mention flat-a's \(veth):\n\(doctor.stdout)")
        }
    }

    @Test("each network's ebtables wildcard matches its own host veths and none of the other's")
    func wildcardsAreDisjoint() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["a1", "b1"] { _ = try topology.container(name) }
        #expect(try topology.flatnet("ADD", host: "hA", container: "a1", config: topology.flatA(host: "hA", metadata: true)).status == 0)
        #expect(try topology.flatnet("ADD", host: "hA", container: "b1", config: topology.flatB(host: "hA", metadata: true)).status == 0)
        let rules = try topology.exec("hA", "ebtables-nft-save").stdout.split(separator: "\n")
        let wildcard = { (network: String) -> String in
            let chain = ContainmentRules.chainName(network, "I")
            let rule = rules.first { $0.hasPrefix("-A \(chain) -i ") && $0.contains("+ ") }
            return String(rule?.split(separator: " ")[3].dropLast() ?? "?")
        }
        let (prefixA, prefixB) = (wildcard("flat-a"), wildcard("flat-b"))
        let vethA = InterfaceNaming.hostVeth(network: "flat-a", attachment: Attachment(containerID: "a1", ifName: "eth0")).value
        let vethB = InterfaceNaming.hostVeth(network: "flat-b", attachment: Attachment(containerID: "b1", ifName: "eth0")).value
        #expect(vethA.hasPrefix(prefixA) && vethB.hasPrefix(prefixB), "control: each wildcard matches its own veth")
        #expect(!vethB.hasPrefix(prefixA) && !vethA.hasPrefix(prefixB), "flat-a: \(prefixA)+ flat-b: \(prefixB)+")
    }

    @Test("a container that rewrites its interface alias can neither hide a stray address nor get another container blamed")
    func doctorIdentifiesContainersFromTheHostSide() throws {
        let topology = try Topology()
        for name in ["c1", "c2", "c3"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA")
        for name in ["c1", "c2", "c3"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0) }
        let file = try topology.write(config, as: "flat-a.json")
        let veth = { (name: String) in
            InterfaceNaming.hostVeth(network: "flat-a", attachment: Attachment(containerID: name, ifName: "eth0")).value
        }
        // c1 hides: a stray address and a blank alias. c2 frames c3: a stray address and c3's alias.
        try topology.shell("c1", "ip addr add 10.43.1.100/16 dev eth0 && ip link set eth0 alias ''")
        let aliasC3 = try topology.ip("c3", "-d", "link", "show", "eth0").split(separator: "\n")
            .first { $0.contains("alias ") }.map { String($0.split(separator: " ").dropFirst().joined(separator: " ")) } ?? "x"
        try topology.shell("c2", "ip addr add 10.43.1.101/16 dev eth0 && ip link set eth0 alias '\(aliasC3)'")
        let doctor = try topology.operatorCommand(host: "hA", "doctor", "--conf", file)
        #expect(doctor.status == 1, "\(doctor.stdout)")
        #expect(doctor.unwrappedStdout.contains("address 10.43.1.100: in use behind \(veth("c1")) without a lease"), "\(doctor.stdout)")
        #expect(doctor.unwrappedStdout.contains("address 10.43.1.101: in use behind \(veth("c2")) without a lease"), "\(doctor.stdout)")
        #expect(!doctor.unwrappedStdout.contains("behind \(veth("c3"))"), "c3 is blamed for nothing:\n\(doctor.stdout)")
    }

    @Test("ADD refuses a network whose derived names collide with one already set up, and a second network on the same bridge")
    func collisionsAreRefused() throws {
        let topology = try Topology()
        for name in ["a1", "x1", "s1"] { _ = try topology.container(name) }
        #expect(try topology.flatnet("ADD", host: "hA", container: "a1", config: topology.flatA(host: "hA")).status == 0)
        // A name whose host-veth prefix (and so its ebtables wildcard) equals flat-a's.
        let prefix = InterfaceNaming.hostVethPrefix(network: "flat-a")
        let twin = try #require((0..<2_000_000).lazy.map { "flat-\($0)" }.first {
            InterfaceNaming.hostVethPrefix(network: $0) == prefix
        })
        let colliding = topology.netconf(twin, host: "hA", range: ("10.44.1.2", "10.44.1.9"), uplink: "eth2",
                                         subnet: "10.44.0.0/16", gateway: "10.44.0.1")
        let refused = try topology.flatnet("ADD", host: "hA", container: "x1", config: colliding)
        #expect(refused.code == 108, "\(refused.outcome.stdout)")
        #expect(refused.reply?["details"]?.stringValue?.contains("flat-a") == true, "names the other network: \(refused.outcome.stdout)")
        #expect(try !topology.ip("x1", "-br", "link").contains("eth0"), "nothing attached")

        // Two networks on one bridge would join segment 1 and segment 2.
        let shared = topology.flatB(host: "hA").setting("bridge", to: .string("br-flat-a"))
        let sharing = try topology.flatnet("ADD", host: "hA", container: "s1", config: shared)
        #expect(sharing.code == 108, "\(sharing.outcome.stdout)")
        #expect(try !topology.bridgePorts(host: "hA", bridge: "br-flat-a").contains("eth2"), "segment 2 not joined to segment 1")
    }
}
