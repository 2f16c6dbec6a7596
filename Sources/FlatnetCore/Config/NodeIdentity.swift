/// Which node "this node" is, for a netconf whose `ipam.nodes` maps node names to ranges
/// (README.md#one-netconf-for-many-nodes). The plugin reads it, in order, from the
/// environment variable `FLATNET_NODE_NAME`, the file `/etc/flatnet/nodename` (the
/// Kubernetes installer writes it from the pod's spec.nodeName), and the host name. The
/// source is kept so an error can say where a name came from.
public struct NodeIdentity: Equatable, Sendable, CustomStringConvertible {
    public enum Source: Equatable, Sendable {
        case environment
        case file(String)
        case hostName
    }

    public static let environmentVariable = "FLATNET_NODE_NAME"
    public static let defaultFile = "/etc/flatnet/nodename"

    public var name: String
    public var source: Source

    public init(name: String, source: Source) {
        self.name = name
        self.source = source
    }

    public var sourceDescription: String {
        switch source {
        case .environment: return "from \(NodeIdentity.environmentVariable)"
        case .file(let path): return "from \(path)"
        case .hostName: return "the host name"
        }
    }

    public var description: String { "\"\(name)\" (\(sourceDescription))" }

    /// The first source: a non-empty `FLATNET_NODE_NAME`.
    public static func fromEnvironment(_ environment: [String: String]) -> NodeIdentity? {
        guard let name = environment[environmentVariable], !name.isEmpty else { return nil }
        return NodeIdentity(name: name, source: .environment)
    }

    /// A name read from the file or the host name: its first line, trimmed; nil if empty.
    public static func firstLine(of text: String, source: Source) -> NodeIdentity? {
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let name = line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        return name.isEmpty ? nil : NodeIdentity(name: String(name), source: source)
    }

    /// A host name every unconfigured machine has ("localhost", "localhost.localdomain").
    public static func isPlaceholder(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "localhost" || lower.hasPrefix("localhost.")
    }

    /// Kubernetes node names and host names: letters, digits, `-`, `.` and `_`, at most
    /// 253 bytes. A name outside this is refused rather than matched loosely.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 253 && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F
        }
    }
}

/// How a parse treats `ipam.nodes`.
public enum NodeSelection {
    /// Check every node's ranges and choose none (`flatnet netconf validate`, the
    /// catalog): the pool's `ranges` stay empty.
    case noNode
    /// Choose this node's ranges; called only when the netconf has `ipam.nodes`. Nil
    /// means the node could not be told, which is an error for such a netconf.
    case thisNode(() -> NodeIdentity?)
}
