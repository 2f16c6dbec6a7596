import FlatnetCore
import FlatnetTestSupport
import Testing

/// The container side of IPv6 as planned (issue 18): routes per family, addresses without
/// duplicate address detection, router advertisements ignored.
@Suite("Attach plan: IPv6 and dual stack")
struct AttachPlanIPv6Tests {
    static let invocation = AttachPlanTests.invocation
    static let mac = AttachPlanTests.mac

    /// A netconf delegating to host-local (any result shape can then be planned), without
    /// metadata unless `metadata`.
    static func config(defaultRoute: Bool = true, metadata: Bool = false) throws -> NetworkConfig {
        var document = Valid.config.setting("ipam", to: .object(["type": "host-local"]))
            .setting("defaultRoute", to: .bool(defaultRoute))
        if !metadata { document = document.setting("metadata", to: nil) }
        return try AttachPlanTests.config(document)
    }

    /// An IPAM result: `addresses` as "address/length via gateway" (or without " via"),
    /// `routes` as "destination" or "destination via gateway".
    static func result(_ addresses: [String], routes: [String] = []) -> CNIResult {
        let parse = { (text: String) in
            let parts = text.split(separator: " ").map(String.init)
            return (parts[0], parts.count == 3 ? IPAddress(parts[2]) : nil)
        }
        return CNIResult(
            ips: addresses.map(parse).map { CNIResult.IPConfig(address: IPPrefix($0.0)!, gateway: $0.1) },
            routes: routes.map(parse).map { CNIResult.Route(destination: IPPrefix($0.0)!, gateway: $0.1) })
    }

    static func routes(_ config: NetworkConfig, _ ipam: CNIResult) throws -> [String] {
        try AttachPlanner.plan(config: config, invocation: invocation, ipam: ipam, mac: mac).routes
            .map { "\($0.destination) via \($0.gateway.map { "\($0)" } ?? "-")" }
    }

    static let dualStack = ["10.43.1.5/16 via 10.43.0.1", "2001:db8:43::1:5/64 via 2001:db8:43::1"]

