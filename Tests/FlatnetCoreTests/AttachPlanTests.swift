import FlatnetCore
import FlatnetTestSupport
import Testing

/// Records operations and fails the Nth one.
final class FakeContainerOperations: ContainerOperations {
    var log: [String] = []
    var failAt: Int?
    struct Injected: Error {}

    private func record(_ entry: String) throws {
        log.append(entry)
        if let failAt, log.count == failAt { throw Injected() }
    }

    func createVeth(host: InterfaceName, container: InterfaceName, mtu: Int?, mac: MACAddress?, alias: String) throws {
        try record("veth \(host)")
    }
    func protectPort(_ protection: PortProtection) throws { try record("protect \(protection.port)") }
    func unprotectPort(_ protection: PortProtection) throws { log.append("unprotect \(protection.port)") }
    func addAddress(_ prefix: IPPrefix, to name: InterfaceName) throws { try record("addr \(prefix)") }
    func limitAutoconfiguration(_ name: InterfaceName) throws { try record("accept_ra 0, addr_gen_mode 0") }
    func bringUp(_ name: InterfaceName) throws { try record("arp_notify, up") }
    func addRoute(_ destination: IPPrefix, via gateway: IPAddress, dev name: InterfaceName) throws { try record("route \(destination)") }
    func announce(_ address: IPv4Address, on name: InterfaceName, mac: MACAddress) throws { try record("announce \(address) \(mac)") }
    func deleteVeth(host: InterfaceName) throws { log.append("delete \(host)") }
}

@Suite("Attach plan and rollback")
struct AttachPlanTests {
    static let invocation = CNIInvocation(command: .add, containerID: "c1", netns: "/run/netns/c1", ifName: "eth0")
    static let mac = MACAddress("02:00:00:00:00:01")!

