/// The VERSION reply: `{"cniVersion": ..., "supportedVersions": [...]}`.
///
/// VERSION never fails on stdin: the reference library ignores stdin for VERSION, and a
/// runtime probing versions must always get an answer. The reply echoes the request's
/// `cniVersion` when flatnet supports it (CNI 1.1.0 VERSION example), else the newest.
enum VersionReply {
    static func output(stdin: [UInt8]?) -> PluginOutput {
        var reply = CNIVersion.current.description
        if let stdin, !stdin.isEmpty, let document = try? JSONValue.parse(stdin),
           let text = document["cniVersion"]?.stringValue, let version = CNIVersion(text),
           version.isSupported {
            reply = text
        }
        return .result(.object([
            "cniVersion": .string(reply),
            "supportedVersions": .array(CNIVersion.supported.map { .string($0.description) }),
        ]))
    }
}
