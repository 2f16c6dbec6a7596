import CNetlink
import FlatnetCore
import Glibc

/// A libnl `nl_addr` built from flatnet's value types, released exactly once.
/// libnl setters take their own reference, so this owner can always put its own.
struct NetlinkAddress: ~Copyable {
    let pointer: OpaquePointer

    /// `nl_addr_build(AF_INET/AF_INET6, bytes)` with a prefix length.
    init(_ address: IPAddress, prefixLength: Int? = nil) throws(NetlinkError) {
        let (family, bytes): (Int32, [UInt8]) = switch address {
        case .v4(let v4): (AF_INET, v4.bytes)
        case .v6(let v6): (AF_INET6, (0..<16).map {
            UInt8(truncatingIfNeeded: ($0 < 8 ? v6.high : v6.low) >> UInt64((7 - $0 % 8) * 8))
        })
        }
        guard let pointer = bytes.withUnsafeBytes({ nl_addr_build(family, $0.baseAddress, $0.count) }) else {
            throw NetlinkError(call: "nl_addr_build", code: NLE_NOMEM, subject: address.description)
        }
        nl_addr_set_prefixlen(pointer, Int32(prefixLength ?? address.bitWidth))
        self.pointer = pointer
    }

    init(_ prefix: IPPrefix) throws(NetlinkError) {
        try self.init(prefix.address, prefixLength: prefix.length)
    }

    /// `nl_addr_build(AF_LLC, mac)`: a link-layer address.
    init(_ mac: MACAddress) throws(NetlinkError) {
        guard let pointer = mac.bytes.withUnsafeBytes({ nl_addr_build(AF_LLC, $0.baseAddress, 6) }) else {
            throw NetlinkError(call: "nl_addr_build", code: NLE_NOMEM, subject: mac.description)
        }
        self.pointer = pointer
    }

    deinit { nl_addr_put(pointer) }

    /// flatnet's value for a borrowed libnl address (IPv4 or IPv6), or nil: for another
    /// family, and for an address that does not hold its family's full width. libnl's route
    /// parser gives a route without RTA_DST (a default route) a zero-length destination,
    /// whose binary address points at the end of its block (`nl_addr_alloc(0)`).
    static func ipAddress(_ address: OpaquePointer?) -> IPPrefix? {
        guard let address, let raw = nl_addr_get_binary_addr(address) else { return nil }
        let family = nl_addr_get_family(address)
        let width = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0
        guard width > 0, Int(nl_addr_get_len(address)) == width else { return nil }
        let bytes = Array(UnsafeRawBufferPointer(start: raw, count: width))
        let length = Int(nl_addr_get_prefixlen(address))
        if width == 4 {
            let value = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return IPPrefix(address: .v4(IPv4Address(value)), length: length)
        }
        let fold = { (slice: ArraySlice<UInt8>) in slice.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        let v6 = IPv6Address(high: fold(bytes[0..<8]), low: fold(bytes[8..<16]))
        return IPPrefix(address: .v6(v6), length: length)
    }

    /// A route's destination (`rtnl_route_get_dst`): as `ipAddress`, except that the
    /// zero-length address libnl makes for a route without RTA_DST is the default route of
    /// its family, 0.0.0.0/0 or ::/0 (the kernel omits RTA_DST when rtm_dst_len is 0).
    static func routeDestination(_ address: OpaquePointer?) -> IPPrefix? {
        if let prefix = ipAddress(address) { return prefix }
        guard let address, nl_addr_get_len(address) == 0, nl_addr_get_prefixlen(address) == 0 else {
            return nil
        }
        switch nl_addr_get_family(address) {
        case AF_INET: return IPPrefix(address: .v4(IPv4Address(0)), length: 0)
        case AF_INET6: return IPPrefix(address: .v6(IPv6Address(high: 0, low: 0)), length: 0)
        default: return nil
        }
    }
}
