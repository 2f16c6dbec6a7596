import FlatnetCore
import FlatnetTestSupport
import Testing

/// Review of the IPv6 IPAM change (issue 18, review6): each test shows one finding.
@Suite("review6: IPv6 pool findings")
struct Review6IPv6Tests {
    /// The valid netconf made IPv6-only with this `ipam.ipv6` block.
    static func ipv6Only(_ block: String) throws -> JSONValue {
        var value = Valid.config
        for key in ["ipam.subnet", "ipam.gateway", "ipam.ranges", "ipam.exclude", "ipam.routes", "metadata"] {
            value = value.setting(key, to: nil)
        }
        return value.setting("ipam.ipv6", to: try JSONValue.parse(Array(block.utf8)))
    }

    /// `::/64` and `::/80` hold `::1` (loopback), `::` (unspecified), `::a.b.c.d`
    /// (IPv4-compatible) and, for `::/80`, the whole of `::ffff:0:0/96` (IPv4-mapped): the
    /// scope check only looks at refused prefixes *containing* the subnet, never at ones
    /// the subnet contains, so both pass and the pool hands out `::1` and `::ffff:0:5`.
    @Test("a subnet that contains loopback / IPv4-mapped addresses is refused", arguments: [
        #"{"subnet": "::/64", "ranges": [{"rangeStart": "::1", "rangeEnd": "::ffff"}]}"#,
        #"{"subnet": "::/80", "ranges": [{"rangeStart": "::ffff:0:1", "rangeEnd": "::ffff:0:ffff"}]}"#,
    ])
    func subnetContainingRefusedScope(block: String) throws {
        let document = try Self.ipv6Only(block)
        #expect(throws: ConfigError.self, "accepted: \(block)") {
            try NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0))
        }
    }

    /// README (IPAM behaviour) and the shared spec promise CNI_ARGS `IP=a,b`, one per family;
    /// the parser takes one address and refuses the comma form as "not an IP address".
    @Test("CNI_ARGS IP=a,b requests one address per family")
    func cniArgsTwoFamilies() throws {
        let arguments = try CNIArguments(parsing: "IP=10.43.1.50,2001:db8:43::1:50")
        let requested = RuntimeInputs().effectiveRequests(with: arguments).addresses
        #expect(requested == [IPAddress("10.43.1.50")!, IPAddress("2001:db8:43::1:50")!])
    }

    /// The known edge of `capacity(of:)`: an exclusion covering a whole /64 range makes the
    /// overlap count saturate at 2^64 - 1, and the range reports 1 free address, not 0.
    /// Unreachable from a validated netconf (no range may start at offset 0), reachable by
    /// anything that builds an `AddressPool` from an unvalidated `RangeSet`.
    @Test("a range whose every offset is excluded has capacity 0")
    func fullyExcludedSlash64() {
        let pool = makeIPv6Pool(ranges: [("2001:db8:43::", "2001:db8:43::ffff:ffff:ffff:ffff")],
                                exclude: ["2001:db8:43::/64"], gateway: nil)
        #expect(pool.capacity == 0)
        #expect(pool.firstCandidate(after: nil) { _ in true } == nil, "control: nothing is allocatable")
    }

    /// Real segments announce their router by its link-local address (`fe80::1`, VRRPv3's
    /// first virtual address is link-local) and flatnet turns RA off in containers
    /// (accept_ra=0): a static `gw` of fe80::1 is the only way to route such a segment, and
    /// it is refused as "outside ipam.ipv6.subnet: not reachable on-link" (a link-local
    /// address is on-link by definition).
    @Test("a route via a link-local IPv6 gateway is accepted")
    func linkLocalRouteGateway() throws {
        let document = try Self.ipv6Only(#"""
            {"subnet": "2001:db8:43::/64",
             "ranges": [{"rangeStart": "2001:db8:43::1:0", "rangeEnd": "2001:db8:43::1:ff"}]}
            """#)
        let routes = try JSONValue.parse(Array(#"[{"dst": "::/0", "gw": "fe80::1"}]"#.utf8))
        let config = try NetworkConfigParser.parse(document.setting("ipam.routes", to: routes),
                                                   cniVersion: CNIVersion(1, 1, 0))
        #expect(config.ipam.pool?.routes.first?.gateway == IPAddress("fe80::1"))
    }

    /// A route `dst` with host bits passes validation. IPv4: every ADD then fails at the
    /// kernel (code 101, "rtnl_route_add 10.99.0.1/16 ...: Invalid input data"), though
    /// `netconf validate` said ok. IPv6: the kernel masks it, and the result reports a
    /// `dst` the container does not have (2001:db8:99::1/48 for 2001:db8:99::/48).
    @Test("a route dst with host bits is refused, naming the field", arguments: ["10.99.0.1/16", "2001:db8:99::1/48"])
    func routeDestinationHostBits(dst: String) throws {
        let block = #"{"subnet": "2001:db8:43::/64", "gateway": "2001:db8:43::1", "#
            + #""ranges": [{"rangeStart": "2001:db8:43::1:0", "rangeEnd": "2001:db8:43::1:ff"}]}"#
        let document = Valid.config.setting("ipam.ipv6", to: try JSONValue.parse(Array(block.utf8)))
            .setting("ipam.routes", to: .array([.object(["dst": .string(dst)])]))
        do {
            _ = try NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0))
            Issue.record("accepted dst \(dst)")
        } catch {
            #expect(error.problems.contains { $0.path == "ipam.routes[0].dst" }, "\(error)")
        }
    }
}
