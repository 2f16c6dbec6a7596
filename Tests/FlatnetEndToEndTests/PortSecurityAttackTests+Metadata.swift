import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The metadata path and the link pair into docker0: what a container may send there is
/// ARP for the reserved address and IPv4 to 169.254.169.250, from its own addresses.
extension PortSecurityAttackTests {
    @Test("claiming the reserved address: a neighbour neither caches it at xA nor gets xA's metadata",
          arguments: Protection.allCases)
    func reservedAddressClaim(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let victim = try topology.barrier(to: "vA")
        topology.ipIgnoringFailure("vA", "neigh", "del", "10.43.0.2", "dev", "eth0")
        // The attacker holds the reserved address (its kernel answers ARP for it) and the
        // metadata address (it accepts the victim's connection).
        _ = try topology.ip("xA", "addr", "add", "10.43.0.2/32", "dev", "eth0")
        _ = try topology.ip("xA", "addr", "add", "169.254.169.250/32", "dev", "lo")
        defer {
            topology.ipIgnoringFailure("xA", "addr", "del", "10.43.0.2/32", "dev", "eth0")
            topology.ipIgnoringFailure("xA", "addr", "del", "169.254.169.250/32", "dev", "lo")
            topology.ipIgnoringFailure("vA", "neigh", "del", "10.43.0.2", "dev", "eth0")
        }
        _ = try topology.attack("arp", from: "xA", [
            "op": "request", "sender-ip": "10.43.0.2", "target-ip": victim.address, "target-mac": victim.mac,
            "dst-mac": victim.mac,
        ], watch: [.frames("vA")], barriers: [victim])
        let entry = try topology.neighbour("10.43.0.2", in: "vA")
        protection.expect(landed: entry.contains(try topology.mac(of: "xA")),
                          "vA caches the reserved address at the attacker (\(entry))")
        let answer = try topology.metadataAnswer(to: "vA", impostor: "xA", text: "impostor")
        protection.expect(landed: answer == "impostor",
                          "the attacker answers vA's metadata request (vA got \(answer ?? "nothing"))")
        if protection == .byDefault { #expect(answer == "hA", "vA's own host answers it") }
    }

    @Test("replies forged from 169.254.169.250 never reach another container", arguments: Protection.allCases)
    func forgedMetadataReplies(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let victim = try topology.barrier(to: "vA")
        let capture = try topology.attack("udp4", from: "xA", [
            "src": "169.254.169.250", "sport": "80", "dst": victim.address, "dst-mac": victim.mac,
        ], watch: [.datagrams("vA")], barriers: [victim])
        let sources = capture.sources(at: "vA")
        protection.expect(landed: sources.contains("169.254.169.250"),
                          "vA receives datagrams from the metadata address (\(sources))")
    }

    @Test("posing as another container: the metadata service never gets xA's request from vA's address",
          arguments: Protection.allCases)
    func posingTowardsMetadata(_ protection: Protection) throws {
        let range = try AttackRanges.range(protection)
        let topology = range.topology
        let impersonated = try range.address(of: "vA")
        let metadata = try Self.metadataBarrier(topology)
        let capture = try topology.attack("udp4", from: "xA", [
            "src": impersonated, "dst": "169.254.169.250", "dst-mac": metadata.mac,
        ], watch: [.datagrams("hA-md")], barriers: [metadata])
        let sources = capture.sources(at: "hA-md")
        protection.expect(landed: sources.contains(impersonated),
                          "the metadata service receives a request from \(impersonated) (\(sources))")
    }

    /// One datagram aimed through the link pair, and the namespace listening for it.
    struct LinkPairProbe {
        let kind: String
        let address: String
        let mac: String
        let listener: String
        let what: String
    }

    @Test("through the link pair a container reaches neither the host's stack (IPv4, IPv6) nor docker0's",
          arguments: Protection.allCases)
    func dockerSideReach(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let metadata = try Self.metadataBarrier(topology)
        let (docker0, dockerContainer) = (metadata.mac, try topology.mac(of: "hA-dk"))
        let hostLinkLocal = try topology.linkLocal(of: "hA", interface: "docker0")
        let probes = [
            LinkPairProbe(kind: "udp4", address: "172.17.0.1", mac: docker0, listener: "hA",
                          what: "the host's own stack at docker0's 172.17.0.1"),
            LinkPairProbe(kind: "udp6", address: hostLinkLocal, mac: docker0, listener: "hA",
                          what: "the host's own stack at docker0's \(hostLinkLocal)"),
            LinkPairProbe(kind: "udp4", address: "172.17.0.9", mac: dockerContainer, listener: "hA-dk",
                          what: "docker0's container, on-link by its MAC"),
            LinkPairProbe(kind: "udp4", address: "172.17.0.9", mac: docker0, listener: "hA-dk",
                          what: "docker0's container, routed by the host"),
        ]
        for probe in probes {
            let target: KeyValuePairs = ["dst": probe.address, "dst-mac": probe.mac]
            let capture = try topology.attack(probe.kind, from: "xA", target,
                                              watch: [.datagrams(probe.listener), .datagrams("hA-md")],
                                              barriers: [metadata])
            let sources = capture.sources(at: probe.listener)
            protection.expect(landed: !sources.isEmpty, "a datagram reaches \(probe.what)")
        }
    }

    @Test("ARP poisoning of the docker0 side: the host never caches docker0's container at xA's MAC",
          arguments: Protection.allCases)
    func dockerSidePoisoning(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let metadata = try Self.metadataBarrier(topology)
        topology.ipIgnoringFailure("hA", "neigh", "del", "172.17.0.9", "dev", "docker0")
        defer { topology.ipIgnoringFailure("hA", "neigh", "del", "172.17.0.9", "dev", "docker0") }
        // "Who has 172.17.0.1? tell 172.17.0.9": the host caches the sender as 172.17.0.9.
        _ = try topology.attack("arp", from: "xA", [
            "op": "request", "sender-ip": "172.17.0.9", "target-ip": "172.17.0.1", "dst-mac": metadata.mac,
        ], watch: [.datagrams("hA-md")], barriers: [metadata])
        let entry = try topology.neighbour("172.17.0.9", in: "hA")
        protection.expect(landed: entry.contains(try topology.mac(of: "xA")),
                          "hostA caches docker0's 172.17.0.9 at the attacker's MAC (\(entry))")
    }

    /// A legitimate datagram to the metadata service (hA-md listens on port 7777), sent
    /// to docker0's MAC, which is what a container's gateway 10.43.0.2 resolves to.
    static func metadataBarrier(_ topology: Topology) throws -> Barrier {
        Barrier(mac: try topology.mac(of: "hA", interface: "docker0"), address: "169.254.169.250")
    }
}
