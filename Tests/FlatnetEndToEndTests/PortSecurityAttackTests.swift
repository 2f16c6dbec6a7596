import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 13, "Prove it": each attack runs from a container with root in its own netns
/// (xA on hostA) and is judged where it would take effect: the victim's neighbour cache,
/// the bridges' forwarding entries, the router's sockets, the switch's wire. With the
/// default netconf it must be blocked; with `"portSecurity": false` it must land (the
/// negative control), so a blind probe cannot pass. Every probe also sends a legitimate
/// barrier datagram along the watched path and waits for it (Tests/Harness/l2attack.py),
/// which shows that path carrying legitimate traffic. Legitimate traffic as a whole:
/// PortSecurityTrafficTests.
@Suite("Port security attacks: blocked by default, landing with portSecurity false (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"),
       .serialized, .attackRanges)
struct PortSecurityAttackTests {
    /// Whose address the attacker claims in a forged ARP request, and to whom.
    enum ARPSpoof: String, CaseIterable, Sendable {
        /// The gateway 10.43.0.1, to vA on the attacker's host.
        case gatewayToSameHost
        /// The gateway, to vB on hostB.
        case gatewayAcrossTheSwitch
        /// vA's address, to wA on the attacker's host.
        case containerToSameHost
        /// vB's address, to the router: its traffic to vB would go to the attacker.
        case containerToRouter

        var victim: (name: String, interface: String) {
            switch self {
            case .gatewayToSameHost: ("vA", "eth0")
            case .gatewayAcrossTheSwitch: ("vB", "eth0")
            case .containerToSameHost: ("wA", "eth0")
            case .containerToRouter: ("rt", "eth1")
            }
        }

        func claimed(in range: AttackRange) throws -> String {
            switch self {
            case .gatewayToSameHost, .gatewayAcrossTheSwitch: "10.43.0.1"
            case .containerToSameHost: try range.address(of: "vA")
            case .containerToRouter: try range.address(of: "vB")
            }
        }
    }

    @Test("ARP spoofing: a forged ARP naming the gateway or a container never enters the victim's cache",
          arguments: ARPSpoof.allCases, Protection.allCases)
    func arpSpoofing(_ spoof: ARPSpoof, _ protection: Protection) throws {
        let range = try AttackRanges.range(protection)
        let topology = range.topology
        let (victim, interface) = spoof.victim
        let claimed = try spoof.claimed(in: range)
        let target = try topology.barrier(to: victim, interface: interface)
        // The victim holds no entry for the claimed address (expired, say): a request
        // "who has <victim>? tell <claimed>" sent to it then creates one, at once.
        topology.ipIgnoringFailure(victim, "neigh", "del", claimed, "dev", interface)
        defer { topology.ipIgnoringFailure(victim, "neigh", "del", claimed, "dev", interface) }
        _ = try topology.attack("arp", from: "xA", [
            "op": "request", "sender-ip": claimed, "target-ip": target.address, "target-mac": target.mac,
            "dst-mac": target.mac,
        ], watch: [.frames(victim, interface: interface)], barriers: [target])
        let entry = try topology.neighbour(claimed, in: victim)
        protection.expect(landed: entry.contains(try topology.mac(of: "xA")),
                          "\(victim) caches \(claimed) at the attacker's MAC (\(entry))")
    }

    @Test("IPv4 source spoofing (a neighbour's, unassigned, off-subnet addresses) never reaches the router",
          arguments: Protection.allCases)
    func ipv4SourceSpoofing(_ protection: Protection) throws {
        let range = try AttackRanges.range(protection)
        let topology = range.topology
        let router = try topology.barrier(to: "rt", interface: "eth1")
        for source in [try range.address(of: "wA"), "10.43.7.7", "192.0.2.7"] {
            let capture = try topology.attack("udp4", from: "xA", [
                "src": source, "dst": router.address, "dst-mac": router.mac,
            ], watch: [.datagrams("rt")], barriers: [router])
            protection.expect(landed: capture.sources(at: "rt").contains(source),
                              "the router receives datagrams from \(source)")
        }
    }

