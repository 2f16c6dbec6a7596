/// IPv6 prefixes that cannot be a pool's subnet: their addresses are not unicast
/// interface addresses a container may be given on a segment (RFC 4291, 4038).
enum IPv6Scope {
    static let refused: [(prefix: IPPrefix, what: String)] = [
        (IPPrefix("fe80::/10")!, "link-local (every interface makes its own)"),
        (IPPrefix("ff00::/8")!, "multicast"),
        (IPPrefix("::ffff:0:0/96")!, "IPv4-mapped (IPv4 goes in the IPv4 keys)"),
        (IPPrefix("::/96")!, "unspecified, loopback or IPv4-compatible"),
    ]

    /// Why `subnet` cannot hold a pool, or nil (always nil for IPv4). Overlap in either
    /// direction refuses it: `::/64` is no refused prefix but holds `::1` and `::ffff:0:0/96`.
    static func problem(_ subnet: IPPrefix) -> String? {
        guard subnet.family == .ipv6 else { return nil }
        let overlapping = refused.first { refused in
            refused.prefix.contains(subnet.address) || subnet.contains(refused.prefix.address)
        }
        guard let (prefix, what) = overlapping else { return nil }
        let relation = subnet.length >= prefix.length ? "is" : "holds \(prefix),"
        return "\(subnet) \(relation) \(what): an IPv6 pool needs global or unique-local addresses"
    }

    /// fe80::/10: a router's link-local address is a valid on-link gateway on any segment.
    static func isLinkLocal(_ address: IPAddress) -> Bool { refused[0].prefix.contains(address) }
}
