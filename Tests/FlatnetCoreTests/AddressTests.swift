import FlatnetCore
import Testing

@Suite("Addresses, prefixes and MACs")
struct AddressTests {
    @Test("IPv4 text round-trips", arguments: ["0.0.0.0", "10.43.1.5", "169.254.169.250", "255.255.255.255"])
    func ipv4RoundTrip(_ text: String) {
        #expect(IPv4Address(text)?.description == text)
    }

    @Test("IPv4 rejects anything but four plain decimal octets", arguments: [
        "", "10.43.1", "10.43.1.5.6", "10.43.1.256", "10.43.01.5", "10.43.1.-1", "a.b.c.d", "10.43.1.5 ", "10..1.5",
    ])
    func ipv4Rejects(_ text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test("IPv6 parses and prints in RFC 5952 form", arguments: [
        ("fd00::1", "fd00::1"), ("FD00:0:0:0:0:0:0:1", "fd00::1"), ("::", "::"), ("::1", "::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("fe80::a:b:c:d", "fe80::a:b:c:d"),
    ])
    func ipv6(_ text: String, _ printed: String) {
        #expect(IPv6Address(text)?.description == printed)
    }

    @Test("IPv6 rejects malformed text", arguments: ["fd00:::1", "1:2:3:4:5:6:7:8:9", "fd00::g", "1::2::3", "12345::"])
    func ipv6Rejects(_ text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test("prefix math: network, broadcast, containment")
    func prefixMath() throws {
        let prefix = try #require(IPPrefix("10.43.1.5/16")?.v4)
        #expect(prefix.network.description == "10.43.0.0")
        #expect(prefix.broadcast.description == "10.43.255.255")
        #expect(prefix.contains(IPv4Address("10.43.200.1")!))
        #expect(!prefix.contains(IPv4Address("10.44.0.1")!))
        #expect(IPPrefix("0.0.0.0/0")?.v4?.contains(IPv4Address("8.8.8.8")!) == true)
        #expect(IPPrefix("fd00::/64")?.contains(IPAddress("fd00::5")!) == true)
        #expect(IPPrefix("fd00::/64")?.contains(IPAddress("10.0.0.1")!) == false)
    }

    @Test("prefix text rules", arguments: [
        ("10.43.0.0/16", true, true), ("10.43.0.0/33", false, false), ("10.43.0.0", false, true),
        ("10.43.0.0/", false, false), ("10.43.0.0/a", false, false), ("fd00::/129", false, false),
    ])
    func prefixText(_ text: String, _ valid: Bool, _ validBare: Bool) {
        #expect((IPPrefix(text) != nil) == valid)
        #expect((IPPrefix(text, allowBareAddress: true) != nil) == validBare)
    }

    @Test("MAC parsing accepts either case and separator, prints lower-case colon form")
    func mac() {
        #expect(MACAddress("0A-00-00-00-00-FF")?.description == "0a:00:00:00:00:ff")
        #expect(MACAddress("0a:00:00:00:00") == nil)
        #expect(MACAddress("0a:00:00:00:00:0g") == nil)
        #expect(MACAddress("01:00:5e:00:00:01")?.isMulticast == true)
    }
}
