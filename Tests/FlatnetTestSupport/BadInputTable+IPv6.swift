import FlatnetCore

/// Malformed IPv6 range sets, routes and requests (issue 18): each names its field.
extension BadInputTable {
    /// A valid `ipam.ipv6` block with `key` replaced (nil removes it).
    static func ipv6(_ key: String, _ value: JSONValue?) -> String {
        var block: [String: JSONValue] = [
            "subnet": .string("2001:db8:43::/64"), "gateway": .string("2001:db8:43::1"),
            "ranges": .array([range("2001:db8:43::1:0", "2001:db8:43::1:ffff")]),
        ]
        block[key] = value
        return config("ipam.ipv6", .object(block))
    }

    /// The valid netconf made IPv6-only (no IPv4 range set, no metadata), with `ipv6` set.
    static func ipv6Only(metadata: Bool = false) -> String {
        var value = Valid.config
        for key in ["ipam.subnet", "ipam.gateway", "ipam.ranges", "ipam.exclude", "ipam.routes"] {
            value = value.setting(key, to: nil)
        }
        if !metadata { value = value.setting("metadata", to: nil) }
        return value.setting("ipam.ipv6", to: try! JSONValue.parse(Array(#"""
            {"subnet": "2001:db8:43::/64", "ranges": [{"rangeStart": "2001:db8:43::1:0", "rangeEnd": "2001:db8:43::1:ff"}]}
            """#.utf8))).serialized()
    }

    static let ipv6Cases: [BadInput] = [
        bad("IPv6 subnet malformed", stdin: ipv6("subnet", .string("2001:db8:43:::/64")), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet /128", stdin: ipv6("subnet", .string("2001:db8:43::1:5/128")), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet /127", stdin: ipv6("subnet", .string("2001:db8:43::1:4/127")), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet shorter than /64", stdin: ipv6("subnet", .string("2001:db8::/48")), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet with host bits", stdin: ipv6("subnet", .string("2001:db8:43::1/64")), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet v4-mapped (dotted)", stdin: ipv6("subnet", .string("::ffff:10.43.0.0/120")),
            code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet v4-mapped (hex)", stdin: ipv6("subnet", .string("::ffff:a2b:0/120")), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet holding loopback and v4-mapped", stdin: ipv6("subnet", .string("::/64")),
            code: 7, names: "ipam.ipv6.subnet"),
        bad("route destination with host bits",
            stdin: config("ipam.routes", .array([.object(["dst": .string("10.99.0.1/16")])])),
            code: 7, names: "ipam.routes[0].dst"),
        bad("IPv6 subnet link-local", stdin: ipv6("subnet", .string("fe80::/64")), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet multicast", stdin: ipv6("subnet", .string("ff02::/64")), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet is IPv4", stdin: ipv6("subnet", .string("10.44.0.0/16")), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 subnet missing", stdin: ipv6("subnet", nil), code: 7, names: "ipam.ipv6.subnet"),
        bad("IPv6 gateway outside the subnet", stdin: ipv6("gateway", .string("2001:db8:44::1")), code: 7, names: "ipam.ipv6.gateway"),
        bad("IPv6 gateway is the subnet-router anycast address", stdin: ipv6("gateway", .string("2001:db8:43::")),
            code: 7, names: "ipam.ipv6.gateway"),
        bad("IPv6 gateway v4-mapped", stdin: ipv6("gateway", .string("::ffff:10.43.0.1")), code: 7, names: "ipam.ipv6.gateway"),
        bad("IPv6 gateway inside a range", stdin: ipv6("gateway", .string("2001:db8:43::1:7")), code: 7, names: "ipam.ipv6.ranges[0]"),
        bad("IPv4 address in an IPv6 range", stdin: ipv6("ranges", .array([range("10.43.1.2", "2001:db8:43::1:ff")])),
            code: 7, names: "ipam.ipv6.ranges[0].rangeStart"),
        bad("IPv6 address in an IPv4 range", stdin: config("ipam.ranges", .array([range("10.43.1.2", "2001:db8:43::9")])),
            code: 7, names: "ipam.ranges[0].rangeEnd"),
        bad("IPv6 range starting at the anycast address", stdin: ipv6("ranges", .array([range("2001:db8:43::", "2001:db8:43::ff")])),
            code: 7, names: "ipam.ipv6.ranges[0].rangeStart"),
        bad("IPv6 range outside the subnet", stdin: ipv6("ranges", .array([range("2001:db8:43::1:0", "2001:db8:44::")])),
            code: 7, names: "ipam.ipv6.ranges[0].rangeEnd"),
        bad("IPv6 range start after end", stdin: ipv6("ranges", .array([range("2001:db8:43::1:ff", "2001:db8:43::1:0")])),
            code: 7, names: "ipam.ipv6.ranges[0]"),
        bad("IPv6 exclude outside the subnet", stdin: ipv6("exclude", .array([.string("2001:db8:44::/120")])),
            code: 7, names: "ipam.ipv6.exclude[0]"),
        bad("IPv4 exclude in the IPv6 set", stdin: ipv6("exclude", .array([.string("10.43.1.5")])),
            code: 7, names: "ipam.ipv6.exclude[0]"),
        bad("IPv6 set with an unknown key", stdin: ipv6("routes", .array([])), code: 2, names: "ipam.ipv6.routes"),
        bad("ipv6 not an object", stdin: config("ipam.ipv6", .string("2001:db8:43::/64")), code: 7, names: "ipam.ipv6"),
        bad("IPv6 route with an IPv4 gateway",
            stdin: config("ipam.routes", .array([.object(["dst": .string("::/0"), "gw": .string("10.43.0.1")])])),
            code: 7, names: "ipam.routes[0].gw"),
        bad("IPv6 route without an IPv6 range set", stdin: config("ipam.routes", .array([.object(["dst": .string("::/0")])])),
            code: 7, names: "ipam.routes[0]"),
        bad("metadata on an IPv6-only pool", stdin: ipv6Only(metadata: true), code: 7, names: "metadata"),
        bad("an empty pool (neither family)", stdin: Valid.config.setting("metadata", to: nil)
                .setting("ipam", to: .object(["type": .string("flatnet-ipam")])).serialized(),
            code: 7, names: "ipam.subnet"),
    ]
}
