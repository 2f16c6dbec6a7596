import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 19, item 3 on a pool on this host's disk: a pod's address kept across its
/// containers on one host, and the operator's `flatnet ipam reservations` on that pool.
@Suite("Reservations on this host's disk, through the plugin (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct LocalReservationEndToEndTests {
    static func pod(_ name: String) -> [String: String] {
        ["CNI_ARGS": "IgnoreUnknown=1;K8S_POD_NAMESPACE=ledger;K8S_POD_NAME=\(name)"]
    }

    static func config(_ topology: Topology) -> JSONValue {
        topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.3"))
            .setting("ipam.reservations", to: .object(["kubernetesPods": .bool(true)]))
    }

    @Test("a pod deleted and re-created on this host keeps its address; another pod may not take it; the operator lists and releases it")
    func podKeepsItsAddress() throws {
        let topology = try Topology()
        for name in ["c1", "c2", "c3", "c4"] { _ = try topology.container(name) }
        let config = Self.config(topology)
        let file = try topology.write(config, as: "flat-a.json")
        let first = try topology.flatnet("ADD", host: "hA", container: "c1", config: config,
                                         extraEnvironment: Self.pod("db-0"))
        #expect(first.status == 0, "\(first.outcome.stdout)\(first.outcome.stderr)")
        let kept = try #require(first.address)
        let del = try topology.flatnet("DEL", host: "hA", container: "c1", config: config, extraEnvironment: Self.pod("db-0"))
        #expect(del.status == 0 && topology.leases(host: "hA", network: "flat-a")[kept]?
            .hasPrefix("flatnet-reserved-1:") == true, "\(topology.leases(host: "hA", network: "flat-a"))")
        let other = try topology.flatnet("ADD", host: "hA", container: "c2", config: config,
                                         extraEnvironment: Self.pod("db-1"))
        #expect(other.status == 0 && other.address != kept, "\(other.outcome.stdout)")
        let full = try topology.flatnet("ADD", host: "hA", container: "c3", config: config,
                                        extraEnvironment: Self.pod("db-2"))
        #expect(full.status != 0, "the kept address is no one else's: \(full.outcome.stdout)")
        let again = try topology.flatnet("ADD", host: "hA", container: "c4", config: config,
                                         extraEnvironment: Self.pod("db-0"))
        #expect(again.status == 0 && again.address == kept, "\(again.outcome.stdout)\(again.outcome.stderr)")
        #expect(try topology.addresses(of: "c4") == [kept])
        #expect(try topology.ping(from: "c4", other.address ?? ""), "the re-created pod is on the segment")

        let list = try topology.operatorCommand(host: "hA", ["ipam", "reservations", "list", "--conf", file])
        #expect(list.status == 0 && list.stdout.contains("k8s/ledger/db-0") && list.stdout.contains(kept)
                    && list.stdout.contains("2 reservation(s)"), "\(list.stdout)\(list.stderr)")
        let dryRelease = try topology.operatorCommand(host: "hA", ["ipam", "release", "--conf", file, "--address", kept,
                                                                   "--dry-run"])
        #expect(dryRelease.stdout.contains("would release \(kept) (container c4 ifname eth0); kept for workload"
                    + " k8s/ledger/db-0"), "\(dryRelease.stdout)\(dryRelease.stderr)")
        let table = try topology.operatorCommand(host: "hA", ["ipam", "list", "--conf", file])
        #expect(table.status == 0 && table.stdout.contains("2 lease(s)") && !table.stdout.contains("kept for"),
                "\(table.stdout)\(table.stderr)")
        let release = try topology.operatorCommand(host: "hA", ["ipam", "reservations", "release", "--conf", file,
                                                                "--workload", "k8s/ledger/db-0"])
        #expect(release.status == 0 && release.stdout.contains("released the reservation of k8s/ledger/db-0: \(kept)"),
                "\(release.stdout)\(release.stderr)")
        _ = try topology.flatnet("DEL", host: "hA", container: "c4", config: config, extraEnvironment: Self.pod("db-0"))
        #expect(topology.leases(host: "hA", network: "flat-a")[kept] == nil, "released, then DEL frees it")
        _ = try topology.flatnet("DEL", host: "hA", container: "c2", config: config, extraEnvironment: Self.pod("db-1"))
        let afterDEL = try topology.operatorCommand(host: "hA", ["ipam", "list", "--conf", file])
        #expect(afterDEL.stdout.contains("0 lease(s)") && afterDEL.stdout.contains("1 more kept for workloads"),
                "db-1's address is kept: \(afterDEL.stdout)\(afterDEL.stderr)")
        let create = try topology.operatorCommand(host: "hA", ["ipam", "reservations", "create", "--conf", file,
                                                               "--workload", "billing", "--address", kept])
        #expect(create.status == 0, "\(create.stdout)\(create.stderr)")
        let refused = try topology.flatnet("ADD", host: "hA", container: "c3", config: config,
                                           extraEnvironment: Self.pod("db-2"))
        #expect(refused.status != 0, "reserved by hand for billing: \(refused.outcome.stdout)")
    }

    @Test("reservations create on a disk pool whose netconf keeps none is refused naming the field; list works")
    func noReservations() throws {
        let topology = try Topology()
        let file = try topology.write(topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9")),
                                      as: "flat-a.json")
        let create = try topology.operatorCommand(host: "hA", ["ipam", "reservations", "create", "--conf", file,
                                                               "--workload", "billing", "--address", "10.43.1.5"])
        #expect(create.status != 0 && create.stderr.contains("keeps no reservations")
                    && create.stderr.contains("ipam.reservations"), "\(create.stdout)\(create.stderr)")
        let list = try topology.operatorCommand(host: "hA", ["ipam", "reservations", "list", "--conf", file])
        #expect(list.status == 0 && list.stdout.contains("0 reservation(s)"),
                "listing works whatever the netconf says now: \(list.stdout)\(list.stderr)")
    }
}
