import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// ICMPv6 a container must never get to its neighbours, sent where port security's type
/// match does not look (red team of issue 18): the match reads the ICMPv6 type where the
/// kernel's header walk stops, which is at an AH header, and past the end of a first
/// fragment that holds no ICMPv6 header. And a message port security does not list.
extension PortSecurityAttackTests {
    /// What the attacker sends (l2attack.py kinds).
    enum RouterMessage: String, CaseIterable, Sendable {
        /// A router advertisement behind an IPsec AH header: the header walk stops at AH,
        /// so no `icmpv6 type` matches.
        case advertisementBehindAH = "ra-ah"
        /// A router advertisement whose first fragment holds only a destination-options
        /// header, the second the ICMPv6 header (RFC 7113's evasion of RA-Guard): neither
        /// shows port security an ICMPv6 type.
        case advertisementInLateFragment = "ra-late"
        /// An MLDv2 query: a container is a multicast listener, never a multicast router; its
        /// query joins the querier election of the segment's routers (the lowest address
        /// wins, RFC 3810 7.6.2) and makes bridges treat its port as a router port.
        case multicastListenerQuery = "mld-query"
    }

    @Test("a router's message hidden behind AH, in a second fragment, or an MLD query reaches no neighbour",
          arguments: Protection.allCases, RouterMessage.allCases)
    func hiddenRouterMessage(_ protection: Protection, _ message: RouterMessage) throws {
        let topology = try AttackRanges.range(protection).topology
        let watched = [("vA", "eth0"), ("vB", "eth0"), ("rt", "eth1")]
        let barriers = try watched.map { try topology.barrier(to: $0.0, interface: $0.1) }
        let points = watched.map { WatchPoint.frames($0.0, interface: $0.1) }
        let capture = try topology.attack(message.rawValue, from: "xA", watch: points, barriers: barriers)
        for (name, interface) in watched {
            let received = capture.frames(at: name, interface: interface)
            protection.expect(landed: received > 0, "\(name) gets \(message.rawValue): \(received) frame(s)")
        }
    }
}
