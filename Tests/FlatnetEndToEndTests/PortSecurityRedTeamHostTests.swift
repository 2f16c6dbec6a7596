import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The red team's attacks that need a host of their own: a network without a metadata
/// block, a runtime's grant of another host's lease, and a container adopted when port
/// security was turned back on. Each is blocked by default and lands with
/// `"portSecurity": false` (the control).
@Suite("Port security red team: hosts set up for one attack each (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct PortSecurityRedTeamHostTests {
    /// flat-a's netconf on `host` for `protection` (no metadata block unless asked).
    static func flatA(_ topology: Topology, host: String = "hA", _ protection: Protection,
                      metadata: Bool = false) -> JSONValue {
        let config = topology.flatA(host: host, metadata: metadata)
        return protection == .off ? config.settingKey("portSecurity", to: .bool(false)) : config
    }

    /// Sends `options` as a broadcast udp4 probe from container `name` (its own IPv4
    /// address) with a barrier to the router, then returns the port of hostA's bridge
    /// that holds `victimMAC`.
    static func spoofEntry(_ topology: Topology, from name: String, victimMAC: String,
                           _ options: KeyValuePairs<String, String>) throws -> String? {
        _ = try topology.attack("udp4", from: name, options, watch: [.frames("rt", interface: "eth1")],
                                barriers: [try topology.barrier(to: "rt", interface: "eth1")])
        return try topology.forwardingPort(of: victimMAC, bridge: "br-flat-a", in: "hA")
    }

    @Test("without a metadata block: no datagram reaches the host's own stack through the flat bridge",
          arguments: Protection.allCases)
    func hostStackWithoutMetadata(_ protection: Protection) throws {
        let topology = try Topology()
        try topology.attach(["xA"], host: "hA", config: Self.flatA(topology, protection))
        // The host's own address (its management address, say), on lo: Linux accepts a
        // datagram for it on any interface, and answers ARP for it on the flat bridge.
        _ = try topology.ip("hA", "addr", "add", "192.0.2.10/32", "dev", "lo")
        let capture = try topology.attack("udp4", from: "xA", [
            "dst": "192.0.2.10", "dst-mac": try topology.mac(of: "hA", interface: "br-flat-a"),
        ], watch: [.datagrams("hA"), .frames("rt", interface: "eth1")],
           barriers: [try topology.barrier(to: "rt", interface: "eth1")])
        let sources = capture.sources(at: "hA")
        protection.expect(landed: !sources.isEmpty, "hostA's own socket receives xA's datagrams (\(sources))")
    }

    @Test("without a metadata block: MAC spoofing to 01:80:c2:00:00:03 (802.1X) never moves vA's entry on hostA",
          arguments: Protection.allCases)
    func linkLocalGroupWithoutMetadata(_ protection: Protection) throws {
        let topology = try Topology()
        try topology.attach(["xA", "vA"], host: "hA", config: Self.flatA(topology, protection), quiet: ["vA"])
        let victimMAC = try topology.mac(of: "vA")
        #expect(try topology.relearn("vA", host: "hA") == topology.hostVeth(of: "vA"), "control: vA's entry")
        let after = try Self.spoofEntry(topology, from: "xA", victimMAC: victimMAC,
                                        ["src-mac": victimMAC, "dst-mac": Topology.linkLocalGroup("03")])
        protection.expect(landed: after == topology.hostVeth(of: "xA"),
                          "hostA's bridge forwards vA's MAC to the attacker's port (\(after ?? "no entry"))")
    }

    @Test("an address granted through CNI_ARGS is never hostB's container's lease: xA cannot take vB's address",
          arguments: Protection.allCases)
    func grantOfAnotherHostsLease(_ protection: Protection) throws {
        let topology = try Topology()
        try topology.attach(["vB"], host: "hB", config: Self.flatA(topology, host: "hB", protection))
        let taken = try #require(try topology.addresses(of: "vB").first)
        // hostA's ranges (10.43.1.x) do not hold hostB's lease (10.43.2.x): the grant
        // passes "not an address the pool may lease", which looks at this host's pool only.
        _ = try topology.container("xA")
        let grant = "IgnoreUnknown=1;ALLOWED_ADDRESSES=" + taken
        let config = Self.flatA(topology, protection)
        let add = try topology.flatnet("ADD", host: "hA", container: "xA", config: config, arguments: grant)
        var landed = false
        if add.status == 0 {
            topology.ipIgnoringFailure("rt", "neigh", "del", taken, "dev", "eth1")
            _ = try topology.ip("xA", "addr", "add", taken + "/16", "dev", "eth0")
            let ping = try topology.exec("xA", "ping", "-c", "1", "-W", "1", "-I", taken, "10.43.0.1")
            let (entry, attackerMAC) = (try topology.neighbour(taken, in: "rt"), try topology.mac(of: "xA"))
            landed = ping.status == 0 && entry.contains(attackerMAC)
        }
        protection.expect(landed: landed, "the router answers xA from vB's \(taken) and caches it at xA"
            + " (ADD: \(add.outcome.stdout.prefix(160)))")
    }

    @Test("turning port security back on never adopts a container that copied another port's MAC",
          arguments: Protection.allCases)
    func adoptedDuplicateMAC(_ protection: Protection) throws {
        let topology = try Topology()
        let on = Self.flatA(topology, .byDefault), off = Self.flatA(topology, .off)
        try topology.attach(["vA"], host: "hA", config: on, quiet: ["vA"])
        // Port security off for a while: xA is attached without a record and takes vA's MAC.
        try topology.attach(["xA"], host: "hA", config: off)
        let victimMAC = try topology.mac(of: "vA")
        // No IPv6 in xA: a new MAC makes it announce a new link-local address (DAD, MLD,
        // RS) up to seconds later, which would move vA's entry after the control below.
        try topology.silenceIPv6(in: "xA")
        _ = try topology.ip("xA", "link", "set", "eth0", "address", victimMAC)
        // On again (or, for the control, still off): the next ADD's setup adopts xA.
        try topology.attach(["n1"], host: "hA", config: protection == .off ? off : on)
        #expect(try topology.relearn("vA", host: "hA") == topology.hostVeth(of: "vA"), "control: vA's entry")
        // xA's own broadcast, from its own IPv4 address: its MAC is vA's.
        let after: String?
        do {
            after = try Self.spoofEntry(topology, from: "xA", victimMAC: victimMAC, [:])
        } catch is BarrierLost {
            // Not adopted: xA's port has no elements and can send nothing, its barrier
            // included (fail closed); the bridge's entry for vA's MAC is what counts.
            after = try topology.forwardingPort(of: victimMAC, bridge: "br-flat-a", in: "hA")
        }
        protection.expect(landed: after == topology.hostVeth(of: "xA"),
                          "hostA's bridge forwards vA's MAC to the adopted port (\(after ?? "no entry"))")
    }
}
