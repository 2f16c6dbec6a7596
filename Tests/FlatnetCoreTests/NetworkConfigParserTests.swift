import FlatnetCore
import FlatnetTestSupport
import Testing

@Suite("Netconf parsing")
struct NetworkConfigParserTests {
    static func parse(_ document: JSONValue) throws -> NetworkConfig {
        try NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0))
    }

    @Test("the documented example parses into the expected values")
    func example() throws {
        let config = try Self.parse(Valid.config)
        #expect(config.name == "flat-a")
        #expect(config.bridge.value == "br-flat-a")
        #expect(config.uplink?.value == "eth1")
        #expect(config.uplinkPort?.value == "eth1.100")
        #expect(config.vlan == 100 && config.mtu == 1500)
        #expect(config.metadata?.dockerBridge.value == "docker0")
        #expect(config.metadata?.reservedAddress == IPv4Address("10.43.0.2"))
        let pool = try #require(config.ipam.pool)
        let ipv4 = try #require(pool.ipv4)
        #expect(ipv4.subnet == IPPrefix("10.43.0.0/16") && pool.ipv6 == nil)
        #expect(ipv4.gateway == IPAddress("10.43.0.1"))
        #expect(ipv4.ranges == [AddressRange(start: IPv4Address("10.43.1.2")!, end: IPv4Address("10.43.1.254")!)])
        #expect(ipv4.exclude.map(\.description) == ["10.43.1.100/30"])
        #expect(pool.routes.map(\.destination.description) == ["0.0.0.0/0"])
        #expect(pool.dataDirectory == "/var/lib/cni/flatnet")
    }

    @Test("optional fields take their documented defaults")
    func defaults() throws {
        let minimal = try JSONValue.parse(Array("""
            {"cniVersion": "1.0.0", "name": "flat-b", "type": "flatnet",
             "metadata": {"reservedAddress": "10.43.0.2"},
             "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                      "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.254"}]}}
            """.utf8))
        let config = try Self.parse(minimal)
        #expect(config.bridge.value == "br-flat-b")
        #expect(config.uplink == nil && config.uplinkPort == nil && config.vlan == nil && config.mtu == nil)
        #expect(config.metadata?.dockerBridge.value == "docker0")
        #expect(config.metadata?.address == IPv4Address("169.254.169.250"))
        #expect(config.ipam.pool?.dataDirectory == "/var/lib/cni/flatnet")
        #expect(config.ipam.pool?.ipv4?.exclude == [] && config.ipam.pool?.routes == [])
    }

    @Test("without metadata there is no docker0 link")
    func noMetadata() throws {
        #expect(try Self.parse(Valid.config.setting("metadata", to: nil)).metadata == nil)
    }

    @Test("a delegated ipam block is passed through unvalidated")
    func delegatedIPAM() throws {
        let hostLocal = JSONValue.object(["type": .string("host-local"), "ranges": .array([]), "anything": .bool(true)])
        let config = try Self.parse(Valid.config.setting("ipam", to: hostLocal).setting("metadata", to: nil))
        #expect(config.ipam == .delegated(type: "host-local"))
        #expect(config.raw["ipam"] == hostLocal)
    }

    @Test("runtime keys from the spec are accepted inside a conflist plugin object")
    func runtimeKeys() throws {
        let document = Valid.config
            .setting("capabilities", to: .object(["ips": .bool(true), "mac": .bool(true)]))
            .setting("runtimeConfig", to: .object(["ips": .array([.string("10.43.1.9/16")]), "portMappings": .array([])]))
            .setting("args", to: .object(["cni": .object(["mac": .string("0a:00:00:00:00:09")])]))
            .setting("dns", to: .object([:]))
        let config = try Self.parse(document)
        #expect(config.runtime.requestedAddresses.map(\.description) == ["10.43.1.9/16"])
        #expect(config.runtime.requestedMAC == MACAddress("0a:00:00:00:00:09"))
    }

    @Test("args.cni.ips wins over runtimeConfig.ips, and both over CNI_ARGS IP=")
    func requestPrecedence() throws {
        let both = Valid.config
            .setting("runtimeConfig", to: .object(["ips": .array([.string("10.43.1.8")])]))
            .setting("args", to: .object(["cni": .object(["ips": .array([.string("10.43.1.7")])])]))
        var arguments = CNIArguments()
        arguments.requestedAddresses = [IPAddress("10.43.1.6")!]
        #expect(try Self.parse(both).runtime.effectiveRequests(with: arguments).addresses == [IPAddress("10.43.1.7")!])
        #expect(try Self.parse(Valid.config).runtime.effectiveRequests(with: arguments).addresses == [IPAddress("10.43.1.6")!])
    }

    @Test("GC reads valid-attachments, and the older attachments key")
    func attachments() throws {
        for key in ["cni.dev/valid-attachments", "cni.dev/attachments"] {
            var members = try #require(Valid.config.objectValue, "the valid config is an object")
            members[key] = .array([.object(["containerID": .string("c9"), "ifname": .string("eth0")])])
            let config = try Self.parse(.object(members))
            #expect(config.runtime.validAttachments == [Attachment(containerID: "c9", ifName: "eth0")], "\(key)")
        }
        #expect(try Self.parse(Valid.config).runtime.validAttachments == nil)
    }

    /// Found by the fuzz lane (netconf target): the CLI reads netconf files without the
    /// dispatcher's early name check, and deriving the default bridge from "a/b" trapped.
    @Test("a netconf file naming an invalid network and no bridge is refused for its name",
          arguments: ["a/b", "a b", "a:b"])
    func invalidNameWithoutBridge(_ name: String) throws {
        let document = Valid.config.setting("name", to: .string(name)).setting("bridge", to: nil)
        do {
            _ = try NetconfFile.load(document: document)
            Issue.record("accepted the network name \(name)")
        } catch let error as ConfigError {
            #expect(error.problems.map(\.path) == ["name"])
        }
    }

    @Test("every problem is reported at once, each with its path")
    func allProblemsAtOnce() {
        let broken = Valid.config
            .setting("vlan", to: .number(0))
            .setting("mtu", to: .string("1500"))
            .setting("ipam.gateway", to: .string("10.99.0.1"))
            .setting("metadata.reservedAddress", to: .string("10.43.1.9"))
        #expect(throws: ConfigError.self) { try Self.parse(broken) }
        do {
            _ = try Self.parse(broken)
        } catch let error as ConfigError {
            #expect(error.problems.map(\.path) == ["vlan", "mtu", "ipam.gateway", "metadata.reservedAddress"])
            #expect(error.cniCode == .invalidNetworkConfig)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
