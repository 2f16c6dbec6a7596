import FlatnetCore
import FlatnetTestSupport
import Testing

/// Doctor's report (not set up, fixes as commands) and repair's, in pure code.
@Suite("doctor and repair reports (pure)")
struct DoctorReportTests {
    static let conf = "/etc/cni/net.d/flat a.conflist"
    static let quotedConf = "'/etc/cni/net.d/flat a.conflist'"
    static var config: NetworkConfig { get throws { try ContainmentRulesTests.config } }

    static func link(_ index: Int32, _ name: String, kind: String?, master: Int32? = nil, alias: String? = nil) -> LinkInfo {
        LinkInfo(index: index, name: name, kind: kind, mtu: 1500, isUp: true, masterIndex: master, mac: nil,
                 isOperational: true, alias: alias)
    }

    /// A host the network never reached: its uplink and docker0 are there, nothing else.
    static var fresh: DoctorObservation {
        var seen = DoctorObservation()
        seen.uplink = link(2, "eth1", kind: nil)
        seen.uplinkPort = seen.uplink
        seen.dockerBridge = link(3, "docker0", kind: "bridge")
        seen.ebtablesBackends = EbtablesBackendFacts(working: [.nfTables])
        seen.poolStateDirectory = "/var/lib/cni/flatnet/flat-a"
        seen.poolStateDirectoryExists = false
        return seen
    }

