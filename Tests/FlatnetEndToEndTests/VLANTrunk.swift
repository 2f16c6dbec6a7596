import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// One of the three flat networks on the trunk layout's uplink eth1 (scripts/lib/topology.sh
/// `trunk`). All three share the subnet 10.60.0.0/24, each in its own quarter, so that
/// only L2 separates them: a container that reached another segment's address would have
/// done it through a frame on that segment, never through a router.
enum TrunkSegment: String, CaseIterable, Sendable {
    case vlan100, vlan200, untagged

    var network: String {
        switch self {
        case .vlan100: "flat-100"
        case .vlan200: "flat-200"
        case .untagged: "flat-u"
        }
    }

    var vlan: Int? {
        switch self {
        case .vlan100: 100
        case .vlan200: 200
        case .untagged: nil
        }
    }

    /// The router's address on this segment: 10.60.0.1 (eth1.100), .65 (eth1.200), .129 (eth1).
    var gateway: String { "10.60.0.\(quarter + 1)" }

    /// The MAC of the router's interface on this segment (topology.sh sets them).
    var routerMAC: String { "02:60:00:00:0\((vlan ?? 0) / 100):00" }

    /// The container of this segment on `host` ("hA" or "hB"): a100, b100, a200, b200, a0, b0.
    func container(on host: String) -> String { host.dropFirst().lowercased() + "\(vlan ?? 0)" }

    /// hA leases .10-.19 of the segment's quarter, hB .20-.29.
    func range(on host: String) -> (String, String) {
        let first = quarter + (host == "hA" ? 10 : 20)
        return ("10.60.0.\(first)", "10.60.0.\(first + 9)")
    }

    func netconf(_ topology: Topology, host: String) -> JSONValue {
        topology.trunkNetconf(network, host: host, range: range(on: host), gateway: gateway, vlan: vlan)
    }

    private var quarter: Int {
        switch self {
        case .vlan100: 0
        case .vlan200: 64
        case .untagged: 128
        }
    }
}

/// The trunk layout with the three segments' networks on eth1 of both hosts and one
/// container per segment and host, all attached by ADD.
struct VLANTrunk: Sendable {
    static let hosts = ["hA", "hB"]

    let topology: Topology
    /// Container name -> its address (from its ADD result).
    let addresses: [String: String]

    init() throws {
        topology = try Topology(.trunk)
        var addresses: [String: String] = [:]
        for host in Self.hosts {
            for segment in TrunkSegment.allCases {
                let name = segment.container(on: host)
                let config = segment.netconf(topology, host: host)
                let add = try topology.attach([name], host: host, config: config)[name]
                addresses[name] = try #require(add?.address, "ADD of \(name) gave no address")
            }
        }
        self.addresses = addresses
    }

    /// The address of container `name`.
    func address(of name: String) throws -> String {
        try #require(addresses[name], "no container \(name) in the trunk layout")
    }

    /// The netconf file of `segment` on `host` (for doctor, setup and teardown).
    func file(_ segment: TrunkSegment, host: String) throws -> String {
        try topology.write(segment.netconf(topology, host: host), as: "\(segment.network)-\(host).json")
    }
}

/// Builds the trunk layout once for the suite it is applied to (Swift Testing's
/// TestScoping): building and attaching takes a while inside the VM, and the suite's
/// tests share it. Each test leaves it as it found it, but the last (teardown) one.
struct VLANTrunkScope: SuiteTrait, TestScoping {
    @TaskLocal static var current: VLANTrunk?

    var isRecursive: Bool { false }

    /// Where the suite runs: root in a throwaway netns with the binary, on a kernel with
    /// 802.1Q, or in a strict run (which must not skip: see provideScope).
    static var mayRun: Bool {
        TestHost.canRunPrivileged && TestHost.binary != nil && (TestHost.hasVLANSupport || TestHost.isStrict)
    }

    static func trunk() throws -> VLANTrunk {
        try #require(current, "no trunk layout: the suite lacks the .vlanTrunk trait")
    }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        // Never build a topology where the suite may not run (the safety rule of TESTING.md).
        guard Self.mayRun else { return try await function() }
        // A strict run does not skip: without 802.1Q it fails here, saying where to run.
        guard TestHost.hasVLANSupport else { throw NoVLANSupport() }
        try await Self.$current.withValue(try VLANTrunk()) { try await function() }
    }
}

/// A strict run on a kernel without 802.1Q: the suite cannot run here, and must not skip.
struct NoVLANSupport: Error, CustomStringConvertible {
    var description: String { "a strict run on a kernel without 802.1Q: this suite " + TestHost.vlanSkipReason }
}

extension Trait where Self == VLANTrunkScope {
    /// The trunk layout with its three networks attached, shared by the suite's tests.
    static var vlanTrunk: Self { VLANTrunkScope() }
}
