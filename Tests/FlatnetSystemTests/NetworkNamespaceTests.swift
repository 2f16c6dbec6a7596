import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
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

    /// `mount --bind SOURCE TARGET`, `mount --OPTION TARGET` or (with "-u") `umount ARGS`, in
    /// the test's private mount namespace.
    static func mount(_ arguments: String...) throws {
        let program = arguments.first == "-u" ? "/usr/bin/umount" : "/usr/bin/mount"
        let options = arguments.first?.hasPrefix("--") == true ? [] : ["--bind"]
        let argv = [program] + (arguments.first == "-u" ? Array(arguments.dropFirst()) : options + arguments)
        let outcome = try ProcessRunner.run(argv)
        try #require(outcome.status == 0, "\(argv.joined(separator: " ")): \(outcome.stderr)")
    }

    @Test("a NamespaceFile enters the namespace it opened and checked, though its path now names another")
    func entersTheOpenedNamespace() throws {
        let first = try Fixture(), second = try Fixture()
        let (firstMarker, secondMarker) = (first.marker, second.marker)
        let path = "/run/netns/flt-swap-\(ProcessRunner.uniqueSuffix())"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer {
            for _ in 0..<2 { try? Self.mount("-u", "-l", path) }
            try? FileManager.default.removeItem(atPath: path)
        }
        try Self.mount(first.path, path)
        // Private, so that stacking on it does not propagate to the first namespace's own
        // mount (/run/netns is shared, as `ip netns` makes it).
        try Self.mount("--make-private", path)
        let file = try NamespaceFile(path: path)
        try Self.mount(second.path, path)  // stacked: the path now resolves to the second
        #expect(try NetworkNamespace.identity(path: path) == NetworkNamespace.identity(path: second.path),
                "control: the path now names the second namespace")

        let seen = try file.withEntered {
            let socket = try NetlinkSocket()
            return (first: try socket.link(named: firstMarker) != nil, second: try socket.link(named: secondMarker) != nil)
        }
        #expect(seen.first && !seen.second, "entered the namespace that was opened: \(seen)")
        let (opened, named) = (try file.identity(), try NetworkNamespace.identity(path: first.path))
        let other = try NetworkNamespace.identity(path: second.path)
        #expect(opened == named && opened != other, "opened \(opened), first \(named), second \(other)")
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
