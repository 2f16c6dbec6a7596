import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 15 keeps a container's announcement of its leased address off the other
/// container ports of its bridge. An address is leased again after DEL: a neighbour on the
/// same host that talked to the previous holder still has its MAC, and only that
/// announcement (it updates an existing entry, arp_accept or not) moves it at once.
@Suite("Address reuse on one host (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct AddressReuseTests {
    @Test("an address leased again: a same-host neighbour that reached the previous holder reaches the new one")
    func neighbourFollowsReusedAddress() throws {
        let topology = try Topology()
        for name in ["n", "old", "new"] { _ = try topology.container(name) }
        // Two addresses: n holds one, so DEL then ADD leases the other one again.
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.3"))
        #expect(try topology.flatnet("ADD", host: "hA", container: "n", config: config).status == 0)
        #expect(try topology.flatnet("ADD", host: "hA", container: "old", config: config).status == 0)
        let address = try #require(try topology.addresses(of: "old").first)
        #expect(try topology.ping(from: "n", address), "control: n reaches the first holder (and caches its MAC)")
        #expect(try topology.flatnet("DEL", host: "hA", container: "old", config: config).status == 0)
        #expect(try topology.flatnet("ADD", host: "hA", container: "new", config: config).status == 0)
        #expect(try topology.addresses(of: "new") == [address], "control: the address was leased again")
        let reached = try topology.ping(from: "n", address)
        let entry = try topology.ip("n", "neigh", "show", address)
        #expect(reached, "n's entry for \(address) after the new holder's ADD: \(entry)")
    }
}
