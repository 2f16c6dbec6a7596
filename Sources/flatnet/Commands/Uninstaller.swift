import FlatnetCore
import FlatnetSystem

/// Removes what `flatnet install` recorded in its manifest, and only while it is still
/// what install wrote: a file whose content changed since (another installer, a hand
/// edit) or a link pointing elsewhere is kept and named. Directories install created go
/// last, deepest first, and only when empty.
struct Uninstaller {
    let installer: Installer

    /// Removes the whole manifest's entries, then the manifest.
    func uninstall() throws -> [String] {
        let manifest = try installer.loadManifest()
        let file = installer.path(InstallManifest.path)
        let present = try InstallFiles.found(file) != nil
        guard present || !manifest.entries.isEmpty else {
            return ["nothing to uninstall: no \(file)"]
        }
        let contents = manifest.entries.filter {
            if case .directory = $0 { return false } else { return true }
        }
        var (_, report) = try remove(contents, manifest: manifest)
        try StateFiles.remove(file)
        try StateFiles.syncDirectory(of: file)
        report.append("removed \(file)")
        report += try removeDirectories(manifest.directories)
        return report
    }

    /// Removes `entries` (files and links) that are still as `manifest` recorded them.
    /// Returns the paths removed and one line for each path.
    func remove(
        _ entries: [InstallManifest.Entry], manifest: InstallManifest
    ) throws -> (removed: Set<String>, report: [String]) {
        var removed = Set<String>(), report: [String] = [], seen = Set<String>()
        for entry in entries where seen.insert(entry.path).inserted {
            let full = installer.path(entry.path)
            guard let found = try InstallFiles.found(full) else { continue }
            guard try isAsWritten(entry, found: found, manifest: manifest) else {
                report.append("kept \(full): \(found.description), changed since flatnet install wrote it")
                continue
            }
            try StateFiles.remove(full)
            try StateFiles.syncDirectory(of: full)
            removed.insert(entry.path)
            report.append("removed \(full)")
        }
        return (removed, report)
    }

    func isAsWritten(
        _ entry: InstallManifest.Entry, found: InstallFiles.Found, manifest: InstallManifest
    ) throws -> Bool {
        switch (entry, found) {
        case (.file(let path, _), .regular):
            let bytes = try InstallFiles.readBytes(installer.path(path)) ?? []
            return manifest.digests(of: path).contains(ContentDigest.of(bytes))
        case (.link(let path, _), .symlink(let target)):
            return manifest.linkTargets(of: path).contains(target)
        default:
            return false
        }
    }

    /// `rmdir` of each directory install created, deepest first; a non-empty one stays.
    func removeDirectories(_ directories: [String]) throws -> [String] {
        let deepestFirst = Set(directories).sorted {
            ($0.split(separator: "/").count, $0) > ($1.split(separator: "/").count, $1)
        }
        var report: [String] = []
        for directory in deepestFirst {
            let full = installer.path(directory)
            if try InstallFiles.removeDirectoryIfEmpty(full) {
                report.append("removed \(full)/")
            } else if InstallFiles.isDirectory(full) {
                report.append("kept \(full)/: not empty")
            }
        }
        return report
    }
}
