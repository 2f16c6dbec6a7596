import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The docker0 link, the reserved address and the ebtables containment (TESTING.md 2-6).
@Suite("Metadata link and containment in the two-host topology (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct MetadataTopologyTests {
    /// Both hosts with docker0 and metadata; cA1 on hostA, cB1 on hostB, network flat-a;
    /// and as on a real host a second network, flat-b (segment 2, reserved 10.44.0.2),
    /// with bA1 on hostA and bB1 on hostB.
    struct Attached {
        let topology: Topology
        let a: String
        let b: String
        /// bA1's flat-b address.
        let flatB: String
        /// cA1's netconf and ADD result (CHECK's prevResult).
        let configA: JSONValue
        let resultA: JSONValue?
    }

    static func attached() throws -> Attached {
        let topology = try Topology()
        for host in ["hA", "hB"] { try topology.metadata(on: host) }
        _ = try topology.container("cA1")
        _ = try topology.container("cB1")
        let configA = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.254"), reserved: "10.43.0.2")
        let a = try topology.flatnet("ADD", host: "hA", container: "cA1", config: configA)
        let b = try topology.flatnet("ADD", host: "hB", container: "cB1",
                                     config: topology.netconf("flat-a", host: "hB", range: ("10.43.2.2", "10.43.2.254"), reserved: "10.43.0.2"))
        #expect(a.status == 0 && b.status == 0, "\(a.outcome.stdout) \(b.outcome.stdout)")
        var flatB: [PluginCall] = []
        for host in ["hA", "hB"] {
            let name = "b" + host.dropFirst() + "1"
            _ = try topology.container(name)
            flatB.append(try topology.flatnet("ADD", host: host, container: name, config: topology.flatB(host: host, metadata: true)))
        }
        #expect(flatB.allSatisfy { $0.status == 0 }, "\(flatB.map(\.outcome.stdout))")
        return Attached(topology: topology, a: try #require(a.address), b: try #require(b.address), flatB: try #require(flatB[0].address),
                        configA: configA, resultA: a.reply)
    }

    @Test("each container's metadata request is answered by its own host; the route is in the result")
    func ownHost() throws {
        let attached = try Self.attached()
        let (topology, a, b) = (attached.topology, attached.a, attached.b)
        #expect(try topology.fetchMetadata(from: "cA1") == "hA")
        #expect(try topology.fetchMetadata(from: "cB1") == "hB")
        #expect(try topology.fetchMetadata(from: "bA1") == "hA" && topology.fetchMetadata(from: "bB1") == "hB", "flat-b too")
        #expect(try topology.ip("cA1", "route").contains("169.254.169.250 via 10.43.0.2 dev eth0"))
        #expect(try topology.ip("bA1", "route").contains("169.254.169.250 via 10.44.0.2 dev eth0"))
        #expect(try !topology.ping(from: "cA1", attached.flatB), "flat-a does not reach flat-b on the same host")
        #expect(try topology.ping(from: "cA1", b) && topology.ping(from: "cB1", a), "the flat network still works")
        let docker0 = try topology.ip("hA", "-4", "addr", "show", "docker0")
        #expect(docker0.contains("inet 10.43.0.2/16"))
    }

    @Test("after flushing the host's neighbour cache, metadata still answers (the gap closed); without the ARP-request rule it does not")
    func neighbourFlush() throws {
        let attached = try Self.attached()
        let topology = attached.topology
        let flushHost = { _ = try topology.run(["/usr/sbin/ip", "-n", topology.namespace("hA"), "neigh", "flush", "all"]) }
        #expect(try topology.fetchMetadata(from: "cA1") == "hA")
        try flushHost()
        #expect(try topology.fetchMetadata(from: "cA1") == "hA", "the host must ARP for the container, from the reserved address")

        // Negative control: the original design's rule set (no ARP requests from the reserved address).
        let save = try topology.exec("hA", TestHost.ebtablesSave).stdout
        let gapRule = try #require(save.split(separator: "\n").first { $0.contains("--arp-op Request") && $0.contains("-i flb-") })
        let delete = try topology.exec("hA", "sh", "-c", TestHost.ebtables + " -D" + gapRule.dropFirst(2))
        #expect(delete.status == 0, "\(delete.stderr)")
        try flushHost()
        #expect(try topology.fetchMetadata(from: "cA1") == nil, "with the gap open, the reply cannot reach the container")

        // Repair: CHECK names the missing rule and invalidates the setup; the next ADD restores it.
        let check = try topology.flatnet("CHECK", host: "hA", container: "cA1",
                                         config: attached.configA.setting("prevResult", to: attached.resultA))
        #expect(check.code == 106, "\(check.outcome.stdout)")
        #expect(check.reply?["details"]?.stringValue?.contains("ebtables rule missing") == true, "\(check.outcome.stdout)")
        _ = try topology.container("cA2")
        #expect(try topology.flatnet("ADD", host: "hA", container: "cA2", config: attached.configA).status == 0)
        try flushHost()
        #expect(try topology.fetchMetadata(from: "cA1") == "hA", "the next ADD repaired the rule set")
    }

    @Test("no ARP naming the reserved address crosses the switch; a forged reply from the switch changes nothing")
    func reservedAddressContained() throws {
        let topology = try Self.attached().topology
        // Counters on the switch: ARP frames naming 10.43.0.2, as sender or target.
        for field in ["--arp-ip-src", "--arp-ip-dst"] {
            _ = try topology.exec("sw", TestHost.ebtables, "-A", "FORWARD", "-p", "ARP", field, "10.43.0.2", "-j", "CONTINUE")
        }
        for container in ["cA1", "cB1"] {
            try topology.run(["/usr/sbin/ip", "-n", topology.namespace(container), "neigh", "flush", "all"])
            #expect(try topology.fetchMetadata(from: container) != nil)
        }
        #expect(try Self.counters(topology) == [0, 0], "no reserved-address ARP on the switch")
        #expect(try !topology.ping(from: "rt", "10.43.0.2"), "and nobody answers for it from the segment")
        #expect(try Self.counters(topology) != [0, 0], "control: the counters do count ARP for 10.43.0.2")

        let before = try topology.ip("cA1", "neigh", "show", "10.43.0.2")
        // No lock time in the victim: the kernel ignores a reply for an entry updated less
        // than locktime (1 s) ago, which would make the probe miss for timing alone.
        #expect(try topology.shell("cA1", "sysctl -qw net.ipv4.neigh.eth0.locktime=0").status == 0)
        let forge = {
            try topology.exec("rt", "python3", "-c", Self.forgeClaim, "eth1", try Self.mac(topology, "cA1"), "10.43.1.2", "10.43.0.2")
        }
        let forged = try forge()
        #expect(forged.status == 0, "\(forged.stderr)")
        #expect(try topology.ip("cA1", "neigh", "show", "10.43.0.2") == before, "the container's entry is unchanged")
        #expect(before.contains(try Self.mac(topology, "hA", interface: "docker0")), "and it names hostA's docker0")
        // Control: without hostA's rule dropping reserved-address ARP from the uplink, the same reply lands.
        let uplinkRule = "\(ContainmentRules.chainName("flat-a", "F")) -p ARP -i eth1 --arp-ip-src 10.43.0.2 -j DROP"
        let delete = try topology.shell("hA", "\(TestHost.ebtables) -D \(uplinkRule)")
        #expect(delete.status == 0, "\(delete.stderr)")
        #expect(try forge().status == 0)
        let poisoned = try topology.ip("cA1", "neigh", "show", "10.43.0.2")
        #expect(poisoned.contains("02:66:66:66:66:66"), "the probe works: \(poisoned)")
    }

    @Test("a namespace on docker0 can neither ping nor ARP a container")
    func dockerSideIsolated() throws {
        let attached = try Self.attached()
        let (topology, a) = (attached.topology, attached.a)
        #expect(try topology.ping(from: "hA-dk", "172.17.0.1"), "control: it reaches the host over docker0")
        #expect(try topology.fetchMetadata(from: "hA-dk") == "hA", "control: and the metadata service")
        #expect(try !topology.ping(from: "hA-dk", a), "routed through the host")
        #expect(try !topology.ping(from: "hA-dk", attached.flatB), "nor flat-b's container")
        try topology.run(["/usr/sbin/ip", "-n", topology.namespace("hA-dk"), "route", "add", "10.43.0.0/16", "dev", "eth0"])
        #expect(try !topology.ping(from: "hA-dk", a), "on-link, by ARP")
        #expect(try !topology.ip("hA-dk", "neigh", "show", a).contains("lladdr"), "ARP got no answer")
    }

    @Test("the router on the flat segment cannot reach hostA's own addresses through the bridge, IPv4 or IPv6")
    func hostUnreachable() throws {
        let attached = try Self.attached()
        let (topology, a) = (attached.topology, attached.a)
        try topology.run(["/usr/sbin/ip", "-n", topology.namespace("rt"), "route", "add", "172.17.0.0/16", "dev", "eth1"])
        #expect(try !topology.ping(from: "rt", "172.17.0.1"), "docker0's address")
        #expect(try topology.ping(from: "rt", a), "control: the router reaches the container")
        #expect(try !topology.ip("hA", "-6", "addr", "show", "br-flat-a").contains("inet6"), "no IPv6 on the flat bridge")
        let linkLocals = try topology.ip("hA", "-6", "-o", "addr", "show", "scope", "link").split(separator: "\n")
            .compactMap { $0.split(separator: " ").drop { $0 != "inet6" }.dropFirst().first?.split(separator: "/").first }
        #expect(!linkLocals.isEmpty)
        for address in linkLocals {
            let ping = try topology.exec("rt", "ping", "-6", "-c", "1", "-W", "1", "\(address)%eth1")
            #expect(ping.status != 0, "hostA answered on \(address)")
        }
        let containerLinkLocal = try #require(try topology.ip("cA1", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link")
            .split(separator: " ").drop { $0 != "inet6" }.dropFirst().first?.split(separator: "/").first)
        #expect(try topology.exec("rt", "ping", "-6", "-c", "1", "-W", "2", "\(containerLinkLocal)%eth1").status == 0,
                "control: IPv6 link-local works on the segment")
    }

    @Test("nothing is bridged into a link pair's docker end: neither a Docker container nor another network's container can claim a reserved address")
    func dockerEndClosed() throws {
        let attached = try Self.attached()
        let topology = attached.topology
        #expect(try topology.fetchMetadata(from: "cA1") == "hA" && topology.fetchMetadata(from: "bA1") == "hA")
        usleep(1_500_000)  // past the neighbour lock time (1 s), so a forged reply could take effect
        let neighbour = { (name: String, address: String) in try topology.ip(name, "neigh", "show", address) }
        let (beforeA, beforeB) = (try neighbour("cA1", "10.43.0.2"), try neighbour("bA1", "10.44.0.2"))
        let forge = { (from: String, claimed: String, victim: String, victimAddress: String) throws -> ProcessOutcome in
            try topology.exec(from, "python3", "-c", Self.forgeClaim, "eth0", try Self.mac(topology, victim), victimAddress, claimed)
        }
        #expect(try forge("hA-dk", "10.43.0.2", "cA1", attached.a).status == 0, "a Docker container claims flat-a's reserved address")
        #expect(try forge("cA1", "10.44.0.2", "bA1", attached.flatB).status == 0, "a flat-a container claims flat-b's")
        #expect(try neighbour("cA1", "10.43.0.2") == beforeA && neighbour("bA1", "10.44.0.2") == beforeB,
                "both entries unchanged")
        // Control: without the docker-end rule the Docker container's forgery lands.
        let dockerEnd = InterfaceNaming.linkPair(network: "flat-a").dockerSide.value
        let delete = try topology.shell("hA", "\(TestHost.ebtables) -D \(ContainmentRules.chainName("flat-a", "F")) -o \(dockerEnd) -j DROP")
        #expect(delete.status == 0, "\(delete.stderr)")
        #expect(try forge("hA-dk", "10.43.0.2", "cA1", attached.a).status == 0)
        let poisoned = try neighbour("cA1", "10.43.0.2")
        #expect(poisoned.contains("02:66:66:66:66:66"), "the probe works: \(poisoned)")
    }

    /// An ARP reply "CLAIMED is at 02:66:66:66:66:66", sent raw to the victim's MAC.
    static let forgeClaim = """
        import socket, sys
        interface, target_mac, target_ip, claimed = sys.argv[1:5]
        mac = lambda text: bytes(int(part, 16) for part in text.split(":"))
        forger = mac("02:66:66:66:66:66")
        frame = (mac(target_mac) + forger + b"\\x08\\x06" + b"\\x00\\x01\\x08\\x00\\x06\\x04\\x00\\x02" + forger
                 + socket.inet_aton(claimed) + mac(target_mac) + socket.inet_aton(target_ip))
        raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        raw.bind((interface, 0))
        for _ in range(3): raw.send(frame)
        """

    static func counters(_ topology: Topology) throws -> [Int] {
        try topology.exec("sw", TestHost.ebtables, "-L", "FORWARD", "--Lc").stdout.split(separator: "\n")
            .filter { $0.contains("10.43.0.2") }
            .compactMap { line in line.split(separator: "pcnt = ").last?.split(separator: " ").first.flatMap { Int($0) } }
    }

    static func mac(_ topology: Topology, _ name: String, interface: String = "eth0") throws -> String {
        String(try topology.ip(name, "link", "show", interface).split(separator: " ").drop { $0 != "link/ether" }.dropFirst().first ?? "")
    }
}
