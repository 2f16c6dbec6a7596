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

    /// flatnet's value for a borrowed libnl address (IPv4 or IPv6), or nil.
    static func ipAddress(_ address: OpaquePointer?) -> IPPrefix? {
        guard let address, let raw = nl_addr_get_binary_addr(address) else { return nil }
        let length = Int(nl_addr_get_prefixlen(address))
        switch nl_addr_get_family(address) {
        case AF_INET:
            let bytes = Array(UnsafeRawBufferPointer(start: raw, count: 4))
            let value = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return IPPrefix(address: .v4(IPv4Address(value)), length: length)
        case AF_INET6:
            let bytes = Array(UnsafeRawBufferPointer(start: raw, count: 16))
            let fold = { (slice: ArraySlice<UInt8>) in slice.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
            let high = fold(bytes[0..<8]), low = fold(bytes[8..<16])
            return IPPrefix(address: .v6(IPv6Address(high: high, low: low)), length: length)
        default:
            return nil
        }
    }
}
