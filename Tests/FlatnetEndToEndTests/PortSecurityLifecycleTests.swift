import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Port security over a container's life and a host's: DEL, killed ADDs and GC leave no
/// per-container state; a flushed ruleset, a toggled `portSecurity` and containers attached
/// before port security existed are repaired without cutting anyone off; doctor counts
/// drops per container; without nft, STATUS and ADD say so.
@Suite("Port security lifecycle (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct PortSecurityLifecycleTests {
    static let table = PortSecurityRules.tableName(network: "flat-a")

    /// The host's port security table as nft lists it ("" when there is none).
    static func listing(_ topology: Topology, host: String = "hA") throws -> String {
        try topology.exec(host, "nft", "list", "table", "bridge", table).stdout
    }

    /// The port records flatnet keeps for flat-a on `host`.
    static func records(_ topology: Topology, host: String = "hA") throws -> [String] {
        let inode = try topology.shell(host, "stat -L -c %i /proc/self/ns/net").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let directory = "/run/flatnet/ports/net-\(inode).flat-a"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
    }

    /// A topology with c1 and c2 attached to flat-a on hostA, and that netconf.
    static func twoContainers() throws -> (Topology, JSONValue) {
        let topology = try Topology()
        let config = topology.flatA(host: "hA")
        for name in ["c1", "c2"] {
            _ = try topology.container(name)
            #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0)
        }
        return (topology, config)
    }

    /// One ping from `name` with source address `source`; true when answered.
    static func ping(_ topology: Topology, from name: String, _ address: String, source: String) throws -> Bool {
        try topology.exec(name, "ping", "-c", "1", "-W", "1", "-I", source, address).status == 0
    }

    static func veth(_ name: String) -> String {
        InterfaceNaming.hostVeth(network: "flat-a", attachment: Attachment(containerID: name, ifName: "eth0")).value
    }

    @Test("DEL removes the port's elements from every set and its record; the other container keeps its own")
    func deleteLeavesNothing() throws {
        let (topology, config) = try Self.twoContainers()
        #expect(try topology.ping(from: "c1", "10.43.0.1"), "control: c1 has a broadcast element in flood too")
        #expect(try Self.listing(topology).contains(Self.veth("c1")), "control: c1's elements are listed")
        #expect(try topology.flatnet("DEL", host: "hA", container: "c1", config: config).status == 0)
        let after = try Self.listing(topology)
        #expect(!after.contains(Self.veth("c1")), "no set holds c1's port any more:\n\(after)")
        #expect(after.contains(Self.veth("c2")))
        #expect(try Self.records(topology) == [Self.veth("c2")])
        #expect(try topology.flatnet("DEL", host: "hA", container: "c1", config: config).status == 0, "DEL again: done")
    }

    @Test("ADDs killed at random points, then CNI GC: no record, element, veth or lease is left")
    func killedAddsThenGC() throws {
        let topology = try Topology()
        let config = topology.flatA(host: "hA")
        _ = try topology.container("c0")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c0", config: config).status == 0, "host set up")
        let environment = "CNI_COMMAND=ADD CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni"
        let file = try topology.write(config, as: "flat-a.json")
        for index in 1...16 {
            let name = "k\(index)"
            _ = try topology.container(name)
            // SIGKILL after 1-256 ms (index squared): before, during and after the port's
            // elements go in. The later ones finish even under CI load (1-16 ms once left
            // no ADD far enough to write a record, and the control below failed).
            let delay = String(format: "%.3f", Double(index * index) / 1000)
            _ = try topology.shell("hA", "\(environment) CNI_CONTAINERID=\(name) CNI_NETNS=/run/netns/\(topology.namespace(name))"
                + " timeout -s KILL \(delay) \(TestHost.binary ?? "") < \(file) > /dev/null 2>&1; true")
        }
        #expect(try Self.records(topology).count > 1, "the killed and finished ADDs left per-port state for GC")
        let valid = JSONValue.array([.object(["containerID": .string("c0"), "ifname": .string("eth0")])])
        let gc = try topology.flatnet("GC", host: "hA", container: "", config: config.settingKey("cni.dev/valid-attachments", to: valid))
        #expect(gc.status == 0, "\(gc.outcome.stdout)")
        let listing = try Self.listing(topology)
        let prefix = InterfaceNaming.hostVethPrefix(network: "flat-a")
        let ports = listing.split(separator: "\"").filter { $0.hasPrefix(prefix) && !$0.hasSuffix("*") }
        #expect(Set(ports) == [Substring(Self.veth("c0"))], "only c0's elements remain:\n\(listing)")
        #expect(try Self.records(topology) == [Self.veth("c0")])
        // Every veth flatnet marked (and so every port on the bridge) is c0's. A veth killed
        // before its mark is nobody's, off the bridge, and left to its netns
        // (README.md#port-security-on-by-default, known limits).
        let marked = try topology.ip("hA", "-o", "link").split(separator: "\n").filter { $0.contains("alias flatnet:flat-a") }
        #expect(marked.count == 1 && marked[0].contains(Self.veth("c0")), "\(marked)")
        let bridgePorts = try topology.ip("hA", "-br", "link", "show", "master", "br-flat-a").split(separator: "\n")
        #expect(bridgePorts.filter { $0.hasPrefix(prefix) }.count == 1, "\(bridgePorts)")
        #expect(topology.leases(host: "hA", network: "flat-a").count == 1)
    }

    @Test("a flushed ruleset: CHECK names the missing table, the next ADD rebuilds it and every attached container keeps working")
    func flushedRuleset() throws {
        let topology = try Topology()
        let config = topology.flatA(host: "hA")
        _ = try topology.container("c1")
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.status == 0)
        // Flushed behind the ready stamp's back: the next ADD finds the table gone and repairs.
        try topology.shell("hA", "nft flush ruleset")
        _ = try topology.container("c2")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c2", config: config).status == 0)
        #expect(try Self.listing(topology).contains(Self.veth("c1")), "c1's elements restored from its record")
        try topology.shell("c1", "ip neigh flush all")
        #expect(try topology.ping(from: "c1", "10.43.0.1"), "c1 is not cut off")
        #expect(try topology.ping(from: "c2", "10.43.0.1"))
        let doctor = try topology.operatorCommand(host: "hA", ["doctor", "--conf", try topology.write(config, as: "a.json")])
        #expect(doctor.status == 0, "\(doctor.stdout)")
        // Flushed again, CHECK names the missing table.
        try topology.shell("hA", "nft flush ruleset")
        let check = try topology.flatnet("CHECK", host: "hA", container: "c1",
                                         config: config.settingKey("prevResult", to: add.reply))
        #expect(check.code == 106 && check.outcome.stdout.contains("port security table bridge \(Self.table) is missing"),
                "\(check.outcome.stdout)")
    }

    @Test("portSecurity off then on: the table goes and comes back; a container attached while it was off is adopted, not cut off")
    func toggled() throws {
        let topology = try Topology()
        let on = topology.flatA(host: "hA"), off = on.settingKey("portSecurity", to: .bool(false))
        for name in ["c1", "c2", "c3"] { _ = try topology.container(name) }
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: on).status == 0)
        #expect(try topology.flatnet("ADD", host: "hA", container: "c2", config: off).status == 0)
        #expect(try Self.listing(topology).isEmpty, "off: no table")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c3", config: on).status == 0)
        let listing = try Self.listing(topology)
        for name in ["c1", "c2", "c3"] {
            #expect(listing.contains(Self.veth(name)), "\(name) protected again")
            try topology.shell(name, "ip neigh flush all")
            #expect(try topology.ping(from: name, "10.43.0.1"), "\(name) still reaches the router")
        }
        let doctor = try topology.operatorCommand(host: "hA", ["doctor", "--conf", try topology.write(on, as: "a.json")])
        #expect(doctor.unwrappedStdout.contains("port security of \(Self.veth("c2"))") && doctor.unwrappedStdout.contains("adopted"),
                "\(doctor.stdout)")
        // The adopted port is held to what it had: spoofing another source is dropped.
        try topology.shell("c2", "ip addr add 10.43.1.200/16 dev eth0")
        #expect(try !Self.ping(topology, from: "c2", "10.43.0.1", source: "10.43.1.200"))
    }

    @Test("doctor counts each container's dropped frames; a spoofing container's count grows, its neighbour's does not")
    func doctorCountsDrops() throws {
        let (topology, config) = try Self.twoContainers()
        let file = try topology.write(config, as: "a.json")
        let dropped = { (name: String) throws -> Int in
            let doctor = try topology.operatorCommand(host: "hA", ["doctor", "--conf", file])
            let line = try #require(doctor.unwrappedStdout.split(separator: "\n").first { $0.contains("port security of \(Self.veth(name))") })
            let words = line.split(separator: " ")
            let index = try #require(words.firstIndex { $0.hasPrefix("frame") })
            return try #require(Int(words[index - 1]))
        }
        let (before1, before2) = (try dropped("c1"), try dropped("c2"))
        try topology.shell("c1", "ip addr add 10.43.1.200/16 dev eth0")
        for _ in 0..<3 { _ = try Self.ping(topology, from: "c1", "10.43.0.1", source: "10.43.1.200") }
        #expect(try dropped("c1") >= before1 + 3, "the spoofed pings were counted against c1")
        #expect(try dropped("c2") == before2)
    }

    @Test("without nft: STATUS is 50 and ADD is 110, both naming nft and the fix; nothing is attached")
    func withoutNft() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let hide = "mount --bind /dev/null /usr/sbin/nft"
        let config = topology.flatA(host: "hA")
        let status = try topology.flatnet("STATUS", host: "hA", container: "", config: config, mountSetup: hide)
        #expect(status.code == 50 && status.outcome.stdout.contains("nft"), "\(status.outcome.stdout)")
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config, mountSetup: hide)
        #expect(add.code == 110 && add.outcome.stdout.contains("nftables"), "\(add.outcome.stdout)")
        #expect(try !topology.ip("c1", "-br", "link").contains("eth0"))
        #expect(topology.leases(host: "hA", network: "flat-a").isEmpty)
    }
}