    @Test("dual stack: a default route via each family's gateway, added when IPAM returned none")
    func dualStackDefaults() throws {
        #expect(try Self.routes(try Self.config(), Self.result(Self.dualStack)) == [
            "0.0.0.0/0 via 10.43.0.1", "::/0 via 2001:db8:43::1",
        ])
    }

    @Test("a route without a gateway goes via the gateway of its destination's family")
    func routeGatewayPerFamily() throws {
        let ipam = Self.result(Self.dualStack, routes: ["::/0", "0.0.0.0/0", "2001:db8:99::/48", "192.0.2.0/24",
                                                        "2001:db8:77::/48 via 2001:db8:43::7"])
        #expect(try Self.routes(try Self.config(), ipam) == [
            "::/0 via 2001:db8:43::1", "0.0.0.0/0 via 10.43.0.1", "2001:db8:99::/48 via 2001:db8:43::1",
            "192.0.2.0/24 via 10.43.0.1", "2001:db8:77::/48 via 2001:db8:43::7",
        ])
    }

    @Test("advertisements ignored with IPv6 or port security; IPv4 without port security keeps the kernel's IPv6",
          arguments: [
        (true, true, true), (true, false, true), (false, true, true), (false, false, false),
    ])
    func autoconfigurationLimited(_ ipv6: Bool, _ portSecurity: Bool, _ limited: Bool) throws {
        let config = try AttachPlanTests.config(Valid.config.setting("ipam", to: .object(["type": "host-local"]))
            .setting("metadata", to: nil).setting("portSecurity", to: .bool(portSecurity)))
        let ipam = Self.result(ipv6 ? Self.dualStack : [Self.dualStack[0]])
        let steps = try AttachPlanner.plan(config: config, invocation: Self.invocation, ipam: ipam, mac: Self.mac)
            .container
        #expect(steps.contains { if case .limitAutoconfiguration = $0 { true } else { false } } == limited)
    }

    @Test("IPv6 only: ::/0 via the IPv6 gateway and nothing of IPv4")
    func ipv6Only() throws {
        let ipam = Self.result(["2001:db8:44::1:5/64 via 2001:db8:44::1"], routes: ["::/0"])
        #expect(try Self.routes(try Self.config(), ipam) == ["::/0 via 2001:db8:44::1"])
        let noGateway = Self.result(["2001:db8:44::1:5/64"])
        #expect(try Self.routes(try Self.config(), noGateway) == [], "no gateway, no default route")
    }

    @Test("defaultRoute false drops both families' default routes, IPAM's too, and keeps the others")
    func defaultRouteOff() throws {
        let ipam = Self.result(Self.dualStack, routes: ["::/0", "0.0.0.0/0", "2001:db8:99::/48"])
        #expect(try Self.routes(try Self.config(defaultRoute: false), ipam) == ["2001:db8:99::/48 via 2001:db8:43::1"])
    }

    @Test("a route with no gateway of its family is an error naming the route",
          arguments: [(["10.43.1.5/16 via 10.43.0.1"], "::/0"), (["2001:db8:44::1:5/64 via 2001:db8:44::1"], "0.0.0.0/0"),
                      (["10.43.1.5/16 via 10.43.0.1"], "2001:db8:99::/48")])
    func routeWithoutFamilyGateway(_ addresses: [String], _ route: String) throws {
        let error = #expect(throws: CNIError.self) {
            try Self.routes(try Self.config(), Self.result(addresses, routes: [route]))
        }
        #expect(error?.code == .delegatedIPAMFailed && error?.message == "IPAM route \(route) has no gateway",
                "\(String(describing: error))")
        let family = route.contains(":") ? "IPv6" : "IPv4"
        #expect(error?.details.contains("names no \(family) gateway") == true, "\(String(describing: error))")
    }

    @Test("a route whose gateway is of the other family is an error naming both")
    func routeGatewayOfOtherFamily() throws {
        let ipam = Self.result(Self.dualStack, routes: ["::/0 via 10.43.0.1"])
        let error = #expect(throws: CNIError.self) { try Self.routes(try Self.config(), ipam) }
        #expect(error?.message == "IPAM route ::/0 has gateway 10.43.0.1 of the other family")
    }

    @Test("the metadata route stays IPv4, after the default routes; IPv6 alone cannot carry it")
    func metadataIPv4() throws {
        let config = try Self.config(metadata: true)
        #expect(try Self.routes(config, Self.result(Self.dualStack)) == [
            "0.0.0.0/0 via 10.43.0.1", "::/0 via 2001:db8:43::1", "169.254.169.250/32 via 10.43.0.2",
        ])
        let error = #expect(throws: CNIError.self) {
            try Self.routes(config, Self.result(["2001:db8:44::1:5/64 via 2001:db8:44::1"]))
        }
        #expect(error?.code == .invalidNetworkConfig && error?.message.contains("IPv4") == true,
                "\(String(describing: error))")
    }

    @Test("container steps: autoconfiguration limited before up, IPv6 addresses without DAD, one announcement (IPv4)")
    func containerSteps() throws {
        let plan = try AttachPlanner.plan(config: try Self.config(), invocation: Self.invocation,
                                          ipam: Self.result(Self.dualStack), mac: Self.mac)
        #expect(plan.container.map(\.name) == ["createVeth", "protectPort", "limitAutoconfiguration", "bringUp",
                                                "addAddress", "addAddress", "addRoute", "addRoute", "announce"])
        #expect(plan.container.dropFirst(2).prefix(6).map { $0.ipCommand(namespace: "c1") } == [
            "ip netns exec c1 sysctl -w net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.addr_gen_mode=0",
            "ip netns exec c1 sysctl -w net.ipv4.conf.eth0.arp_notify=1 && ip -n c1 link set eth0 up",
            "ip -n c1 addr add 10.43.1.5/16 dev eth0",
            "ip -n c1 addr add 2001:db8:43::1:5/64 dev eth0 nodad",
            "ip -n c1 route add 0.0.0.0/0 via 10.43.0.1 dev eth0",
            "ip -n c1 route add ::/0 via 2001:db8:43::1 dev eth0",
        ])
        let ipv6Only = try AttachPlanner.plan(config: try Self.config(), invocation: Self.invocation,
                                              ipam: Self.result(["2001:db8:44::1:5/64 via 2001:db8:44::1"]), mac: Self.mac)
        #expect(!ipv6Only.container.contains { $0.name == "announce" }, "nothing to announce by ARP")
        let fields = plan.container[2].fields(namespace: "c1")
        #expect(fields["step"] == "limitAutoconfiguration" && fields["interface"] == "eth0")
    }
}
