import CBuildStamp
import CNetlink
import FlatnetCore

/// What this binary knows about its own build, for `flatnet version`.
public enum BuildFacts {
    /// The stamp build_release links in (`flatnet_build_stamp`, Sources/CBuildStamp), or nil
    /// for a plain `swift build`.
    public static var stamp: String? {
        flatnet_build_stamp().map { String(cString: $0) }
    }

    /// The libnl linked into this binary, from its run-time globals `nl_ver_maj`,
    /// `nl_ver_min`, `nl_ver_mic` (netlink/version.h): the library's own word, not the
    /// headers' (`LIBNL_VERSION`), which could differ from a library linked later.
    public static var libnlVersion: String {
        "\(nl_ver_maj).\(nl_ver_min).\(nl_ver_mic)"
    }

    public static var report: VersionReport {
        VersionReport(stamp: stamp, libnlVersion: libnlVersion)
    }
}
