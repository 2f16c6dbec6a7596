import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Testing

/// Per-element counters: a rule `iifname @drops` counts frames from a port in its
/// element's counter; NetfilterSocket must read the numbers nft reads.
@Suite("nftables element counters after traffic (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)))
struct NetfilterCounterTests {
    @Test("counters read through netlink equal nft's, and counted the frames sent")
    func countersMatchNft() throws {
        let fixture = try NftablesFixture()
        let sender = "flt-nfs-" + ProcessRunner.uniqueSuffix()
        try ProcessRunner.ip("netns", "add", sender)
        defer { try? ProcessRunner.ip("netns", "del", sender) }
        try connect(fixture.namespace, port: "flab1", to: sender)
        try fixture.nft(script: """
            add chain bridge fn-test c { type filter hook prerouting priority 0; }
            add rule bridge fn-test c iifname @drops

            """)
        let socket = try fixture.socket()
        let watched = ContainerElements(1).changes[4], idle = ContainerElements(2).changes[4]
        try socket.add(table: NftablesFixture.table, [watched, idle])

        let ping = try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", sender, "ping", "-c", "5",
                                          "-i", "0.2", "-W", "1", "10.99.0.1"],
                                         environment: NftablesFixture.environment)
        #expect(ping.status == 0, "positive control: the pings crossed the port (\(ping.stdout))")

        // A late frame (an ARP probe) may land between two reads: compare a netlink read
        // with nft's only when nft listed the same before and after it (nothing came in).
        var counters: [NftElementKey: NftElementCounters?] = [:], listed = Set<String>()
        for _ in 0..<10 {
            let before = try fixture.listed("drops")
            counters = try socket.elements(table: NftablesFixture.table, set: "drops")
            listed = try fixture.listed("drops")
            if before == listed { break }
        }
        let counted = try #require(counters[watched.keys[0]] ?? nil)
        #expect(counted.packets >= 5, "5 echo requests (and ARP) came in through flab1")
        #expect(counters[idle.keys[0]] == NftElementCounters(packets: 0, bytes: 0))
        let nftSays = "\"flab1\" counter packets \(counted.packets) bytes \(counted.bytes)"
        #expect(listed.contains(nftSays), "nft lists \(listed)")
    }

    /// A bridge with address 10.99.0.1 in `bridged`; port `port` whose peer, 10.99.0.2, is
    /// in `sender`.
    private func connect(_ bridged: String, port: String, to sender: String) throws {
        try ProcessRunner.ip("-n", bridged, "link", "add", "br0", "type", "bridge")
        try ProcessRunner.ip("-n", bridged, "link", "add", port, "type", "veth", "peer", "name", "eth0",
                             "netns", sender)
        try ProcessRunner.ip("-n", bridged, "link", "set", port, "master", "br0", "up")
        try ProcessRunner.ip("-n", bridged, "addr", "add", "10.99.0.1/24", "dev", "br0")
        try ProcessRunner.ip("-n", bridged, "link", "set", "br0", "up")
        // No IPv6 on the sender: its router solicitations and MLD reports would be counted too.
        _ = try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", sender, "sysctl", "-qw",
                                   "net.ipv6.conf.eth0.disable_ipv6=1"], environment: NftablesFixture.environment)
        try ProcessRunner.ip("-n", sender, "addr", "add", "10.99.0.2/24", "dev", "eth0")
        try ProcessRunner.ip("-n", sender, "link", "set", "eth0", "up")
    }
}
