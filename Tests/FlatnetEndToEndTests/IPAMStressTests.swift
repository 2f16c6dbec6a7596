import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Many real flatnet-ipam processes against one pool (Tests/Harness/ipam_stress.py).
@Suite("flatnet-ipam under concurrency and SIGKILL",
       .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY (scripts/test.sh does)"), .serialized)
struct IPAMStressTests {
    static var harness: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Harness/ipam_stress.py").path
    }

    static func run(_ mode: String) throws -> (ProcessOutcome, JSONValue) {
        let outcome = try ProcessRunner.run(["/usr/bin/env", "python3", Self.harness, mode, TestHost.binary ?? ""],
                                            environment: ["PATH": "/usr/local/bin:/usr/bin:/bin"])
        let summary = try JSONValue.parse(outcome.stdout.split(separator: "\n").last.map(String.init) ?? "")
        return (outcome, summary)
    }

    @Test("16 processes x 100 ADD/DEL: no address held twice, every call succeeds or says 11")
    func concurrency() throws {
        let (outcome, summary) = try Self.run("concurrency")
        #expect(outcome.status == 0, "\(outcome.stdout) \(outcome.stderr)")
        #expect(summary["overlapping_holds"] == .number(0))
        #expect(summary["failure_count"] == .number(0))
        #expect(summary["holds"] == .number(800))
        #expect(summary["leases_left"] == .number(0))
    }

    @Test("SIGKILL at random moments: no address handed to two owners, each owner's result is its one lease, GC reclaims the rest")
    func faults() throws {
        let (outcome, summary) = try Self.run("faults")
        #expect(outcome.status == 0, "\(outcome.stdout) \(outcome.stderr)")
        #expect(summary["owners_handed_an_address"] == .number(30))
        #expect(summary["duplicate_addresses"] == .object([:]))
        #expect(summary["results_without_their_lease"] == .array([]))
        #expect(summary["owners_with_two_leases"] == .array([]))
        #expect(summary["gc_status"] == .number(0))
        #expect(summary["stray_temp_files"] == .array([]))
    }

    @Test("the SIGKILL checks fire on a broken state: an address handed to two owners, a result without its lease, two leases")
    func faultChecksCanFail() throws {
        let (outcome, summary) = try Self.run("selfcheck")
        #expect(outcome.status == 0, "\(outcome.stdout) \(outcome.stderr)")
        #expect(summary["broken"]?["duplicate_addresses"] == .object(["10.43.1.2": .array([.string("k1"), .string("k2")])]))
    }
}
