// The on-disk state of one network's address pool.
//
// Layout, under <dataDir>/<network>/ (directories 0700, files 0600):
//
//   layout                 "flatnet-ipam-store 2": marks the directory as flatnet's
//   lock                   the flock(2) target that serialises every change
//   last                   the last address handed out (round-robin resume point)
//   highest                the highest address ever leased, or "none" (LeaseHistory:
//                          above it, a first lease; missing in pools made before issue 15)
//   addresses/<address>    one symlink per held address -> "flatnet-lease-1:<cid>:<ifname>",
//                          ":<workload>" added when the address is reserved for a workload,
//                          or "flatnet-reserved-1:<releasedAt>:<workload>" when it is kept for
//                          the workload and attached nowhere (LeaseRecord)
//   owners/<cid>:<ifname>  a symlink whose target is the text of the owner's address
//   reservations/@<key>    with ipam.reservations: a symlink to the address the workload
//                          keeps ("/" in the key spelled "%"; LockedPoolState+Reservations)
//   ipv6/                  the same `last`, `highest`, `addresses/`, `owners/`, `reservations/` for the
//                          IPv6 range set (file names in RFC 5952 text); the IPv4 files
//                          stay where pools made before IPv6 keep them
//
// Why this layout:
// - Cost stays flat as the pool fills. The reference host-local plugin reads every lease
//   file to find an owner's address; here every ADD, DEL and CHECK touches a fixed
//   number of files: readlink(owners/<owner>) answers "what does this owner hold", and
//   the existence of addresses/<address> answers "is it free". Round-robin allocation
//   resumes after `last`, so a free address is usually the first one tried. Only GC,
//   STATUS and listings read whole directories.
// - No address can have two holders. A lease is created with symlink(2), which fails
//   with EEXIST instead of overwriting, and whose target (the record) exists exactly when
//   the link does: readers never see a partial lease, and no temp file or file fsync is
//   needed (a directory fsync makes it durable). A new lease is only ever created; a
//   reserved address's record alone is rewritten (attached, kept, released), by an atomic
//   rename(2) of a new link over it, under the lock. (Version 1 of this layout used
//   fsynced temp files and link(2); symlinks made IPAM ADD cheaper with the same
//   guarantees.)
// - A process killed at any instant leaves no duplicate and no leak GC cannot find. ADD
//   writes the owner link (the intent) before the lease; a crash in between leaves an
//   intent that holds no address, which the next ADD, DEL or GC repairs. DEL removes
//   the lease before the link. Every lease names its owner, so GC can release leases
//   whose owner the runtime no longer knows even when links are missing.
// - The header line and the layout marker make foreign files (host-local's, or a
//   mistyped dataDir) an error that names the path, never data to reuse.
import FlatnetCore
import Glibc

/// One network's pool state directory. All reads and writes happen in `withLocked`.
public struct PoolStore: Sendable {
    public static let layoutMarker = "flatnet-ipam-store 2\n"
    /// The IPv6 range set's subdirectory.
    public static let ipv6Directory = "ipv6"

    /// `<dataDir>/<network>`.
    public let directory: String
    public let lockTimeoutMilliseconds: Int
    /// The families whose files a creating call makes sure of.
    public let families: [IPFamily]

    public init(dataDirectory: String, network: String, lockTimeoutMilliseconds: Int,
                families: [IPFamily] = [.ipv4]) {
        directory = dataDirectory.hasSuffix("/") ? dataDirectory + network : dataDirectory + "/" + network
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
        self.families = families
    }

    /// Runs `body` with the pool locked. With `create`, a missing state directory is
    /// created first; without it, a missing directory means "nothing held" and `body`
    /// is not run (DEL and CHECK must not create state).
    /// Opening the lock file is also the existence check: only when it is missing is the
    /// directory looked at, and a directory that holds anything else (another tool's
    /// files) is refused before flatnet writes a byte into it.
    public func withLocked<T>(create: Bool, _ body: (LockedPool) throws -> T) throws -> T? {
        do {
            return try lockedRun(create: create, createLockFile: false, body)
        } catch is LockFileMissing {
            guard let entries = try StateFiles.list(directory) else {
                guard create else { return nil }
                try createDirectories()
                return try lockedRun(create: create, createLockFile: true, body)
            }
            try refuseForeign(entries)
            guard create || !entries.isEmpty else { return nil }
            return try lockedRun(create: create, createLockFile: true, body)
        }
    }

