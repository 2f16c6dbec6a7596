import FlatnetTestSupport
import Testing

/// The 802.1Q tag VLANIsolationTests reads from `tcpdump -e -n` lines (lines as Debian 12's
/// tcpdump 4.99 printed them on the trunk layout's switch port).
struct FrameCaptureLineTests {
    @Test("a tagged frame's tag is read from its link-level header; an untagged frame has none", arguments: [
        ("ce:d3:e7:c5:17:f2 > 1a:24:a5:95:4a:36, ethertype 802.1Q (0x8100), length 102: vlan 100, p 0,"
            + " ethertype IPv4 (0x0800), 10.60.0.10 > 10.60.0.20: ICMP echo request, id 330, seq 1, length 64", 100),
        ("02:60:00:00:02:00 > ff:ff:ff:ff:ff:ff, ethertype 802.1Q (0x8100), length 46: vlan 200, p 0,"
            + " ethertype ARP (0x0806), Request who-has 10.60.0.70 tell 10.60.0.65, length 28", 200),
        ("0a:24:28:1d:20:33 > 56:72:cb:de:61:07, ethertype IPv4 (0x0800), length 98: 10.60.0.138 > 10.60.0.148:"
            + " ICMP echo request, id 341, seq 1, length 64", nil),
        // "vlan 100" in a payload's text (a hostname, say) is no tag.
        ("0a:24:28:1d:20:33 > 56:72:cb:de:61:07, ethertype IPv4 (0x0800), length 98: 10.60.0.138.53 > 10.60.0.148.53:"
            + " 1+ A? x: vlan 100, p 0. (30)", nil),
    ] as [(String, Int?)])
    func vlanTag(_ line: String, _ tag: Int?) {
        #expect(FrameCapture.vlanTag(of: line) == tag)
    }
}
