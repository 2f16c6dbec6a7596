import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 16, part 1: VLAN networks created for real, on a kernel with 802.1Q (Debian's, in
/// the VM lane: scripts/vm-test.sh). Two hosts and a router on trunk ports of a VLAN-aware
/// switch (scripts/lib/topology.sh `trunk`); on each host three flat networks share the
/// uplink eth1: vlan 100 (eth1.100), vlan 200 (eth1.200) and untagged (eth1 itself). All
/// three use the subnet 10.60.0.0/24, so an address of another segment is unreachable
/// only because no frame crosses between segments. Tests run in source order and share
/// the layout (`.vlanTrunk`); the last one tears it down.
@Suite("VLAN isolation on a trunk: vlan 100, vlan 200 and untagged networks on one uplink (root, 802.1Q)",
       .enabled(if: TestHost.hasVLANSupport || TestHost.isStrict, Comment(rawValue: TestHost.vlanSkipReason)),
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"),
       .serialized, .vlanTrunk)
struct VLANIsolationTests {
    @Test("the three networks share eth1 on both hosts: eth1.100 and eth1.200 in their bridges, eth1 in the untagged one, doctor healthy")
    func threeNetworksOnOneUplink() throws {
        let trunk = try VLANTrunkScope.trunk()
        let topology = trunk.topology
        for host in VLANTrunk.hosts {
            for segment in TrunkSegment.allCases {
                let bridge = InterfaceNaming.defaultBridge(network: segment.network).value
                let port = segment.vlan.map { "eth1.\($0)" } ?? "eth1"
                let details = try #require(try topology.linkDetails(port, on: host), "\(host) has no \(port)")
                #expect(details.contains(" master \(bridge) "), "\(host): \(port) is a port of \(bridge): \(details)")
                if let vlan = segment.vlan {
                    #expect(details.contains("\(port)@eth1:") && details.contains("vlan protocol 802.1Q id \(vlan) "),
                            "\(host): \(port) is eth1 tagged \(vlan): \(details)")
                }
                let file = try trunk.file(segment, host: host)
                let doctor = try topology.operatorCommand(host: host, "doctor", "--conf", file)
                #expect(doctor.status == 0, "\(host) \(segment.network):\n\(doctor.stdout)\(doctor.stderr)")
            }
            #expect(Set(try topology.vlanInterfaces(of: "eth1", on: host)) == ["eth1.100", "eth1.200"])
        }
    }

    @Test("a container reaches its own segment's peer on the other host and its own gateway, both answering with their MACs, and no address of another segment")
    func reachabilityFollowsSegments() throws {
        let trunk = try VLANTrunkScope.trunk()
        let topology = trunk.topology
        var expected: [(from: String, to: String, answered: Bool)] = []
        for segment in TrunkSegment.allCases {
            let source = segment.container(on: "hA")
            for other in TrunkSegment.allCases {
                expected.append((source, try trunk.address(of: other.container(on: "hB")), other == segment))
                expected.append((source, other.gateway, other == segment))
                if other != segment {
                    expected.append((source, try trunk.address(of: other.container(on: "hA")), false))
                }
            }
        }
        let answered = try topology.answeredPings(expected.map { ($0.from, $0.to) })
        for (from, to, reached) in expected {
            #expect(answered.contains("\(from) \(to)") == reached,
                    "\(from) -> \(to) must \(reached ? "" : "not ")be answered")
        }
        for segment in TrunkSegment.allCases {
            let (source, peer) = (segment.container(on: "hA"), segment.container(on: "hB"))
            let peerEntry = try topology.neighbour(try trunk.address(of: peer), in: source)
            #expect(peerEntry.contains(try topology.mac(of: peer)), "\(source) knows \(peer) by its MAC: \(peerEntry)")
            let gatewayEntry = try topology.neighbour(segment.gateway, in: source)
            #expect(gatewayEntry.contains(segment.routerMAC),
                    "\(source)'s gateway answered from the router's \(segment.network) interface: \(gatewayEntry)")
        }
    }

    @Test("the trunk toward hA carries vlan 100's and vlan 200's frames tagged 100 and 200, and the untagged network's untagged")
    func trunkCarriesTags() throws {
        let trunk = try VLANTrunkScope.trunk()
        let topology = trunk.topology
        let capture = try topology.capture(in: "tsw", interface: "to-hA")
        defer { capture.stop() }
        var echoes: [(segment: TrunkSegment, frames: [String])] = []
        var pairs: [(from: String, to: String)] = []
        for segment in TrunkSegment.allCases {
            let (a, b) = (segment.container(on: "hA"), segment.container(on: "hB"))
            let (from, to) = (try trunk.address(of: a), try trunk.address(of: b))
            echoes.append((segment, ["\(from) > \(to): ICMP echo request", "\(to) > \(from): ICMP echo reply"]))
            pairs.append((a, to))
        }
        #expect(try topology.answeredPings(pairs).count == pairs.count, "every peer answers")
        let lines = capture.lines(awaiting: echoes.flatMap(\.frames))
        for (segment, frames) in echoes {
            for frame in frames {
                let line = try #require(lines.first { $0.contains(frame) },
                                        "no «\(frame)» on the trunk:\n\(lines.joined(separator: "\n"))")
                #expect(FrameCapture.vlanTag(of: line) == segment.vlan, "\(segment.network) on the trunk: \(line)")
            }
        }
    }

    @Test("a VLAN on an uplink whose name plus tag exceeds 15 bytes: a shortened interface in the bridge, tag 200 on the wire, removed by DEL and teardown")
    func longUplinkName() throws {
        let trunk = try VLANTrunkScope.trunk()
        let topology = trunk.topology
        let uplink = "trunk-uplink0"
        let name = InterfaceNaming.vlanInterface(uplink: try InterfaceName(validating: uplink), vlan: 200).value
        #expect("\(uplink).200".utf8.count > 15 && name.utf8.count <= 15 && name != "\(uplink).200")
        let config = topology.trunkNetconf("flat-l", host: "hA", range: ("10.60.0.100", "10.60.0.109"),
                                           gateway: TrunkSegment.vlan200.gateway, uplink: uplink, vlan: 200)
        let bridge = InterfaceNaming.defaultBridge(network: "flat-l").value
        try topology.attach(["l200"], host: "hA", config: config)
        let details = try #require(try topology.linkDetails(name, on: "hA"), "no \(name) on hA")
        #expect(details.contains("\(name)@\(uplink):") && details.contains("vlan protocol 802.1Q id 200 ")
                    && details.contains(" master \(bridge) "), "\(details)")

        let capture = try topology.capture(in: "tsw", interface: "to-hA-long")
        defer { capture.stop() }
        let own = try #require(try topology.addresses(of: "l200").first)
        let peer = try trunk.address(of: TrunkSegment.vlan200.container(on: "hB"))
        let answered = try topology.answeredPings([("l200", peer), ("l200", TrunkSegment.vlan200.gateway)])
        #expect(answered.count == 2, "vlan 200's peer on hB and its gateway answer: \(answered)")
        let request = "\(own) > \(peer): ICMP echo request"
        let lines = capture.lines(awaiting: [request])
        let line = try #require(lines.first { $0.contains(request) }, "\(lines.joined(separator: "\n"))")
        #expect(FrameCapture.vlanTag(of: line) == 200, "\(line)")

        #expect(try topology.flatnet("DEL", host: "hA", container: "l200", config: config).status == 0)
        let file = try topology.write(config, as: "flat-l.json")
        let teardown = try topology.operatorCommand(host: "hA", "teardown", "--conf", file)
        #expect(teardown.status == 0 && teardown.stdout.contains("removed vlan \(name)"),
                "\(teardown.stdout)\(teardown.stderr)")
        #expect(try topology.link(name, on: "hA") == nil && topology.link(bridge, on: "hA") == nil,
                "\(name) and \(bridge) are gone")
        #expect(try topology.vlanInterfaces(of: uplink, on: "hA").isEmpty)
        let uplinkDetails = try #require(try topology.linkDetails(uplink, on: "hA"), "teardown keeps the uplink")
        #expect(!uplinkDetails.contains(" master "), "\(uplinkDetails)")
    }

    @Test("802.1Q-tagged frames from a container on the untagged network reach neither vlan 100's peer nor the trunk; with portSecurity false they leave tagged 100")
    func taggedFramesFromUntaggedNetwork() throws {
        try Self.withAndWithoutPortSecurity { trunk, protection in
            let probe = try TaggedProbe(trunk)
            protection.expect(landed: probe.victimFrames > 0, "vlan 100's b100 receives the tagged ARP request")
            protection.expect(landed: probe.trunkFrames > 0, "the tagged frames reach the trunk")
            protection.expect(landed: !probe.taggedLines.isEmpty,
                              "the trunk carries `vlan 100 ... who-has` from a0: \(probe.taggedLines)")
        }
    }

    @Test("frames of a VLAN hA has no network for (vlan 300 on the trunk) reach no container of its untagged network; with portSecurity false they arrive, still tagged")
    func foreignVLANStaysOut() throws {
        try Self.withAndWithoutPortSecurity { trunk, protection in
            let capture = try trunk.topology.capture(in: "a0", interface: "eth0")
            defer { capture.stop() }
            // From the router's trunk port: three broadcast ARP requests tagged 300, then an
            // untagged one (the barrier: it reaches a0 after them, whatever the verdict).
            let sent = try trunk.topology.exec("rt", "python3", "-c", Self.foreignFrames, "eth1")
            #expect(sent.status == 0, "\(sent.stderr)")
            let lines = capture.lines(awaiting: ["who-has 10.60.0.252"])
            #expect(lines.contains { $0.contains("who-has 10.60.0.252") }, "a0 got the barrier: \(lines)")
            let foreign = lines.filter { FrameCapture.vlanTag(of: $0) == 300 }
            protection.expect(landed: !foreign.isEmpty, "a0 receives vlan 300's broadcasts: \(foreign)")
        }
    }

    /// Runs `body` on the trunk with flat-u (untagged) on hA as set up, port security on by
    /// default, then with `portSecurity` false (the control), restoring it afterwards.
    static func withAndWithoutPortSecurity(_ body: (VLANTrunk, Protection) throws -> Void) throws {
        let trunk = try VLANTrunkScope.trunk()
        let topology = trunk.topology
        let protectedFile = try trunk.file(.untagged, host: "hA")
        let unprotected = TrunkSegment.untagged.netconf(topology, host: "hA")
            .settingKey("portSecurity", to: .bool(false))
        let unprotectedFile = try topology.write(unprotected, as: "flat-u-hA-off.json")
        for protection in Protection.allCases {
            if protection == .off {
                let setup = try topology.operatorCommand(host: "hA", "setup", "--conf", unprotectedFile)
                try #require(setup.status == 0, "\(setup.stdout)\(setup.stderr)")
            }
            defer {
                if protection == .off {
                    let restored = try? topology.operatorCommand(host: "hA", "setup", "--conf", protectedFile)
                    #expect(restored?.status == 0, "port security restored on flat-u: \(restored?.stdout ?? "")")
                }
            }
            try body(trunk, protection)
        }
    }

    /// Three ARP requests (who-has 10.60.0.250) tagged 300, then one untagged (who-has
    /// 10.60.0.252), broadcast from argv[1].
    static let foreignFrames = """
        import socket, sys
        raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        raw.bind((sys.argv[1], 0))
        source = bytes.fromhex("026000000300")
        def request(target):
            return (b"\\x00\\x01\\x08\\x00\\x06\\x04\\x00\\x01" + source + socket.inet_aton("10.60.0.129")
                    + bytes(6) + socket.inet_aton(target))
        header = b"\\xff" * 6 + source
        for _ in range(3):
            raw.send(header + b"\\x81\\x00\\x01\\x2c" + b"\\x08\\x06" + request("10.60.0.250"))
        raw.send(header + b"\\x08\\x06" + request("10.60.0.252"))
        """

    @Test("DEL of every container and teardown of the three networks leave eth1 on both hosts with no VLAN interface, no master and no bridge")
    func teardownLeavesUplinkBare() throws {
        let trunk = try VLANTrunkScope.trunk()
        let topology = trunk.topology
        for host in VLANTrunk.hosts {
            // hA tears the VLAN networks down first, hB the untagged one (eth1 leaves its
            // bridge while eth1.100 and eth1.200 still ride on it).
            let order = host == "hA" ? TrunkSegment.allCases : TrunkSegment.allCases.reversed()
            for segment in order {
                let name = segment.container(on: host)
                let config = segment.netconf(topology, host: host)
                let del = try topology.flatnet("DEL", host: host, container: name, config: config)
                #expect(del.status == 0, "DEL \(name): \(del.outcome.stdout)")
            }
            for segment in order {
                let file = try trunk.file(segment, host: host)
                let teardown = try topology.operatorCommand(host: host, "teardown", "--conf", file)
                #expect(teardown.status == 0, "\(host) \(segment.network): \(teardown.stdout)\(teardown.stderr)")
                if let vlan = segment.vlan {
                    #expect(teardown.stdout.contains("removed vlan eth1.\(vlan)"), "\(host): \(teardown.stdout)")
                }
            }
            #expect(try topology.vlanInterfaces(of: "eth1", on: host).isEmpty, "\(host): no VLAN interface on eth1")
            let eth1 = try #require(try topology.linkDetails("eth1", on: host), "\(host): eth1 is kept")
            #expect(!eth1.contains(" master "), "\(host): \(eth1)")
            #expect(try topology.ip(host, "-o", "link", "show", "type", "bridge").isEmpty, "\(host): no bridge left")
        }
    }
}

