import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Testing

@Suite("Netlink link lookup (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)))
struct NetlinkSocketTests {
    @Test("lo is found with index 1 and reported up")
    func loopback() throws {
        let socket = try NetlinkSocket()
        let lo = try #require(try socket.link(named: "lo"))
        #expect(lo.index == 1)
        #expect(lo.isUp)
        #expect(lo.masterIndex == nil)
    }

    @Test("a missing link is nil, not an error")
    func missing() throws {
        #expect(try NetlinkSocket().link(named: "flt-absent0") == nil)
    }

    @Test("a bridge and its port: kind, MTU, MAC and master index round-trip")
    func bridgeAndPort() throws {
        let suffix = ProcessRunner.uniqueSuffix()
        let bridge = "flb\(suffix)", port = "fld\(suffix)"
        try ProcessRunner.ip("link", "add", bridge, "type", "bridge")
        defer { try? ProcessRunner.ip("link", "del", bridge) }
        // This kernel has no dummy links (CONFIG_DUMMY unset): a veth end is the port.
        try ProcessRunner.ip("link", "add", port, "mtu", "1400", "address", "0a:00:00:00:00:42",
                             "type", "veth", "peer", "name", "flp\(suffix)")
        defer { try? ProcessRunner.ip("link", "del", port) }
        try ProcessRunner.ip("link", "set", port, "master", bridge, "up")

        let socket = try NetlinkSocket()
        let bridgeInfo = try #require(try socket.link(named: bridge))
        let portInfo = try #require(try socket.link(named: port))
        #expect(bridgeInfo.kind == "bridge")
        #expect(portInfo.kind == "veth")
        #expect(portInfo.mtu == 1400)
        #expect(portInfo.mac == MACAddress("0a:00:00:00:00:42"))
        #expect(portInfo.masterIndex == bridgeInfo.index)
        #expect(portInfo.isUp && !bridgeInfo.isUp)
    }
}
