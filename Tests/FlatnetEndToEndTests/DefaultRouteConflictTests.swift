import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// flatnet as a secondary attachment (Multus): the container already has a default route
/// through its primary network, here a veth to another namespace the test made.
@Suite("A container that already has a default route (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct DefaultRouteConflictTests {
    /// Container c1 with a primary network: pri0 (192.0.2.2/24) paired with a peer in
    /// namespace "primary" (192.0.2.1/24), and `default via 192.0.2.1 dev pri0`.
    static func containerWithPrimaryNetwork(_ topology: Topology) throws -> String {
        let container = try topology.container("c1")
        let primary = try topology.container("primary")
        try topology.run(["/usr/sbin/ip", "-n", container, "link", "add", "pri0", "type", "veth",
                          "peer", "name", "pri0", "netns", primary])
        for (namespace, address) in [(container, "192.0.2.2/24"), (primary, "192.0.2.1/24")] {
            try topology.run(["/usr/sbin/ip", "-n", namespace, "address", "add", address, "dev", "pri0"])
            try topology.run(["/usr/sbin/ip", "-n", namespace, "link", "set", "pri0", "up"])
        }
        try topology.run(["/usr/sbin/ip", "-n", container, "route", "add", "default", "via", "192.0.2.1"])
        return try topology.ip("c1", "route", "show", "default")
    }

    /// flat-a on hA, without metadata (the conflict is about routes only).
    static func netconf(_ topology: Topology) -> JSONValue {
        topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), version: "1.0.0")
    }

    static func flatnetVeths(_ topology: Topology) throws -> [Substring] {
        try topology.ip("hA", "-br", "link", "show", "type", "veth").split(separator: "\n")
            .filter { $0.hasPrefix("fl") }
    }

    static func leases(_ topology: Topology) -> [String] {
        let directory = topology.stateDirectory + "/hA/flat-a/addresses"
        return (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    @Test("defaultRoute true: an error that names the default route and the setting; nothing left behind")
    func defaultRouteRefused() throws {
        let topology = try Topology()
        let original = try Self.containerWithPrimaryNetwork(topology)
        #expect(original.contains("default via 192.0.2.1 dev pri0"), "control: the primary route is there")
        let config = Self.netconf(topology)
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.status != 0)
        #expect(add.code == 101, "\(add.outcome.stdout)")
        let message = add.reply?["msg"]?.stringValue
        #expect(message == "the container already has a default route", "\(add.outcome.stdout)")
        let details = add.reply?["details"]?.stringValue ?? ""
        #expect(details.contains("\"defaultRoute\": false"), "the fix is named: \(details)")
        #expect(details.contains("0.0.0.0/0 via 10.43.0.1"), "the route flatnet tried is named: \(details)")
        #expect(try !topology.ip("c1", "-br", "link").contains("eth0"), "the container end was rolled back")
        #expect(try Self.flatnetVeths(topology).isEmpty, "the host end too")
        #expect(Self.leases(topology).isEmpty, "the address was given back")
        #expect(try topology.ip("c1", "route", "show", "default") == original, "the primary route is untouched")
        // The operator's fix, in the same container: it succeeds and holds the only lease.
        let retry = try topology.flatnet("ADD", host: "hA", container: "c1",
                                         config: config.setting("defaultRoute", to: .bool(false)))
        #expect(retry.status == 0, "\(retry.outcome.stdout)")
        #expect(Self.leases(topology) == [retry.address ?? "none"], "control: the lease probe sees this one")
    }

    @Test("defaultRoute false: ADD succeeds beside the primary network, whose default route stays as it was")
    func secondaryAttachment() throws {
        let topology = try Topology()
        let original = try Self.containerWithPrimaryNetwork(topology)
        let config = Self.netconf(topology).setting("defaultRoute", to: .bool(false))
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.status == 0, "\(add.outcome.stdout)")
        #expect(add.address == "10.43.1.2")
        #expect(try topology.ip("c1", "route", "show", "default") == original)
        #expect(try topology.ip("c1", "-br", "address", "show", "dev", "eth0").contains("10.43.1.2/16"))
        #expect(try Self.flatnetVeths(topology).count == 1, "control for the probes: the veth is seen")
        #expect(Self.leases(topology) == ["10.43.1.2"], "control for the probes: the lease is seen")
        #expect(try topology.ping(from: "c1", "10.43.0.1"), "the flat segment works on the secondary interface")
        #expect(try topology.flatnet("DEL", host: "hA", container: "c1", config: config).status == 0)
        #expect(try topology.ip("c1", "route", "show", "default") == original)
    }
}
