import FlatnetCore
import FlatnetTestSupport
import Testing

@Suite("Port security: netconf, per-port protection, table drift")
struct PortSecurityTests {
    static func config(_ document: JSONValue = Valid.config) throws -> NetworkConfig {
        try NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0))
    }

    static let invocation = CNIInvocation(command: .add, containerID: "c1", netns: "/run/netns/c1", ifName: "eth0")
    static let mac = MACAddress("02:00:00:00:00:01")!

    static func lease(_ config: NetworkConfig) -> CNIResult {
        PoolResult.make(addresses: [IPAddress("10.43.1.5")!], pool: config.ipam.pool!)
    }

    @Test("on by default: 100 frames/s, burst 200, no allowed addresses")
    func defaults() throws {
        let config = try Self.config()
        #expect(config.portSecurity == PortSecurityConfig(enabled: true, allowedAddresses: [],
                                                          floodLimit: FloodLimit(packetsPerSecond: 100, burst: 200)))
        let rules = try #require(PortSecurityRules.make(for: config))
        #expect(rules.chains.first { $0.name == "port" }?.rules.first { $0.contains("limit rate") }?.contains("limit rate over 100/second burst 200 packets") == true)
    }

    @Test("\"portSecurity\": false: no table, no protect step")
    func off() throws {
        let config = try Self.config(Valid.config.settingKey("portSecurity", to: .bool(false)))
        #expect(PortSecurityRules.make(for: config) == nil)
        #expect(!AttachPlanner.hostSteps(for: config).contains { if case .ensurePortSecurity = $0 { true } else { false } })
        let plan = try AttachPlanner.plan(config: config, invocation: Self.invocation, ipam: Self.lease(config), mac: Self.mac)
        #expect(!plan.container.contains { if case .protectPort = $0 { true } else { false } })
    }

    @Test("the flood limit and allowed addresses come from the netconf")
    func configured() throws {
        let document = Valid.config
            .settingKey("floodLimit", to: .object(["packetsPerSecond": .number(7), "burst": .number(9)]))
            .settingKey("allowedAddresses", to: .array([.string("10.43.0.100")]))
        let config = try Self.config(document)
        let rules = try #require(PortSecurityRules.make(for: config))
        #expect(rules.chains.first { $0.name == "port" }?.rules.first { $0.contains("limit rate") }?.contains("limit rate over 7/second burst 9 packets") == true)
        #expect(config.portSecurity.allowedAddresses == [IPv4Address("10.43.0.100")!])
        let nftDefault = try Self.config(Valid.config.settingKey("floodLimit", to: .object(["burst": .number(5)])))
        let rule = try #require(PortSecurityRules.make(for: nftDefault)?.chains.first { $0.name == "port" }?.rules.first { $0.contains("limit rate") })
        #expect(rule.contains("limit rate over 100/second }"), "nft lists no burst when it is 5: \(rule)")
        let excluded = try Self.config(Valid.config.settingKey("allowedAddresses", to: .array([.string("10.43.1.101")])))
        #expect(excluded.portSecurity.allowedAddresses.count == 1, "inside a range but excluded from the pool: fine")
    }

    @Test("a port may use its lease, the network's and its own allowed addresses, once each")
    func protectionAddresses() throws {
        var config = try Self.config(Valid.config.settingKey("allowedAddresses", to: .array([.string("10.43.0.100")]))
            .settingKey("grantableAddresses", to: .array([.string("10.43.0.96/28")])))
        config.runtime.allowedAddresses = [IPv4Address("10.43.0.101")!, IPv4Address("10.43.0.100")!]
        let protection = try #require(try AttachPlanner.portProtection(config: config, invocation: Self.invocation,
                                                                       ipam: Self.lease(config), mac: Self.mac))
        #expect(protection.ipv4.map(\.description) == ["10.43.1.5", "10.43.0.100", "10.43.0.101"])
        #expect(protection.port == InterfaceNaming.hostVeth(network: "flat-a", attachment: Self.invocation.attachment))
        #expect(protection.table == PortSecurityRules.tableName(network: "flat-a"))
    }

    @Test("IPv6 addresses a delegated IPAM assigned are allowed sources and targets, beside the link-local one")
    func assignedIPv6() throws {
        let config = try Self.config()
        var result = Self.lease(config)
        result.ips.append(CNIResult.IPConfig(address: IPPrefix("2001:db8::5/64")!, interface: nil))
        let protection = try #require(try AttachPlanner.portProtection(config: config, invocation: Self.invocation,
                                                                       ipam: result, mac: Self.mac))
        #expect(protection.ipv6Sources.map(\.description) == ["fe80::ff:fe00:1", "2001:db8::5"])
        let sources = protection.elementChanges.first { $0.set == "ipv6" }?.keys.count
        let targets = protection.elementChanges.first { $0.set == "targets" }?.keys.count
        #expect(sources == 2 && targets == 2)
        #expect(PortProtection(record: protection.record) == protection)
    }

    @Test("CNI_ARGS ALLOWED_ADDRESSES is checked against the subnet at ADD (code 7, source named)")
    func cniArgsAllowedAddresses() throws {
        let config = try Self.config()
        let arguments = try CNIArguments(parsing: "ALLOWED_ADDRESSES=10.43.0.100,10.43.0.1")
        #expect(arguments.allowedAddresses.map(\.description) == ["10.43.0.100", "10.43.0.1"])
        var invocation = Self.invocation
        invocation.arguments = arguments
        do {
            _ = try AttachPlanner.portProtection(config: config, invocation: invocation, ipam: Self.lease(config), mac: Self.mac)
            Issue.record("the gateway was accepted as an allowed address")
        } catch {
            #expect(error.code == .invalidNetworkConfig)
            #expect(error.message.contains("10.43.0.1") && error.details.contains("CNI_ARGS ALLOWED_ADDRESSES"))
        }
        let outside = try CNIArguments(parsing: "ALLOWED_ADDRESSES=192.168.9.9")
        invocation.arguments = outside
        #expect(throws: CNIError.self) {
            try AttachPlanner.portProtection(config: config, invocation: invocation, ipam: Self.lease(config), mac: Self.mac)
        }
    }

    @Test("a per-container grant must lie in grantableAddresses: none listed, none granted")
    func grantsNeedReservedBlocks() throws {
        var invocation = Self.invocation
        invocation.arguments = try CNIArguments(parsing: "ALLOWED_ADDRESSES=10.43.2.2")
        let plain = try Self.config()
        // Another host's range (10.43.2.x) is not this host's: only a reserved block makes a grant safe.
        let refused = #expect(throws: CNIError.self) {
            try AttachPlanner.portProtection(config: plain, invocation: invocation, ipam: Self.lease(plain), mac: Self.mac)
        }
        #expect(refused?.message.contains("grantableAddresses") == true)
        let reserved = try Self.config(Valid.config.settingKey("grantableAddresses", to: .array([.string("10.43.250.0/24")])))
        #expect(throws: CNIError.self) {
            try AttachPlanner.portProtection(config: reserved, invocation: invocation, ipam: Self.lease(reserved), mac: Self.mac)
        }
        invocation.arguments = try CNIArguments(parsing: "ALLOWED_ADDRESSES=10.43.250.7")
        let granted = try #require(try AttachPlanner.portProtection(config: reserved, invocation: invocation,
                                                                    ipam: Self.lease(reserved), mac: Self.mac))
        #expect(granted.ipv4.map(\.description) == ["10.43.1.5", "10.43.250.7"])
    }

    @Test("a grantable block is inside the subnet, off the pool's ranges, and holds no reserved address",
          arguments: ["10.43.1.0/24", "10.43.0.0/28", "10.99.0.0/24", "10.43.0.2"])
    func grantableBlocks(_ block: String) throws {
        let config = Valid.config.settingKey("grantableAddresses", to: .array([.string(block)]))
        let error = #expect(throws: ConfigError.self) { try Self.config(config) }
        #expect(error.map { "\($0)" }?.contains("grantableAddresses[0]") == true, "\(block): \(String(describing: error))")
    }

    @Test("flatnet's MACs are locally administered unicast; link-local is modified EUI-64")
    func macs() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let mac = MACAddress.random(using: &generator)
            #expect(mac.bytes[0] & 0x03 == 0x02, "\(mac)")
        }
        #expect(MACAddress("52:54:00:12:34:56")!.linkLocalIPv6.description == "fe80::5054:ff:fe12:3456")
        #expect(MACAddress("02:00:00:00:00:01")!.linkLocalIPv6.description == "fe80::ff:fe00:1")
    }

    @Test("a port record reads back as written; a foreign file is not a record")
    func record() throws {
        let port = try InterfaceName(validating: "fl12ab123456789")
        let protection = PortProtection(table: "flatnet-flat-a-0", port: port, mac: Self.mac,
                                        ipv4: [IPv4Address("10.43.1.5")!, IPv4Address("10.43.1.5")!])
        #expect(protection.ipv4.count == 1, "repeats are dropped")
        #expect(PortProtection(record: protection.record) == protection)
        #expect(PortProtection(record: "{\"table\": \"t\"}") == nil)
        #expect(PortProtection(record: "not json") == nil)
    }

    @Test("the announced address: one element in its own set, kept by the record; an older record has none")
    func announced() throws {
        let port = try InterfaceName(validating: "fl12ab123456789")
        let (leased, allowed) = (IPv4Address("10.43.1.5")!, IPv4Address("10.43.0.100")!)
        let protection = PortProtection(table: "t", port: port, mac: Self.mac, ipv4: [leased, allowed], announced: leased)
        let change = try #require(protection.elementChanges.first { $0.set == "announced" })
        #expect(change.keys == [NftElementKey.interface(port) + .ipv4(leased)], "the leased address only")
        #expect(PortProtection(record: protection.record) == protection)
        var older = PortProtection(table: "t", port: port, mac: Self.mac, ipv4: [leased])
        #expect(!older.elementChanges.contains { $0.set == "announced" }, "no element: its announcements reach everyone")
        older.announced = IPv4Address("10.43.9.9")
        #expect(PortProtection(record: older.record) == nil, "an announced address the port does not hold is refused")
    }

    @Test("adoption trusts a MAC only when one port alone has it and no recorded port does")
    func adoption() {
        let (a, b, c) = (MACAddress("02:00:00:00:00:0a")!, MACAddress("02:00:00:00:00:0b")!, MACAddress("02:00:00:00:00:0c")!)
        let multicast = MACAddress("03:00:00:00:00:0d")!
        #expect(PortProtection.adoptableMACs([a, b, b, c, multicast], recorded: [c]) == [a])
    }

    @Test("near-identical network names get distinct tables and distinct veth wildcards")
    func identity() throws {
        let a = PortSecurityRules.tableName(network: "flat-a"), b = PortSecurityRules.tableName(network: "flat-b")
        #expect(a != b && a.hasPrefix("flatnet-flat-a-") && b.hasPrefix("flatnet-flat-b-"))
        let long = String(repeating: "n", count: 40)
        #expect(PortSecurityRules.tableName(network: long + "1") != PortSecurityRules.tableName(network: long + "2"))
    }

    @Test("the script keeps the sets: it adds, flushes and refills, never deletes the table")
    func script() throws {
        let rules = try #require(PortSecurityRules.make(for: try Self.config()))
        let script = rules.script(removingChains: ["old"])
        #expect(!script.contains("delete table"))
        for chain in rules.chains { #expect(script.contains("flush chain bridge \(rules.table) \(chain.name)\n")) }
        #expect(script.contains("delete chain bridge \(rules.table) old\n"))
        #expect(rules.chains.map(\.name) == ["prerouting", "port", "port-arp", "port-ipv4", "port-ipv6",
                                              "port-first-fragment", "port-nd-option", "port-rs-option", "spoof",
                                              "input", "forward", "to-link"])
        let noMetadata = try #require(PortSecurityRules.make(for: try Self.config(Valid.config.setting("metadata", to: nil))))
        #expect(!noMetadata.chains.contains { $0.name == "to-link" })
        let forward = try #require(noMetadata.chains.first { $0.name == "forward" })
        #expect(forward.rules.count == 2 && forward.rules[1].contains("@announced"),
                "without metadata, forward holds the VLAN and announcement rules: \(forward.rules)")
        #expect(forward.rules[0] == "oifname \"\(InterfaceNaming.hostVethPrefix(network: "flat-a"))*\" ether type { 8021q, 8021ad } drop",
                "no tagged frame reaches a container port, with or without metadata")
    }
}
