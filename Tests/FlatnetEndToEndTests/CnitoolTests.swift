import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// flatnet driven by cnitool, the reference CNI client (libcni), in the two-host topology.
@Suite("cnitool drives flatnet (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil && TestHost.cnitool != nil, "run scripts/test.sh"),
       .serialized)
struct CnitoolTests {
    /// One private setup per test: conflist directory, plugin directory, result cache.
    struct Client {
        let topology: Topology
        let root: String

        init(_ topology: Topology, version: String) throws {
            self.topology = topology
            root = topology.stateDirectory + "/cnitool"
            for directory in ["net.d", "bin", "cache"] {
                try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
            }
            try FileManager.default.createSymbolicLink(atPath: root + "/bin/flatnet", withDestinationPath: TestHost.binary!)
            try FileManager.default.createSymbolicLink(atPath: root + "/bin/flatnet-ipam", withDestinationPath: TestHost.binary!)
            for host in ["hA", "hB"] {
                let range = host == "hA" ? ("10.43.1.2", "10.43.1.9") : ("10.43.2.2", "10.43.2.9")
                let plugin = topology.netconf("flat-a", host: host, range: range, version: version, reserved: "10.43.0.2")
                guard case .object(var members) = plugin else { continue }
                members["cniVersion"] = nil
                members["name"] = nil
                let conflist = JSONValue.object(["cniVersion": .string(version), "name": .string("flat-a"),
                                                 "plugins": .array([.object(members.merging(["name": .string("flat-a")]) { $1 })])])
                try FileManager.default.createDirectory(atPath: root + "/net.d/" + host, withIntermediateDirectories: true)
                try conflist.prettyPrinted().write(toFile: root + "/net.d/\(host)/flat-a.conflist", atomically: true, encoding: .utf8)
            }
        }

        /// `cnitool VERB flat-HOST NETNS`, run in HOST, with cnitool's result cache
        /// (/var/lib/cni) bind-mounted from a private directory in a private mount namespace.
        /// /var/lib is a tmpfs there first: a `mkdir` in a private mount namespace still
        /// writes the machine's own disk.
        func run(_ verb: String, host: String, container: String) throws -> ProcessOutcome {
            let command = "mount --bind \(root)/cache /var/lib/cni && exec ip netns exec \(topology.namespace(host)) env "
                + "NETCONFPATH=\(root)/net.d/\(host) CNI_PATH=\(root)/bin \(TestHost.cnitool!) \(verb) flat-a /run/netns/\(topology.namespace(container))"
            return try ProcessRunner.run(["/usr/bin/unshare", "--mount", "sh", "-c", "mount -t tmpfs tmpfs /var/lib && mkdir /var/lib/cni && " + command],
                                         environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        }
    }

    @Test("ADD, CHECK, DEL and DEL again across two hosts, for every cniVersion this cnitool speaks",
          arguments: ["0.3.0", "0.3.1", "0.4.0", "1.0.0"])
    func lifecycle(_ version: String) throws {
        let topology = try Topology()
        for host in ["hA", "hB"] { try topology.metadata(on: host) }
        for name in ["cA1", "cB1"] { _ = try topology.container(name) }
        let client = try Client(topology, version: version)
        let addA = try client.run("add", host: "hA", container: "cA1")
        let addB = try client.run("add", host: "hB", container: "cB1")
        #expect(addA.status == 0 && addB.status == 0, "\(addA.stdout)\(addA.stderr) \(addB.stderr)")
        let result = try JSONValue.parse(addA.stdout)
        #expect(result["cniVersion"] == .string(version))
        #expect(try topology.ping(from: "cA1", "10.43.2.2") && topology.ping(from: "cB1", "10.43.1.2"))
        #expect(try topology.fetchMetadata(from: "cA1") == "hA")
        if version >= "0.4.0" {
            let check = try client.run("check", host: "hA", container: "cA1")
            #expect(check.status == 0, "\(check.stderr)")
        }
        for _ in 0..<2 {
            let delete = try client.run("del", host: "hA", container: "cA1")
            #expect(delete.status == 0, "\(delete.stderr)")
        }
        let prefix = String(InterfaceNaming.hostVethWildcard(network: "flat-a").dropLast())
        #expect(try topology.ip("hB", "-br", "link").contains(prefix), "control: hB's container veth is there")
        #expect(try !topology.ip("hA", "-br", "link").contains(prefix), "no container veth left on hA")
        #expect(try FileManager.default.contentsOfDirectory(atPath: topology.stateDirectory + "/hA/flat-a/addresses").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: topology.stateDirectory + "/hB/flat-a/addresses") == ["10.43.2.2"],
                "control: hB's lease is there")
    }
}
