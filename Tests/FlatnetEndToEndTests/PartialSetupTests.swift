import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 12, section 4: a failed or partial setup never weakens containment, and host
/// objects that vanish under flatnet (docker0, the bridge) are noticed and repaired.
@Suite("Failed and partial setups (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct PartialSetupTests {
    /// Makes every ebtables restore tool fail while every other tool works (in a private
    /// mount namespace): /usr/sbin is replaced by a directory of links to the real one,
    /// with the restore tools replaced by `exit 1`. (Binding /bin/false over a restore
    /// tool would hit the multi-call binary behind it and break ebtables-save as well.)
    static func failingRestore(_ topology: Topology) -> String {
        let (real, fake) = (topology.stateDirectory + "/sbin-real", topology.stateDirectory + "/sbin-fake")
        return """
            mkdir -p \(real) \(fake) && mount --bind /usr/sbin \(real)
            for path in \(real)/*; do ln -sf "$path" \(fake)/; done
            for tool in ebtables-restore ebtables-nft-restore ebtables-legacy-restore; do
              rm -f \(fake)/$tool && printf '#!/bin/sh\\nexit 1\\n' > \(fake)/$tool && chmod +x \(fake)/$tool
            done
            mount --bind \(fake) /usr/sbin
            """
    }

    /// The router's view of hostA's docker side: the reserved address, and docker0 via it.
    static func routerReaches(_ topology: Topology) throws -> (reserved: Bool, docker0: Bool) {
        try topology.shell("rt", "ip route replace 172.17.0.0/16 via 10.43.0.2")
        try topology.shell("rt", "ip neigh flush all")
        return (try topology.ping(from: "rt", "10.43.0.2"), try topology.ping(from: "rt", "172.17.0.1"))
    }

    @Test("a first ADD whose ebtables batch fails joins nothing to docker0: the router reaches neither the reserved address nor docker0")
    func failedRulesLeaveNoLink() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        _ = try topology.container("c1")
        let config = topology.flatA(host: "hA", metadata: true)
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config, mountSetup: Self.failingRestore(topology))
        #expect(add.code == 109, "\(add.outcome.stdout)")
        let pair = InterfaceNaming.linkPair(network: "flat-a")
        #expect(try topology.link(pair.bridgeSide.value, on: "hA") == nil, "no link pair")
        #expect(try !topology.ip("hA", "-4", "addr", "show", "docker0").contains("10.43.0.2"), "no reserved address")
        let reached = try Self.routerReaches(topology)
        #expect(!reached.reserved && !reached.docker0, "\(reached)")

        // Positive control: set up for real, then open the rules: the same probe gets through.
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        #expect(try topology.fetchMetadata(from: "c1") == "hA")
        for chain in ["F", "I", "O"] { try topology.shell("hA", "ebtables-nft -F \(ContainmentRules.chainName("flat-a", chain))") }
        #expect(try Self.routerReaches(topology).reserved, "without the rules the router does reach the reserved address")
    }

    @Test("a teardown that fails midway has already dropped the readiness stamp: the next ADD sets the host up again")
    func failedTeardownInvalidatesFirst() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA", metadata: true)
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        #expect(try topology.flatnet("DEL", host: "hA", container: "c1", config: config).status == 0)
        let file = try topology.write(config, as: "flat-a.json")
        let teardown = try ProcessRunner.run(["/usr/bin/unshare", "--mount", "sh", "-ec", Self.failingRestore(topology)
                                              + "\nexec ip netns exec \(topology.namespace("hA")) \(TestHost.binary!) teardown --conf \(file)"],
                                             environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        #expect(teardown.status == 1, "the teardown failed: \(teardown.stdout) \(teardown.stderr)")
        let stamps = (try? FileManager.default.contentsOfDirectory(atPath: "/run/flatnet/ready")) ?? []
        let inode = try topology.shell("hA", "stat -L -c %i /proc/self/ns/net").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!stamps.contains("net-\(inode).flat-a"), "stamp dropped before the failing step: \(stamps)")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c2", config: config).status == 0)
        #expect(try topology.fetchMetadata(from: "c2") == "hA", "the next ADD set the host up again")
    }

    @Test("docker0 deleted and recreated (a Docker restart): CHECK and STATUS report it; the next ADD repairs metadata for every container")
    func dockerRestart() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA", metadata: true)
        let first = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(try first.status == 0 && topology.fetchMetadata(from: "c1") == "hA")
        // A Docker restart: docker0 is deleted and created again (new index, new MAC, no
        // reserved address); the platform puts its own containers and route back.
        try topology.shell("hA", """
            ports=$(ip -o link show master docker0 | cut -d: -f2 | cut -d@ -f1)
            ip link del docker0 && ip link add docker0 type bridge && ip addr add 172.17.0.1/16 dev docker0 && ip link set docker0 up
            for port in $ports; do case $port in fld-*) ;; *) ip link set $port master docker0;; esac; done
            ip route replace 169.254.169.250/32 via 172.17.0.2
            """)
        #expect(try topology.fetchMetadata(from: "c1") == nil, "control: metadata is broken now")
        let check = try topology.flatnet("CHECK", host: "hA", container: "c1", config: config.setting("prevResult", to: first.reply))
        #expect(check.code == 106, "CHECK names the broken link: \(check.outcome.stdout)")
        let status = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(status.code == 51, "STATUS: existing containers are degraded: \(status.outcome.stdout)")
        // c1 still believes the reserved address is at the old docker0's MAC, as a container
        // that has not talked since the restart would.
        let newMAC = try topology.ip("hA", "-br", "link", "show", "docker0").split(separator: " ").filter { !$0.isEmpty }[2]
        try topology.shell("c1", "ip neigh replace 10.43.0.2 dev eth0 lladdr 02:00:00:00:00:01 nud stale")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c2", config: config).status == 0)
        let learned = try topology.ip("c1", "neigh", "show", "10.43.0.2")
        #expect(learned.contains(String(newMAC)), "the repair announced the reserved address at docker0's new MAC: \(learned)")
        #expect(try topology.fetchMetadata(from: "c2") == "hA" && topology.fetchMetadata(from: "c1") == "hA", "repaired for both")
    }

    @Test("a firewall reload flushes every ebtables chain: STATUS answers 51, and the next ADD puts containment back")
    func rulesFlushed() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA", metadata: true)
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        #expect(try topology.flatnet("STATUS", host: "hA", container: "", config: config).status == 0, "control: healthy")
        #expect(try !Self.routerReaches(topology).reserved, "control: contained")
        try topology.shell("hA", "ebtables-nft -F && ebtables-nft -X")
        #expect(try Self.routerReaches(topology).reserved, "the flush opened the host to the segment")
        let status = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(status.code == 51 && status.outcome.stdout.contains("ebtables"), "\(status.outcome.stdout)")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c2", config: config).status == 0)
        #expect(try !Self.routerReaches(topology).reserved, "the next ADD put the rules back")
        #expect(try topology.flatnet("STATUS", host: "hA", container: "", config: config).status == 0)
    }

    @Test("a bridge deleted by hand: doctor names the containers cut off; the next ADD recreates it and re-attaches them")
    func bridgeDeletedByHand() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        try topology.shell("hA", "ip link del br-flat-a")
        #expect(try !topology.ping(from: "c1", "10.43.0.1"), "control: c1 is cut off")
        let veth = InterfaceNaming.hostVeth(network: "flat-a", attachment: Attachment(containerID: "c1", ifName: "eth0")).value
        let doctor = try topology.operatorCommand(host: "hA", "doctor", "--conf", try topology.write(config, as: "flat-a.json"))
        #expect(doctor.status == 1 && doctor.stdout.contains("\(veth)") && doctor.stdout.contains("c1"), "\(doctor.stdout)")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c2", config: config).status == 0)
        // c1's neighbour entry for the router failed while it was cut off: under load the
        // first echo after re-attaching can be lost while it is resolved again, so each
        // gets three echoes (the attachment is judged, not the first packet's timing).
        let again = try ["c1", "c2"].map { try topology.ping(from: $0, "10.43.0.1", echoes: 3) }
        #expect(again == [true, true], "both on the segment again")
    }

    @Test("a refused ADD creates no bridge; the flat bridge's MAC does not change as ports come and go")
    func noEmptyBridgeAndPinnedMAC() throws {
        let topology = try Topology()
        for name in ["c1", "c2", "c3"] { _ = try topology.container(name) }
        try topology.shell("hA", "ip link add other type bridge && ip link set eth1 master other")
        let refused = try topology.flatnet("ADD", host: "hA", container: "c1", config: topology.flatA(host: "hA"))
        #expect(refused.code == 108, "\(refused.outcome.stdout)")
        #expect(try topology.link("br-flat-a", on: "hA") == nil, "no empty bridge left behind")
        try topology.shell("hA", "ip link set eth1 nomaster")

        let config = topology.flatA(host: "hA")
        let mac = { try topology.ip("hA", "-br", "link", "show", "br-flat-a").split(separator: " ").filter { !$0.isEmpty }[2] }
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).status == 0)
        let pinned = try mac()
        // The lowest MAC a port can have: an unpinned bridge would take it at once.
        try topology.shell("hA", "ip link set eth1 address 00:00:00:00:00:01")
        for name in ["c2", "c3"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0) }
        for name in ["c1", "c2"] { #expect(try topology.flatnet("DEL", host: "hA", container: name, config: config).status == 0) }
        #expect(try mac() == pinned, "the bridge keeps its MAC as ports come and go")
    }
}
