import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The red team as a careless operator: a port security table changed by hand, a
/// floodLimit edited during a flood, a floodLimit nft prints differently. There is no
/// `"portSecurity": false` control here; each test's control is the same probe showing
/// the mistake in effect (the attack landing right after the mistake, a new port
/// already held to the new limit, STATUS answering 0 for another value).
@Suite("Port security red team: operator mistakes (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct PortSecurityRedTeamOperatorTests {
    static let table = PortSecurityRules.tableName(network: "flat-a")

    /// A change to the table by hand that leaves every element in place.
    enum HandEdit: String, CaseIterable, Sendable {
        case deletedPreroutingChain
        case flushedPortChain

        var command: String {
            let table = PortSecurityRedTeamOperatorTests.table
            switch self {
            case .deletedPreroutingChain: return "nft delete chain bridge \(table) prerouting"
            case .flushedPortChain: return "nft flush chain bridge \(table) port"
            }
        }
    }

    /// xA's broadcast from vA's MAC; true when it moved vA's entry on hostA to xA's port.
    static func macSpoofLands(_ topology: Topology) throws -> Bool {
        let victimMAC = try topology.mac(of: "vA")
        _ = try topology.relearn("vA", host: "hA")
        let after = try PortSecurityRedTeamHostTests.spoofEntry(topology, from: "xA", victimMAC: victimMAC,
                                                                ["src-mac": victimMAC])
        defer { _ = try? topology.relearn("vA", host: "hA") }
        return after == topology.hostVeth(of: "xA")
    }

    @Test("a table changed by hand (prerouting deleted, port flushed): the next ADD restores protection",
          arguments: HandEdit.allCases)
    func handEditRepairedByADD(_ edit: HandEdit) throws {
        let topology = try Topology()
        let config = topology.flatA(host: "hA")
        try topology.attach(["xA", "vA"], host: "hA", config: config, quiet: ["vA"])
        #expect(try !Self.macSpoofLands(topology), "control: port security blocks the spoof before the edit")
        try topology.shell("hA", edit.command)
        #expect(try Self.macSpoofLands(topology), "control: after `\(edit.command)` the spoof lands")
        try topology.attach(["n1"], host: "hA", config: config)
        #expect(try !Self.macSpoofLands(topology), "after the next ADD, port security blocks the spoof again")
    }

    @Test("a table changed by hand (prerouting deleted, port flushed): CHECK of a container answers 106",
          arguments: HandEdit.allCases)
    func handEditSeenByCHECK(_ edit: HandEdit) throws {
        let topology = try Topology()
        let config = topology.flatA(host: "hA")
        let adds = try topology.attach(["xA", "vA"], host: "hA", config: config, quiet: ["vA"])
        let add = try #require(adds["xA"])
        let before = try topology.check("xA", host: "hA", config: config, add: add)
        #expect(before.status == 0, "control: CHECK passes before the edit: \(before.outcome.stdout)")
        try topology.shell("hA", edit.command)
        #expect(try Self.macSpoofLands(topology), "control: after `\(edit.command)` the spoof lands")
        let check = try topology.check("xA", host: "hA", config: config, add: add)
        #expect(check.code == 106, "CHECK of xA must say its protection is gone: \(check.outcome.stdout)")
    }

    @Test("a table from before issue 16 (forward without its VLAN rule): CHECK 106 naming the chain, STATUS 51; `flatnet setup` restores it")
    func tableWithoutVLANRule() throws {
        let topology = try Topology()
        let config = topology.flatA(host: "hA")
        let add = try #require(try topology.attach(["xA"], host: "hA", config: config)["xA"])
        #expect(try topology.check("xA", host: "hA", config: config, add: add).status == 0, "control: CHECK passes")
        let listing = "nft -a list chain bridge \(Self.table) forward | sed -n 's/.*8021q.*# handle //p'"
        let handle = try topology.shell("hA", listing).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!handle.isEmpty, "this version's forward chain holds the VLAN rule")
        try topology.shell("hA", "nft delete rule bridge \(Self.table) forward handle \(handle)")

        let check = try topology.check("xA", host: "hA", config: config, add: add)
        #expect(check.code == 106 && check.outcome.stdout.contains("chain forward"), "\(check.outcome.stdout)")
        let status = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(status.code == 51, "\(status.outcome.stdout)")
        let file = try topology.write(config, as: "flat-a.json")
        let setup = try topology.operatorCommand(host: "hA", "setup", "--conf", file)
        #expect(setup.status == 0, "\(setup.stdout)\(setup.stderr)")
        #expect(try topology.check("xA", host: "hA", config: config, add: add).status == 0, "CHECK passes after setup")
        #expect(try !topology.shell("hA", listing).stdout.isEmpty, "the VLAN rule is back")
    }

    @Test("a floodLimit lowered during a flood applies to the flooding port too, not only to new ports")
    func floodLimitLoweredDuringFlood() throws {
        let topology = try Topology()
        let config = topology.flatA(host: "hA")
        try topology.attach(["fA", "vA"], host: "hA", config: config)
        let flood = { (name: String) throws -> Int in
            let capture = try topology.attack("flood", from: name, ["count": "1500"], watch: [.frames("vA")],
                                              barriers: [try topology.barrier(to: "vA")])
            return capture.frames(at: "vA")
        }
        let first = try flood("fA")
        #expect(first >= 150, "control: the default limit (burst 200) passes the flood's start: \(first)")
        // The operator lowers the limit; the next ADD applies the netconf.
        let lowered = config.settingKey("floodLimit", to: .object(["packetsPerSecond": .number(5),
                                                                   "burst": .number(6)]))
        try topology.attach(["gA"], host: "hA", config: lowered)
        #expect(try flood("gA") < 100, "control: a port attached after the change is held to 5/s, burst 6")
        // A fixture wait, no verdict: under the old limit fA's bucket fills up again.
        usleep(2_500_000)
        let again = try flood("fA")
        #expect(again < 100, "fA is held to the lowered limit (5/s, burst 6): \(again) of 1500 reach vA")
    }

    @Test("a floodLimit whose burst is nft's default (5) is the table the netconf asks for: STATUS answers 0")
    func floodLimitWithDefaultBurst() throws {
        let topology = try Topology()
        let limit = { (burst: Double) in
            topology.flatA(host: "hA").settingKey("floodLimit", to: .object([
                "packetsPerSecond": .number(5), "burst": .number(burst),
            ]))
        }
        try topology.attach(["c1"], host: "hA", config: limit(6))
        let control = try topology.flatnet("STATUS", host: "hA", container: "", config: limit(6))
        #expect(control.status == 0, "control: burst 6 is no drift: \(control.outcome.stdout)")
        try topology.attach(["c2"], host: "hA", config: limit(5))
        let status = try topology.flatnet("STATUS", host: "hA", container: "", config: limit(5))
        #expect(status.status == 0, "burst 5 is no drift either: \(status.outcome.stdout)")
    }
}
