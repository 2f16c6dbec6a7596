import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// The reference host-local plugin, run through flatnet's delegation path.
@Suite("Delegating to another IPAM plugin",
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/lib/cni/host-local"),
                "needs Debian containernetworking-plugins (scripts/test.sh installs it)"))
struct DelegatedIPAMTests {
    static func netconf(dataDir: String) -> JSONValue {
        .object([
            "cniVersion": .string("1.0.0"), "name": .string("deleg"), "type": .string("flatnet"),
            "ipam": .object([
                "type": .string("host-local"), "dataDir": .string(dataDir),
                "ranges": .array([.array([.object(["subnet": .string("10.43.0.0/16"),
                                                   "rangeStart": .string("10.43.7.2"), "rangeEnd": .string("10.43.7.9")])])]),
            ]),
        ])
    }

    static func environment(_ container: String) -> [String: String] {
        ["CNI_CONTAINERID": container, "CNI_NETNS": "/proc/self/ns/net", "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni"]
    }

    @Test("ADD returns host-local's result; DEL releases it")
    func addAndDelete() throws {
        signal(SIGPIPE, SIG_IGN)
        let dataDir = NSTemporaryDirectory() + "flatnet-hl-" + ProcessRunner.uniqueSuffix()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let plugin = DelegatedIPAM(type: "host-local", searchPath: ["/nonexistent", "/usr/lib/cni"])
        let result = try #require(try plugin.run(.add, environment: Self.environment("c1"), netconf: Self.netconf(dataDir: dataDir)))
        #expect(result.ips.map(\.address.description) == ["10.43.7.2/16"])
        #expect(FileManager.default.fileExists(atPath: dataDir + "/deleg/10.43.7.2"))
        try plugin.run(.delete, environment: Self.environment("c1"), netconf: Self.netconf(dataDir: dataDir))
        #expect(!FileManager.default.fileExists(atPath: dataDir + "/deleg/10.43.7.2"))
    }

    @Test("a plugin's error keeps its code and names the plugin")
    func pluginError() throws {
        let plugin = DelegatedIPAM(type: "host-local", searchPath: ["/usr/lib/cni"])
        var environment = Self.environment("c1")
        environment["CNI_CONTAINERID"] = nil
        do {
            try plugin.run(.add, environment: environment, netconf: Self.netconf(dataDir: "/tmp/x"))
            Issue.record("expected an error")
        } catch let error as CNIError {
            #expect(error.code == .invalidEnvironment)
            #expect(error.message.hasPrefix("IPAM plugin host-local:"))
        }
    }

    @Test("a plugin missing from CNI_PATH is code 105 naming the path searched")
    func missingPlugin() {
        do {
            _ = try DelegatedIPAM(type: "no-such-ipam", searchPath: ["/usr/lib/cni", "/opt/cni/bin"]).locate()
            Issue.record("expected an error")
        } catch let error as CNIError {
            #expect(error.code == .delegatedIPAMFailed && error.details.contains("/usr/lib/cni:/opt/cni/bin"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
