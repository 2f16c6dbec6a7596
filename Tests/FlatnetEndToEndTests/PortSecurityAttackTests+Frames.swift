import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Frames that are a container's own and still hostile: floods, other ethertypes, DHCP.
extension PortSecurityAttackTests {
    /// Frames of ethertypes other than IPv4, ARP and IPv6.
    enum ForeignFrame: String, CaseIterable, Sendable {
        /// 802.1Q-tagged: an ARP request for the reserved address, which the untagged
        /// reserved-address rules would drop at the uplink.
        case vlanTaggedReservedARP
        /// An STP configuration BPDU claiming to be the root bridge.
        case spanningTreeBPDU
        /// IEEE's local experimental ethertype 0x88b5.
        case experimentalEthertype

        var kind: (name: String, options: KeyValuePairs<String, String>) {
            switch self {
            case .vlanTaggedReservedARP: ("vlan", ["vid": "42", "target-ip": "10.43.0.2"])
            case .spanningTreeBPDU: ("bpdu", [:])
            case .experimentalEthertype: ("ethertype", ["ethertype": "0x88b5"])
            }
        }
    }

    @Test("frames other than IPv4, ARP, IPv6 (802.1Q tags, STP BPDUs, 0x88b5) never leave the host's uplink",
          arguments: ForeignFrame.allCases, Protection.allCases)
    func foreignFrames(_ frame: ForeignFrame, _ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let port = try topology.switchPort(of: "hA")
        let capture = try topology.attack(frame.kind.name, from: "xA", frame.kind.options,
                                          watch: [.frames("sw", interface: port)],
                                          barriers: [try topology.barrier(to: "rt", interface: "eth1")])
        let arrived = capture.frames(at: "sw", interface: port)
        protection.expect(landed: arrived > 0, "hostA's switch port receives \(arrived) of \(capture.sent)")
    }

    @Test("a broadcast flood is limited per port: far fewer than sent reach a neighbour here and across",
          arguments: Protection.allCases)
    func broadcastFlood(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let capture = try topology.attack("flood", from: "fA", ["count": "1500"],
                                          watch: [.frames("vA"), .frames("vB")],
                                          barriers: try ["vA", "vB"].map { try topology.barrier(to: $0) })
        // Counts with wide margins, never rates: at 100 frames/s with a burst of 200, the
        // limit passes about 200 of a burst that is sent in well under a second.
        for victim in ["vA", "vB"] {
            let arrived = capture.frames(at: victim)
            switch protection {
            case .byDefault:
                #expect(arrived < capture.sent / 2, "\(arrived) of \(capture.sent) reach \(victim)")
            case .off:
                #expect(arrived >= capture.sent * 95 / 100,
                        "control: the whole flood reaches \(victim): \(arrived) of \(capture.sent)")
            }
        }
    }

    @Test("a DHCP server (udp sport 67) in a container never reaches a neighbour's client port",
          arguments: Protection.allCases)
    func dhcpServer(_ protection: Protection) throws {
        let topology = try AttackRanges.range(protection).topology
        let offer: KeyValuePairs = ["sport": "67", "dport": "68", "payload": "dhcp-offer"]
        let capture = try topology.attack("udp4", from: "xA", offer,
                                          watch: [.datagrams("vA", port: 68), .datagrams("vA")],
                                          barriers: [try topology.barrier(to: "vA")])
        protection.expect(landed: !capture.sources(at: "vA", port: 68).isEmpty,
                          "vA's port 68 receives the attacker's broadcast offer")
    }
}
