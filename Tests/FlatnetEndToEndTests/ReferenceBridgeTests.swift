import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// flatnet-ipam serving a main plugin nobody here wrote: the reference Go bridge plugin.
@Suite("Reference bridge plugin with flatnet-ipam (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct ReferenceBridgeTests {
    struct Setup: ~Copyable {
        let pluginDirectory: String
        let dataDirectory: String
        let namespace: String

        init() throws {
            let suffix = ProcessRunner.uniqueSuffix()
            pluginDirectory = NSTemporaryDirectory() + "flatnet-bin-" + suffix
            dataDirectory = NSTemporaryDirectory() + "flatnet-data-" + suffix
            namespace = "flt-c-" + suffix
            try FileManager.default.createDirectory(atPath: pluginDirectory, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: pluginDirectory + "/flatnet-ipam", withDestinationPath: TestHost.binary!)
            try ProcessRunner.ip("netns", "add", namespace)
        }

        deinit {
            try? ProcessRunner.ip("netns", "del", namespace)
            try? FileManager.default.removeItem(atPath: pluginDirectory)
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }

        func netconf(bridge: String) -> String {
            JSONValue.object([
                "cniVersion": .string("1.0.0"), "name": .string("refnet"), "type": .string("bridge"),
                "bridge": .string(bridge), "isGateway": .bool(false),
                "ipam": .object([
                    "type": .string("flatnet-ipam"), "subnet": .string("10.43.0.0/16"), "gateway": .string("10.43.0.1"),
                    "ranges": .array([.object(["rangeStart": .string("10.43.3.10"), "rangeEnd": .string("10.43.3.20")])]),
                    "routes": .array([.object(["dst": .string("0.0.0.0/0")])]), "dataDir": .string(dataDirectory),
                ]),
            ]).serialized()
        }

        func bridgePlugin(_ command: String, stdin: String) throws -> ProcessOutcome {
            try ProcessRunner.run(["/usr/lib/cni/bridge"], environment: [
                "CNI_COMMAND": command, "CNI_CONTAINERID": "ref1", "CNI_NETNS": "/run/netns/" + namespace,
                "CNI_IFNAME": "eth0", "CNI_PATH": pluginDirectory + ":/usr/lib/cni",
            ], stdin: stdin)
        }
    }

    @Test("ADD gives the container a pool address; CHECK passes; DEL releases it")
    func bridgeUsesPool() throws {
        let setup = try Setup()
        let bridge = "flr" + ProcessRunner.uniqueSuffix()
        defer { try? ProcessRunner.ip("link", "del", bridge) }
        let config = setup.netconf(bridge: bridge)

        let add = try setup.bridgePlugin("ADD", stdin: config)
        #expect(add.status == 0, "\(add.stdout) \(add.stderr)")
        let result = try JSONValue.parse(add.stdout)
        let ips = try #require(result["ips"]?.arrayValue, "no ips in \(add.stdout)")
        #expect(ips.first?["address"] == .string("10.43.3.10/16"))

        let inside = try ProcessRunner.run(["/usr/sbin/ip", "-n", setup.namespace, "-4", "-o", "addr", "show", "eth0"])
        #expect(inside.stdout.contains("10.43.3.10/16"), "\(inside.stdout)")
        let routes = try ProcessRunner.run(["/usr/sbin/ip", "-n", setup.namespace, "route"])
        #expect(routes.stdout.contains("default via 10.43.0.1"), "\(routes.stdout)")

        var withPrev = try JSONValue.parse(config)
        withPrev = withPrev.setting("prevResult", to: result)
        let check = try setup.bridgePlugin("CHECK", stdin: withPrev.serialized())
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")

        let lease = setup.dataDirectory + "/refnet/addresses/10.43.3.10"
        #expect(leaseExists(lease))
        let delete = try setup.bridgePlugin("DEL", stdin: config)
        #expect(delete.status == 0, "\(delete.stdout) \(delete.stderr)")
        #expect(!leaseExists(lease))
        #expect(try setup.bridgePlugin("DEL", stdin: config).status == 0, "repeated DEL succeeds")
    }
}