/// One tagged attack from a0 (the untagged network on hA): three 802.1Q frames tagged 100,
/// each an ARP request for b100's address (vlan 100 on hB), then a legitimate barrier
/// datagram to b0 (untagged, hB) along the same trunk (Tests/Harness/l2attack.py), with a
/// capture on the switch's port toward hA.
struct TaggedProbe {
    /// Attack frames b100 received.
    let victimFrames: Int
    /// Attack frames the switch received from hA.
    let trunkFrames: Int
    /// Captured lines of the attack's request, tagged 100, on the trunk.
    let taggedLines: [String]

    init(_ trunk: VLANTrunk) throws {
        let topology = trunk.topology
        let (attacker, victim) = (try trunk.address(of: "a0"), try trunk.address(of: "b100"))
        let barrier = try topology.barrier(to: "b0")
        let capture = try topology.capture(in: "tsw", interface: "to-hA")
        defer { capture.stop() }
        let seen = try topology.attack("vlan", from: "a0", ["vid": "100", "target-ip": victim],
                                       watch: [.frames("b100"), .frames("tsw", interface: "to-hA"), .frames("b0")],
                                       barriers: [barrier])
        // The barrier crossed the trunk after the attack frames: the capture holds them all.
        let barrierLine = "\(attacker).7778 > \(barrier.address).7777: UDP"
        let lines = capture.lines(awaiting: [barrierLine])
        #expect(lines.contains { $0.contains(barrierLine) }, "the capture saw the barrier: \(lines)")
        victimFrames = seen.frames(at: "b100")
        trunkFrames = seen.frames(at: "tsw", interface: "to-hA")
        let request = "who-has \(victim) tell \(attacker)"
        taggedLines = lines.filter { $0.contains(request) && FrameCapture.vlanTag(of: $0) == 100 }
    }
}
