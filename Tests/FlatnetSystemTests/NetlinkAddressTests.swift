import CNetlink
import FlatnetCore
@testable import FlatnetSystem
import Glibc
import Testing

/// Reading libnl addresses back into flatnet's values (no root needed). libnl gives a route
/// without RTA_DST (every default route) a destination of zero bytes: nl_addr_alloc(0) with
/// the route's family (route_obj.c). Its binary address is then a pointer to the end of a
/// 20-byte block, and reading 4 or 16 bytes there is a heap over-read.
@Suite("NetlinkAddress: reads only the bytes libnl holds")
struct NetlinkAddressTests {
    /// A libnl address of `family` holding `bytes`, as nl_addr_build makes it.
    struct Built: ~Copyable {
        let pointer: OpaquePointer

        init(family: Int32, bytes: [UInt8], prefixLength: Int32) throws {
            pointer = try #require(bytes.withUnsafeBytes { nl_addr_build(family, $0.baseAddress, $0.count) })
            nl_addr_set_prefixlen(pointer, prefixLength)
        }

        deinit { nl_addr_put(pointer) }
    }

    @Test("a zero-length address of either family, as libnl's route parser makes it, reads as nil",
          arguments: [AF_INET, AF_INET6])
    func zeroLength(family: Int32) throws {
        let parsed = try #require(nl_addr_alloc(0))
        defer { nl_addr_put(parsed) }
        nl_addr_set_family(parsed, family)
        #expect(NetlinkAddress.ipAddress(parsed) == nil)
        let built = try Built(family: family, bytes: [], prefixLength: 0)
        #expect(NetlinkAddress.ipAddress(built.pointer) == nil)
    }

    @Test("an address shorter than its family's width reads as nil, not as the bytes after it")
    func short() throws {
        let v6 = try Built(family: AF_INET6, bytes: [0xfe, 0x80, 0, 0], prefixLength: 64)
        #expect(NetlinkAddress.ipAddress(v6.pointer) == nil)
        let v4 = try Built(family: AF_INET, bytes: [10, 43], prefixLength: 16)
        #expect(NetlinkAddress.ipAddress(v4.pointer) == nil)
    }

    @Test("full-width IPv4 and IPv6 addresses read back with their prefix length (control)")
    func fullWidth() throws {
        let v4 = try Built(family: AF_INET, bytes: [10, 43, 1, 5], prefixLength: 16)
        #expect(NetlinkAddress.ipAddress(v4.pointer) == IPPrefix("10.43.1.5/16"))
        let v6 = try Built(family: AF_INET6, bytes: [0xfe, 0x80] + Array(repeating: 0, count: 13) + [1],
                           prefixLength: 64)
        #expect(NetlinkAddress.ipAddress(v6.pointer) == IPPrefix("fe80::1/64"))
    }

    @Test("a route's zero-length destination is its family's default route; with a prefix length, nothing")
    func routeDestination() throws {
        let v4 = try Built(family: AF_INET, bytes: [], prefixLength: 0)
        #expect(NetlinkAddress.routeDestination(v4.pointer) == IPPrefix("0.0.0.0/0"))
        let v6 = try Built(family: AF_INET6, bytes: [], prefixLength: 0)
        #expect(NetlinkAddress.routeDestination(v6.pointer) == IPPrefix("::/0"))
        let inconsistent = try Built(family: AF_INET, bytes: [], prefixLength: 24)
        #expect(NetlinkAddress.routeDestination(inconsistent.pointer) == nil)
        let link = try Built(family: AF_LLC, bytes: [], prefixLength: 0)
        #expect(NetlinkAddress.routeDestination(link.pointer) == nil)
        let subnet = try Built(family: AF_INET, bytes: [10, 43, 0, 0], prefixLength: 16)
        #expect(NetlinkAddress.routeDestination(subnet.pointer) == IPPrefix("10.43.0.0/16"))
    }

    @Test("a link-layer address is not an IP address")
    func linkLayer() throws {
        let mac = try Built(family: AF_LLC, bytes: [0x0a, 0, 0, 0, 0, 1], prefixLength: 48)
        #expect(NetlinkAddress.ipAddress(mac.pointer) == nil)
    }
}
