import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Testing

@Suite("Netlink routes read back (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)))
struct NetlinkRouteTests {
    /// The kernel sends a default route without RTA_DST; libnl reads it as a destination of
    /// zero bytes, which CHECK's route reader must turn into 0.0.0.0/0 or ::/0 without
    /// reading past it (an IPv6 read of 16 bytes there returned the heap's bytes).
    @Test("default routes read back as 0.0.0.0/0 and ::/0, with their gateway and interface")
    func defaultRoutes() throws {
        let namespace = "flt-r-" + ProcessRunner.uniqueSuffix()
        try ProcessRunner.ip("netns", "add", namespace)
        defer { try? ProcessRunner.ip("netns", "del", namespace) }
        try ProcessRunner.ip("-n", namespace, "link", "add", "v0", "up", "type", "veth", "peer", "name", "v1")
        try ProcessRunner.ip("-n", namespace, "link", "set", "v1", "up")
        let socket = try NamespaceFile(path: "/run/netns/" + namespace).openSocket()
        let index = try #require(try socket.link(named: "v0")).index
        try socket.addAddress(try #require(IPPrefix("10.99.0.2/24")), interfaceIndex: index)
        let defaults = [
            RouteEntry(destination: try #require(IPPrefix("0.0.0.0/0")), gateway: IPAddress("10.99.0.1"),
                       interfaceIndex: index),
            RouteEntry(destination: try #require(IPPrefix("::/0")), gateway: IPAddress("fe80::1"),
                       interfaceIndex: index),
        ]
        for route in defaults { try socket.addRoute(route) }

        let read = try socket.routes()
        for route in defaults {
            #expect(read.contains(route), "\(route.destination) missing from \(read.map(\.destination))")
        }
        #expect(read.contains { $0.destination == IPPrefix("10.99.0.0/24") }, "control: the connected route")
    }
}
