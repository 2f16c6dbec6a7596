import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Rogue router advertisements and the host's own IPv6, on both networks.
extension IPv6TopologyTests {
    /// One network's cast for the advertisement test: the attacking container (on hA), its
    /// neighbours on hA and hB, the router's port, and two plain machines on the segment:
    /// an observer that takes what any advertisement offers and a rogue router.
    struct AdvertisementCast {
        let network: IPv6TestNetwork
        let attacker: String
        let neighbours: [String]
        let routerPort: String
        let segment: String
        /// The observer and the rogue router, each with an address on the segment.
        let observer: (name: String, address: String)
        let rogue: (name: String, address: String)

        static let all = [
            AdvertisementCast(network: .dualStack, attacker: "xA", neighbours: ["cA", "cB"], routerPort: "eth1",
                              segment: "sw", observer: ("o1", "2001:db8:43::f0/64"), rogue: ("g1", "2001:db8:43::f1/64")),
            AdvertisementCast(network: .ipv6Only, attacker: "yA", neighbours: ["dA", "dB"], routerPort: "eth2",
                              segment: "sw2", observer: ("o2", "2001:db8:44::f0/64"), rogue: ("g2", "2001:db8:44::f1/64")),
        ]

        /// Each place the advertisement must not take effect (or must, for the observer).
        var watched: [WatchPoint] {
            neighbours.map { .frames($0) } + [.frames("rt", interface: routerPort), .frames(observer.name)]
        }

        func barriers(_ topology: Topology) throws -> [Barrier] {
            try (neighbours + [observer.name]).map { try topology.ipv6Barrier(to: $0) }
                + [try topology.ipv6Barrier(to: "rt", interface: routerPort)]
        }
    }

