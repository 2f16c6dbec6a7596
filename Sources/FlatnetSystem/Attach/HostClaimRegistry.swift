import FlatnetCore
import Glibc

/// The host's register of what each network claims (`HostClaims`): one symlink per claim,
/// `/run/flatnet/claims/net-<netns inode>/<kind>.<name>`, whose target is the network that
/// holds it. symlink(2) fails with EEXIST instead of overwriting, so two networks racing
/// for one bridge (or one derived prefix) cannot both win. In /run: gone at reboot, as
/// are the objects it describes.
struct HostClaimRegistry {
    static let root = "/run/flatnet/claims"

    let directory: String

    init() throws {
        let identity = try NetworkNamespace.identity(path: "/proc/thread-self/ns/net")
        directory = "\(HostClaimRegistry.root)/net-\(identity.inode)"
    }

    /// Claims each of `claims` for `network`, all or nothing: the first one another
    /// network holds is refused, and what this call claimed before it is given back
    /// (nothing is created by the caller until all are claimed). Claims this network held
    /// for an earlier netconf, and no longer needs, are given up.
    func claim(_ claims: [HostClaim], for network: String) throws {
        try StateFiles.makeDirectory("/run/flatnet", mode: 0o755)
        try StateFiles.makeDirectory(HostClaimRegistry.root)
        try StateFiles.makeDirectory(directory)
        var made: [String] = []
        for claim in claims {
            let path = directory + "/" + claim.key
            if try StateFiles.createLinkExclusively(path, target: network) { made.append(path); continue }
            let holder = try StateFiles.readLink(path)
            if holder == network { continue }
            for path in made { _ = try? StateFiles.remove(path) }
            throw HostSetupError.claimed(claim, network: network, holder: holder ?? "?")
        }
        let wanted = Set(claims.map(\.key))
        for (key, holder) in try entries() where holder == network && !wanted.contains(key) {
            try StateFiles.remove(directory + "/" + key)
        }
    }

    /// Gives up every claim of `network` (teardown).
    func release(network: String) throws {
        for (key, holder) in try entries() where holder == network {
            try StateFiles.remove(directory + "/" + key)
        }
    }

    /// Every claim on this host: key -> network.
    func entries() throws -> [(String, String)] {
        try (StateFiles.list(directory) ?? []).compactMap { key in
            try StateFiles.readLink(directory + "/" + key).map { (key, $0) }
        }
    }
}