    @Test("taking a neighbour's address outright: the router neither answers from it nor diverts its traffic",
          arguments: Protection.allCases)
    func addressTakeover(_ protection: Protection) throws {
        let range = try AttackRanges.range(protection)
        let topology = range.topology
        let (taken, attackerMAC) = (try range.address(of: "vB"), try topology.mac(of: "xA"))
        do {
            // Fresh caches on both sides, so the attacker's own ARP (from the taken address)
            // is what the router learns from, not a race with vB's answers.
            topology.ipIgnoringFailure("rt", "neigh", "del", taken, "dev", "eth1")
            topology.ipIgnoringFailure("xA", "neigh", "flush", "all")
            _ = try topology.ip("xA", "addr", "add", taken + "/16", "dev", "eth0")
            defer {
                topology.ipIgnoringFailure("xA", "addr", "del", taken + "/16", "dev", "eth0")
                topology.ipIgnoringFailure("rt", "neigh", "del", taken, "dev", "eth1")
                topology.ipIgnoringFailure("xA", "neigh", "flush", "all")
            }
            let ping = try topology.exec("xA", "ping", "-c", "1", "-W", "1", "-I", taken, "10.43.0.1")
            protection.expect(landed: ping.status == 0, "the router answers a ping from vB's \(taken)")
            let entry = try topology.neighbour(taken, in: "rt")
            protection.expect(landed: entry.contains(attackerMAC),
                              "the router caches \(taken) at the attacker's MAC (\(entry))")
        }
        #expect(try topology.ping(from: "xA", "10.43.0.1"), "control: its own address reaches the router")
        #expect(try topology.ping(from: "rt", taken), "and the router reaches vB again")
    }

    @Test("MAC spoofing moves neither the host bridge's nor the switch's entry of a victim, nor its traffic",
          arguments: Protection.allCases)
    func macSpoofing(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let (victimMAC, victim) = (try topology.mac(of: "vB"), try topology.barrier(to: "vB"))
        let (portOfA, portOfB) = (try topology.switchPort(of: "hA"), try topology.switchPort(of: "hB"))
        let entries = {
            (host: try topology.forwardingPort(of: victimMAC, bridge: "br-flat-a", in: "hA"),
             switch: try topology.forwardingPort(of: victimMAC, bridge: "sw", in: "sw"))
        }
        // vB's own frames teach both bridges where it is (and teach them back afterwards).
        #expect(try topology.ping(from: "vB", "10.43.0.1"))
        defer { _ = try? topology.ping(from: "vB", "10.43.0.1") }
        let before = try entries()
        #expect(before.host == "eth1" && before.switch == portOfB, "control: both bridges know vB: \(before)")

        // A broadcast from the attacker's own IPv4 address, with vB's MAC as source.
        let router = try topology.barrier(to: "rt", interface: "eth1")
        _ = try topology.attack("udp4", from: "xA", ["src-mac": victimMAC],
                                watch: [.frames("rt", interface: "eth1")], barriers: [router])
        let after = try entries()
        protection.expect(landed: after.host == topology.hostVeth(of: "xA"),
                          "hostA's bridge forwards vB's MAC to the attacker's port (\(after))")
        protection.expect(landed: after.switch == portOfA, "the switch forwards vB's MAC to hostA (\(after))")
        let stolen = try topology.attack("udp4", from: "rt", interface: "eth1",
                                         ["dst": victim.address, "dst-mac": victim.mac],
                                         watch: [.frames("xA"), .frames("vB")], barriers: [victim])
        let (atAttacker, atVictim) = (stolen.frames(at: "xA"), stolen.frames(at: "vB"))
        protection.expect(landed: atAttacker > 0,
                          "the router's datagrams to vB reach xA (xA \(atAttacker), vB \(atVictim))")
    }
}