    @Test("a rogue router advertisement from a container reaches no neighbour, router or machine on the segment")
    func rogueRouterAdvertisement() throws {
        let attackers = [Placement(name: "xA", host: "hA", network: .dualStack),
                         Placement(name: "yA", host: "hA", network: .ipv6Only)]
        let attached = try Attached(Self.placements + attackers)
        let topology = attached.topology
        for cast in AdvertisementCast.all {
            for machine in [cast.observer, cast.rogue] {
                try topology.segmentNamespace(machine.name, on: cast.segment, addresses: [machine.address])
            }
        }
        let router = try Self.routerState(topology)
        for cast in AdvertisementCast.all {
            let capture = try topology.attack("ra", from: cast.attacker, watch: cast.watched,
                                              barriers: try cast.barriers(topology))
            let attackerLinkLocal = try topology.linkLocal(of: cast.attacker)
            for name in cast.neighbours + [cast.observer.name] {
                #expect(capture.frames(at: name) == 0, "\(cast.attacker)'s advertisement reached \(name)")
                #expect(try !Self.tookAdvertisement(from: attackerLinkLocal, in: name, topology),
                        "\(name) took \(cast.attacker)'s advertisement")
            }
            #expect(capture.frames(at: "rt", interface: cast.routerPort) == 0, "it reached the router")
            // Control: the same advertisement from a machine on the segment that no port
            // security guards reaches everyone; the observer takes it, the containers do not.
            let control = try topology.attack("ra", from: cast.rogue.name, watch: cast.watched,
                                              barriers: try cast.barriers(topology))
            let rogueLinkLocal = try topology.linkLocal(of: cast.rogue.name)
            #expect(cast.neighbours.allSatisfy { control.frames(at: $0) > 0 }, "control: it reaches them")
            #expect(try Self.tookAdvertisement(from: rogueLinkLocal, in: cast.observer.name, topology),
                    "control: a plain machine takes the advertisement")
            for name in cast.neighbours {
                #expect(try !Self.tookAdvertisement(from: rogueLinkLocal, in: name, topology),
                        "\(name) took the segment's rogue advertisement (accept_ra)")
            }
        }
        let after = try Self.routerState(topology)
        #expect(after == router, "the router's addresses and routes changed: \(after.symmetricDifference(router))")
    }

    /// Whether namespace `name` holds an address from the advertised prefix
    /// (2001:db8:66::/64, l2attack.py's) or a default route via `sender`.
    static func tookAdvertisement(from sender: String, in name: String, _ topology: Topology) throws -> Bool {
        let addresses = try topology.ip(name, "-6", "-o", "addr", "show", "dev", "eth0")
        let routes = try topology.ip(name, "-6", "route", "show", "default")
        return addresses.contains("2001:db8:66:") || routes.contains("via \(sender)")
    }

    /// The router's IPv6 addresses (without their flags: a link-local leaves "tentative"
    /// behind on its own) and routes.
    static func routerState(_ topology: Topology) throws -> Set<String> {
        let addresses = try topology.allIPv6Addresses(of: "rt").map { "address \($0)" }
        return Set(addresses + (try topology.ip("rt", "-6", "route", "show").split(separator: "\n").map(String.init)))
    }

    @Test("no host address, nor a flat bridge's would-be link-local, answers a container over IPv6 (control: IPv6 on)")
    func hostUnreachable() throws {
        let placements = Self.placements.filter { $0.host == "hA" }
        let names = placements.map(\.name)
        let topology = try Attached(placements).topology
        // hostA's own IPv6 beyond its ports' link-locals: a management address, and one in
        // each flat subnet (the host "is on" the containers' segment, by address). On a veth
        // whose peer stays in hostA: this kernel has no dummy links.
        _ = try topology.ip("hA", "link", "add", "mgmt0", "up", "type", "veth", "peer", "name", "mgmt1")
        _ = try topology.ip("hA", "link", "set", "mgmt1", "up")
        for address in ["2001:db8:99::a/64", "2001:db8:43::a/128", "2001:db8:44::a/128"] {
            _ = try topology.ip("hA", "addr", "add", address, "dev", "mgmt0", "nodad")
        }
        try topology.awaitLinkLocal(in: ["hA"] + names)
        let bridgeLinkLocals = try placements.map {
            Topology.eui64LinkLocal(of: try topology.mac(of: "hA", interface: $0.network.bridge))
        }
        // Every address of hostA but ::1 (a container cannot send to the loopback address).
        let targets = try topology.allIPv6Addresses(of: "hA").filter { $0 != "::1" } + bridgeLinkLocals
        for placement in placements { try Self.steer(placement, to: targets, topology) }
        let pairs = placements.flatMap { placement in
            targets.map { (from: placement.name, to: $0.hasPrefix("fe80:") ? $0 + "%eth0" : $0) }
        }
        // Two guards, each enough alone: port security drops whatever a container port
        // sends the host, and the bridge has no IPv6 (with portSecurity false, the only one).
        Self.expectNoAnswer(try topology.probeIPv6(pairs, allNodesFrom: names), from: targets,
                            "port security and a bridge without IPv6")
        for placement in placements {
            let table = PortSecurityRules.tableName(network: placement.network.name)
            _ = try topology.exec("hA", "nft", "flush", "chain", "bridge", table, "input")
        }
        Self.expectNoAnswer(try topology.probeIPv6(pairs, allNodesFrom: names), from: targets, "a bridge without IPv6")
        // Control: IPv6 on each flat bridge too, and the containers' subnets routed to it.
        for placement in placements {
            let bridge = placement.network.bridge
            _ = try topology.exec("hA", "sysctl", "-qw", "net.ipv6.conf.\(bridge).accept_dad=0",
                                  "net.ipv6.conf.\(bridge).disable_ipv6=0")
            _ = try topology.ip("hA", "route", "add", placement.network.ipv6.subnet, "dev", bridge)
        }
        let control = try topology.probeIPv6(pairs, allNodesFrom: names)
        for (placement, bridgeLinkLocal) in zip(placements, bridgeLinkLocals) {
            for target in [bridgeLinkLocal + "%eth0", "2001:db8:99::a"] {
                #expect(control.answered.contains("\(placement.name) \(target)"),
                        "control: \(target) answers \(placement.name): \(control.answered.sorted())")
            }
            #expect(control.responders[placement.name]?.contains(bridgeLinkLocal) == true,
                    "control: the bridge answers ff02::1: \(control.responders)")
        }
    }

    static func expectNoAnswer(
        _ probe: (answered: Set<String>, responders: [String: Set<String>]), from targets: [String], _ guards: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(probe.answered.isEmpty, "guarded by \(guards), the host answers: \(probe.answered.sorted())",
                sourceLocation: sourceLocation)
        for (name, responders) in probe.responders {
            let answer = "guarded by \(guards), the host answers \(name)'s ff02::1: \(responders)"
            #expect(responders.isDisjoint(with: targets), Comment(rawValue: answer), sourceLocation: sourceLocation)
        }
    }

    /// Makes container `placement` send to each of `targets` as to its flat bridge's MAC (a
    /// permanent neighbour entry, and a host route for the global ones): what a hostile
    /// container would do to reach the host's stack without neighbour discovery's help.
    static func steer(_ placement: Placement, to targets: [String], _ topology: Topology) throws {
        let bridgeMAC = try topology.mac(of: "hA", interface: placement.network.bridge)
        let commands = targets.map { target in
            (target.hasPrefix("fe80:") ? "" : "ip -6 route replace \(target)/128 dev eth0 && ")
                + "ip -6 neigh replace \(target) lladdr \(bridgeMAC) dev eth0 nud permanent"
        }
        try topology.run(["/usr/sbin/ip", "netns", "exec", topology.namespace(placement.name), "sh", "-ec",
                          commands.joined(separator: "\n")])
    }
}
