import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Which ebtables flatnet uses, on hosts whose installed tools differ (issue 12, "A fresh
/// machine"). This kernel has nf_tables only: the legacy backend cannot work here, so its
/// selection and failure paths are what these tests exercise for real.
@Suite("ebtables backend choice on fresh machines (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct EbtablesBackendTests {
    static let nftTools = ["ebtables-nft", "ebtables-nft-save", "ebtables-nft-restore"]

    @Test("a fresh machine whose ebtables alternative is legacy: ADD installs the rules in nf_tables, doctor names it")
    func legacyAlternative() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        _ = try topology.container("c1")
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), reserved: "10.43.0.2")
        let fresh = topology.legacyAlternatives()

        // The simulation is real: there, `ebtables-save` is the legacy script and plain
        // `ebtables` fails on this kernel.
        let simulated = try topology.shell("readlink -f /usr/sbin/ebtables-save; ebtables -t filter -L", host: "hA",
                                           afterPrivateSetup: fresh)
        #expect(simulated.stdout.hasPrefix("/usr/sbin/ebtables-legacy-save") && simulated.status != 0,
                "\(simulated.stdout) \(simulated.stderr)")

        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config, afterPrivateSetup: fresh)
        #expect(add.status == 0, "\(add.outcome.stdout) \(add.outcome.stderr)")
        let nft = try topology.exec("hA", "ebtables-nft-save").stdout
        #expect(nft.contains(":" + ContainmentRules.chainName("flat-a", "F")), "\(nft)")
        #expect(try topology.fetchMetadata(from: "c1") == "hA")

        let file = try topology.write(config, as: "flat-a.json")
        let doctor = try topology.shell("\(TestHost.binary ?? "") doctor --conf \(file)", host: "hA",
                                        afterPrivateSetup: fresh)
        #expect(doctor.status == 0 && doctor.stdout.contains("ok    ebtables backend nf_tables (ebtables-nft)"),
                "\(doctor.stdout) \(doctor.stderr)")

        // The choice is recorded per host netns and network; teardown removes the chains,
        // then the record.
        let inode = try topology.run(["/usr/bin/stat", "-L", "-c", "%i", "/run/netns/" + topology.namespace("hA")])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let record = "/run/flatnet/ebtables-backend/net-\(inode).flat-a"
        #expect((try? String(contentsOfFile: record, encoding: .utf8)) == "nf_tables\n")
        let delete = try topology.flatnet("DEL", host: "hA", container: "c1", config: config, afterPrivateSetup: fresh)
        #expect(delete.status == 0)
        let teardown = try topology.shell("\(TestHost.binary ?? "") teardown --conf \(file)", host: "hA",
                                          afterPrivateSetup: fresh)
        #expect(teardown.status == 0 && teardown.stdout.contains("ebtables chains"), "\(teardown.stdout)")
        let chain = ContainmentRules.chainName("flat-a", "F")
        #expect(try !topology.exec("hA", "ebtables-nft-save").stdout.contains(chain))
        #expect(!FileManager.default.fileExists(atPath: record), "teardown forgets the backend")
    }

    @Test("without the nft tools (only Debian's ebtables): ADD is 109 naming the fix, nothing attached, STATUS 50")
    func nftToolsMissing() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        _ = try topology.container("c1")
        // A network name no other test uses: the backend record is keyed by the host netns's
        // inode, and a deleted test namespace's inode comes back for a later one, so a
        // flat-a record another test left in the shared /run/flatnet could be taken as
        // this host's recorded choice (the ADD then failed naming nf_tables).
        let config = topology.netconf("flat-nonft", host: "hA", range: ("10.43.1.2", "10.43.1.9"), reserved: "10.43.0.2")
        let hidden = Topology.hiding(Self.nftTools)

        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config, afterPrivateSetup: hidden)
        #expect(add.code == 109, "\(add.outcome.stdout) \(add.outcome.stderr)")
        let message = add.reply?["msg"]?.stringValue ?? ""
        #expect(message.contains("install Debian's iptables package"), "\(add.outcome.stdout)")
        #expect(add.reply?["details"]?.stringValue?.contains("ebtable_filter") == true, "\(add.outcome.stdout)")
        #expect(try !topology.ip("c1", "-br", "link").contains("eth0"), "nothing attached")
        #expect(!leaseExists(topology.stateDirectory + "/hA/flat-nonft/addresses/10.43.1.2"), "no lease")
        let status = { (setup: String) in
            try topology.flatnet("STATUS", host: "hA", container: "", config: config, afterPrivateSetup: setup)
        }
        let unavailable = try status(hidden)
        #expect(unavailable.code == 50, "\(unavailable.outcome.stdout)")

        // Positive control: the same calls, through the same private mount namespace, with
        // the tools in place.
        let control = try topology.flatnet("ADD", host: "hA", container: "c1", config: config, afterPrivateSetup: "")
        #expect(control.status == 0, "\(control.outcome.stdout) \(control.outcome.stderr)")
        #expect(try topology.ip("c1", "-br", "link").contains("eth0"))
        #expect(try status("").status == 0)
        let recorded = try status(hidden)
        #expect(recorded.code == 50, "the recorded backend no longer works: \(recorded.outcome.stdout)")
    }
}
