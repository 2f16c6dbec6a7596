import CNamespace
import FlatnetCore
import Glibc

/// An open network-namespace file (`/var/run/netns/NAME`, `/proc/PID/ns/net`), checked
/// to really be a network namespace, and closed exactly once.
public struct NamespaceFile: ~Copyable {
    public let descriptor: Int32
    public let path: String

    /// `open(path)` + `ioctl(NS_GET_NSTYPE)`.
    public init(path: String) throws(NamespaceError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .missing(path) }
            throw .unusable(path, SystemCallError(call: "open(\(path))", errno: errno))
        }
        guard flatnet_namespace_type(descriptor) == flatnet_clone_newnet() else {
            close(descriptor)
            throw .notANetworkNamespace(path)
        }
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// The identity of the namespace this descriptor refers to (`fstat`): whatever the
    /// path names by now, this is the namespace flatnet would act on.
    public func identity() throws(SystemCallError) -> NamespaceIdentity {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw SystemCallError(call: "fstat(\(path))", errno: errno)
        }
        return NamespaceIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Runs `body` with the calling thread inside this namespace (see NetworkNamespace):
    /// the one this descriptor was checked to be, whatever the path names by now (a
    /// runtime may have unmounted and reused it), without opening the path again.
    public func withEntered<T: ~Copyable>(_ body: () throws -> T) throws -> T {
        try NetworkNamespace.withEntered(descriptor: descriptor, name: path, body)
    }

    /// A netlink socket bound to this namespace, usable from the host thread afterwards.
    public func openSocket() throws -> NetlinkSocket {
        try withEntered { try NetlinkSocket() }
    }
}

/// Why CNI_NETNS cannot be used.
public enum NamespaceError: Error, CNIErrorConvertible, CustomStringConvertible {
    case missing(String)
    case notANetworkNamespace(String)
    case unusable(String, SystemCallError)

    public var description: String { cniError.message + ": " + cniError.details }

    /// A missing namespace is code 3 ("container unknown or does not exist": the runtime
    /// needs no cleanup, and flatnet checks it before allocating anything). A path that
    /// exists but is not a network namespace is a bad CNI_NETNS (code 4).
    public var cniError: CNIError {
        switch self {
        case .missing(let path):
            return CNIError(.unknownContainer, "the container's network namespace does not exist",
                            details: "CNI_NETNS=\(path)")
        case .notANetworkNamespace(let path):
            return CNIError(.invalidEnvironment, "CNI_NETNS is not a network namespace", details: path)
        case .unusable(let path, let error):
            return CNIError(.ioFailure, "cannot open CNI_NETNS", details: "\(path): \(error)")
        }
    }
}
