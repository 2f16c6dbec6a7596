import FlatnetCore
import FlatnetSystem

/// Puts an `InstallPlan` in place under a root, converging: what is already as planned is
/// not touched (a re-run writes nothing, not even the manifest), what changed is replaced
/// by rename, and what an earlier run wrote that the plan no longer has (a network taken
/// out of the ConfigMap) is removed. Steps, each recorded before it acts:
/// 1. refuse any planned path that holds something the manifest does not list;
/// 2. create missing directories, then write the manifest with old and new entries;
/// 3. replace the files and links that differ;
/// 4. remove what only the old manifest lists, if it is still what was written;
/// 5. write the manifest of what is now in place.
struct Installer {
    let root: String

    func path(_ relative: String) -> String { InstallPath.join(root, relative) }

    func loadManifest() throws -> InstallManifest {
        let file = path(InstallManifest.path)
        guard let text = try StateFiles.read(file) else { return InstallManifest() }
        return try InstallManifest.parse(text, file: file)
    }

    func install(_ plan: InstallPlan) throws -> InstallReport {
        let old = try loadManifest()
        try refuseForeign(plan, manifest: old)
        for directory in Set(plan.files.map { StateFilesPath.directory(of: $0.path) }).sorted() {
            try InstallFiles.removeLeftovers(in: path(directory))
        }
        let changes = try Changes(plan, old: old, installer: self)
        guard !changes.isEmpty else {
            return InstallReport(lines: plan.files.map { "\(path($0.path)) is up to date (\($0.what))" },
                                 changed: false)
        }
        return InstallReport(lines: try apply(changes, plan: plan, old: old), changed: true)
    }

    /// What differs from the plan under the root.
    struct Changes {
        var files: [InstallPlan.File]
        var links: [InstallPlan.Link]
        /// Entries of the old manifest the plan no longer has.
        var stale: [InstallManifest.Entry]
        var missingDirectories: [String]
        /// Two runs at once may leave the manifest naming the other run's digest.
        var manifestDiffers: Bool

        var isEmpty: Bool {
            files.isEmpty && links.isEmpty && stale.isEmpty && missingDirectories.isEmpty && !manifestDiffers
        }

        init(_ plan: InstallPlan, old: InstallManifest, installer: Installer) throws {
            files = try plan.files.filter { try !installer.isInPlace($0) }
            links = try plan.links.filter {
                try InstallFiles.found(installer.path($0.path)) != .symlink(target: $0.target)
            }
            stale = old.entries.filter { entry in
                if case .directory = entry { return false }
                return !plan.paths.contains(entry.path)
            }
            missingDirectories = try plan.directories.filter {
                try InstallFiles.found(installer.path($0)) == nil
            }
            let directories = old.directories.map(InstallManifest.Entry.directory)
            manifestDiffers = InstallManifest().adding(directories + plan.entries) != old
        }
    }

    func apply(_ changes: Changes, plan: InstallPlan, old: InstallManifest) throws -> [String] {
        var report: [String] = []
        for directory in changes.missingDirectories {
            try StateFiles.makeDirectory(path(directory), mode: 0o755)
            report.append("created \(path(directory))")
        }
        let created = changes.missingDirectories.map(InstallManifest.Entry.directory)
        try writeManifest(old.adding(created + plan.entries))
        for file in changes.files {
            try InstallFiles.replace(path(file.path), with: file.bytes, mode: file.mode)
            report.append("installed \(path(file.path)) (\(file.what))")
        }
        for link in changes.links {
            try StateFiles.replaceLink(path(link.path), target: link.target)
            report.append("linked \(path(link.path)) -> \(link.target)")
        }
        report += try Uninstaller(installer: self).remove(changes.stale, manifest: old).report
            .map { $0 + " (no longer in the answers)" }
        let directories = (old.directories + changes.missingDirectories).map(InstallManifest.Entry.directory)
        try writeManifest(InstallManifest().adding(directories + plan.entries))
        if report.isEmpty { report.append("updated \(path(InstallManifest.path))") }
        return report
    }

    /// A planned path may hold only what the manifest says install put there: a file
    /// placed by hand, by a package or by another installer is named and left alone.
    func refuseForeign(_ plan: InstallPlan, manifest: InstallManifest) throws {
        for directory in plan.directories {
            // A symlink to a directory is fine (some hosts link /opt/cni/bin elsewhere).
            guard let found = try InstallFiles.found(path(directory)),
                  !InstallFiles.isDirectory(path(directory)) else { continue }
            throw refusal(directory, found: found, because: "a directory is needed there")
        }
        for file in plan.files {
            guard let found = try InstallFiles.found(path(file.path)) else { continue }
            guard manifest.owns(file.path) else { throw refusal(file.path, found: found, because: notOurs) }
            if found != .regular {
                throw refusal(file.path, found: found, because: "install wrote a file there")
            }
        }
        for link in plan.links {
            guard let found = try InstallFiles.found(path(link.path)) else { continue }
            guard manifest.owns(link.path) else { throw refusal(link.path, found: found, because: notOurs) }
            guard case .symlink = found else {
                throw refusal(link.path, found: found, because: "install made a symlink there")
            }
        }
    }

    var notOurs: String { "not written by flatnet install (not in \(path(InstallManifest.path)))" }

    func refusal(_ relative: String, found: InstallFiles.Found, because reason: String) -> CNIError {
        CNIError(.hostSetupConflict, "refusing to replace \(path(relative)): \(found.description), \(reason)",
                 details: "remove or move it if it may go; nothing was written")
    }

    /// The file holds exactly the planned bytes, with the planned mode.
    func isInPlace(_ file: InstallPlan.File) throws -> Bool {
        guard try InstallFiles.found(path(file.path)) == .regular,
              InstallFiles.mode(path(file.path)) == file.mode else { return false }
        return try InstallFiles.readBytes(path(file.path)) == file.bytes
    }

    func writeManifest(_ manifest: InstallManifest) throws {
        let file = path(InstallManifest.path)
        if try StateFiles.read(file) == manifest.text { return }
        try InstallFiles.replace(file, with: Array(manifest.text.utf8), mode: 0o644)
    }
}

/// What one install run did, a line each; `changed` is false when everything was in place.
struct InstallReport {
    var lines: [String]
    var changed: Bool

    var text: String { lines.joined(separator: "\n") + "\n" }
}
