import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Where ADD's announcement goes (issue 15): flatnet re-sets the new container's MAC with
/// arp_notify on, and the kernel sends who-has A tell A for its leased address. It must
/// reach the segment (switch and router learn the MAC at once) but not be flooded to the
/// container's neighbours on the same host: at 1,000 containers that flood was the largest
/// part of an ADD. A virtual (allowed) address's announcement, as on a keepalived failover,
/// still reaches everyone.
@Suite("ADD's announcement (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct AnnouncementTests {
    static let virtualAddress = "10.43.0.100"

    @Test("the router learns a new container's MAC from its announcement; its same-host neighbour is not sent it")
    func announcementStaysOffLocalPorts() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        // Both would create an entry from a gratuitous ARP alone (arp_accept=1).
        try topology.exec("rt", "sysctl", "-qw", "net.ipv4.conf.eth1.arp_accept=1")
        try topology.exec("c1", "sysctl", "-qw", "net.ipv4.conf.eth0.arp_accept=1")
        let add = try topology.flatnet("ADD", host: "hA", container: "c2", config: config)
        let address = try #require(add.address, "\(add.outcome.stdout)")
        let mac = try topology.mac(of: "c2")
        var learned = ""
        for _ in 0..<50 where !learned.contains(mac) {  // sent asynchronously; bounded wait
            learned = try topology.ip("rt", "neigh", "show", address)
            if !learned.contains(mac) { usleep(100_000) }
        }
        #expect(learned.contains(mac), "the router learned \(address) at \(mac): \(learned)")
        let neighbour = try topology.ip("c1", "neigh", "show", address)
        #expect(neighbour.isEmpty, "c1, on the same host, got the announcement: \(neighbour)")
    }

    @Test("a same-host neighbour still takes a virtual address's gratuitous ARP (failover)")
    func virtualAddressAnnouncementReachesEveryone() throws {
        let topology = try Topology()
        for name in ["c1", "k1"] { _ = try topology.container(name) }
        let vip = Self.virtualAddress
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: topology.flatA(host: "hA")).status == 0)
        let holder = topology.flatA(host: "hA")
            .settingKey("runtimeConfig", to: .object(["allowedAddresses": .array([.string(vip)])]))
            .settingKey("grantableAddresses", to: .array([.string(vip + "/32")]))
        let add = try topology.flatnet("ADD", host: "hA", container: "k1", config: holder)
        #expect(add.status == 0, "\(add.outcome.stdout)")
        try topology.exec("c1", "sysctl", "-qw", "net.ipv4.conf.eth0.arp_accept=1")
        let entry = try topology.takeOver(vip, in: "k1", watchedBy: "c1")
        #expect(entry.contains(try topology.mac(of: "k1")), "c1 learned \(vip) at k1's MAC: \(entry)")
    }
}
