import FlatnetCore
import Foundation

/// Where the tests are running, and what they may do there.
///
/// Privileged tests create links, bridges and namespaces. They run only as root AND in a
/// network namespace that is not the machine's own (the one PID 1 lives in): the safety
/// rule of TESTING.md. `scripts/test.sh` provides that with `unshare --net --mount`.
public enum TestHost {
    /// Set by scripts/test.sh (and so by CI): every prerequisite must be present, and a
    /// suite that would skip fails instead.
    public static var isStrict: Bool { ProcessInfo.processInfo.environment["FLATNET_TEST_STRICT"] == "1" }

    public static var isRoot: Bool { geteuid() == 0 }

    /// True when this process's network namespace is provably not the one the test
    /// script started in (FLATNET_OUTER_NETNS, "device:inode", recorded before
    /// `unshare --net`). Unknown counts as false: PID 1's namespace is not readable on
    /// this machine kind, so there is nothing else safe to compare with.
    public static var inThrowawayNetworkNamespace: Bool {
        guard let outer = ProcessInfo.processInfo.environment["FLATNET_OUTER_NETNS"], !outer.isEmpty,
              let mine = namespaceIdentity("/proc/self/ns/net") else { return false }
        return mine != outer
    }

    public static var canRunPrivileged: Bool { isRoot && inThrowawayNetworkNamespace }

    public static var privilegedSkipReason: String {
        "needs root inside a throwaway network namespace: run scripts/test.sh"
    }

    /// True when the running kernel can make 802.1Q (VLAN) interfaces: the 8021q module is
    /// loaded or built in (/sys/module/8021q), or the kernel's own module tree holds it (it
    /// loads on the first `ip link add ... type vlan`). This machine kind's kernel has neither
    /// (CONFIG_VLAN_8021Q unset); Debian's, as scripts/vm-test.sh boots it, has the module.
    public static var hasVLANSupport: Bool {
        let files = FileManager.default
        if files.fileExists(atPath: "/sys/module/8021q") { return true }
        let directory = "/lib/modules/\(kernelRelease)/kernel/net/8021q/"
        return ["8021q.ko", "8021q.ko.xz", "8021q.ko.zst"].contains { files.fileExists(atPath: directory + $0) }
    }

    public static var vlanSkipReason: String { "needs a kernel with 802.1Q: run scripts/vm-test.sh" }

    /// `uname -r`.
    static var kernelRelease: String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// cnitool built from Debian's sources (scripts/lib/build_cnitool.sh), from FLATNET_CNITOOL.
    public static var cnitool: String? {
        guard let path = ProcessInfo.processInfo.environment["FLATNET_CNITOOL"],
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }

    /// The built static flatnet binary, from FLATNET_BINARY.
    public static var binary: String? {
        guard let path = ProcessInfo.processInfo.environment["FLATNET_BINARY"],
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }

    /// The ebtables backend flatnet is expected to use, and the tests read and edit rules
    /// with: FLATNET_TEST_EBTABLES, `nf_tables` (the default) or `legacy` (scripts/vm-test.sh
    /// runs the containment suites once with each, on a kernel that has both).
    /// A value that names neither stops the run: it would have tested nf_tables silently.
    public static var ebtablesBackend: EbtablesBackend {
        guard let value = ProcessInfo.processInfo.environment["FLATNET_TEST_EBTABLES"] else { return .nfTables }
        guard let backend = EbtablesBackend(rawValue: value) else {
            fatalError("FLATNET_TEST_EBTABLES=\(value): use nf_tables or legacy")
        }
        return backend
    }

    /// That backend's `ebtables` and `ebtables-save`.
    public static var ebtables: String { ebtablesBackend.tool }
    public static var ebtablesSave: String { ebtablesBackend.tool + "-save" }

    /// "device:inode" of a namespace file, as `stat -L -c %d:%i` prints it.
    private static func namespaceIdentity(_ path: String) -> String? {
        var info = stat()
        return stat(path, &info) == 0 ? "\(info.st_dev):\(info.st_ino)" : nil
    }
}

/// Whether a lease link exists (leases are symlinks whose targets are records, not
/// paths, so FileManager.fileExists, which follows links, would always say no).
public func leaseExists(_ path: String) -> Bool {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
}
