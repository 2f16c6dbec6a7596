import FlatnetCore
import Testing

@Suite("Interface names")
struct InterfaceNamingTests {
    @Test("kernel rules", arguments: [
        ("eth0", true), ("br-flat-a", true), ("123456789012345", true), ("1234567890123456", false),
        ("", false), (".", false), ("..", false), ("a/b", false), ("a:b", false), ("a b", false), ("a\tb", false),
    ])
    func rules(_ name: String, _ valid: Bool) {
        #expect((InterfaceName.problem(with: name) == nil) == valid)
    }

    @Test("a short network's bridge is br-<name>")
    func shortBridge() {
        #expect(InterfaceNaming.defaultBridge(network: "flat-a").value == "br-flat-a")
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

    @Test("the hash is FNV-1a: stable across processes (known value)")
    func stableHash() {
        // FNV-1a 32-bit of "a" is 0xe40c292c; its low 24 bits are 0c292c.
        #expect(InterfaceNaming.shortHash("a") == "0c292c")
    }
}
