import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// What `flatnet ipam release`, `list` and `usage` say about the pool, on a pool the
/// flatnet-ipam plugin filled (files only: no root, no namespace).
@Suite("ipam release and listings say what happened", .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY"))
struct IPAMOperatorMessagesTests {
    /// A flatnet netconf for the pool's network (same name and dataDir as its IPAM calls).
    static func netconf(_ pool: IPAMPluginProcessTests.Pool) throws -> String {
        let path = pool.directory + "/e2e.json"
        let config = pool.config().setting("type", to: .string("flatnet")).setting("someMainPluginKey", to: nil)
        try config.serialized().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func flatnet(_ arguments: String...) throws -> ProcessOutcome {
        try ProcessRunner.run([TestHost.binary!] + arguments)
    }

    @Test("release: released (owner named), not held, outside the subnet (exit 1), an owner holding nothing")
    func release() throws {
        let pool = try IPAMPluginProcessTests.Pool()
        #expect(try pool.call("ADD", "c1", config: pool.config()).status == 0)
        let file = try Self.netconf(pool)
        let dryRun = try Self.flatnet("ipam", "release", "--conf", file, "--address", "10.43.1.2", "--dry-run")
        #expect(dryRun.stdout == "would release 10.43.1.2 (container c1 ifname eth0)\n" && dryRun.status == 0,
                "\(dryRun.stdout)")
        let released = try Self.flatnet("ipam", "release", "--conf", file, "--address", "10.43.1.2")
        #expect(released.stdout == "released 10.43.1.2 (container c1 ifname eth0)\n" && released.status == 0,
                "\(released.stdout)")
        let again = try Self.flatnet("ipam", "release", "--conf", file, "--address", "10.43.1.2")
        #expect(again.stdout == "10.43.1.2 was not held: nothing released\n" && again.status == 0, "\(again.stdout)")
        let outside = try Self.flatnet("ipam", "release", "--conf", file, "--address", "10.99.0.5")
        #expect(outside.status == 1 && outside.stdout.isEmpty, "\(outside.stdout)")
        #expect(outside.stderr == "flatnet: 10.99.0.5 is outside the network's subnet 10.43.0.0/16: nothing released\n",
                "\(outside.stderr)")
        let owner = try Self.flatnet("ipam", "release", "--conf", file, "--container", "c1")
        #expect(owner.stdout == "container c1 ifname eth0 holds no address: nothing released\n" && owner.status == 0,
                "\(owner.stdout)")
    }

    @Test("list and usage of a network with no state directory say so")
    func noStateDirectory() throws {
        let pool = try IPAMPluginProcessTests.Pool()
        let file = try Self.netconf(pool)
        let note = "network e2e: no state directory \(pool.directory)/state/e2e (no address handed out on this host yet)\n"
        let list = try Self.flatnet("ipam", "list", "--conf", file)
        #expect(list.stdout == note && list.status == 0, "\(list.stdout) \(list.stderr)")
        let usage = try Self.flatnet("ipam", "usage", "--conf", file)
        #expect(usage.stdout.hasPrefix(note) && usage.stdout.contains("0/8 held") && usage.status == 0,
                "\(usage.stdout) \(usage.stderr)")
        #expect(try Self.flatnet("ipam", "list", "--conf", file, "--json").stdout == "[]\n", "JSON stays an array")
        #expect(try pool.call("ADD", "c1", config: pool.config()).status == 0)
        let filled = try Self.flatnet("ipam", "list", "--conf", file)
        #expect(filled.stdout.contains("10.43.1.2  c1") && !filled.stdout.contains("no state directory"),
                "control: \(filled.stdout)")
    }
}
