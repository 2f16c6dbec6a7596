/// What `flatnet version` prints: this build's facts, as text or JSON. The CNI VERSION
/// verb answers with `CNIVersion.supported` alone (the spec's reply), never with this.
public struct VersionReport: Equatable, Sendable {
    public var version = FlatnetBuild.version
    /// The git commit (12 hex digits, `+dirty` when the tree had uncommitted changes).
    public var commit = "unknown"
    /// The commit's date (not the clock's: one commit builds the same stamp twice).
    public var buildDate = "unknown"
    public var swiftVersion = "unknown"
    public var libnlVersion = "unknown"
    public var cniVersions = CNIVersion.supported.map(\.description)

    public init() {}

    /// Reads a build stamp: `key=value` lines (commit, date, swift); unknown keys and
    /// lines without `=` are skipped, so an older or newer stamp still reads.
    public init(stamp: String?, libnlVersion: String) {
        self.libnlVersion = libnlVersion
        for line in (stamp ?? "").split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else { continue }
            switch parts[0] {
            case "commit": commit = parts[1]
            case "date": buildDate = parts[1]
            case "swift": swiftVersion = parts[1]
            default: continue
            }
        }
    }

    /// The first line is what `--version` scripts grep for: `flatnet 0.1.0`.
    public var text: String {
        let rows = [("commit", commit), ("built", buildDate), ("swift", swiftVersion),
                    ("libnl", libnlVersion), ("cni versions", cniVersions.joined(separator: ", "))]
        return (["flatnet \(version)"] + rows.map { "  " + ($0.0 + ":").padded(to: 14) + $0.1 })
            .joined(separator: "\n") + "\n"
    }

    public var json: JSONValue {
        .object([
            "version": .string(version), "commit": .string(commit), "buildDate": .string(buildDate),
            "swiftVersion": .string(swiftVersion), "libnlVersion": .string(libnlVersion),
            "cniVersions": .array(cniVersions.map(JSONValue.string)),
        ])
    }
}

extension String {
    /// The text followed by spaces up to `width` characters (unchanged when longer).
    public func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
