import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Review of `flatnet ipam usage` on IPv6 ranges (issue 18, review6), files only.
@Suite("review6: ipam usage of IPv6 ranges", .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY"))
struct Review6UsageTests {
    /// A flatnet netconf whose IPv6 range runs from ::2 to the top of the /64.
    static func netconf(_ pool: IPAMPluginProcessTests.Pool) throws -> String {
        let path = pool.directory + "/wide.json"
        let ipv6 = try JSONValue.parse(Array(#"""
            {"subnet": "2001:db8:43::/64", "gateway": "2001:db8:43::1",
             "ranges": [{"rangeStart": "2001:db8:43::2",
                         "rangeEnd": "2001:db8:43:0:ffff:ffff:ffff:ffff"}]}
            """#.utf8))
        let config = pool.config().setting("type", to: .string("flatnet"))
            .setting("someMainPluginKey", to: nil).setting("ipam.ipv6", to: ipv6).setting("logFile", to: .string(""))
        try config.serialized().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The range holds 2^64 - 2 addresses; `--json` prints 1.8446744073709552e+19 (a Double:
    /// 2^64), which no reader can turn back into the capacity, and which is not even an
    /// integer literal (`held == capacity` never holds).
    @Test("usage --json: a /64 range's capacity is exact")
    func exactCapacity() throws {
        let pool = try IPAMPluginProcessTests.Pool()
        let file = try Self.netconf(pool)
        let usage = try ProcessRunner.run([TestHost.binary!, "ipam", "usage", "--conf", file, "--json"])
        #expect(usage.status == 0, "\(usage.stderr)")
        #expect(usage.stdout.contains("\"capacity\": 8,"), "control: IPv4 is exact: \(usage.stdout)")
        #expect(usage.stdout.contains("18446744073709551614"), "\(usage.stdout)")
    }

    /// The table's comment says the widest IPv4 line fits 80 columns; an IPv6 range's two
    /// 39-character addresses make a 107-column line.
    @Test("usage: every line of an IPv6 range fits 80 columns")
    func eightyColumns() throws {
        let pool = try IPAMPluginProcessTests.Pool()
        let usage = try ProcessRunner.run([TestHost.binary!, "ipam", "usage", "--conf", Self.netconf(pool)])
        #expect(usage.status == 0 && usage.stdout.contains("~2^64"), "\(usage.stdout) \(usage.stderr)")
        let lines = usage.stdout.split(separator: "\n").map(String.init)
        let wide = lines.filter { $0.contains(" held ") && $0.count > 80 }
        #expect(wide.isEmpty, "\(wide)")
    }

    /// A container attached before the netconf gained `ipam.ipv6` holds its IPv4 address;
    /// `plan` for it says it "would get" that address (and JSON `"decision": "lease"`):
    /// one verdict for both families, though only the IPv6 one would be leased.
    @Test("plan: an address already held is not one the container would get")
    func planPerFamily() throws {
        let pool = try IPAMPluginProcessTests.Pool()
        #expect(try pool.call("ADD", "c1", config: pool.config()).status == 0, "control: IPv4-only ADD")
        let file = try Self.netconf(pool)
        let plan = try ProcessRunner.run([TestHost.binary!, "plan", "--conf", file, "--container", "c1"])
        let text = plan.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(plan.status == 0 && text.contains("2001:db8:43::2/64"), "control: \(plan.stdout) \(plan.stderr)")
        #expect(!text.contains("would get 10.43.1.2/16"), "\(text)")
    }
}
