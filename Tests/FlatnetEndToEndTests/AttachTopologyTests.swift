import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// flatnet attaching containers in the two-host topology (TESTING.md).
@Suite("Attach in the two-host topology (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct AttachTopologyTests {
    @Test("containers on hostA and hostB reach each other directly and reach the router, beside a second network")
    func flatReachability() throws {
        let topology = try Topology()
        _ = try topology.container("cA1")
        _ = try topology.container("cB1")
        for host in ["hA", "hB"] {  // flat-b first on both hosts: flat-a must not care
            let name = "b" + host.dropFirst() + "1"
            _ = try topology.container(name)
            #expect(try topology.flatnet("ADD", host: host, container: name, config: topology.flatB(host: host)).status == 0)
        }
        let addA = try topology.flatnet("ADD", host: "hA", container: "cA1", config: topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.254")))
        let addB = try topology.flatnet("ADD", host: "hB", container: "cB1", config: topology.netconf("flat-a", host: "hB", range: ("10.43.2.2", "10.43.2.254")))
        #expect(addA.status == 0 && addB.status == 0, "\(addA.outcome.stdout) \(addB.outcome.stdout)")
        let (a, b) = (try #require(addA.address), try #require(addB.address))
        #expect(a == "10.43.1.2" && b == "10.43.2.2")
        #expect(try topology.ping(from: "cA1", b))
        #expect(try topology.ping(from: "cB1", a))
        #expect(try topology.ping(from: "cA1", "10.43.0.1"))
        #expect(try topology.ip("cA1", "route").contains("default via 10.43.0.1 dev eth0"))
        #expect(try topology.ping(from: "bA1", "10.44.2.2"), "flat-b reaches flat-b across hosts")
        #expect(try !topology.ping(from: "cA1", "10.44.1.2"), "and is not reachable from flat-a")
    }

    @Test("two flat networks on the same hosts are separate L2 segments")
    func networksIsolated() throws {
        let topology = try Topology()
        for name in ["cA1", "cB1", "cA2", "cB2"] { _ = try topology.container(name) }
        let a1 = try topology.flatnet("ADD", host: "hA", container: "cA1", config: topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9")))
        let b1 = try topology.flatnet("ADD", host: "hB", container: "cB1", config: topology.netconf("flat-a", host: "hB", range: ("10.43.2.2", "10.43.2.9")))
        let a2 = try topology.flatnet("ADD", host: "hA", container: "cA2", config: topology.netconf("flat-b", host: "hA", range: ("10.43.5.2", "10.43.5.9"), uplink: "eth2"))
        let b2 = try topology.flatnet("ADD", host: "hB", container: "cB2", config: topology.netconf("flat-b", host: "hB", range: ("10.43.6.2", "10.43.6.9"), uplink: "eth2"))
        #expect([a1, b1, a2, b2].allSatisfy { $0.status == 0 })
        #expect(try topology.ping(from: "cA2", try #require(b2.address)), "flat-b reaches flat-b across hosts")
        // Same subnet, other segment: only an L2 path could answer, and there is none.
        #expect(try !topology.ping(from: "cA2", try #require(b1.address)))
        #expect(try !topology.ping(from: "cA1", try #require(a2.address)), "not even on the same host")
        let bridges = try topology.ip("hA", "-br", "link", "show", "type", "bridge")
        #expect(bridges.contains("br-flat-a") && bridges.contains("br-flat-b"))
    }

    @Test("VLAN: a clear refusal on a kernel without 802.1Q, and nothing left behind")
    func vlanUnsupported() throws {
        let topology = try Topology()
        _ = try topology.container("cA1")
        var config = topology.netconf("flat-v", host: "hA", range: ("10.43.1.2", "10.43.1.9"))
        config = config.setting("vlan", to: .number(100))
        let add = try topology.flatnet("ADD", host: "hA", container: "cA1", config: config)
        #expect(add.code == 108, "\(add.outcome.stdout)")
        #expect(add.reply?["msg"]?.stringValue?.contains("eth1.100") == true)
        #expect(try topology.ip("cA1", "-br", "link").split(separator: "\n").count == 1, "only lo in the container")
        #expect(!FileManager.default.fileExists(atPath: "\(topology.stateDirectory)/hA/flat-v/addresses"), "no lease")
    }

    @Test("MAC from CNI_ARGS and MTU from the netconf reach every interface")
    func macAndMTU() throws {
        let topology = try Topology()
        _ = try topology.container("cA1")
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9")).setting("mtu", to: .number(1400))
        let add = try topology.flatnet("ADD", host: "hA", container: "cA1", config: config, arguments: "IgnoreUnknown=1;MAC=0a:58:0a:2b:01:02")
        #expect(add.status == 0, "\(add.outcome.stdout)")
        let inside = try topology.ip("cA1", "link", "show", "eth0")
        #expect(inside.contains("link/ether 0a:58:0a:2b:01:02") && inside.contains("mtu 1400"))
        let host = try topology.ip("hA", "link")
        for name in ["br-flat-a", "eth1"] {
            // `ip link` prints veth ends as NAME@PEER.
            #expect(host.split(separator: "\n").contains { ($0.contains(" \(name):") || $0.contains(" \(name)@")) && $0.contains("mtu 1400") },
                    "\(name): \(host)")
        }
        guard case .array(let interfaces)? = add.reply?["interfaces"] else { Issue.record("no interfaces"); return }
        #expect(interfaces[2]["mac"] == .string("0a:58:0a:2b:01:02") && interfaces[2]["mtu"] == .number(1400))
    }

    @Test("results per cniVersion: 0.4.0 carries ips[].version, 1.0.0 does not")
    func versions() throws {
        let topology = try Topology()
        for (name, version) in [("c04", "0.4.0"), ("c10", "1.0.0")] {
            _ = try topology.container(name)
            let add = try topology.flatnet("ADD", host: "hA", container: name,
                                           config: topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), version: version))
            #expect(add.reply?["cniVersion"] == .string(version))
            #expect(add.outcome.stdout.contains("\"version\":\"4\"") == (version == "0.4.0"), "\(add.outcome.stdout)")
        }
    }
}
