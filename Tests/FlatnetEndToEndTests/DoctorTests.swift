import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

@Suite("flatnet doctor (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct DoctorTests {
    @Test("healthy host: exit 0; then each injected fault is named with a fix, exit 1")
    func doctorFindsFaults() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2", "c3", "b1"] { _ = try topology.container(name) }
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), reserved: "10.43.0.2")
        for name in ["c1", "c2", "c3"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0) }
        // The host's second network, flat-b: its doctor stays healthy and flat-a's never names it.
        let flatB = topology.flatB(host: "hA", metadata: true)
        #expect(try topology.flatnet("ADD", host: "hA", container: "b1", config: flatB).status == 0)
        let vethB = InterfaceNaming.hostVeth(network: "flat-b", attachment: Attachment(containerID: "b1", ifName: "eth0")).value
        let file = try topology.write(config, as: "flat-a.json")
        let doctor = { try topology.operatorCommand(host: "hA", "doctor", "--conf", file) }

        let healthy = try doctor()
        #expect(healthy.status == 0, "\(healthy.stdout)")
        #expect(healthy.unwrappedStdout.contains("network flat-a: healthy") && healthy.unwrappedStdout.contains("packets)"))

        let save = try topology.exec("hA", "ebtables-nft-save").stdout
        let rule = try #require(save.split(separator: "\n").first { $0.contains("--arp-op Reply") })
        _ = try topology.exec("hA", "sh", "-c", "ebtables-nft -D" + rule.dropFirst(2))
        _ = try topology.run(["/usr/sbin/ip", "-n", topology.namespace("hA"), "link", "set", "eth1", "down"])
        _ = try topology.run(["/usr/sbin/ip", "-n", topology.namespace("hA"), "addr", "del", "10.43.0.2/16", "dev", "docker0"])
        try topology.deleteNamespaceWithoutDEL("c3", host: "hA", network: "flat-a")  // leaks c3's lease
        _ = try topology.run(["/usr/sbin/ip", "-n", topology.namespace("c1"), "addr", "add", "10.43.1.8/16", "dev", "eth0"])
        _ = try topology.run(["/usr/sbin/ip", "-n", topology.namespace("c1"), "addr", "add", "10.43.1.3/16", "dev", "eth0"])

        let sick = try doctor()
        #expect(sick.status == 1, "\(sick.stdout)")
        for expected in [
            "FAIL  rule \(rule.split(separator: " ").dropFirst(0).joined(separator: " ")): missing",
            "FAIL  uplink eth1: is down",
            "FAIL  reserved address 10.43.0.2/16 on docker0: missing",
            "FAIL  lease 10.43.1.4: container c3 eth0 has no host veth (leaked)",
            "FAIL  address 10.43.1.8: in use behind",
            "FAIL  address 10.43.1.3: configured behind both",
        ] {
            #expect(sick.unwrappedStdout.contains(expected), "missing «\(expected)» in:\n\(sick.stdout)")
        }
        #expect(sick.stdout.components(separatedBy: "      fix: ").count > 6, "every problem has a fix line")
        let long = (healthy.stdout + sick.stdout).split(separator: "\n").filter { $0.count > 80 }
        #expect(long.isEmpty, "lines wrap at 80 columns: \(long)")
        #expect(!sick.stdout.contains(vethB), "flat-a's doctor never names flat-b's container")
        let doctorB = try topology.operatorCommand(host: "hA", "doctor", "--conf", try topology.write(flatB, as: "flat-b.json"))
        #expect(doctorB.status == 0, "flat-b is healthy while flat-a is sick:\n\(doctorB.stdout)")
        let json = try topology.operatorCommand(host: "hA", "doctor", "--conf", file, "--json")
        #expect(try JSONValue.parse(json.stdout)["healthy"] == .bool(false))
    }
}
