import FlatnetCore

/// A delegated IPAM plugin's stdout (DelegatedIPAM) and `prevResult`: a result of any
/// supported version, read, then written in every version flatnet answers in (ADD
/// extends a prevResult and returns it in the request's version).
enum IPAMResultTarget {
    static let target = FuzzTarget(
        name: "ipam-result", summary: "delegated IPAM replies (CNIResultParser)"
    ) { bytes in
        guard let document = try? JSONValue.parse(bytes),
              let result = try? CNIResultParser.parse(document) else { return }
        for version in CNIVersion.supported {
            let written = result.json(for: version)
            precondition((try? JSONValue.parse(written.serialized())) == written,
                         "a result in version \(version) does not read back as written")
        }
    }
}
