import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The control for every other end-to-end suite, without flatnet at all: the reference Go
/// bridge plugin with host-local attaches two containers that reach each other. When a
/// flatnet suite fails on a new kernel (scripts/vm-test.sh) and this one passes, the kernel
/// and the tools work and the failure is flatnet's.
@Suite("Reference bridge + host-local control (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, "run scripts/test.sh"), .serialized)
struct ReferenceControlTests {
    @Test("two containers attached by bridge + host-local ping each other; DEL removes their veths")
    func referencePairPings() throws {
        let suffix = ProcessRunner.uniqueSuffix()
        let bridge = "frc" + suffix.prefix(8)
        let dataDirectory = NSTemporaryDirectory() + "flatnet-ref-" + suffix
        let containers = ["a", "b"].map { "flt-ref\($0)-" + suffix }
        defer {
            for name in containers { try? ProcessRunner.ip("netns", "del", name) }
            try? ProcessRunner.ip("link", "del", bridge)
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }
        let config = JSONValue.object([
            "cniVersion": .string("1.0.0"), "name": .string("refcontrol"), "type": .string("bridge"),
            "bridge": .string(bridge), "isGateway": .bool(false),
            "ipam": .object(["type": .string("host-local"), "subnet": .string("10.77.0.0/24"),
                             "dataDir": .string(dataDirectory)]),
        ]).serialized()
        let plugin = { (command: String, container: String) throws -> ProcessOutcome in
            try ProcessRunner.run(["/usr/lib/cni/bridge"], environment: [
                "CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/run/netns/" + container,
                "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni",
            ], stdin: config)
        }

        var addresses: [String] = []
        for name in containers {
            try ProcessRunner.ip("netns", "add", name)
            let add = try plugin("ADD", name)
            #expect(add.status == 0, "\(add.stdout) \(add.stderr)")
            let address = try JSONValue.parse(add.stdout)["ips"]?.arrayValue?.first?["address"]?.stringValue
            addresses.append(String(try #require(address, "no address in \(add.stdout)").split(separator: "/")[0]))
        }
        #expect(Set(addresses).count == 2, "two different addresses: \(addresses)")
        let ping = try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", containers[0], "ping", "-c", "1", "-W", "5",
                                          addresses[1]])
        #expect(ping.status == 0, "\(ping.stdout) \(ping.stderr)")

        for name in containers { #expect(try plugin("DEL", name).status == 0) }
        let ports = try ProcessRunner.run(["/usr/sbin/ip", "-br", "link", "show", "master", bridge]).stdout
        #expect(ports.isEmpty, "the bridge has no ports left: \(ports)")
    }
}
