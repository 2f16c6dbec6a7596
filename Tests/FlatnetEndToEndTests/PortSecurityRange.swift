import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The netconf an attack is tried against (issue 13).
enum Protection: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// No `portSecurity` key: port security is on by default.
    case byDefault
    /// `"portSecurity": false`: the negative control, on which every attack must land.
    case off

    var testDescription: String { self == .byDefault ? "port security by default" : "portSecurity false" }

    /// Records the verdict on one attack: blocked by default; landed with port security
    /// off (the control that shows the probe can see the attack at all).
    func expect(landed: Bool, _ attack: String, sourceLocation: SourceLocation = #_sourceLocation) {
        switch self {
        case .byDefault:
            #expect(!landed, "port security must block this: \(attack)", sourceLocation: sourceLocation)
        case .off:
            #expect(landed, "control (portSecurity false): \(attack) must land, or the probe is blind",
                    sourceLocation: sourceLocation)
        }
    }
}

/// One two-host topology whose flat-a network (metadata on, reserved 10.43.0.2) holds an
/// attacker and its victims. hostA: xA (the attacker), vA and wA (victims), fA (the
/// flooder: its port's broadcast budget is its own, so no other probe depends on it);
/// hostB: vB (a victim across the switch). docker0 and a metadata service on both hosts.
struct AttackRange: Sendable {
    static let containersOnA = ["xA", "vA", "wA", "fA"]

    let topology: Topology
    let protection: Protection

    init(_ protection: Protection) throws {
        topology = try Topology()
        self.protection = protection
        for host in ["hA", "hB"] { try topology.metadata(on: host) }
        let netconfs = Self.netconfs(topology, protection)
        for (name, host) in Self.containersOnA.map({ ($0, "hA") }) + [("vB", "hB")] {
            _ = try topology.container(name)
            let config = try #require(netconfs[host])
            let add = try topology.flatnet("ADD", host: host, container: name, config: config)
            guard add.status == 0 else { throw AttachFailed(container: name, reply: add.outcome.stdout) }
        }
    }

    /// The range's netconf per host: the default, or with `"portSecurity": false`.
    static func netconfs(_ topology: Topology, _ protection: Protection) -> [String: JSONValue] {
        var netconfs: [String: JSONValue] = [:]
        for host in ["hA", "hB"] {
            let config = topology.flatA(host: host, metadata: true)
            netconfs[host] = protection == .off ? config.settingKey("portSecurity", to: .bool(false)) : config
        }
        return netconfs
    }

    /// The first IPv4 address of container `name`.
    func address(of name: String) throws -> String {
        try #require(try topology.addresses(of: name).first, "\(name) has no address")
    }
}

/// An ADD of the attack range failed: no attack can be judged.
struct AttachFailed: Error, CustomStringConvertible {
    let container: String
    let reply: String
    var description: String { "ADD of \(container) failed: \(reply)" }
}

/// Builds both ranges once for the suite it is applied to and tears them down after it
/// (Swift Testing's TestScoping): an attack range costs about a second to build, and the
/// suite tries some twenty attacks on each. Every test resets what its attack changed.
struct AttackRanges: SuiteTrait, TestScoping {
    @TaskLocal static var current: [Protection: AttackRange] = [:]

    var isRecursive: Bool { false }

    /// The range for `protection` of the running suite.
    static func range(_ protection: Protection) throws -> AttackRange {
        try #require(current[protection], "no attack range: the suite lacks the .attackRanges trait")
    }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        // Never build a topology where the suite may not run (the safety rule of TESTING.md),
        // whatever Swift Testing decides about scopes of disabled suites.
        guard TestHost.canRunPrivileged, TestHost.binary != nil else { return try await function() }
        let ranges = [Protection.byDefault: try AttackRange(.byDefault), .off: try AttackRange(.off)]
        try await Self.$current.withValue(ranges) { try await function() }
    }
}

extension Trait where Self == AttackRanges {
    /// Both attack ranges (port security by default, and off), shared by the suite's tests.
    static var attackRanges: Self { AttackRanges() }
}