    static func config(_ document: JSONValue = Valid.config) throws -> NetworkConfig {
        try NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0))
    }

    static var poolResult: CNIResult {
        get throws { PoolResult.make(addresses: [IPAddress("10.43.1.5")!], pool: try config().ipam.pool!) }
    }

    @Test("steps in order, each with its ip equivalent")
    func steps() throws {
        let plan = try AttachPlanner.plan(config: try Self.config(), invocation: Self.invocation, ipam: try Self.poolResult, mac: Self.mac,
                                          firstLease: true)
        let reuse = try AttachPlanner.plan(config: try Self.config(), invocation: Self.invocation, ipam: try Self.poolResult, mac: Self.mac)
        #expect(reuse.container[1].ipCommand(namespace: "c1").contains("announced") == false,
                "an address leased before is announced to everyone: no announced element")
        let pair = InterfaceNaming.linkPair(network: "flat-a")
        #expect(plan.host[2] == .ensureRules(ContainmentRules.make(for: try Self.config())!), "rules before any port joins")
        #expect(plan.host[3] == .ensurePortSecurity(PortSecurityRules.make(for: try Self.config())!))
        #expect(Array(plan.host.map(\.ipCommand).prefix(2)) + Array(plan.host.map(\.ipCommand).dropFirst(4)) == [
            "ip link add br-flat-a mtu 1500 type bridge && ip link set br-flat-a address \"$(cat /sys/class/net/br-flat-a/address)\" up",
            "sysctl -w net.ipv6.conf.br-flat-a.disable_ipv6=1",
            "ip link add link eth1 name eth1.100 mtu 1500 type vlan id 100",
            "ip link set eth1.100 master br-flat-a mtu 1500 up",
            "ip link add \(pair.bridgeSide) mtu 1500 master br-flat-a up type veth peer name \(pair.dockerSide) mtu 1500"
                + " && ip link set \(pair.dockerSide) master docker0 up",
            "ip addr add 10.43.0.2/16 dev docker0",
        ])
        let veth = plan.hostVeth.value
        let table = PortSecurityRules.tableName(network: "flat-a")
        #expect(plan.container.map { $0.ipCommand(namespace: "c1") } == [
            "ip link add \(veth) mtu 1500 up type veth peer name eth0 mtu 1500 address 02:00:00:00:00:01 netns /run/netns/c1"
                + " && sysctl -w net.ipv6.conf.\(veth).disable_ipv6=1 && ip link set \(veth) alias flatnet:flat-a master br-flat-a",
            ["macs { \"\(veth)\" . 02:00:00:00:00:01 }", "lladdrs { \"\(veth)\" . 0x020000000001 }", "ipv4 { \"\(veth)\" . 02:00:00:00:00:01 . 10.43.1.5 }",
             "ipv6 { \"\(veth)\" . fe80::ff:fe00:1 }", "targets { \"\(veth)\" . 0xfe80000000000000000000fffe000001 }",
             "drops { \"\(veth)\" }", "announced { \"\(veth)\" . 10.43.1.5 }"].map { "nft add element bridge \(table) " + $0 }
                .reduce("ip link set dev \(veth) type bridge_slave group_fwd_mask 0xfffd") { $0 + "\n" + $1 },
            "ip netns exec c1 sysctl -w net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.addr_gen_mode=0",
            "ip netns exec c1 sysctl -w net.ipv4.conf.eth0.arp_notify=1 && ip -n c1 link set eth0 up",
            "ip -n c1 addr add 10.43.1.5/16 dev eth0",
            "ip -n c1 route add 0.0.0.0/0 via 10.43.0.1 dev eth0",
            "ip -n c1 route add 169.254.169.250/32 via 10.43.0.2 dev eth0",
            "ip -n c1 link set eth0 address 02:00:00:00:00:01  # re-set the MAC: arp_notify announces 10.43.1.5",
        ])
        #expect(veth.utf8.count <= 15 && veth.hasPrefix("fl"))
    }

    @Test("a default route is added when IPAM has none, and dropped when defaultRoute is false")
    func defaultRoute() throws {
        let noRoutes = try Self.config(Valid.config.setting("ipam.routes", to: .array([])).setting("metadata", to: nil))
        let routes = try AttachPlanner.plan(config: noRoutes, invocation: Self.invocation,
                                            ipam: PoolResult.make(addresses: [IPAddress("10.43.1.5")!], pool: noRoutes.ipam.pool!), mac: Self.mac).routes
        #expect(routes.map { "\($0.destination) \($0.gateway!)" } == ["0.0.0.0/0 10.43.0.1"])
        let off = try Self.config(Valid.config.setting("defaultRoute", to: .bool(false)))
        let kept = try AttachPlanner.plan(config: off, invocation: Self.invocation, ipam: try Self.poolResult, mac: Self.mac).routes
        #expect(kept.map { "\($0.destination)" } == ["169.254.169.250/32"], "the metadata route stays")
    }

    @Test("without uplink and metadata the host setup is the bridge alone, IPv6 off, and port security")
    func hostOnly() throws {
        let config = try Self.config(Valid.config.setting("uplink", to: nil).setting("vlan", to: nil).setting("metadata", to: nil))
        #expect(AttachPlanner.hostSteps(for: config) == [.ensureBridge(config.bridge, mtu: 1500), .disableIPv6(config.bridge),
                                                          .ensurePortSecurity(PortSecurityRules.make(for: config)!)])
    }

    @Test("a failure at step N removes the veth iff step 1 created it, the port's elements iff step 2 began",
          arguments: 1...8)
    func rollback(_ failingStep: Int) throws {
        let plan = try AttachPlanner.plan(config: try Self.config(), invocation: Self.invocation, ipam: try Self.poolResult, mac: Self.mac)
        let fake = FakeContainerOperations()
        fake.failAt = failingStep
        var runner = ContainerStepRunner(operations: fake)
        #expect(throws: FakeContainerOperations.Injected.self) { try runner.run(plan.container) }
        let undone = fake.log.filter { $0.hasPrefix("delete") || $0.hasPrefix("unprotect") }
        let expected = failingStep == 1 ? [] : ["delete \(plan.hostVeth)", "unprotect \(plan.hostVeth)"]
        #expect(undone == expected, "\(fake.log)")
        #expect(fake.log.count == failingStep + undone.count, "no step runs after the failure")
        runner.rollBack()
        #expect(fake.log.count == failingStep + undone.count, "rollback is idempotent")
    }

    @Test("the result: bridge, host veth, container with sandbox; ips point at the container")
    func result() throws {
        let config = try Self.config()
        let plan = try AttachPlanner.plan(config: config, invocation: Self.invocation, ipam: try Self.poolResult, mac: Self.mac)
        let observed = AttachResult.Observed(bridgeMAC: MACAddress("0a:00:00:00:00:01"), hostVethMAC: MACAddress("0a:00:00:00:00:02"),
                                             containerMAC: MACAddress("0a:00:00:00:00:03"), containerMTU: 1500)
        let result = AttachResult.make(config: config, invocation: Self.invocation, plan: plan, ipam: try Self.poolResult, observed: observed)
        #expect(result.interfaces.map(\.name) == ["br-flat-a", plan.hostVeth.value, "eth0"])
        #expect(result.interfaces[2].sandbox == "/run/netns/c1" && result.interfaces[0].sandbox == nil)
        #expect(result.ips.map(\.interface) == [2])
    }

    @Test("chained after another plugin, its result is extended and indices shift")
    func chained() throws {
        var config = try Self.config()
        config.runtime.prevResult = CNIResult(interfaces: [CNIResult.Interface(name: "other0")],
                                              ips: [CNIResult.IPConfig(address: IPPrefix("192.168.0.2/24")!, interface: 0)])
        let plan = try AttachPlanner.plan(config: config, invocation: Self.invocation, ipam: try Self.poolResult, mac: Self.mac)
        let observed = AttachResult.Observed(bridgeMAC: nil, hostVethMAC: nil, containerMAC: nil, containerMTU: nil)
        let result = AttachResult.make(config: config, invocation: Self.invocation, plan: plan, ipam: try Self.poolResult, observed: observed)
        #expect(result.interfaces.map(\.name).first == "other0" && result.interfaces.count == 4)
        #expect(result.ips.map(\.interface) == [0, 3])
    }

    @Test("CHECK names each drift precisely")
    func checkDrift() throws {
        let config = try Self.config()
        let bridge = LinkInfo(index: 5, name: "br-flat-a", kind: "bridge", mtu: 1500, isUp: true, masterIndex: nil, mac: Self.mac)
        let veth = LinkInfo(index: 7, name: "flx", kind: "veth", mtu: 1500, isUp: true, masterIndex: nil, mac: Self.mac)
        let container = LinkInfo(index: 2, name: "eth0", kind: "veth", mtu: 1500, isUp: true, masterIndex: nil, mac: MACAddress("0a:00:00:00:00:09"))
        var expected = try Self.poolResult
        expected.interfaces = [CNIResult.Interface(name: "br-flat-a"), CNIResult.Interface(name: "flx"),
                               CNIResult.Interface(name: "eth0", mac: MACAddress("0a:00:00:00:00:03"), sandbox: "/run/netns/c1")]
        expected.ips[0].interface = 2
        let observation = AttachmentCheck.Observation(bridge: bridge, hostVeth: veth, container: container,
                                                      containerAddresses: [], containerRoutes: [])
        let drift = AttachmentCheck.drift(expected: expected, config: config, invocation: Self.invocation, observed: observation)
        let hostVeth = InterfaceNaming.hostVeth(network: "flat-a", attachment: Self.invocation.attachment)
        #expect(drift == [
            "host veth \(hostVeth) is not attached to bridge br-flat-a",
            "eth0 has MAC 0a:00:00:00:00:09, prevResult says 0a:00:00:00:00:03",
            "eth0 lacks address 10.43.1.5/16",
            "route 0.0.0.0/0 via 10.43.0.1 is missing in the container",
        ])
    }
}
