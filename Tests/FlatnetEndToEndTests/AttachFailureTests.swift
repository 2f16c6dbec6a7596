import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Failures, repeats and drift, against real kernel objects.
@Suite("Attach: rollback, DEL, CHECK, concurrency (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct AttachFailureTests {
    static func veths(_ topology: Topology, host: String = "hA") throws -> [Substring] {
        try topology.ip(host, "-br", "link", "show", "type", "veth").split(separator: "\n").filter { $0.hasPrefix("fl") }
    }

    @Test("pool exhausted on the second ADD: error 102 and nothing of it left")
    func rollbackOnExhaustion() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.2"))
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        let second = try topology.flatnet("ADD", host: "hA", container: "c2", config: config)
        #expect(second.code == 102, "\(second.outcome.stdout)")
        #expect(try Self.veths(topology).count == 1, "only c1's veth exists")
        #expect(try !topology.ip("c2", "-br", "link").contains("eth0"))
    }

    @Test("a failure after the veth and the address (a route IPAM gave is unusable): veth removed, delegated lease released")
    func rollbackMidway() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let leases = topology.stateDirectory + "/hl"
        let hostLocal = JSONValue.object([
            "type": .string("host-local"), "dataDir": .string(leases),
            "ranges": .array([.array([.object(["subnet": .string("10.43.0.0/16"), "gateway": .string("10.43.0.1"),
                                               "rangeStart": .string("10.43.1.2"), "rangeEnd": .string("10.43.1.9")])])]),
            "routes": .array([.object(["dst": .string("192.0.2.0/24"), "gw": .string("198.51.100.1")])]),
        ])
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), version: "1.0.0")  // Debian host-local speaks up to 1.0.0
            .setting("ipam", to: hostLocal)
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.code == 101, "the route add fails in the kernel: \(add.outcome.stdout)")
        #expect(try Self.veths(topology).isEmpty, "the veth was rolled back")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: leases + "/flat-a")) ?? []
        #expect(files.contains("last_reserved_ip.0"), "control: host-local did allocate here: \(files)")
        #expect(!files.contains("10.43.1.2"), "host-local's DEL was called: \(files)")
    }

    @Test("an existing CNI_IFNAME is refused (107) before anything is allocated")
    func interfaceExists() throws {
        let topology = try Topology()
        let name = try topology.container("c1")
        try topology.run(["/usr/sbin/ip", "-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", "x0"])
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9")))
        #expect(add.code == 107)
        #expect(!leaseExists(topology.stateDirectory + "/hA/flat-a/addresses/10.43.1.2"))
    }

    @Test("DEL twice, and DEL after the netns is gone: success, no veth, no lease")
    func deleteRepeatedAndOrphaned() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"))
        for name in ["c1", "c2"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0) }
        #expect(try topology.flatnet("DEL", host: "hA", container: "c1", config: config).status == 0)
        #expect(try topology.flatnet("DEL", host: "hA", container: "c1", config: config).status == 0)
        try topology.run(["/usr/sbin/ip", "netns", "del", topology.namespace("c2")])
        let orphan = try topology.flatnet("DEL", host: "hA", container: "c2", config: config)
        #expect(orphan.status == 0, "\(orphan.outcome.stdout)")
        #expect(try Self.veths(topology).isEmpty)
        let leases = try FileManager.default.contentsOfDirectory(atPath: topology.stateDirectory + "/hA/flat-a/addresses")
        #expect(leases.isEmpty)
        #expect(try topology.ip("hA", "-br", "link").contains("br-flat-a"), "DEL never removes the host setup")
    }

    @Test("CHECK passes, then names the drift: address flushed, veth detached")
    func checkAfterTampering() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"))
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        let expected = config.setting("prevResult", to: add.reply)
        #expect(try topology.flatnet("CHECK", host: "hA", container: "c1", config: expected).status == 0)

        try topology.run(["/usr/sbin/ip", "-n", topology.namespace("c1"), "addr", "flush", "dev", "eth0"])
        let flushed = try topology.flatnet("CHECK", host: "hA", container: "c1", config: expected)
        #expect(flushed.code == 106)
        #expect(flushed.reply?["msg"]?.stringValue == "CHECK: eth0 lacks address 10.43.1.2/16")

        let veth = try #require(try Self.veths(topology).first?.split(separator: "@").first)
        try topology.run(["/usr/sbin/ip", "-n", topology.namespace("hA"), "link", "set", String(veth), "nomaster"])
        let detached = try topology.flatnet("CHECK", host: "hA", container: "c1", config: expected)
        #expect(detached.reply?["details"]?.stringValue?.contains("host veth \(veth) is not attached to bridge br-flat-a") == true)
    }

    @Test("8 parallel ADDs on a fresh host: one bridge, all succeed, distinct addresses")
    func parallelFreshHost() async throws {
        let topology = try Topology()
        for index in 0..<8 { _ = try topology.container("p\(index)") }
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.254"))
        let calls = try await withThrowingTaskGroup(of: PluginCall.self) { group in
            for index in 0..<8 {
                group.addTask { try topology.flatnet("ADD", host: "hA", container: "p\(index)", config: config) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(calls.allSatisfy { $0.status == 0 }, "\(calls.map(\.outcome.stdout))")
        #expect(Set(calls.compactMap(\.address)).count == 8)
        let bridges = try topology.ip("hA", "-br", "link", "show", "type", "bridge").split(separator: "\n")
        #expect(bridges.count == 1 && bridges[0].hasPrefix("br-flat-a"))
    }

    @Test("the gratuitous ARP: a neighbour that accepts it learns the container's MAC before any traffic")
    func gratuitousARP() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        try topology.run(["/usr/sbin/ip", "netns", "exec", topology.namespace("rt"), "sysctl", "-qw", "net.ipv4.conf.eth1.arp_accept=1"])
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9")))
        let mac = try topology.ip("c1", "link", "show", "eth0").split(separator: " ").drop { $0 != "link/ether" }.dropFirst().first
        var learned = ""
        for _ in 0..<20 where !learned.contains(String(mac ?? "?")) {  // the ARP is sent asynchronously
            learned = try topology.ip("rt", "neigh", "show", "10.43.1.2")
            if !learned.contains(String(mac ?? "?")) { usleep(100_000) }
        }
        #expect(add.status == 0)
        #expect(learned.contains(String(mac ?? "?")), "router neighbours: \(learned)")
    }

    @Test("host setup refuses an uplink with an address, one enslaved elsewhere, and a bridge name taken by a non-bridge")
    func hostSetupRefusals() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let host = topology.namespace("hB")
        try topology.run(["/usr/sbin/ip", "-n", host, "addr", "add", "192.168.50.2/24", "dev", "eth2"])
        let withAddress = try topology.flatnet("ADD", host: "hB", container: "c1",
                                               config: topology.netconf("flat-x", host: "hB", range: ("10.43.1.2", "10.43.1.9"), uplink: "eth2"))
        #expect(withAddress.code == 108 && withAddress.reply?["msg"]?.stringValue?.contains("carries IP addresses") == true)

        try topology.run(["/usr/sbin/ip", "-n", host, "link", "add", "other", "type", "bridge"])
        try topology.run(["/usr/sbin/ip", "-n", host, "link", "set", "eth1", "master", "other"])
        let enslaved = try topology.flatnet("ADD", host: "hB", container: "c1",
                                            config: topology.netconf("flat-y", host: "hB", range: ("10.43.1.2", "10.43.1.9")))
        #expect(enslaved.code == 108 && enslaved.reply?["msg"]?.stringValue?.contains("already enslaved to other") == true)

        try topology.run(["/usr/sbin/ip", "-n", host, "link", "add", "br-flat-z", "type", "veth", "peer", "name", "zz"])
        let notBridge = try topology.flatnet("ADD", host: "hB", container: "c1",
                                             config: topology.netconf("flat-z", host: "hB", range: ("10.43.1.2", "10.43.1.9"), uplink: nil))
        #expect(notBridge.code == 108 && notBridge.reply?["msg"]?.stringValue == "br-flat-z exists and is not a bridge")
    }
}
