import FlatnetCore
import Testing

@Suite("Interface names")
struct InterfaceNamingTests {
    @Test("kernel rules", arguments: [
        ("eth0", true), ("br-flat-a", true), ("123456789012345", true), ("1234567890123456", false),
        ("", false), (".", false), ("..", false), ("a/b", false), ("a:b", false), ("a b", false), ("a\tb", false),
        ("br\u{0}x", false), ("eth\u{1b}1", false), ("eth\u{7f}", false), ("a\u{e9}\u{e9}", true), ("\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}", true),
    ])
    func rules(_ name: String, _ valid: Bool) {
        #expect((InterfaceName.problem(with: name) == nil) == valid)
    }

    @Test("a short network's bridge is br-<name>")
    func shortBridge() {
        #expect(InterfaceNaming.defaultBridge(network: "flat-a").value == "br-flat-a")
    }

    /// Found by the fuzz lane (netconf target): `flatnet netconf validate` on a netconf
    /// named "a/b" without a bridge trapped in `fitted` instead of reporting the name.
    @Test("a bridge name is derived, valid, for any network name, even one validation refuses", arguments: [
        "a/b", "a b", "a:b", "net\u{0}x", "esc\u{1b}", "del\u{7f}", "line\u{2028}sep", ":", "/",
        String(repeating: "x/", count: 20), String(repeating: "\u{e9} ", count: 12),
    ])
    func bridgeForAnyName(_ network: String) {
        let bridge = InterfaceNaming.defaultBridge(network: network)
        #expect(InterfaceName.problem(with: bridge.value) == nil, "\(bridge.value)")
        #expect(bridge.value.hasPrefix("br-"))
        #expect(bridge == InterfaceNaming.defaultBridge(network: network))
    }

    @Test("long names are shortened to 15 bytes, deterministically and distinctly")
    func longNames() {
        let first = InterfaceNaming.defaultBridge(network: "production-zone-1")
        let second = InterfaceNaming.defaultBridge(network: "production-zone-2")
        #expect(first.value.utf8.count <= 15 && second.value.utf8.count <= 15)
        #expect(first != second)
        #expect(first == InterfaceNaming.defaultBridge(network: "production-zone-1"))
        #expect(first.value.hasPrefix("br-"))
    }

    @Test("VLAN sub-interface is <uplink>.<vlan> when it fits, a hashed name when not")
    func vlanNames() throws {
        let short = try InterfaceName(validating: "eth1")
        #expect(InterfaceNaming.vlanInterface(uplink: short, vlan: 100).value == "eth1.100")
        let long = try InterfaceName(validating: "enp129s0f1np1")
        let derived = InterfaceNaming.vlanInterface(uplink: long, vlan: 4094)
        #expect(derived.value.utf8.count <= 15)
        #expect(derived.value.hasSuffix(".4094"))
        #expect(derived != InterfaceNaming.vlanInterface(uplink: try InterfaceName(validating: "enp129s0f1np2"), vlan: 4094))
    }

    @Test("names that differ only in their last character get different host-veth prefixes")
    func nearIdenticalNetworks() {
        for family in [(0..<26).map { "flat-" + String(UnicodeScalar(97 + $0)!) }, (0..<10).map { "net\($0)" }] {
            let prefixes = family.map { InterfaceNaming.hostVethPrefix(network: $0) }
            #expect(Set(prefixes).count == family.count, "\(Dictionary(grouping: family) { InterfaceNaming.hostVethPrefix(network: $0) })")
        }
    }

    @Test("network tags are well mixed: 10,000 names spread over the 16-bit space as random ones would")
    func tagsAreWellMixed() {
        let tags = Set((0..<10_000).map { InterfaceNaming.hostVethPrefix(network: "flat-\($0)") })
        // A uniform 16-bit tag gives about 9,276 distinct values for 10,000 names.
        #expect(tags.count > 9_000, "\(tags.count) distinct tags")
    }
}
