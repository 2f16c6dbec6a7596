import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The flatnet binary run as flatnet-ipam, as a main plugin would run it.
@Suite("flatnet-ipam binary", .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY (scripts/test.sh does)"))
struct IPAMPluginProcessTests {
    final class Pool {
        let directory = NSTemporaryDirectory() + "flatnet-ipam-e2e-" + ProcessRunner.uniqueSuffix()
        var plugin: String { directory + "/bin/flatnet-ipam" }

        init() throws {
            try FileManager.default.createDirectory(atPath: directory + "/bin", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: plugin, withDestinationPath: TestHost.binary!)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func config(_ edits: [String: JSONValue] = [:], lastAddress: String = "10.43.1.9") -> JSONValue {
            var config = JSONValue.object([
                "cniVersion": .string("1.1.0"), "name": .string("e2e"), "type": .string("some-main-plugin"),
                "someMainPluginKey": .bool(true),
                "ipam": .object([
                    "type": .string("flatnet-ipam"), "subnet": .string("10.43.0.0/16"), "gateway": .string("10.43.0.1"),
                    "ranges": .array([.object(["rangeStart": .string("10.43.1.2"), "rangeEnd": .string(lastAddress)])]),
                    "dataDir": .string(directory + "/state"),
                ]),
            ])
            for (key, value) in edits {
                guard case .object(var members) = config else { break }
                members[key] = value
                config = .object(members)
            }
            return config
        }

        func call(_ command: String, _ container: String = "c1", args: String = "",
                  config: JSONValue) throws -> (status: Int32, reply: JSONValue?) {
            let outcome = try ProcessRunner.run([plugin], environment: [
                "CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/proc/self/ns/net",
                "CNI_IFNAME": "eth0", "CNI_PATH": directory + "/bin", "CNI_ARGS": args,
            ], stdin: config.serialized())
            return (outcome.status, outcome.stdout.isEmpty ? nil : try JSONValue.parse(outcome.stdout))
        }
    }

    static func address(_ reply: JSONValue?) -> String? {
        guard case .array(let ips)? = reply?["ips"] else { return nil }
        return ips.first?["address"]?.stringValue
    }

    @Test("the abbreviated result: no interfaces, no interface index; the main plugin's keys are its own")
    func abbreviated() throws {
        let pool = try Pool()
        let add = try pool.call("ADD", config: pool.config())
        #expect(add.status == 0)
        #expect(add.reply?["interfaces"] == nil)
        #expect(add.reply?.serialized().contains("\"interface\"") == false)
        #expect(Self.address(add.reply) == "10.43.1.2/16")
    }

    @Test("requests from CNI_ARGS, runtimeConfig.ips and args.cni.ips are honoured")
    func requests() throws {
        let pool = try Pool()
        #expect(Self.address(try pool.call("ADD", "a", args: "IP=10.43.1.5", config: pool.config()).reply) == "10.43.1.5/16")
        let runtime = pool.config(["runtimeConfig": .object(["ips": .array([.string("10.43.1.6/16")])])])
        #expect(Self.address(try pool.call("ADD", "b", config: runtime).reply) == "10.43.1.6/16")
        let args = pool.config(["args": .object(["cni": .object(["ips": .array([.string("10.43.1.7")])])])])
        #expect(Self.address(try pool.call("ADD", "c", args: "IP=10.43.1.8", config: args).reply) == "10.43.1.7/16")
        let taken = try pool.call("ADD", "d", args: "IP=10.43.1.5", config: pool.config())
        #expect(taken.status == 1 && taken.reply?["code"] == .number(103))
        #expect(taken.reply?["msg"]?.stringValue?.contains("10.43.1.5") == true)
    }

    @Test("CHECK passes for the held address and names the drift otherwise")
    func check() throws {
        let pool = try Pool()
        let add = try pool.call("ADD", config: pool.config())
        let good = pool.config(["prevResult": add.reply!])
        #expect(try pool.call("CHECK", config: good).status == 0)
        let wrong = pool.config(["prevResult": .object(["ips": .array([.object(["address": .string("10.43.1.9/16")])])])])
        let drift = try pool.call("CHECK", config: wrong)
        #expect(drift.status == 1 && drift.reply?["code"] == .number(106))
        #expect(drift.reply?["msg"]?.stringValue?.contains("10.43.1.9") == true)
    }

    @Test("STATUS: 0 while addresses remain, 50 once the pool is exhausted")
    func status() throws {
        let pool = try Pool()
        let tiny = pool.config(lastAddress: "10.43.1.3")
        #expect(try pool.call("STATUS", config: tiny).status == 0)
        _ = try pool.call("ADD", "a", config: tiny)
        _ = try pool.call("ADD", "b", config: tiny)
        let exhausted = try pool.call("ADD", "c", config: tiny)
        #expect(exhausted.reply?["code"] == .number(102))
        let status = try pool.call("STATUS", config: tiny)
        #expect(status.status == 1 && status.reply?["code"] == .number(50))
    }

    @Test("GC releases attachments not listed; refuses to run without a list")
    func gc() throws {
        let pool = try Pool()
        for container in ["a", "b", "c"] { _ = try pool.call("ADD", container, config: pool.config()) }
        let noList = try pool.call("GC", config: pool.config())
        #expect(noList.status == 1 && noList.reply?["code"] == .number(7))
        let keep = pool.config(["cni.dev/attachments": .array([.object(["containerID": .string("b"), "ifname": .string("eth0")])])])
        #expect(try pool.call("GC", config: keep).status == 0)
        let leases = try FileManager.default.contentsOfDirectory(atPath: pool.directory + "/state/e2e/addresses")
        #expect(leases == ["10.43.1.3"])
    }

    @Test("foreign state in dataDir is code 104 naming the directory")
    func foreignState() throws {
        let pool = try Pool()
        try FileManager.default.createDirectory(atPath: pool.directory + "/state/e2e", withIntermediateDirectories: true)
        try "x".write(toFile: pool.directory + "/state/e2e/last_reserved_ip.0", atomically: true, encoding: .utf8)
        let add = try pool.call("ADD", config: pool.config())
        #expect(add.reply?["code"] == .number(104))
        #expect(add.reply?["msg"]?.stringValue?.contains(pool.directory + "/state/e2e") == true)
    }
}
