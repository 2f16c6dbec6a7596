import CNamespace
import Glibc

/// Runs code with the calling thread inside another network namespace.
///
/// `setns(2)` moves only the calling thread, so this is synchronous by design: the body
/// cannot suspend and resume on another thread (PLATFORM-NOTES "Threads and network
/// namespaces"). The thread's own namespace is saved from `/proc/thread-self/ns/net`
/// (not `/proc/self`, which is the main thread's) and restored afterwards.
public enum NetworkNamespace {
    /// Enters the namespace at `path` (e.g. `/var/run/netns/c1`), runs `body`, returns.
    /// If returning fails the process stops: running on in the wrong namespace could
    /// configure the host's network with a container's settings.
    public static func withEntered<T: ~Copyable, E: Error>(
        path: String, _ body: () throws(E) -> T
    ) throws -> T {
        let target = try open(path: path)
        defer { close(target) }
        return try withEntered(descriptor: target, name: path, body)
    }

    /// Enters the namespace open as `descriptor` (`setns(fd, CLONE_NEWNET)`; what the
    /// descriptor refers to cannot change, unlike what a path names), runs `body`,
    /// returns. `name` only labels errors. The descriptor stays open: it is the caller's.
    public static func withEntered<T: ~Copyable, E: Error>(
        descriptor target: Int32, name: String, _ body: () throws(E) -> T
    ) throws -> T {
        let original = try open(path: "/proc/thread-self/ns/net")
        defer { close(original) }
        guard flatnet_setns_net(target) == 0 else {
            throw SystemCallError(call: "setns(\(name))", errno: errno)
        }
        defer {
            if flatnet_setns_net(original) != 0 {
                fatalError("flatnet: cannot return to the original network namespace (errno \(errno))")
            }
        }
        return try body()
    }

    /// The namespace identity of `path` (device and inode of the nsfs file), for
    /// comparing two namespace references without entering either.
    public static func identity(path: String) throws(SystemCallError) -> NamespaceIdentity {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SystemCallError(call: "stat(\(path))", errno: errno) }
        return NamespaceIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The id under which the calling thread's namespace knows the namespace open as
    /// `descriptor` (RTM_GETNSID; `ip netns list-id`), or nil when none is assigned. A
    /// veth whose peer lives there reports the same id as its IFLA_LINK_NETNSID.
    public static func id(of descriptor: Int32) throws(SystemCallError) -> Int32? {
        var identifier: Int32 = -1
        guard flatnet_netns_id(descriptor, &identifier) == 0 else {
            throw SystemCallError(call: "RTM_GETNSID", errno: errno)
        }
        return identifier >= 0 ? identifier : nil
    }

    private static func open(path: String) throws(SystemCallError) -> Int32 {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemCallError(call: "open(\(path))", errno: errno) }
        return descriptor
    }
}

/// Device and inode of a namespace file: equal identities mean the same namespace.
public struct NamespaceIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64
}
