import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// `flatnet plan` and `flatnet rules` against the topology.
@Suite("Dry run and rules (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct PlanCommandTests {
    static func snapshot(_ topology: Topology) throws -> String {
        let state = (FileManager.default.subpaths(atPath: topology.stateDirectory + "/hA") ?? []).sorted().joined(separator: "\n")
        return try [topology.ip("hA", "link"), topology.ip("hA", "addr"), topology.ip("hA", "route"),
                    topology.exec("hA", TestHost.ebtablesSave).stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n"),
                    state].joined(separator: "\n----\n")
    }

    @Test("plan changes nothing (links, addresses, routes, rules, state identical) and predicts the next ADD's address")
    func planIsDry() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), reserved: "10.43.0.2")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        let file = try topology.write(config, as: "flat-a.json")
        let before = try Self.snapshot(topology)
        let plan = try topology.operatorCommand(host: "hA", "plan", "--conf", file, "--container", "c2",
                                                "--netns", "/run/netns/" + topology.namespace("c2"))
        #expect(plan.status == 0, "\(plan.stderr)")
        let after = try Self.snapshot(topology)
        let changed = Set(after.split(separator: "\n")).symmetricDifference(Set(before.split(separator: "\n")))
        #expect(after == before, "plan changed something: \(changed.sorted().prefix(6))")
        // Lines wrap at 80 columns; a command's continuation ends in " \\" (it still pastes).
        #expect(plan.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(plan.stdout)")
        let unwrapped = plan.stdout.split(whereSeparator: \.isWhitespace).filter { $0 != "\\" }.joined(separator: " ")
        #expect(unwrapped.contains("c2 eth0 would get 10.43.1.3/16"), "\(plan.stdout)")
        #expect(unwrapped.contains("ip -n \(topology.namespace("c2")) route add 169.254.169.250/32 via 10.43.0.2 dev eth0"))
        let add = try topology.flatnet("ADD", host: "hA", container: "c2", config: config)
        #expect(add.address == "10.43.1.3", "the ADD that followed got what plan said")
        let json = try JSONValue.parse(try topology.operatorCommand(host: "hA", "plan", "--conf", file, "--container", "c1",
                                                                    "--json").stdout)
        #expect(json["ipam"]?["decision"] == .string("alreadyHeld") && json["ipam"]?["address"] == .string("10.43.1.2/16"),
                "\(json)")
        let hostSteps = try #require(json["hostSetup"]?.arrayValue)
        #expect(hostSteps.first?["step"] == .string("ensureBridge") && hostSteps.first?["bridge"] == .string("br-flat-a"))
        let containerSteps = try #require(json["containerSetup"]?.arrayValue)
        let address = try #require(containerSteps.first { $0["step"] == .string("addAddress") })
        #expect(address["address"] == .string("10.43.1.2/16") && address["interface"] == .string("eth0"))
        let shell = (hostSteps + containerSteps).flatMap { $0["shell"]?.arrayValue ?? [] }
        #expect(!shell.isEmpty && shell.allSatisfy { $0.stringValue?.contains("\n") == false }, "one command a string")
    }

    @Test("the rules printed by `flatnet rules`, pasted into a fresh host, are the rules ADD installs")
    func rulesArePasteable() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        _ = try topology.container("c1")
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"), reserved: "10.43.0.2")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        let file = try topology.write(config, as: "flat-a.json")
        let commands = try topology.operatorCommand(host: "hB", "rules", "--conf", file)
        #expect(commands.status == 0)
        // `flatnet rules` prints plain `ebtables` commands; paste them into nf_tables here,
        // whatever this machine's ebtables alternative points to.
        let nft = "ebtables() { ebtables-nft \"$@\"; }\n"
        let pasted = try topology.exec("hB", "sh", "-e", "-c", nft + commands.stdout)
        #expect(pasted.status == 0, "\(pasted.stderr)")
        let installed = LiveRules(saveOutput: try topology.exec("hA", TestHost.ebtablesSave).stdout)
        let fromPaste = LiveRules(saveOutput: try topology.exec("hB", TestHost.ebtablesSave).stdout)
        #expect(!installed.rules.isEmpty && installed.rules == fromPaste.rules)
        #expect(installed.chains == fromPaste.chains)
        // The port security table too (its sets' elements are per host: not compared).
        let table = PortSecurityRules.tableName(network: "flat-a")
        let tableOnA = LiveNftTable(listing: try topology.exec("hA", "nft", "list", "table", "bridge", table).stdout)
        let tableOnB = LiveNftTable(listing: try topology.exec("hB", "nft", "list", "table", "bridge", table).stdout)
        #expect(!tableOnA.chains.isEmpty && tableOnA == tableOnB)
        #expect(PortSecurityRules.make(for: try NetworkConfigParser.parse(config, cniVersion: CNIVersion(1, 1, 0)))?
            .drift(from: tableOnA) == [], "the listing parses back to exactly the rendered rules")

        let restore = try topology.operatorCommand(host: "hB", "rules", "--conf", file, "--format", "restore")
        #expect(restore.stdout.contains("*filter\n") && !restore.stdout.contains("COMMIT"),
                "a batch both ebtables-nft-restore and ebtables-legacy-restore take: \(restore.stdout)")
    }
}

@Suite("flatnet ipam commands (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct IPAMCommandTests {
    @Test("list, usage, release by address, gc by host veth, gc against a live list that never releases a live veth's address")
    func ipamCommands() throws {
        let topology = try Topology()
        for name in ["c1", "c2", "c3"] { _ = try topology.container(name) }
        let config = topology.netconf("flat-a", host: "hA", range: ("10.43.1.2", "10.43.1.9"))
        for name in ["c1", "c2", "c3"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0) }
        let file = try topology.write(config, as: "flat-a.json")
        let ipam = { (arguments: [String]) throws -> ProcessOutcome in
            try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", topology.namespace("hA"), TestHost.binary!, "ipam"] + arguments + ["--conf", file],
                                  environment: ["PATH": "/usr/sbin:/usr/bin"])
        }
        let list = try ipam(["list"])
        #expect(list.status == 0 && list.stdout.contains("10.43.1.2  c1") && list.stdout.contains("3 lease(s)"), "\(list.stdout)")
        #expect(list.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(list.stdout)")
        let usage = try ipam(["usage"])
        #expect(usage.stdout.contains("10.43.1.2-10.43.1.9") && usage.stdout.contains("3/8 held (38%)"), "\(usage.stdout)")
        #expect(usage.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(usage.stdout)")
        #expect(try ipam(["release", "--address", "10.43.1.2"]).stdout == "released 10.43.1.2 (container c1 ifname eth0)\n")
        try topology.deleteNamespaceWithoutDEL("c3", host: "hA", network: "flat-a")
        let gc = try ipam(["gc"])
        #expect(gc.stdout.contains("released 10.43.1.4 (container c3 ifname eth0)") && gc.stdout.contains("1 lease(s) released"), "\(gc.stdout)")
        let unlisted = try ipam(["gc", "--live", "c9"])
        #expect(unlisted.stdout == "0 lease(s) released\n", "c2 is not listed, but its veth is there: \(unlisted.stdout)")
        #expect(try ipam(["release", "--container", "c2"]).stdout == "released 10.43.1.3 (container c2 ifname eth0)\n")
        #expect(try ipam(["list", "--json"]).stdout == "[]\n")
        #expect(try ipam(["frobnicate"]).status == 2)
    }
}
