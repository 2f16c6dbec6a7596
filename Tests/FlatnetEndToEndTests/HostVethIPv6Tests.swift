import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The host end of a container's veth carries no IPv6: it is a bridge port, nothing on
/// the host talks through it, and every IPv6 route it had made each link event on the
/// host walk one more entry per container (issue 15: ADD grew about 5x from 10 to 1,000
/// containers).
@Suite("Host veths without IPv6 (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct HostVethIPv6Tests {
    @Test("ADD leaves the host end with IPv6 off, no address and no route; the container keeps its link-local")
    func addLeavesNoIPv6() throws {
        let topology = try Topology()
        _ = try topology.container("cA1")
        let add = try topology.flatnet("ADD", host: "hA", container: "cA1", config: topology.flatA(host: "hA"))
        #expect(add.status == 0, "\(add.outcome.stdout)")
        let veth = topology.hostVeth(of: "cA1")
        try Self.expectNoIPv6(on: veth, host: "hA", topology)
        try topology.awaitLinkLocal(in: ["cA1"])
        #expect(try topology.ip("cA1", "-6", "addr", "show", "dev", "eth0").contains("fe80::"),
                "the container end keeps its own IPv6")
        #expect(try topology.ping(from: "cA1", "10.43.0.1"), "and the port forwards")
    }

    @Test("a port an earlier flatnet left with IPv6 on gets it off at the next host setup")
    func setupTurnsItOff() throws {
        let topology = try Topology()
        _ = try topology.container("cA1")
        let config = topology.flatA(host: "hA")
        #expect(try topology.flatnet("ADD", host: "hA", container: "cA1", config: config).status == 0)
        let veth = topology.hostVeth(of: "cA1")
        // As a port attached before this change was: IPv6 on, link-local and routes made.
        #expect(try topology.exec("hA", "sysctl", "-qw", "net.ipv6.conf.\(veth).disable_ipv6=0").status == 0)
        for _ in 0..<100 where try !topology.ip("hA", "-6", "addr", "show", "dev", veth).contains("fe80::") {
            usleep(20_000)  // bounded wait for the kernel's address, not a timed assertion
        }
        #expect(try topology.ip("hA", "-6", "addr", "show", "dev", veth).contains("fe80::"), "control: IPv6 is back")
        let setup = try topology.operatorCommand(host: "hA", "setup", "--conf", try topology.write(config, as: "flat-a.json"))
        #expect(setup.status == 0, "\(setup.stdout) \(setup.stderr)")
        try Self.expectNoIPv6(on: veth, host: "hA", topology)
    }

    static func expectNoIPv6(on veth: String, host: String, _ topology: Topology) throws {
        let sysctl = try topology.exec(host, "sysctl", "-n", "net.ipv6.conf.\(veth).disable_ipv6")
        #expect(sysctl.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(sysctl.stdout) \(sysctl.stderr)")
        #expect(try topology.ip(host, "-6", "addr", "show", "dev", veth).isEmpty)
        let routes = try topology.ip(host, "-6", "route", "show", "table", "all", "dev", veth)
        #expect(routes.isEmpty, "\(routes)")
    }
}
