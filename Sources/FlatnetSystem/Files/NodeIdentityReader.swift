import FlatnetCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads which node this is (NodeIdentity): `FLATNET_NODE_NAME`, then
/// `/etc/flatnet/nodename`, then the host name (uname's nodename, the UTS namespace's).
/// A file that cannot be read counts as absent; only a non-empty first line counts.
public enum NodeIdentityReader {
    public static func current(environment: [String: String],
                               file: String = NodeIdentity.defaultFile) -> NodeIdentity? {
        if let identity = NodeIdentity.fromEnvironment(environment) { return identity }
        if let text = (try? StateFiles.read(file)) ?? nil,
           let identity = NodeIdentity.firstLine(of: text, source: .file(file)) {
            return identity
        }
        return hostName()
    }

    static func hostName() -> NodeIdentity? {
        var names = utsname()
        guard uname(&names) == 0 else { return nil }
        let name = withUnsafeBytes(of: &names.nodename) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return NodeIdentity.firstLine(of: name, source: .hostName)
    }
}
