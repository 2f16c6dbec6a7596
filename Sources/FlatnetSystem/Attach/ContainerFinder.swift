import FlatnetCore
import Glibc

/// Finds the container end of host veths from the host side only: the kernel reports a
/// veth's peer index (IFLA_LINK) and the id of the namespace the peer lives in
/// (IFLA_LINK_NETNSID), and RTM_GETNSID tells which namespace file has that id. Nothing
/// a container controls (its interface alias, names, addresses) decides which container
/// is which; an earlier alias-based match let a container hide or frame another.
public enum ContainerFinder {
    /// Where runtimes publish container namespaces (ip netns, cnitool, podman, containerd).
    public static let namespaceDirectories = ["/run/netns", "/var/run/netns"]

    /// What the container end of a host veth carries, read from the host side.
    public struct ContainerEnd: Sendable {
        public var mac: MACAddress?
        public var addresses: [IPPrefix]
    }

    /// The addresses on the container end of each veth in `veths`, by host veth name.
    /// Containers whose namespace no process holds and no runtime published are not seen.
    public static func addresses(behind veths: [LinkInfo]) -> [String: [IPPrefix]] {
        ends(behind: veths).mapValues(\.addresses)
    }

    /// The container end (MAC and addresses) of each veth in `veths`, by host veth name.
    public static func ends(behind veths: [LinkInfo]) -> [String: ContainerEnd] {
        let wanted = Set(veths.compactMap(\.peerNamespaceID))
        guard !wanted.isEmpty else { return [:] }
        let namespaces = namespaceFiles(withIDs: wanted)
        var result: [String: ContainerEnd] = [:]
        for veth in veths {
            guard let id = veth.peerNamespaceID, let peer = veth.peerIndex, let path = namespaces[id],
                  let socket = try? NamespaceFile(path: path).openSocket(),
                  let link = try? socket.link(index: peer), link.peerIndex == veth.index,
                  let addresses = try? socket.addresses(interfaceIndex: link.index) else { continue }
            result[veth.name] = ContainerEnd(mac: link.mac, addresses: addresses.map(\.prefix))
        }
        return result
    }

    /// A namespace file for each of `ids` that one could be found for: published names
    /// first, then every process's /proc/PID/ns/net (each namespace asked once).
    static func namespaceFiles(withIDs ids: Set<Int32>) -> [Int32: String] {
        var found: [Int32: String] = [:]
        var asked = Set<NamespaceIdentity>()
        for path in candidatePaths() where found.count < ids.count {
            guard let identity = try? NetworkNamespace.identity(path: path), asked.insert(identity).inserted,
                  let file = try? NamespaceFile(path: path),
                  let id = try? NetworkNamespace.id(of: file.descriptor),
                  ids.contains(id), found[id] == nil else { continue }
            found[id] = path
        }
        return found
    }

    static func candidatePaths() -> [String] {
        let published = namespaceDirectories.flatMap { directory in
            ((try? StateFiles.list(directory)) ?? []).sorted().map { directory + "/" + $0 }
        }
        let processes = ((try? StateFiles.list("/proc")) ?? []).filter { $0.allSatisfy(\.isNumber) }
        return published + processes.map { "/proc/\($0)/ns/net" }
    }
}