    private func lockedRun<T>(
        create: Bool, createLockFile: Bool, _ body: (LockedPool) throws -> T
    ) throws -> T {
        do {
            return try FileLock.withLock(path: directory + "/lock",
                                         timeoutMilliseconds: lockTimeoutMilliseconds,
                                         createFile: createLockFile) {
                try verifyLayout(create: create)
                return try body(LockedPool(root: directory))
            }
        } catch let timeout as LockTimeout {
            throw IPAMError.lockTimeout(path: timeout.path, milliseconds: timeout.milliseconds)
        }
    }

    /// dataDir and the network directory, 0700. Ancestors above dataDir are created
    /// 0755, as /var/lib/cni would be by any other plugin.
    private func createDirectories() throws {
        var path = ""
        let components = directory.split(separator: "/")
        for (index, component) in components.enumerated() {
            path += "/" + component
            try StateFiles.makeDirectory(path, mode: index >= components.count - 2 ? 0o700 : 0o755)
        }
    }

    /// A directory without flatnet's layout marker may hold only what an interrupted
    /// initialisation leaves (the lock, `highest`, temp files, empty subdirectories); anything else
    /// means it is not flatnet's.
    private func refuseForeign(_ entries: [String]) throws {
        if entries.contains("layout") { return }
        let foreign = try entries.filter { entry in
            let subdirectories = ["addresses", "owners", "reservations", PoolStore.ipv6Directory]
            let isSubdirectory = subdirectories.contains(entry)
            let emptySubdirectory = try isSubdirectory
                && (StateFiles.list(directory + "/" + entry))?.isEmpty == true
            return entry != "lock" && entry != "highest" && !entry.hasPrefix(".tmp.") && !emptySubdirectory
        }
        guard foreign.isEmpty else {
            let sample = foreign.sorted().prefix(3).joined(separator: ", ")
            throw IPAMError.corruptState(path: directory,
                                         reason: "holds \(sample) but no flatnet layout marker:"
                                             + " not a flatnet-ipam store")
        }
    }

    /// Under the lock: the marker must be flatnet's. A directory holding only the lock
    /// (and temp files) is initialised: marker first, then the subdirectories, which
    /// are re-ensured on every creating call, so initialisation interrupted by a crash
    /// at any point is completed by the next call rather than mistaken for foreign state.
    private func verifyLayout(create: Bool) throws {
        let markerPath = directory + "/layout"
        if let marker = try StateFiles.read(markerPath) {
            guard marker == PoolStore.layoutMarker else {
                throw IPAMError.corruptState(path: markerPath,
                                             reason: "unknown layout \"\(marker.prefix(40))\"")
            }
        } else {
            try refuseForeign(try StateFiles.list(directory) ?? [])
            guard create else { return }
            // A new pool has leased nothing: every address it hands out is a first lease
            // until it wraps (`LeaseHistory`). Written before the marker: a crash in
            // between leaves a directory the next call initialises again.
            try StateFiles.replace(directory + "/highest", with: LeaseHistory.nothingLeased.fileText,
                                   durable: false)
            try StateFiles.replace(markerPath, with: PoolStore.layoutMarker, durable: true)
        }
        if create { try makeFamilyDirectories() }
    }

    /// `addresses/` and `owners/` (IPv4 in the pool's directory, IPv6 under `ipv6/`).
    /// The IPv4 pair is always made: a pool's layout is the same whatever its families.
    private func makeFamilyDirectories() throws {
        try StateFiles.makeDirectory(directory + "/addresses")
        try StateFiles.makeDirectory(directory + "/owners")
        if families.contains(.ipv6) {
            let ipv6 = directory + "/" + PoolStore.ipv6Directory
            if try StateFiles.list(ipv6) == nil {
                // A new IPv6 range set has leased nothing (`LeaseHistory`), as a new pool.
                try StateFiles.makeDirectory(ipv6)
                try StateFiles.replace(ipv6 + "/highest", with: LeaseHistory.nothingLeased.fileText,
                                       durable: false)
            }
            try StateFiles.makeDirectory(ipv6 + "/addresses")
            try StateFiles.makeDirectory(ipv6 + "/owners")
        }
    }
}
