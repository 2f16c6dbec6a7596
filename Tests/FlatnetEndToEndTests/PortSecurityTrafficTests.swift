import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 13: with port security on (the default netconf), legitimate traffic is intact:
/// IPv4 across hosts and to the router, ARP after the caches are flushed, IPv6 link-local
/// neighbour discovery, metadata from the container's own host, and an allowed virtual
/// address (VRRP, keepalived) moving between two containers. Each test has a topology of
/// its own, so no attack of PortSecurityAttackTests can have left a trace in it.
@Suite("Port security: legitimate traffic is intact with the default netconf (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct PortSecurityTrafficTests {
    /// A topology with flat-a containers attached with the default netconf, each on the
    /// host its second letter names (cA1 on hA, cB1 on hB).
    static func attached(_ names: [String], metadata: Bool = false) throws -> Topology {
        let topology = try Topology()
        if metadata { for host in ["hA", "hB"] { try topology.metadata(on: host) } }
        for name in names {
            let host = "h" + name.dropFirst().prefix(1)
            _ = try topology.container(name)
            let config = topology.flatA(host: host, metadata: metadata)
            let add = try topology.flatnet("ADD", host: host, container: name, config: config)
            #expect(add.status == 0, "ADD \(name): \(add.outcome.stdout)")
        }
        return topology
    }

    @Test("containers ping each other across hosts and the router, and the router pings them")
    func crossHostPing() throws {
        let topology = try Self.attached(["cA1", "cB1"])
        let a = try #require(try topology.addresses(of: "cA1").first)
        let b = try #require(try topology.addresses(of: "cB1").first)
        #expect(try topology.ping(from: "cA1", b), "hostA to hostB")
        #expect(try topology.ping(from: "cB1", a), "hostB to hostA")
        for name in ["cA1", "cB1"] { #expect(try topology.ping(from: name, "10.43.0.1"), "\(name) to rt") }
        for address in [a, b] { #expect(try topology.ping(from: "rt", address), "the router to \(address)") }
    }

    @Test("after every neighbour cache is flushed, ARP resolves containers and router again, at their MACs")
    func arpRefresh() throws {
        let topology = try Self.attached(["cA1", "cA2", "cB1"])
        let address = { (name: String) in try #require(try topology.addresses(of: name).first) }
        let owners = [(try address("cA2"), "cA2", "eth0"), (try address("cB1"), "cB1", "eth0"),
                      ("10.43.0.1", "rt", "eth1")]
        for (target, _, _) in owners { #expect(try topology.ping(from: "cA1", target), "before: \(target)") }
        for name in ["cA1", "cA2", "cB1", "rt"] { _ = try topology.ip(name, "neigh", "flush", "all") }
        for (target, owner, interface) in owners {
            #expect(try topology.ping(from: "cA1", target), "after the flush: \(target)")
            let entry = try topology.neighbour(target, in: "cA1")
            let mac = try topology.mac(of: owner, interface: interface)
            #expect(entry.contains(mac), "\(target) is \(owner): \(entry)")
        }
        let first = try address("cA1")
        #expect(try topology.ping(from: "rt", first), "and the router resolves cA1")
        #expect(try topology.neighbour(first, in: "rt").contains(try topology.mac(of: "cA1")))
    }

    @Test("IPv6 link-local neighbour discovery and ping6 work on one host, across hosts, and with the router")
    func ipv6LinkLocal() throws {
        let topology = try Self.attached(["cA1", "cA2", "cB1"])
        try topology.awaitLinkLocal(in: ["cA1", "cA2", "cB1", "rt"])
        for name in ["cA1", "cA2", "cB1", "rt"] { _ = try topology.ip(name, "-6", "neigh", "flush", "all") }
        let pairs = [("cA1", "eth0", "cA2", "eth0"), ("cA1", "eth0", "cB1", "eth0"),
                     ("cB1", "eth0", "cA1", "eth0"), ("rt", "eth1", "cA1", "eth0")]
        for (from, interface, to, toInterface) in pairs {
            let target = try topology.linkLocal(of: to, interface: toInterface)
            let ping = try topology.exec(from, "ping", "-6", "-c", "1", "-W", "2", "\(target)%\(interface)")
            #expect(ping.status == 0, "\(from) reaches \(to)'s \(target)")
            let entry = try topology.neighbour(target, in: from)
            let mac = try topology.mac(of: to, interface: toInterface)
            #expect(entry.contains(mac), "\(from) resolved \(to): \(entry)")
        }
    }

    @Test("metadata requests are answered by the container's own host, on both networks, also after flushes")
    func metadataFromOwnHost() throws {
        let topology = try Self.attached(["cA1", "cB1"], metadata: true)
        _ = try topology.container("bA1")
        let flatB = try topology.flatnet("ADD", host: "hA", container: "bA1",
                                         config: topology.flatB(host: "hA", metadata: true))
        #expect(flatB.status == 0, "\(flatB.outcome.stdout)")
        #expect(try topology.fetchMetadata(from: "cA1") == "hA")
        #expect(try topology.fetchMetadata(from: "cB1") == "hB")
        #expect(try topology.fetchMetadata(from: "bA1") == "hA", "flat-b, the host's second network")
        for name in ["cA1", "hA"] { _ = try topology.ip(name, "neigh", "flush", "all") }
        #expect(try topology.fetchMetadata(from: "cA1") == "hA", "after hostA's and cA1's caches are flushed")
    }
}