    @Test("nothing of the network here: one line naming the repair with the file, exit 3, JSON state not-set-up")
    func notSetUp() throws {
        let report = DoctorReport(try Self.config, Self.fresh, confPath: Self.conf)
        #expect(report.state == .notSetUp && report.exitStatus == 3 && report.findings.isEmpty)
        #expect(report.text == "network flat-a: not set up on this host (no ADD has run here yet); run"
            + " `flatnet repair --conf \(Self.quotedConf)` to set it up now, or attach a container\n")
        let json = try JSONValue.parse(report.json)
        #expect(json["state"] == .string("not-set-up") && json["healthy"] == .bool(false))
        #expect(json["fix"] == .string("flatnet repair --conf \(Self.quotedConf)"))
    }

    static let veth = InterfaceNaming.hostVeth(network: "flat-a", attachment: Attachment(containerID: "c1", ifName: "eth0"))

    /// Each leaves one thing of the network (or one thing doctor could not read) on the fresh host.
    static let traces: [(String, @Sendable (inout DoctorObservation) -> Void)] = [
        ("a setup record", { $0.setupRecorded = true }),
        ("the bridge with the uplink on it", {
            $0.bridge = link(9, "br-flat-a", kind: "bridge")
            $0.bridgePorts = [link(2, "eth1", kind: nil, master: 9)]
        }),
        ("a link that holds the bridge's name", { $0.bridge = link(9, "br-flat-a", kind: "dummy") }),
        ("the link pair's docker side", { $0.linkDockerSide = link(7, "fld-1d7e9ba470", kind: "veth", master: 3) }),
        ("the reserved address", { $0.dockerAddresses = [IPPrefix("10.43.0.2/16")!] }),
        ("a recorded ebtables backend", { $0.ebtablesBackends.recorded = .nfTables }),
        ("the network's chains", { $0.ebtablesBackends.holding = [.nfTables] }),
        ("no ebtables that works (chains unknown)", { $0.ebtablesBackends.working = [] }),
        ("a lease", {
            $0.leases = [PoolLease(address: IPAddress("10.43.1.2")!,
                                   owner: Attachment(containerID: "c1", ifName: "eth0"), ageSeconds: 1)]
        }),
        ("an unreadable lease", { $0.unreadableLeases = ["/var/lib/cni/flatnet/flat-a/addresses/x: not an address"] }),
        ("a container veth", { $0.hostVeths = [link(8, veth.value, kind: "veth", alias: "flatnet:flat-a")] }),
        ("the port security table", { $0.portSecurity.table = LiveNftTable(listing: "") }),
        ("a port record", {
            $0.portSecurity.records = [PortProtection(table: "t", port: veth, mac: MACAddress("02:42:0a:2b:01:02")!,
                                                      ipv4: [])]
        }),
        ("nft unreadable (table unknown)", { $0.portSecurity.unreadable = "nft is not installed" }),
    ]

    @Test("anything of the network on the host makes it partly set up: the checks are listed", arguments: traces.indices)
    func partlySetUp(_ index: Int) throws {
        var seen = Self.fresh
        Self.traces[index].1(&seen)
        let report = DoctorReport(try Self.config, seen, confPath: Self.conf)
        #expect(report.state != .notSetUp && !report.findings.isEmpty, "\(Self.traces[index].0)")
        #expect(DoctorReport(try Self.config, Self.fresh, confPath: Self.conf).state == .notSetUp, "control")
    }

    static let commandWords: Set<String> = ["flatnet", "ip", "ebtables-nft", "ebtables-legacy", "nft", "rm",
                                            "apt-get", "modprobe", "systemctl"]

    /// A host with a problem in every family doctor checks.
    static var broken: DoctorObservation {
        var seen = fresh
        seen.setupRecorded = true
        seen.bridge = link(9, "br-flat-a", kind: "bridge")
        seen.bridge?.isUp = false
        seen.bridgeAddresses = [IPPrefix("192.0.2.1/24")!]
        seen.uplinkPort = link(2, "eth1", kind: nil, master: 44)
        seen.bridgePorts = [link(5, "stray0", kind: nil, master: 9)]
        seen.linkBridgeSide = link(6, "flb-1d7e9ba470", kind: "veth")
        seen.leases = [PoolLease(address: IPAddress("10.43.1.2")!, owner: Attachment(containerID: "gone", ifName: "eth0"),
                                 ageSeconds: 5)]
        seen.unreadableLeases = ["/var/lib/cni/flatnet/flat a/addresses/10.43.1.9: not a lease"]
        seen.hostVeths = [link(8, veth.value, kind: "veth", master: 44, alias: "flatnet:flat-a")]
        seen.containerAddresses = [veth.value: [IPPrefix("10.43.1.7/16")!]]
        seen.ebtablesBackends = EbtablesBackendFacts(recorded: .nfTables, working: [.legacy], holding: [.legacy])
        seen.portSecurity.unreadable = "nft is not installed"
        seen.poolStateDirectoryExists = true
        return seen
    }

    @Test("every fix is a command an operator can paste; flatnet's name the conf file, quoted for the shell")
    func fixesAreCommands() throws {
        let report = DoctorReport(try Self.config, Self.broken, confPath: Self.conf)
        let fixes = report.problems.compactMap(\.fix)
        #expect(report.problems.count >= 10 && fixes.count == report.problems.count, "\(report.text)")
        for fix in fixes {
            #expect(Self.commandWords.contains(String(fix.split(separator: " ")[0])), "not a command: \(fix)")
            #expect(!fix.contains("flatnet ") || fix.contains("--conf \(Self.quotedConf)")
                || fix.contains("validate \(Self.quotedConf)"), "\(fix)")
            #expect(!fix.contains("FILE") && !fix.contains("run an ADD"), "\(fix)")
        }
        #expect(fixes.contains("rm -r '/var/lib/cni/flatnet/flat a/addresses/10.43.1.9'  # once no container uses that address"))
        #expect(fixes.contains("flatnet ipam gc --conf \(Self.quotedConf)"))
    }

    @Test("the dry run splits doctor's problems into what repair fixes and what it leaves, with their fixes")
    func repairPreview() throws {
        var seen = Self.broken
        seen.ebtablesBackends = EbtablesBackendFacts(recorded: .nfTables, working: [.nfTables])
        seen.liveRules = LiveRules()
        seen.portSecurity.unreadable = nil
        let before = DoctorReport(try Self.config, seen, confPath: Self.conf)
        let preview = RepairReport.preview(try Self.config, before: before)
        #expect(preview.contains("would repair  bridge br-flat-a: is down\n"), "\(preview)")
        #expect(preview.contains("would repair  jump FORWARD -> FN-flat-a-b886f0-F: present 0 times\n"), "\(preview)")
        #expect(preview.contains("not repaired  lease 10.43.1.2: container gone eth0 has no host veth (leaked)\n"
            + "      fix: flatnet ipam gc --conf \(Self.quotedConf)\n"), "\(preview)")
        let repairable = before.problems.filter(\.isRepairable).count
        #expect(preview.hasSuffix("network flat-a: repair would fix \(repairable) problem(s) and leave"
            + " \(before.problems.count - repairable) (dry run: nothing changed)\n"), "\(preview)")
        let fresh = RepairReport.preview(try Self.config, before: DoctorReport(try Self.config, Self.fresh, confPath: Self.conf))
        #expect(fresh.contains("not set up on this host; repair would run its host setup")
            && fresh.contains("  1. bridge br-flat-a (MTU 1500), up, its MAC pinned\n"), "\(fresh)")
    }

    @Test("a port with no record is setup's to adopt only with a lease: an ADD in flight (veth, no lease yet) is left")
    func portWithoutLeaseIsLeft() throws {
        var seen = Self.broken
        seen.portSecurity.unreadable = nil
        seen.portSecurity.table = LiveNftTable(listing: "")
        let unleased = RepairReport.preview(try Self.config, before: DoctorReport(try Self.config, seen, confPath: Self.conf))
        #expect(unleased.contains("not repaired  port security of \(Self.veth.value): no record and no lease"), "\(unleased)")
        seen.leases.append(PoolLease(address: IPAddress("10.43.1.7")!, owner: Attachment(containerID: "c1", ifName: "eth0"),
                                     ageSeconds: 1))
        let leased = RepairReport.preview(try Self.config, before: DoctorReport(try Self.config, seen, confPath: Self.conf))
        #expect(leased.contains("would repair  port security of \(Self.veth.value) (container c1 eth0): no record"),
                "\(leased)")
    }

    @Test("after a run: repaired and left lines; a problem setup owns that is still there fails the repair")
    func repairOutcome() throws {
        // A network with nothing but its bridge, so that one finding is all there is.
        let bare = Valid.config.setting("vlan", to: nil).setting("uplink", to: nil).setting("metadata", to: nil)
            .setting("portSecurity", to: .bool(false))
        let config = try NetworkConfigParser.parse(bare, cniVersion: CNIVersion(1, 1, 0))
        var down = Self.fresh
        down.setupRecorded = true
        down.bridge = Self.link(9, "br-flat-a", kind: "bridge")
        down.bridge?.isUp = false
        let before = DoctorReport(config, down, confPath: Self.conf)
        var up = down
        up.bridge?.isUp = true
        let fixed = RepairReport.outcome(config, before: before, after: DoctorReport(config, up, confPath: Self.conf))
        #expect(fixed.status == 0 && fixed.text.hasPrefix("repaired  bridge br-flat-a: is down\n"), "\(fixed.text)")
        #expect(fixed.text.contains("network flat-a: host setup in place on br-flat-a ("), "\(fixed.text)")
        let still = RepairReport.outcome(config, before: before, after: before)
        #expect(still.status == 1 && still.text.contains("still  bridge br-flat-a: is down\n"), "\(still.text)")
    }

    @Test("with the bridge deleted, the link pair's bridge side (now on no bridge) is a problem, not ok")
    func linkPairWithoutBridge() throws {
        var seen = Self.fresh
        seen.setupRecorded = true
        seen.linkBridgeSide = Self.link(6, "flb-1d7e9ba470", kind: "veth")
        seen.linkDockerSide = Self.link(7, "fld-1d7e9ba470", kind: "veth", master: 3)
        let findings = Doctor.examine(try Self.config, seen, confPath: Self.conf)
        let pair = try #require(findings.first { $0.check == "link pair flb-1d7e9ba470/fld-1d7e9ba470" })
        #expect(pair.problem == "flb-1d7e9ba470 is missing, down or not on br-flat-a" && pair.isRepairable)
    }

    @Test("a path is one shell word: plain, or single-quoted with its quotes escaped", arguments: [
        ("/etc/cni/net.d/flat-a.conflist", "/etc/cni/net.d/flat-a.conflist"), ("a b", "'a b'"),
        ("it's", "'it'\\''s'"), ("", "''"), ("$(rm -rf /)", "'$(rm -rf /)'"),
    ])
    func shellWord(_ text: String, _ expected: String) {
        #expect(ShellWord.quoted(text) == expected)
    }
}
