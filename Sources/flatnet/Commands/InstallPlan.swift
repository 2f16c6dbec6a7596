import FlatnetCore
import Glibc

/// What `flatnet install` puts under ROOT for one node, decided before anything is
/// written: the plugin and its `flatnet-ipam` link, one conflist per network of the node,
/// and the node name file the plugin reads for per-node ranges (docs/kubernetes.md).
struct InstallPlan {
    struct File {
        var path: String
        var bytes: [UInt8]
        var mode: mode_t
        var what: String
    }

    struct Link {
        var path: String
        var target: String
    }

    /// The node name file: `ipam.nodes` picks this node's ranges by it (after
    /// FLATNET_NODE_NAME, before the kernel's host name).
    static let nodeNameFile = InstallPath.relative(NodeIdentity.defaultFile)

    /// Directories that must exist, parents first.
    var directories: [String]
    var files: [File]
    var links: [Link]

    struct Layout {
        var binDirectory: String
        var confDirectory: String
        /// Two digits before each conflist's name: runtimes (and Multus in auto mode) take
        /// the first file in name order as the default network.
        var order: String
    }

    init(layout: Layout, binary: [UInt8], node: String, networks: [RenderedNetwork]) {
        let nodeDirectory = StateFilesPath.directory(of: Self.nodeNameFile)
        var directories: [String] = []
        for directory in [layout.binDirectory, layout.confDirectory, nodeDirectory] {
            for path in InstallPath.withParents(directory) where !directories.contains(path) {
                directories.append(path)
            }
        }
        self.directories = directories
        let conflists = networks.sorted { $0.config.name < $1.config.name }.map { network in
            File(path: "\(layout.confDirectory)/\(layout.order)-\(network.config.name).conflist",
                 bytes: Array((network.document.prettyPrinted() + "\n").utf8), mode: 0o644,
                 what: "network \(network.config.name)")
        }
        files = [File(path: layout.binDirectory + "/flatnet", bytes: binary, mode: 0o755, what: "the plugin")]
            + conflists
            + [File(path: Self.nodeNameFile, bytes: Array((node + "\n").utf8), mode: 0o644,
                    what: "node \(node)")]
        links = [Link(path: layout.binDirectory + "/flatnet-ipam", target: "flatnet")]
    }

    /// The manifest entries of the planned files and links (directories are recorded
    /// only when install creates them).
    var entries: [InstallManifest.Entry] {
        files.map { .file($0.path, digest: ContentDigest.of($0.bytes)) }
            + links.map { .link($0.path, target: $0.target) }
    }

    var paths: Set<String> { Set(files.map(\.path) + links.map(\.path)) }
}
