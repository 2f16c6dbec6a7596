import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 12, section 2: maintenance commands while ADDs are in flight, and the operator
/// CLI's refusals.
@Suite("Maintenance during traffic (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct MaintenanceDuringTrafficTests {
    /// Runs `body` for 0..<count on `width` threads at once.
    static func inParallel(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "adds", attributes: .concurrent)
        let slots = DispatchSemaphore(value: width)
        for index in 0..<count {
            slots.wait()
            queue.async(group: group) {
                body(index)
                slots.signal()
            }
        }
        group.wait()
    }

    @Test("ipam gc, doctor and CNI GC of flat-b in a loop while 40 flat-a ADDs run 8 at a time: no live lease released, no duplicate")
    func maintenanceDuringADDs() throws {
        let topology = try Topology()
        let names = (0..<40).map { "m\($0)" }
        for name in names + ["b1"] { _ = try topology.container(name) }
        let (flatA, flatB) = (topology.flatA(host: "hA"), topology.flatB(host: "hA"))
        #expect(try topology.flatnet("ADD", host: "hA", container: "b1", config: flatB).status == 0)
        // flat-a's first container sets its host up: ipam gc refuses where the bridge is not.
        #expect(try topology.flatnet("ADD", host: "hA", container: names[0], config: flatA).status == 0)
        let fileA = try topology.write(flatA, as: "flat-a.json"), fileB = try topology.write(flatB, as: "flat-b.json")
        let validB = flatB.settingKey("cni.dev/valid-attachments", to: .array([.object(["containerID": .string("b1"), "ifname": .string("eth0")])]))

        let done = Flag(), runs = Counter(), failures = Counter()
        let maintenance = Thread {
            while !done.isSet {
                let gc = try? topology.operatorCommand(host: "hA", "ipam", "gc", "--conf", fileA)
                _ = try? topology.operatorCommand(host: "hA", "doctor", "--conf", fileB)
                _ = try? topology.flatnet("GC", host: "hA", container: "", config: validB)
                if gc?.status == 0 { runs.increment() } else { failures.increment() }
            }
        }
        maintenance.start()
        Self.inParallel(names.count - 1, width: 8) { index in
            let add = try? topology.flatnet("ADD", host: "hA", container: names[index + 1], config: flatA)
            if add?.status != 0 { failures.increment() }
        }
        done.set()
        while !maintenance.isFinished { usleep(10_000) }

        #expect(failures.value == 0, "every ADD and every gc run succeeded")
        #expect(runs.value >= 1, "control: ipam gc ran \(runs.value) time(s) during the ADDs")
        var configured: [String: String] = [:]
        for name in names {
            let addresses = try topology.addresses(of: name)
            #expect(addresses.count == 1, "\(name): \(addresses)")
            if let address = addresses.first {
                #expect(configured[address] == nil, "\(address) is on both \(configured[address] ?? "") and \(name)")
                configured[address] = name
            }
        }
        let leases = topology.leases(host: "hA", network: "flat-a")
        for (address, name) in configured {
            #expect(leases[address] == LeaseRecord.encode(Attachment(containerID: name, ifName: "eth0")),
                    "\(name)'s \(address) must still be leased to it (lease: \(leases[address] ?? "none"))")
        }
        #expect(try topology.ip("b1", "-br", "link").contains("eth0"), "flat-b's valid container survived its GC")
    }

    @Test("ipam gc refuses --live \"\" and a mistyped option (exit 2); --dry-run of gc, release and teardown changes nothing")
    func refusalsAndDryRuns() throws {
        let topology = try Topology()
        for name in ["c1", "c2", "c3"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA")
        for name in ["c1", "c2", "c3"] { #expect(try topology.flatnet("ADD", host: "hA", container: name, config: config).status == 0) }
        try topology.deleteNamespaceWithoutDEL("c3", host: "hA", network: "flat-a")
        let file = try topology.write(config, as: "flat-a.json")
        let before = topology.leases(host: "hA", network: "flat-a")
        #expect(before.count == 3)

        let empty = try topology.operatorCommand(host: "hA", "ipam", "gc", "--conf", file, "--live", "")
        #expect(empty.status == 2, "\(empty.stdout) \(empty.stderr)")
        let typo = try topology.operatorCommand(host: "hA", "ipam", "gc", "--conf", file, "--liv", "c1")
        #expect(typo.status == 2 && typo.stderr.contains("--liv"), "\(typo.stderr)")
        for command in [["teardown", "--conf", file, "--forse"], ["doctor", "--conf", file, "--jsn"], ["plan", "--conf", file, "--xyz", "1"]] {
            let outcome = try topology.operatorCommand(host: "hA", command)
            #expect(outcome.status == 2, "\(command): \(outcome.stderr)")
        }
        let elsewhere = try topology.operatorCommand(host: "hB", "ipam", "gc", "--conf", file)  // hB has no br-flat-a
        #expect(elsewhere.status == 1 && elsewhere.stderr.contains("no bridge br-flat-a here"), "\(elsewhere.stderr)")
        #expect(topology.leases(host: "hA", network: "flat-a") == before, "refused commands released nothing")

        let gc = try topology.operatorCommand(host: "hA", "ipam", "gc", "--conf", file, "--live", "c1", "--dry-run")
        #expect(gc.status == 0 && gc.stdout.contains("would release 10.43.1.4 (container c3 ifname eth0)"), "\(gc.stdout) \(gc.stderr)")
        #expect(!gc.stdout.contains("10.43.1.3"), "c2 is not listed but its veth is there: its address is in use")
        let release = try topology.operatorCommand(host: "hA", "ipam", "release", "--conf", file, "--address", "10.43.1.2", "--dry-run")
        #expect(release.status == 0 && release.stdout.contains("would release 10.43.1.2"), "\(release.stdout) \(release.stderr)")
        let teardown = try topology.operatorCommand(host: "hA", "teardown", "--conf", file, "--force", "--dry-run")
        #expect(teardown.status == 0 && teardown.stdout.contains("would remove"), "\(teardown.stdout) \(teardown.stderr)")
        #expect(topology.leases(host: "hA", network: "flat-a") == before, "dry runs released nothing")
        #expect(try topology.ping(from: "c1", "10.43.0.1") && topology.ip("hA", "-br", "link").contains("br-flat-a"))
    }
}

/// A flag and a counter shared between test threads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
