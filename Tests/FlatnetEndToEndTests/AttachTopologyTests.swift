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

    @Test("VLAN: a clear refusal on a kernel without 802.1Q, and nothing left behind",
          .enabled(if: !TestHost.hasVLANSupport, "this kernel has 802.1Q: VLANIsolationTests proves VLANs here"))
    func vlanUnsupported() throws {
        let topology = try Topology()
        _ = try topology.container("cA1")
        var config = topology.netconf("flat-v", host: "hA", range: ("10.43.1.2", "10.43.1.9"))
        config = config.setting("vlan", to: .number(100))
        let before = try Self.hostState(topology, host: "hA")
        let add = try topology.flatnet("ADD", host: "hA", container: "cA1", config: config)
        #expect(add.code == 108, "\(add.outcome.stdout)")
        #expect(add.reply?["msg"]?.stringValue?.contains("eth1.100") == true)
        #expect(try topology.ip("cA1", "-br", "link").split(separator: "\n").count == 1, "only lo in the container")
        #expect(!FileManager.default.fileExists(atPath: "\(topology.stateDirectory)/hA/flat-v/addresses"), "no lease")
        let after = try Self.hostState(topology, host: "hA")
        #expect(after == before, "left behind or changed: \(after.symmetricDifference(before).sorted())")
        // Control: the snapshot sees what a setup leaves (here a successful one, on flat-a).
        _ = try topology.container("cA2")
        let attached = try topology.flatnet("ADD", host: "hA", container: "cA2", config: topology.flatA(host: "hA"))
        #expect(attached.status == 0, "\(attached.outcome.stdout)")
        // (The applied record is looked for in the whole state, not only among the new
        // entries: state is keyed by the host netns's inode, and an earlier test's deleted
        // namespace may have had this one's, leaving its flat-a record in the shared /run/flatnet.)
        let state = try Self.hostState(topology, host: "hA")
        let setUp = state.subtracting(before)
        #expect(setUp.contains { $0.hasPrefix("link br-flat-a ") } && setUp.contains { $0.hasPrefix("nft table bridge") }
                && state.contains { $0.hasPrefix("file /run/flatnet/applied/") && $0.hasSuffix(".flat-a") },
                "\(setUp.sorted())")
    }

    /// What host setup can leave on `host`: its links (with state and master), its nft
    /// tables and ebtables chains, and flatnet's files for that host under /run/flatnet.
    /// Lock files aside: a lock's file stays by design (removing a file others may be
    /// waiting to flock would let two holders in), as `flatnet teardown` leaves it.
    static func hostState(_ topology: Topology, host: String) throws -> Set<String> {
        let links = try topology.ip(host, "-o", "link", "show").split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            let name = fields.count > 1 ? fields[1].split(separator: "@")[0].trimmingCharacters(in: [":"]) : ""
            let value = { (key: Substring) in fields.drop { $0 != key }.dropFirst().first.map { " \(key) \($0)" } ?? "" }
            return "link \(name)" + value("master") + value("state")
        }
        let tables = try topology.exec(host, "nft", "list", "tables").stdout.split(separator: "\n").map { "nft \($0)" }
        let chains = try topology.exec(host, TestHost.ebtablesSave).stdout.split(separator: "\n")
            .filter { $0.hasPrefix(":") || $0.hasPrefix("-A") }.map { "ebtables \($0)" }
        let inode = try topology.shell(host, "stat -L -c %i /proc/self/ns/net").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // The host's claims directory is shared by all its networks: only the claims in it count.
        let files = (FileManager.default.subpaths(atPath: "/run/flatnet") ?? [])
            .filter { $0.contains("net-\(inode)") && !$0.hasPrefix("locks/") && $0 != "claims/net-\(inode)" }
            .map { "file /run/flatnet/\($0)" }
        return Set(links + tables + chains + files)
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
        let interfaces = try #require(add.reply?["interfaces"]?.arrayValue, "no interfaces: \(add.outcome.stdout)")
        try #require(interfaces.count == 3, "the bridge, the host veth and the container's eth0: \(interfaces)")
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
