import FlatnetCore
import FlatnetTestSupport
import Foundation

extension ContainerdTests {
    /// The hosts' daemons (hA and hB unless told), and the shipped examples they run
    /// (hA: flat-a.conflist, hB: its fleet sibling).
    struct Fleet {
        let topology: Topology
        let rootfs: String
        let hosts: [String: ContainerdHost]
        var conflists: [String: String] = [:]

        init(hosts names: [String] = ["hA", "hB"]) throws {
            topology = try Topology()
            for host in names { try topology.metadata(on: host) }
            rootfs = topology.stateDirectory + "/rootfs"
            try ContainerdHost.makeRootFilesystem(rootfs)
            var hosts: [String: ContainerdHost] = [:]
            for host in names { hosts[host] = try ContainerdHost(topology, host: host, binary: TestHost.binary!) }
            self.hosts = hosts
        }

        mutating func installShippedExamples() throws {
            let examples = ["hA": "flat-a.conflist", "hB": "fleet/hostB/flat-a.conflist"]
            for (host, example) in examples where hosts[host] != nil {
                let text = try ContainerdTests.shipped(example, state: topology.stateDirectory + "/" + host)
                conflists[host] = try hosts[host]!.install(conflist: text, as: "10-flat-a.conflist")
            }
        }

        /// Starts each container (`ctr run --rm --cni`, in the background) on its host, all
        /// at once, and waits until every task runs (ctr starts it after ADD) or its ctr gave up.
        /// Returns the ctr clients' PIDs.
        func start(_ placement: [String: String]) throws -> [String: pid_t] {
            var clients: [String: pid_t] = [:]
            for (id, host) in placement { clients[id] = try hosts[host]!.run(id, rootfs: rootfs, "/bin/sleep", "600") }
            for (id, host) in placement {
                _ = try ContainerdHost.waitUntil(seconds: 30) {
                    try hosts[host]!.taskStatus(id) == "RUNNING" || !ContainerdHost.isRunning(clients[id]!)
                }
            }
            return clients
        }

        /// `ctr task kill -s KILL` for each, then waits for the ctr that ran each container:
        /// it runs CNI DEL and removes the container (--rm) once the task has exited.
        /// Returns each kill's outcome.
        func kill(_ placement: [String: String], clients: [String: pid_t]) throws -> [String: ProcessOutcome] {
            var outcomes: [String: ProcessOutcome] = [:]
            for (id, host) in placement { outcomes[id] = try hosts[host]!.ctr("task", "kill", "-s", "KILL", id) }
            for id in placement.keys {
                _ = ContainerdHost.waitUntil(seconds: 30) { !ContainerdHost.isRunning(clients[id]!) }
            }
            return outcomes
        }

        /// `ctr task exec` of a command in the container (each exec needs an id of its own).
        func exec(_ id: String, on host: String, _ command: String...) throws -> ProcessOutcome {
            let execID = "exec-\(ProcessRunner.uniqueSuffix())"
            return try hosts[host]!.ctr(["task", "exec", "--exec-id", execID, id] + command)
        }

        /// The address inside the container (busybox `ip`, run by `ctr task exec`).
        func addressInside(_ id: String, on host: String) throws -> String? {
            let output = try exec(id, on: host, "/bin/ip", "-4", "-o", "addr", "show", "dev", "eth0").stdout
            let words = output.split(separator: " ")
            guard let inet = words.firstIndex(of: "inet"), inet + 1 < words.count else { return nil }
            return String(words[inet + 1].split(separator: "/")[0])
        }

        /// The ADD result ctr's libcni cached for the container (ctr 1.6 prints none).
        func cachedResult(_ id: String, on host: String) throws -> JSONValue? {
            let outcome = try hosts[host]!.shell("cat /var/lib/cni/results/flat-a-default-\(id)-eth0")
            return outcome.status == 0 ? try JSONValue.parse(outcome.stdout)["result"] : nil
        }

        /// One ping from inside the container.
        func ping(from id: String, on host: String, _ address: String) throws -> Bool {
            try exec(id, on: host, "/bin/ping", "-c", "1", "-W", "2", address).status == 0
        }

        /// What the metadata service answers the container (busybox nc), trimmed, and nc's stderr.
        func metadata(from id: String, on host: String) throws -> (stdout: String, stderr: String) {
            let outcome = try exec(id, on: host, "/bin/nc", "-w", "3", "169.254.169.250", "80")
            return (outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines), outcome.stderr)
        }

        /// `flatnet ipam list` on the host's installed conflist.
        func leases(on host: String) throws -> String {
            try topology.operatorCommand(host: host, "ipam", "list", "--conf", conflists[host]!).stdout
        }

        /// The container `flatnet ipam list` names as holding `address` on `host`.
        func holder(of address: String, on host: String) throws -> String? {
            let rows = try leases(on: host).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            return rows.first { $0.first == address }.flatMap { $0.count > 1 ? $0[1] : nil }
        }

        /// Container veths (fl + 13 hex digits; the flb-/fld- link pair belongs to the host).
        func containerVeths(on host: String) throws -> Int {
            try topology.ip(host, "-br", "link", "show", "type", "veth").split(separator: "\n")
                .filter { $0.range(of: "^fl[0-9a-f]{13}", options: .regularExpression) != nil }.count
        }

        func leaseFiles(on host: String) -> Int {
            let addresses = topology.stateDirectory + "/\(host)/flat-a/addresses"
            return ((try? FileManager.default.contentsOfDirectory(atPath: addresses)) ?? []).count
        }
    }
}
