import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Testing

@Suite("Entering network namespaces (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)))
struct NetworkNamespaceTests {
    /// A named netns holding one veth pair that exists nowhere else.
    struct Fixture: ~Copyable {
        let name: String
        let path: String
        let marker: String

        init() throws {
            let suffix = ProcessRunner.uniqueSuffix()
            name = "flt-ns-\(suffix)"
            path = "/run/netns/\(name)"
            marker = "flm\(suffix)"
            try ProcessRunner.ip("netns", "add", name)
            try ProcessRunner.ip("-n", name, "link", "add", marker, "type", "veth", "peer", "name", marker + "p")
        }

        deinit { try? ProcessRunner.ip("netns", "del", name) }
    }

    @Test("inside, the namespace's links are visible; afterwards the thread is back")
    func enterAndReturn() throws {
        let fixture = try Fixture()
        let before = try NetworkNamespace.identity(path: "/proc/thread-self/ns/net")
        let seenInside = try NetworkNamespace.withEntered(path: fixture.path) {
            try NetlinkSocket().link(named: fixture.marker) != nil
        }
        #expect(seenInside)
        #expect(try NetworkNamespace.identity(path: "/proc/thread-self/ns/net") == before)
        #expect(try NetlinkSocket().link(named: fixture.marker) == nil)
    }

    @Test("a socket opened inside keeps acting on that namespace after returning")
    func socketStaysBound() throws {
        let fixture = try Fixture()
        let socket = try NetworkNamespace.withEntered(path: fixture.path) { try NetlinkSocket() }
        #expect(try socket.link(named: fixture.marker) != nil)
    }

    @Test("a path that is not a namespace fails cleanly and leaves the thread where it was")
    func notANamespace() throws {
        let before = try NetworkNamespace.identity(path: "/proc/thread-self/ns/net")
        #expect(throws: SystemCallError.self) {
            try NetworkNamespace.withEntered(path: "/proc/self/status") { () }
        }
        #expect(throws: SystemCallError.self) {
            try NetworkNamespace.withEntered(path: "/run/netns/flt-does-not-exist") { () }
        }
        #expect(try NetworkNamespace.identity(path: "/proc/thread-self/ns/net") == before)
    }
}
