import FlatnetCore
import Glibc

/// Tells the network's containers where the reserved address is, after a full setup:
/// one gratuitous ARP (RFC 5227 announcement: who-has R tell R, from docker0's MAC) sent
/// into the docker side of the link pair, so it enters the flat bridge at the link veth.
/// The rules let ARP from the reserved address in from the link veth and keep it off
/// the uplink, so only this host's containers hear it.
///
/// Why: when Docker restarts, docker0 comes back with a new MAC; containers that cached
/// the old one for the reserved address lose metadata until their neighbour entry
/// expires (tens of seconds). Linux updates an existing entry on any ARP from that
/// address. The AF_PACKET socket costs ~18 ms to close (RCU grace period, measured in
/// issue 5), which is why this runs on full setups only, never on the ADD fast path.
enum ReservedAddressAnnouncement {
    /// ETH_P_ARP (<linux/if_ether.h>); the Glibc module does not export it.
    static let ethernetTypeARP: UInt16 = 0x0806

    /// `socket(AF_PACKET)` + `sendto` of one broadcast frame on `interfaceIndex`.
    static func send(_ address: IPv4Address, mac: MACAddress, interfaceIndex: Int32) throws {
        let descriptor = socket(AF_PACKET, Int32(SOCK_RAW.rawValue), Int32(ethernetTypeARP.bigEndian))
        guard descriptor >= 0 else { throw SystemCallError(call: "socket(AF_PACKET)", errno: errno) }
        defer { close(descriptor) }
        let frame = announcement(address, mac: mac)
        let target = linkLayerAddress(interfaceIndex: interfaceIndex)
        let sent = frame.withUnsafeBytes { bytes in
            target.withUnsafeBytes {
                sendto(descriptor, bytes.baseAddress, bytes.count, 0,
                       $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
            }
        }
        guard sent == frame.count else { throw SystemCallError(call: "sendto(gratuitous ARP)", errno: errno) }
    }

    /// A `struct sockaddr_ll` (<linux/if_packet.h>, 20 bytes), which the Glibc module does
    /// not export: family, protocol (network order), ifindex, hatype, pkttype, halen, and
    /// the broadcast address.
    static func linkLayerAddress(interfaceIndex: Int32) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 20)
        withUnsafeBytes(of: UInt16(AF_PACKET)) { bytes.replaceSubrange(0..<2, with: $0) }
        withUnsafeBytes(of: ethernetTypeARP.bigEndian) { bytes.replaceSubrange(2..<4, with: $0) }
        withUnsafeBytes(of: interfaceIndex) { bytes.replaceSubrange(4..<8, with: $0) }
        bytes[11] = 6  // sll_halen
        for index in 12..<18 { bytes[index] = 0xff }
        return bytes
    }

    /// Ethernet broadcast header + ARP request: who-has ADDRESS, tell ADDRESS (at MAC).
    static func announcement(_ address: IPv4Address, mac: MACAddress) -> [UInt8] {
        let broadcast = [UInt8](repeating: 0xff, count: 6)
        let ethernet = broadcast + mac.bytes + [0x08, 0x06]
        let arp: [UInt8] = [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01] + mac.bytes + address.bytes
            + [UInt8](repeating: 0, count: 6) + address.bytes
        return ethernet + arp
    }
}
