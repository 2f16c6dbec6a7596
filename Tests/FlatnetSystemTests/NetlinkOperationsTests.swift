import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

@Suite("Netlink changes round-trip (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)))
struct NetlinkOperationsTests {
    static func name(_ prefix: String) -> InterfaceName {
        try! InterfaceName(validating: prefix + ProcessRunner.uniqueSuffix().prefix(8))
    }

    @Test("createBridge creates once, up; a second call reports it existed")
    func bridge() throws {
        let socket = try NetlinkSocket()
        let bridge = Self.name("fbr")
        defer { _ = try? socket.deleteLink(named: bridge.value) }
        #expect(try socket.createBridge(named: bridge, mtu: 1400))
        #expect(try !socket.createBridge(named: bridge, mtu: 1400))
        let info = try #require(try socket.link(named: bridge.value))
        #expect(info.kind == "bridge" && info.isUp && info.mtu == 1400)
    }

    @Test("a veth is born with its peer inside the container netns, on the bridge, with MAC and MTU")
    func veth() throws {
        let socket = try NetlinkSocket()
        let bridge = Self.name("fbr"), host = Self.name("fve")
        let namespace = "flt-v-" + ProcessRunner.uniqueSuffix()
        try ProcessRunner.ip("netns", "add", namespace)
        defer { try? ProcessRunner.ip("netns", "del", namespace); _ = try? socket.deleteLink(named: bridge.value) }
        _ = try socket.createBridge(named: bridge, mtu: nil)
        let bridgeIndex = try #require(try socket.link(named: bridge.value)).index
        let file = try NamespaceFile(path: "/run/netns/" + namespace)
        try socket.createVeth(VethRequest(hostName: host, bridgeIndex: bridgeIndex, containerName: try InterfaceName(validating: "eth0"),
                                          containerNamespace: file.descriptor, mtu: 1450, containerMAC: MACAddress("0a:00:00:00:0a:01")))
        let hostEnd = try #require(try socket.link(named: host.value))
        #expect(hostEnd.masterIndex == bridgeIndex && hostEnd.isUp && hostEnd.mtu == 1450)
        #expect(try socket.link(named: "eth0") == nil, "the peer must not appear in the host netns")

        let inside = try file.openSocket()
        let peer = try #require(try inside.link(named: "eth0"))
        #expect(peer.mac == MACAddress("0a:00:00:00:0a:01") && peer.mtu == 1450 && !peer.isUp)

        try inside.changeLink(named: "eth0", LinkChange(arpNotify: true))
        try inside.addAddress(IPPrefix("10.43.1.5/16")!, interfaceIndex: peer.index)
        try inside.changeLink(named: "eth0", LinkChange(up: true))
        try inside.addRoute(RouteEntry(destination: IPPrefix("0.0.0.0/0")!, gateway: IPAddress("10.43.0.1"), interfaceIndex: peer.index))
        try inside.addRoute(RouteEntry(destination: IPPrefix("169.254.169.250/32")!, gateway: IPAddress("10.43.0.2"), interfaceIndex: peer.index))
        #expect(try inside.addresses(interfaceIndex: peer.index).map(\.prefix.description).contains("10.43.1.5/16"))
        let routes = try inside.routes()
        #expect(routes.contains(RouteEntry(destination: IPPrefix("0.0.0.0/0")!, gateway: IPAddress("10.43.0.1"), interfaceIndex: peer.index)))
        #expect(routes.contains(RouteEntry(destination: IPPrefix("169.254.169.250/32")!, gateway: IPAddress("10.43.0.2"), interfaceIndex: peer.index)))
        let sysctl = try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", namespace, "cat", "/proc/sys/net/ipv4/conf/eth0/arp_notify"])
        #expect(sysctl.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

        #expect(try socket.deleteLink(named: host.value))
        #expect(try inside.link(named: "eth0") == nil, "deleting the host end removes the peer")
        #expect(try !socket.deleteLink(named: host.value), "deleting again reports nothing was there")
    }

    @Test("a namespace path that is missing, or not a netns, is refused and told apart (codes 3 and 4)")
    func namespaceFiles() throws {
        let missing = try #require(throws: NamespaceError.self) {
            _ = try NamespaceFile(path: "/run/netns/flt-none")
        }
        #expect(missing.cniError.code == .unknownContainer)
        let notNetworkNamespace = try #require(throws: NamespaceError.self) {
            _ = try NamespaceFile(path: "/proc/self/status")
        }
        #expect(notNetworkNamespace.cniError.code == .invalidEnvironment)
        #expect((try? NamespaceFile(path: "/proc/self/ns/net")) != nil, "control: a network namespace opens")
    }
}
