import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// IPv6 from a container: its own link-local source only, no router advertisements, no
/// neighbour advertisements for others' addresses, no DHCPv6 server.
extension PortSecurityAttackTests {
    @Test("router advertisements: no container, router or host (via docker0) takes an address or route",
          arguments: Protection.allCases)
    func routerAdvertisement(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let victims = [("vA", "eth0"), ("vB", "eth0"), ("rt", "eth1")]
        let attacker = try topology.linkLocal(of: "xA")
        defer { for name in ["vA", "vB", "rt", "hA"] { Self.forgetAdvertisedRouter(topology, in: name) } }
        let capture = try topology.attack("ra", from: "xA", watch: victims.map { .frames($0.0, interface: $0.1) },
                                          barriers: try victims.map { try topology.barrier(to: $0.0, interface: $0.1) })
        for (name, interface) in victims {
            let addresses = try topology.ip(name, "-6", "-o", "addr", "show", "dev", interface)
            let routes = try topology.ip(name, "-6", "route", "show", "default")
            if name != "rt" {
                // Port security decides whether the frames reach a container at all. With it,
                // the container also ignores advertisements (accept_ra 0); without it, on
                // this IPv4-only network, its IPv6 is the kernel's, which takes them.
                protection.expect(landed: capture.frames(at: name, interface: interface) > 0, "\(name) receives it")
            }
            protection.expect(landed: addresses.contains("2001:db8:66:"), "\(name) takes an address")
            protection.expect(landed: routes.contains("via \(attacker)"), "\(name) routes via xA (\(routes))")
        }
        let hostRoutes = try topology.ip("hA", "-6", "route", "show", "default")
        protection.expect(landed: hostRoutes.contains("via \(attacker)"), "hostA routes via xA \(hostRoutes)")
    }

    @Test("neighbour-advertisement spoofing: neither a same-host container nor the router caches vA at xA",
          arguments: Protection.allCases)
    func neighbourAdvertisementSpoofing(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let victims = [("wA", "eth0"), ("rt", "eth1")]
        let target = try topology.linkLocal(of: "vA")
        try topology.awaitLinkLocal(in: ["vA", "wA", "rt"])
        // Unsolicited advertisements only update entries that exist: the victims resolve
        // vA's link-local first (neighbour discovery working is the control).
        for (name, interface) in victims {
            let ping = try topology.exec(name, "ping", "-6", "-c", "1", "-W", "2", "\(target)%\(interface)")
            #expect(ping.status == 0, "control: \(name) resolves and reaches vA's link-local")
        }
        defer {
            for (name, interface) in victims {
                topology.ipIgnoringFailure(name, "-6", "neigh", "flush", "dev", interface)
            }
        }
        _ = try topology.attack("na", from: "xA", ["target": target],
                                watch: victims.map { .frames($0.0, interface: $0.1) },
                                barriers: try victims.map { try topology.barrier(to: $0.0, interface: $0.1) })
        let attackerMAC = try topology.mac(of: "xA")
        for (name, _) in victims {
            let entry = try topology.neighbour(target, in: name)
            protection.expect(landed: entry.contains(attackerMAC), "\(name) caches it at xA: \(entry)")
        }
    }

    @Test("IPv6 source spoofing (a neighbour's link-local, an unassigned global) never reaches the router",
          arguments: Protection.allCases)
    func ipv6SourceSpoofing(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let router = try topology.barrier(to: "rt", interface: "eth1")
        let routerLinkLocal = try topology.linkLocal(of: "rt", interface: "eth1")
        for source in [try topology.linkLocal(of: "wA"), "2001:db8:77::7"] {
            let capture = try topology.attack("udp6", from: "xA", [
                "src": source, "dst": routerLinkLocal, "dst-mac": router.mac,
            ], watch: [.datagrams("rt")], barriers: [router])
            let sources = capture.sources(at: "rt")
            protection.expect(landed: sources.contains { $0.hasPrefix(source) },
                              "the router receives datagrams from \(source) (\(sources))")
        }
    }

    @Test("a DHCPv6 server (udp sport 547) in a container never reaches a neighbour's client port",
          arguments: Protection.allCases)
    func dhcpv6Server(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let victim = try topology.barrier(to: "vA")
        let capture = try topology.attack("udp6", from: "xA", [
            "sport": "547", "dport": "546", "payload": "dhcpv6-advertise",
            "dst": try topology.linkLocal(of: "vA"), "dst-mac": victim.mac,
        ], watch: [.datagrams("vA", port: 546), .datagrams("vA")], barriers: [victim])
        protection.expect(landed: !capture.sources(at: "vA", port: 546).isEmpty,
                          "vA's port 546 receives the attacker's advertise")
    }

    /// Removes what an advertisement from the attacker configured in namespace `name`.
    static func forgetAdvertisedRouter(_ topology: Topology, in name: String) {
        topology.ipIgnoringFailure(name, "-6", "addr", "flush", "scope", "global")
        topology.ipIgnoringFailure(name, "-6", "route", "flush", "proto", "ra")
        topology.ipIgnoringFailure(name, "-6", "route", "flush", "2001:db8:66::/64")
    }
}
