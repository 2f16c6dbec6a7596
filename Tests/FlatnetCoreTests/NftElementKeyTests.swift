import FlatnetCore
import Testing

/// Key layouts checked against nft 1.0.6 (`nft --debug=netlink list set` and strace of
/// `nft add element`), not against the encoder.
@Suite("nftables element keys: the kernel's concatenation layout")
struct NftElementKeyTests {
    typealias Bytes = NftablesTestBytes

    @Test("ifname is the name NUL-padded to 16 bytes, also at the 15-byte maximum")
    func interfaceName() throws {
        let short = NftElementKey.interface(try InterfaceName(validating: "flab1"))
        #expect(short.bytes == Bytes.padded("flab1", to: 16))
        let longest = NftElementKey.interface(try InterfaceName(validating: "abcdefghijklmno"))
        #expect(longest.bytes == Array("abcdefghijklmno".utf8) + [0])
    }

    @Test("ether_addr is 6 bytes and 2 bytes of zero padding")
    func mac() throws {
        let key = NftElementKey.mac(try #require(MACAddress("02:00:00:00:00:01")))
        #expect(key.bytes == [0x02, 0, 0, 0, 0, 0x01, 0, 0])
    }

    @Test("ipv4_addr is 4 bytes and ipv6_addr 16 bytes, network order")
    func addresses() throws {
        #expect(NftElementKey.ipv4(try #require(IPv4Address("10.43.0.5"))).bytes == [10, 43, 0, 5])
        let ipv6 = NftElementKey.ipv6(try #require(IPv6Address("fe80::1:2")))
        #expect(ipv6.bytes == [0xfe, 0x80] + Array(repeating: 0, count: 10) + [0, 1, 0, 2])
    }

    @Test("ifname . ether_addr . ipv4_addr matches the key nft stored for the same element")
    func concatenationMatchesNft() throws {
        // nft add element bridge fn-test ipv4 { "flab1" . 02:00:00:00:00:01 . 10.43.0.5 }
        // nft --debug=netlink list set bridge fn-test ipv4 printed:
        let stored = Bytes.nftDebugWords("62616c66 00000031 00000000 00000000 00000002 00000100 05002b0a")
        let key = NftElementKey.interface(try InterfaceName(validating: "flab1"))
            + .mac(try #require(MACAddress("02:00:00:00:00:01")))
            + .ipv4(try #require(IPv4Address("10.43.0.5")))
        #expect(key.bytes == stored)
        #expect(key.bytes.count == 28)
    }

    @Test("ifname . ipv6 (the targets set's iifname . @th,64,128) matches nft's key")
    func interfaceAndIPv6MatchesNft() throws {
        // nft add element bridge fn-test targets { "flab1" . 0xfe800000000000000000000000000001 }
        let stored = Bytes.nftDebugWords(
            "62616c66 00000031 00000000 00000000 000080fe 00000000 00000000 01000000")
        let key = NftElementKey.interface(try InterfaceName(validating: "flab1"))
            + .ipv6(try #require(IPv6Address("fe80::1")))
        #expect(key.bytes == stored)
    }

    @Test("a key prints as hex words")
    func description() {
        #expect(NftElementKey(bytes: [0x0a, 0x2b, 0, 5, 0xff]).description == "0a2b0005 ff")
    }
}
