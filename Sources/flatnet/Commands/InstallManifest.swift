import FlatnetCore

/// ROOT/etc/flatnet/install-manifest: what `flatnet install` put in place under ROOT, so
/// that `flatnet uninstall` removes exactly that, and install knows which files are its
/// own to replace (any other file in its way is refused). One entry a line, paths
/// relative to ROOT and last on the line:
///
///     dir etc/flatnet
///     file fnv1a64:9f3c2d0a11b2c3d4 opt/cni/bin/flatnet
///     link flatnet opt/cni/bin/flatnet-ipam
///
/// A path may be listed twice with two digests while install replaces it (the manifest
/// is written before the files, so a run that dies half way leaves nothing unrecorded).
struct InstallManifest: Equatable {
    enum Entry: Hashable {
        case directory(String)
        case file(String, digest: String)
        case link(String, target: String)

        var path: String {
            switch self {
            case .directory(let path), .file(let path, _), .link(let path, _): return path
            }
        }

        var line: String {
            switch self {
            case .directory(let path): return "dir \(path)"
            case .file(let path, let digest): return "file \(digest) \(path)"
            case .link(let path, let target): return "link \(target) \(path)"
            }
        }
    }

    static let path = "etc/flatnet/install-manifest"
    static let header = "# written by `flatnet install`; `flatnet uninstall` removes exactly these"

    var entries: [Entry] = []

    var text: String { ([Self.header] + entries.map(\.line)).joined(separator: "\n") + "\n" }

    func owns(_ path: String) -> Bool { entries.contains { $0.path == path } }

    /// Every digest recorded for `path` (more than one after a replacement that died).
    func digests(of path: String) -> Set<String> {
        Set(entries.compactMap { if case .file(path, let digest) = $0 { return digest } else { return nil } })
    }

    func linkTargets(of path: String) -> Set<String> {
        Set(entries.compactMap { if case .link(path, let target) = $0 { return target } else { return nil } })
    }

    var directories: [String] {
        entries.compactMap { if case .directory(let path) = $0 { return path } else { return nil } }
    }

    /// `entries` then `more`, each entry once, in first-seen order.
    func adding(_ more: [Entry]) -> InstallManifest {
        var seen = Set<Entry>(), merged: [Entry] = []
        for entry in entries + more where seen.insert(entry).inserted { merged.append(entry) }
        return InstallManifest(entries: merged)
    }

    static func parse(_ text: String, file: String) throws -> InstallManifest {
        var entries: [Entry] = []
        for (index, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard fields.count >= 2, let entry = entry(fields), InstallPath.problem(entry.path) == nil else {
                throw CNIError(.stateCorrupt, "\(file) line \(index + 1) is not a manifest entry",
                               details: String(line).bounded(200))
            }
            entries.append(entry)
        }
        return InstallManifest(entries: entries)
    }

    private static func entry(_ fields: [String]) -> Entry? {
        switch (fields[0], fields.count) {
        case ("dir", 2): return .directory(fields[1])
        case ("file", 3): return .file(fields[2], digest: fields[1])
        case ("link", 3): return .link(fields[2], target: fields[1])
        default: return nil
        }
    }
}

/// Paths under the install root: relative, without `.` or `..` components, so that
/// nothing install writes or uninstall removes can land outside ROOT.
enum InstallPath {
    static func problem(_ path: String) -> String? {
        if path.hasPrefix("/") { return "must be relative to --root" }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return "must not be empty or contain ., .. or //"
        }
        return nil
    }

    /// `--bin-dir /opt/cni/bin` and `--bin-dir opt/cni/bin` name the same directory.
    static func relative(_ option: String) -> String {
        var path = Substring(option)
        while path.hasPrefix("/") { path = path.dropFirst() }
        while path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }

    /// ROOT joined with a relative path ("/" + path when ROOT is "/").
    static func join(_ root: String, _ path: String) -> String {
        let trimmed = root.hasSuffix("/") ? String(root.dropLast()) : root
        return trimmed + "/" + path
    }

    /// `a/b/c` -> `a`, `a/b`, `a/b/c`: the directories to have, parents first.
    static func withParents(_ directory: String) -> [String] {
        let components = directory.split(separator: "/")
        return components.indices.map { components[...$0].joined(separator: "/") }
    }
}
