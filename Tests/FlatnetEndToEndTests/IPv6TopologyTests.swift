import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 18, "Prove it": dual-stack (flat-a, segment 1) and IPv6-only (flat-b, segment 2)
/// networks on both hosts of the reference topology, the router on both segments with
/// IPv6 (and IPv4 on segment 1). One topology per test.
@Suite("IPv6 and dual stack in the two-host topology (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct IPv6TopologyTests {
    /// Who hands out the addresses: flatnet's own pool (its `ipv6` range set). `.hostLocal`
    /// runs the same tests with the reference plugin's dual-stack ranges.
    static let ipam = IPv6TestIPAM.flatnetIPAM

    /// A container of a test: its host, its network, its netconf's cniVersion.
    struct Placement {
        let name: String
        let host: String
        let network: IPv6TestNetwork
        var version = "1.0.0"

        func config(_ topology: Topology) -> JSONValue {
            topology.ipv6Netconf(network, host: host, ipam: IPv6TopologyTests.ipam, version: version)
        }
    }

    /// On each network a container per host (dA's netconf is 0.4.0: `ips[].version`).
    static let placements = [
        Placement(name: "cA", host: "hA", network: .dualStack), Placement(name: "cB", host: "hB", network: .dualStack),
        Placement(name: "dA", host: "hA", network: .ipv6Only, version: "0.4.0"),
        Placement(name: "dB", host: "hB", network: .ipv6Only),
    ]

    /// The topology with the router's IPv6 and `placements` ADDed (`prepare` runs in each
    /// new namespace first). Per container: its ADD's reply, and, taken right after its ADD,
    /// its tentative global addresses and whether its gateway answered a ping.
    struct Attached {
        let topology: Topology
        var replies: [String: PluginCall] = [:]
        var tentativeAfterADD: [String: [String]] = [:]
        var answeredAtOnce: [String: Bool] = [:]

        init(_ placements: [Placement] = IPv6TopologyTests.placements,
             prepare: (Topology, String) throws -> Void = { _, _ in }) throws {
            topology = try Topology()
            try topology.enableIPv6Router()
            for placement in placements {
                _ = try topology.container(placement.name)
                try prepare(topology, placement.name)
                let add = try topology.flatnet("ADD", host: placement.host, container: placement.name,
                                               config: placement.config(topology))
                guard add.status == 0 else { throw AttachFailed(container: placement.name, reply: add.outcome.stdout) }
                replies[placement.name] = add
                tentativeAfterADD[placement.name] = try topology.ipv6Addresses(of: placement.name, tentative: true)
                answeredAtOnce[placement.name] = try topology.ping(from: placement.name,
                                                                  placement.network.ipv6.gateway)
            }
        }

        func address(_ name: String) throws -> String { try topology.globalIPv6(of: name) }
    }

    @Test("containers get usable IPv6 at once, reach each other across hosts and the router; ND works after a flush")
    func reachability() throws {
        // dB's namespace makes random link-locals (addr_gen_mode 3) by default: flatnet's
        // EUI-64 must win, or port security would drop what dB sends from it.
        let attached = try Attached { topology, name in
            if name == "dB" { _ = try topology.exec(name, "sysctl", "-qw", "net.ipv6.conf.default.addr_gen_mode=3") }
        }
        let topology = attached.topology
        for name in ["cA", "cB", "dA", "dB"] {
            #expect(attached.tentativeAfterADD[name] == [], "\(name)'s address is tentative after ADD (DAD on)")
            #expect(attached.answeredAtOnce[name] == true, "\(name) reaches its gateway right after ADD")
        }
        let (cA, cB, dA, dB) = (try attached.address("cA"), try attached.address("cB"), try attached.address("dA"),
                                try attached.address("dB"))
        let pairs: [(from: String, to: String)] = [
            ("cA", cB), ("cB", cA), ("dA", dB), ("dB", dA), ("cA", "2001:db8:43::1"), ("dB", "2001:db8:44::1"),
            ("rt", cA), ("rt", dB), ("cA", dB),  // the last: routed by the router, flat-a to flat-b
        ]
        let expected = Set(pairs.map { "\($0.from) \($0.to)" })
        let answered = try topology.answeredPings(pairs)
        #expect(answered == expected, "unanswered: \(expected.subtracting(answered).sorted())")
        for (name, interface) in [("cA", "eth0"), ("dB", "eth0"), ("rt", "eth1"), ("rt", "eth2")] {
            _ = try topology.ip(name, "-6", "neigh", "flush", "dev", interface)
        }
        let afterFlush = try topology.answeredPings(pairs)
        #expect(afterFlush == expected, "after flushing both sides: \(expected.subtracting(afterFlush).sorted())")
        #expect(try topology.neighbour(cA, in: "rt").contains(try topology.mac(of: "cA")), "the router learnt cA again")
        try Self.expectAttachedAsPlanned(attached)
    }

    /// What each container holds: the default route of each family via its gateway, no
    /// router advertisements accepted, its EUI-64 link-local; the hosts' bridges and host
    /// veths no IPv6; the result lists every address with the container's interface.
    static func expectAttachedAsPlanned(_ attached: Attached) throws {
        let topology = attached.topology
        for placement in placements {
            let name = placement.name
            let routes = try topology.ip(name, "-6", "route", "show", "default")
            #expect(routes.contains("via \(placement.network.ipv6.gateway) dev eth0"), "\(name): \(routes)")
            let ipv4Routes = try topology.ip(name, "-4", "route", "show", "default")
            #expect(ipv4Routes.contains("via 10.43.0.1") == (placement.network.ipv4 != nil), "\(name): \(ipv4Routes)")
            #expect(try topology.sysctl("net.ipv6.conf.eth0.accept_ra", in: name) == "0", "\(name) accepts RAs")
            let linkLocal = try topology.ipv6Addresses(of: name, scope: "link")
            #expect(linkLocal == [Topology.eui64LinkLocal(of: try topology.mac(of: name))], "\(name): \(linkLocal)")
            let veth = topology.hostVeth(of: name, network: placement.network.name)
            for link in [placement.network.bridge, veth] {
                #expect(try topology.ip(placement.host, "-6", "addr", "show", "dev", link).isEmpty, "IPv6 on \(link)")
            }
            let ips = try #require(attached.replies[name]?.reply?["ips"]?.arrayValue)
            #expect(ips.count == (placement.network.ipv4 == nil ? 1 : 2) && ips.allSatisfy { $0["interface"] == 2 },
                    "\(name): \(ips)")
            let version: JSONValue? = placement.version == "0.4.0" ? "6" : nil
            #expect(ips.last?["version"] == version, "\(name) cniVersion \(placement.version): \(ips)")
        }
    }

    @Test("CHECK passes on a dual-stack and an IPv6-only attachment, and names a removed IPv6 address and ::/0 route")
    func checkCoversIPv6() throws {
        let placements = Array(Self.placements.filter { ["cA", "dA"].contains($0.name) })
        let attached = try Attached(placements)
        let topology = attached.topology
        let check = { (placement: Placement) throws -> PluginCall in
            let add = try #require(attached.replies[placement.name])
            return try topology.check(placement.name, host: placement.host, config: placement.config(topology), add: add)
        }
        for placement in placements {
            let passed = try check(placement)
            #expect(passed.status == 0, "\(placement.name): \(passed.outcome.stdout)")
        }
        let (cA, dA) = (try attached.address("cA"), try attached.address("dA"))
        _ = try topology.ip("cA", "-6", "route", "del", "default")
        _ = try topology.ip("dA", "addr", "del", dA + "/64", "dev", "eth0")
        let routeGone = try check(placements[0]).reply?["details"]?.stringValue ?? ""
        #expect(routeGone.contains("route ::/0 via 2001:db8:43::1 is missing"), "\(routeGone)")
        #expect(!routeGone.contains(cA), "only the route is named: \(routeGone)")
        let addressGone = try check(placements[1]).reply?["details"]?.stringValue ?? ""
        #expect(addressGone.contains("eth0 lacks address \(dA)/64"), "\(addressGone)")
    }
}
