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
        #expect(try Self.routerState(topology) == router, "the router's addresses and routes changed")
    }

    /// Whether namespace `name` holds an address from the advertised prefix
    /// (2001:db8:66::/64, l2attack.py's) or a default route via `sender`.
    static func tookAdvertisement(from sender: String, in name: String, _ topology: Topology) throws -> Bool {
        let addresses = try topology.ip(name, "-6", "-o", "addr", "show", "dev", "eth0")
        let routes = try topology.ip(name, "-6", "route", "show", "default")
        return addresses.contains("2001:db8:66:") || routes.contains("via \(sender)")
    }

    /// The router's IPv6 addresses and routes.
    static func routerState(_ topology: Topology) throws -> String {
        try topology.ip("rt", "-6", "-o", "addr", "show") + topology.ip("rt", "-6", "route", "show")
    }

    @Test("no host address, nor a flat bridge's would-be link-local, answers a container over IPv6 (control: IPv6 on)")
    func hostUnreachable() throws {
        let placements = Self.placements.filter { $0.host == "hA" }
        let topology = try Attached(placements).topology
        // hostA's own IPv6 beyond its ports' link-locals: a management address, and one in
        // each flat subnet (the host "is on" the containers' segment, by address). On a veth
        // whose peer stays in hostA: this kernel has no dummy links.
        _ = try topology.ip("hA", "link", "add", "mgmt0", "up", "type", "veth", "peer", "name", "mgmt1")
        _ = try topology.ip("hA", "link", "set", "mgmt1", "up")
        for address in ["2001:db8:99::a/64", "2001:db8:43::a/128", "2001:db8:44::a/128"] {
            _ = try topology.ip("hA", "addr", "add", address, "dev", "mgmt0", "nodad")
        }
        try topology.awaitLinkLocal(in: ["hA"] + placements.map(\.name))
        let bridgeLinkLocals = try placements.map { Topology.eui64LinkLocal(of: try topology.mac(of: "hA",
                                                                                              interface: $0.network.bridge)) }
        let targets = try Self.hostAddresses(topology) + bridgeLinkLocals
        for placement in placements { try Self.steer(placement, to: targets, topology) }
        let pairs = placements.flatMap { placement in
            targets.map { (from: placement.name, to: $0.hasPrefix("fe80:") ? $0 + "%eth0" : $0) }
        }
        #expect(try topology.answeredPings(pairs, bound: 1) == [], "the host answers through its flat bridge")
        for placement in placements {
            let responders = try Self.allNodesResponders(placement.name, topology)
            #expect(responders.isDisjoint(with: targets), "the host answers ff02::1: \(responders)")
        }
        // Control: IPv6 on each flat bridge, and the containers' subnets routed to it.
        for placement in placements {
            let bridge = placement.network.bridge
            _ = try topology.exec("hA", "sysctl", "-qw", "net.ipv6.conf.\(bridge).accept_dad=0",
                                  "net.ipv6.conf.\(bridge).disable_ipv6=0")
            _ = try topology.ip("hA", "route", "add", placement.network.ipv6.subnet, "dev", bridge)
        }
        let answered = try topology.answeredPings(pairs, bound: 1)
        for (placement, bridgeLinkLocal) in zip(placements, bridgeLinkLocals) {
            for target in [bridgeLinkLocal + "%eth0", "2001:db8:99::a"] {
                #expect(answered.contains("\(placement.name) \(target)"), "control: \(target) answers \(answered)")
            }
            let responders = try Self.allNodesResponders(placement.name, topology)
            #expect(responders.contains(bridgeLinkLocal), "control: the bridge answers ff02::1: \(responders)")
        }
    }

    /// Every IPv6 address of hostA but ::1 (a container cannot send to the loopback address).
    static func hostAddresses(_ topology: Topology) throws -> [String] {
        try topology.ip("hA", "-6", "-o", "addr", "show").split(separator: "\n").compactMap { line in
            line.split(separator: " ").drop { $0 != "inet6" }.dropFirst().first?.split(separator: "/").first
                .map(String.init)
        }.filter { $0 != "::1" }
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

    /// Who answers container `name`'s ping to all nodes (ff02::1) on its segment within a second.
    static func allNodesResponders(_ name: String, _ topology: Topology) throws -> Set<String> {
        let ping = try topology.exec(name, "ping", "-6", "-c", "3", "-i", "0.2", "-w", "1", "ff02::1%eth0")
        // "64 bytes from fe80::1%eth0: icmp_seq=1 ..." (a global address: "from 2001:db8::1: ...").
        let fields = ping.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").drop { $0 != "from" }.dropFirst().first?.split(separator: "%").first
        }
        return Set(fields.map { String($0.hasSuffix(":") ? $0.dropLast() : $0) })
    }
}
