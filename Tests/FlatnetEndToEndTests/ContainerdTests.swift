import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Debian's containerd 1.6 runs busybox containers on flatnet through ctr's CNI
/// integration (`ctr run --cni`), one private daemon per host of the topology
/// (FlatnetTestSupport/ContainerdHost.swift does the containerd side).
@Suite("containerd runs containers on flatnet (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil
                    && FileManager.default.isExecutableFile(atPath: "/usr/bin/ctr"),
                "run scripts/test.sh (it installs containerd)"), .serialized)
struct ContainerdTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("netconf/examples").path

    /// A conflist flatnet ships, as it is but for its dataDir (moved under `state`).
    static func shipped(_ relative: String, state: String) throws -> String {
        let text = try String(contentsOfFile: examples + "/" + relative, encoding: .utf8)
        let moved = text.replacingOccurrences(of: "\"/var/lib/cni/flatnet\"", with: "\"\(state)\"")
        guard moved != text else { throw ShippedExampleChanged(example: relative) }
        return moved
    }

    /// The shipped example no longer names the dataDir this test moves.
    struct ShippedExampleChanged: Error { let example: String }

    @Test("ctr run --cni on two hosts, the shipped examples: the pool's address is the one inside and in libcni's cached result; containers reach each other, the router and their own host's metadata; killing each releases its lease and leaves nothing")
    func twoHosts() throws {
        var fleet = try Fleet()
        let (hostA, hostB) = (fleet.hosts["hA"]!, fleet.hosts["hB"]!)
        // Shown failing first: without a conflist in /etc/cni/net.d, ctr refuses to run.
        let refused = try hostA.runToEnd("c0", rootfs: fleet.rootfs, "/bin/true")
        #expect(refused.status != 0 && refused.stderr.contains("no network config found"), "\(refused.stderr)")
        try fleet.installShippedExamples()

        let placement = ["cA1": "hA", "cA2": "hA", "cB1": "hB"]
        let clients = try fleet.start(placement)
        var inside: [String: String] = [:], sandboxes: [String] = []
        for (id, host) in placement {
            let ctrOutput = fleet.hosts[host]!.output(of: id)
            #expect(try fleet.hosts[host]!.taskStatus(id) == "RUNNING", "\(id): \(ctrOutput)")
            inside[id] = try fleet.addressInside(id, on: host)
            let result = try fleet.cachedResult(id, on: host)
            #expect(Self.firstAddress(result) == inside[id] && inside[id] != nil,
                    "\(id): \(result?.serialized() ?? "")")
            let sandbox = Self.sandboxOfFirstAddress(result)
            #expect(sandbox?.hasPrefix("/proc/") == true, "\(String(describing: result))")
            sandboxes += sandbox.map { [$0] } ?? []
            let listing = try fleet.leases(on: host)
            #expect(try fleet.holder(of: inside[id] ?? "?", on: host) == "default-\(id)", "\(listing)")
        }
        // Started at once: hA's two containers hold its pool's first two addresses, one each.
        #expect(Set([inside["cA1"], inside["cA2"]]) == ["10.43.1.2", "10.43.1.3"] && inside["cB1"] == "10.43.2.2",
                "\(inside)")

        #expect(try fleet.ping(from: "cA1", on: "hA", inside["cB1"] ?? "?"))
        #expect(try fleet.ping(from: "cB1", on: "hB", "10.43.0.1"))
        let metadata = (try fleet.metadata(from: "cA1", on: "hA"), try fleet.metadata(from: "cB1", on: "hB"))
        #expect(metadata.0.stdout == "hA" && metadata.1.stdout == "hB", "\(metadata)")

        // Killing the task makes the waiting ctr run CNI DEL: cA1's lease goes, cA2's stays.
        let killed = try fleet.kill(["cA1": "hA"], clients: clients)["cA1"]
        #expect(killed?.status == 0 && !ContainerdHost.isRunning(clients["cA1"]!), "\(killed?.stderr ?? "")")
        let listed = try fleet.leases(on: "hA")
        #expect(try fleet.holder(of: inside["cA1"] ?? "?", on: "hA") == nil, "\(listed)")
        #expect(try fleet.holder(of: inside["cA2"] ?? "?", on: "hA") == "default-cA2", "\(listed)")
        #expect(try fleet.leaseFiles(on: "hA") == 1 && fleet.cachedResult("cA1", on: "hA") == nil)

        _ = try fleet.kill(["cA2": "hA", "cB1": "hB"], clients: clients)
        for host in ["hA", "hB"] {
            #expect(try fleet.leaseFiles(on: host) == 0 && fleet.containerVeths(on: host) == 0, "\(host)")
            #expect(try fleet.hosts[host]!.ctr("container", "ls", "-q").stdout.isEmpty)
            #expect(try fleet.hosts[host]!.shell("ls /var/lib/cni/results 2>/dev/null").stdout.isEmpty)
        }
        // The containers' network namespaces (the task's /proc/PID/ns/net, which ctr names no
        // other way) went with them.
        let gone = sandboxes.allSatisfy { !FileManager.default.fileExists(atPath: $0) }
        #expect(sandboxes.count == 3 && gone, "\(sandboxes)")
        hostA.stop()
        hostB.stop()
        // Killed processes leave the table when reaped: wait for that (no time is asserted).
        let clean = ContainerdHost.waitUntil(seconds: 30) { hostA.leftovers().isEmpty && hostB.leftovers().isEmpty }
        #expect(clean, "\(hostA.leftovers()) \(hostB.leftovers())")
    }

    @Test("ctr run -d --cni: containerd 1.6's ctr runs no DEL when the task is killed and the container removed, so the lease outlives it; flatnet ipam gc reclaims it")
    func detachedLeavesTheLease() throws {
        var fleet = try Fleet(hosts: ["hA"])
        try fleet.installShippedExamples()
        let host = fleet.hosts["hA"]!
        let started = try host.runToEnd("cD1", rootfs: fleet.rootfs, detached: true, "/bin/sleep", "600")
        #expect(started.status == 0, "\(started.stderr)")
        #expect(try fleet.addressInside("cD1", on: "hA") == "10.43.1.2")
        #expect(try fleet.holder(of: "10.43.1.2", on: "hA") == "default-cD1")
        #expect(try host.ctr("task", "kill", "-s", "KILL", "cD1").status == 0)
        _ = try ContainerdHost.waitUntil(seconds: 30) { try host.taskStatus("cD1") == "STOPPED" }
        let taskRemoved = try host.ctr("task", "rm", "cD1"), containerRemoved = try host.ctr("container", "rm", "cD1")
        #expect(taskRemoved.status == 0 && containerRemoved.status == 0,
                "\(taskRemoved.stderr)\(containerRemoved.stderr)")
        // No DEL ran: the address is still leased to the container that is gone, and
        // libcni's cache still holds its result.
        #expect(try fleet.holder(of: "10.43.1.2", on: "hA") == "default-cD1")
        #expect(try fleet.cachedResult("cD1", on: "hA") != nil)
        // The netns went with the task's last process and the kernel deletes the veth pair
        // with it, asynchronously: waited for (a fixture wait), as ipam gc needs it gone.
        _ = try ContainerdHost.waitUntil(seconds: 10) { try fleet.containerVeths(on: "hA") == 0 }
        let gc = try fleet.topology.operatorCommand(host: "hA", "ipam", "gc", "--conf", fleet.conflists["hA"]!)
        let released = "released 10.43.1.2 (container default-cD1 ifname eth0)"
        #expect(gc.stdout.contains(released), "\(gc.stdout)\(gc.stderr)")
        #expect(fleet.leaseFiles(on: "hA") == 0)
        host.stop()
        #expect(ContainerdHost.waitUntil(seconds: 30) { host.leftovers().isEmpty }, "\(host.leftovers())")
    }

    static func firstAddress(_ result: JSONValue?) -> String? {
        result?["ips"]?.arrayValue?.first?["address"]?.stringValue.map { String($0.split(separator: "/")[0]) }
    }

    /// interfaces[ips[0].interface].sandbox: what containerd (and podman) read the address by.
    static func sandboxOfFirstAddress(_ result: JSONValue?) -> String? {
        guard case .number(let index)? = result?["ips"]?.arrayValue?.first?["interface"],
              let interfaces = result?["interfaces"]?.arrayValue, Int(index) < interfaces.count else { return nil }
        return interfaces[Int(index)]["sandbox"]?.stringValue
    }
}

/// Makes a skipped containerd suite a failure where it must run (FLATNET_TEST_STRICT=1), as
/// PrivilegeGuardTests does for podman.
@Suite("The containerd suite can run here")
struct ContainerdPresenceTests {
    @Test("in strict mode, containerd, ctr and runc are installed (the containerd suite must not skip)",
          .enabled(if: TestHost.isStrict, "only required where privileged suites must run"))
    func containerdPresent() {
        for tool in ["containerd", "ctr", "containerd-shim-runc-v2", "runc"] {
            #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/" + tool),
                    "strict mode: scripts/test.sh installs containerd")
        }
    }
}
