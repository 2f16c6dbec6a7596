import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// `flatnet doctor` on a host the network never reached, `flatnet repair` (and its alias
/// `setup`), and doctor's fixes as commands an operator can paste.
@Suite("doctor before the first ADD, and repair (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct RepairTests {
    /// The words a fix line may start with: each is a command an operator runs.
    static let commandWords: Set<String> = ["flatnet", "ip", "ebtables-nft", "ebtables-legacy", "nft", "rm",
                                            "apt-get", "modprobe", "systemctl"]

    static func fixLines(_ output: String) -> [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("      fix: ") }.map { String($0.dropFirst(11)) }
    }

    @Test("before the first ADD doctor prints one line and exits 3; after setup it is healthy; a stray chain is listed")
    func notSetUp() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        let file = try topology.write(topology.flatA(host: "hA", metadata: true), as: "flat-a.json")
        let doctor = { try topology.operatorCommand(host: "hA", "doctor", "--conf", file) }
        let fresh = try doctor()
        #expect(fresh.unwrappedStdout == "network flat-a: not set up on this host (no ADD has run here yet);"
            + " run `flatnet repair --conf \(file)` to set it up now, or attach a container\n", "\(fresh.stdout)")
        #expect(fresh.status == 3, "\(fresh.stderr)")
        let json = try topology.operatorCommand(host: "hA", "doctor", "--conf", file, "--json")
        #expect(json.status == 3 && (try? JSONValue.parse(json.stdout))?["state"] == .string("not-set-up"), "\(json.stdout)")

        let preview = try topology.operatorCommand(host: "hA", "repair", "--conf", file, "--dry-run")
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("network flat-a: not set up on this host; repair would run its host setup")
            && preview.stdout.contains("bridge br-flat-a") && preview.stdout.contains("nothing changed (dry run)"),
                "\(preview.stdout)")
        #expect(try doctor().status == 3, "the dry run changed nothing")

        let setup = try topology.operatorCommand(host: "hA", "setup", "--conf", file)  // the old name of repair
        #expect(setup.status == 0 && setup.stdout.contains("network flat-a: host setup in place on br-flat-a"),
                "\(setup.stdout) \(setup.stderr)")
        let ready = try doctor()
        #expect(ready.status == 0 && ready.unwrappedStdout.contains("ok    network flat-a: no state directory"
            + " \(topology.stateDirectory)/hA/flat-a (no address handed out on this host yet)"), "\(ready.stdout)")

        #expect(try topology.operatorCommand(host: "hA", "teardown", "--conf", file).status == 0)
        #expect(try doctor().status == 3, "teardown leaves nothing: not set up again")
        let chain = ContainmentRules.chainName("flat-a", "F")
        try topology.exec("hA", TestHost.ebtables, "-t", "filter", "-N", chain)
        let partial = try doctor()
        #expect(partial.status == 1 && partial.stdout.contains("FAIL  bridge br-flat-a: missing"),
                "one chain left is part of the network: doctor lists what is missing\n\(partial.stdout)")
    }

    @Test("a broken host: every fix is a command naming the conf file; repair fixes what setup owns, names the rest")
    func repairBrokenHost() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA", metadata: true)
        for name in ["c1", "c2"] {
            #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0)
        }
        let file = try topology.write(config, as: "flat-a.json")
        let doctor = { try topology.operatorCommand(host: "hA", "doctor", "--conf", file) }
        #expect(try doctor().status == 0)

        _ = try topology.ip("hA", "link", "del", "br-flat-a")
        try topology.exec("hA", TestHost.ebtables, "-t", "filter", "-F", ContainmentRules.chainName("flat-a", "I"))
        try topology.deleteNamespaceWithoutDEL("c2", host: "hA", network: "flat-a")  // leaks c2's lease
        let sick = try doctor()
        #expect(sick.status == 1, "\(sick.stdout)")
        let fixes = Self.fixLines(sick.unwrappedStdout)
        #expect(fixes.count >= 5, "\(sick.stdout)")
        for fix in fixes {
            let word = String(fix.split(separator: " ").first ?? "")
            #expect(Self.commandWords.contains(word), "a fix that is not a command: \(fix)")
            #expect(!fix.hasPrefix("flatnet") || fix.contains("--conf \(file)"), "a flatnet fix without the file: \(fix)")
            #expect(!fix.contains("FILE") && !fix.contains("run an ADD"), "\(fix)")
        }
        #expect(fixes.contains("flatnet repair --conf \(file)") && fixes.contains("flatnet ipam gc --conf \(file)"),
                "\(fixes)")

        let preview = try topology.operatorCommand(host: "hA", "repair", "--conf", file, "--dry-run")
        #expect(preview.status == 0 && preview.stdout.contains("would repair  bridge br-flat-a: missing")
            && preview.stdout.contains("not repaired  lease 10.43.1.3: container c2 eth0 has no host veth"),
                "\(preview.stdout)")
        let problems = { (output: String) in output.split(separator: "\n").filter { !$0.hasPrefix("ok ") } }
        #expect(problems(try doctor().stdout) == problems(sick.stdout), "the dry run changed nothing (packet counts may)")

        let repair = try topology.operatorCommand(host: "hA", "repair", "--conf", file)
        #expect(repair.status == 0, "\(repair.stdout) \(repair.stderr)")
        #expect(repair.stdout.contains("repaired  bridge br-flat-a: missing")
            && repair.stdout.contains("left  lease 10.43.1.3: container c2 eth0 has no host veth (leaked)")
            && repair.stdout.contains("network flat-a: host setup in place on br-flat-a"), "\(repair.stdout)")
        #expect(try topology.ping(from: "c1", "10.43.0.1"), "c1 is back on the segment")
        let after = try doctor()
        #expect(after.status == 1 && after.stdout.contains("network flat-a: 1 problem(s)"), "\(after.stdout)")
        #expect(try topology.operatorCommand(host: "hA", "ipam", "gc", "--conf", file).status == 0)
        let healed = try doctor()
        #expect(healed.status == 0, "\(healed.stdout)")
    }
}
