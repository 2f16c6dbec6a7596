import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Router advertisements a container hides from port security's ICMPv6 match (red team of
/// issue 18): the match reads the ICMPv6 type where the kernel's header walk stops, which is
/// at an AH header, and past the end of a first fragment that holds no ICMPv6 header.
extension PortSecurityAttackTests {
    /// How the advertisement is hidden (l2attack.py kinds).
    enum HiddenAdvertisement: String, CaseIterable, Sendable {
        /// Behind an IPsec AH header: the header walk stops at AH, so no `icmpv6 type` matches.
        case authenticationHeader = "ra-ah"
        /// The first fragment holds only a destination-options header, the second the ICMPv6
        /// header (RFC 7113's evasion of RA-Guard): neither shows port security an ICMPv6 type.
        case lateFirstFragment = "ra-late"
    }

    @Test("a router advertisement hidden behind AH or in a second fragment reaches no neighbour",
          arguments: Protection.allCases, HiddenAdvertisement.allCases)
    func hiddenRouterAdvertisement(_ protection: Protection, _ hidden: HiddenAdvertisement) throws {
        let topology = try AttackRanges.range(protection).topology
        let victims = [("vA", "eth0"), ("vB", "eth0"), ("rt", "eth1")]
        let capture = try topology.attack(hidden.rawValue, from: "xA",
                                          watch: victims.map { .frames($0.0, interface: $0.1) },
                                          barriers: try victims.map { try topology.barrier(to: $0.0, interface: $0.1) })
        for (name, interface) in victims {
            protection.expect(landed: capture.frames(at: name, interface: interface) > 0,
                              "\(name) receives the \(hidden.rawValue) advertisement")
        }
    }
}

extension PortSecurityAttackTests {
    /// A container is a multicast listener, never a multicast router: its MLD query would
    /// start the querier election of the segment's multicast routers (the lowest address
    /// wins, RFC 3810 7.6.2), and make the bridges treat its port as a router port.
    @Test("an MLD query from a container reaches no neighbour, bridge peer or router",
          arguments: Protection.allCases)
    func mldQuery(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let victims = [("vA", "eth0"), ("vB", "eth0"), ("rt", "eth1")]
        let capture = try topology.attack("mld-query", from: "xA",
                                          watch: victims.map { .frames($0.0, interface: $0.1) },
                                          barriers: try victims.map { try topology.barrier(to: $0.0, interface: $0.1) })
        for (name, interface) in victims {
            protection.expect(landed: capture.frames(at: name, interface: interface) > 0,
                              "\(name) receives the query")
        }
    }
}
