/// The record of one lease: who holds the address named by the lease's file name.
/// Stored as a symlink's target, `flatnet-lease-1:<containerID>:<ifname>`: neither part
/// can contain `:`, so it parses unambiguously, and the prefix makes anything another
/// tool wrote (host-local writes plain files of container ids) recognisable as foreign.
public enum LeaseRecord {
    public static let prefix = "flatnet-lease-1:"

    public static func encode(_ owner: Attachment) -> String {
        "\(prefix)\(owner.containerID):\(owner.ifName)"
    }

    /// The owner, or a reason the text is not a lease record flatnet wrote. Split by
    /// scalars, not Characters: a CNI_IFNAME may start with a combining mark, which would
    /// fuse with the ":" before it into one Character.
    public static func decode(_ text: String) -> Result<Attachment, LeaseRecordError> {
        let scalars = text.unicodeScalars
        guard scalars.starts(with: prefix.unicodeScalars) else {
            return .failure(.init(reason: "not a flatnet lease record"))
        }
        let parts = scalars.dropFirst(prefix.unicodeScalars.count)
            .split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .failure(.init(reason: "expected <containerID>:<ifname>")) }
        let owner = Attachment(containerID: String(Substring(parts[0])), ifName: String(Substring(parts[1])))
        guard CNIEnvironment.isValidName(owner.containerID),
              InterfaceName.problem(with: owner.ifName) == nil else {
            return .failure(.init(reason: "invalid container id or interface name"))
        }
        return .success(owner)
    }
}

public struct LeaseRecordError: Error, Equatable {
    public let reason: String
}

extension Attachment {
    /// The owner's file name in the store: `<containerID>:<ifname>`. Neither part can
    /// contain `:` or `/` (CNI and kernel rules), so the name is unambiguous and safe.
    /// Names longer than a file name may be (255 bytes) are hashed; the lease file
    /// still records the full owner, which is checked on every lookup.
    public var storeKey: String {
        let key = "\(containerID):\(ifName)"
        guard key.utf8.count > 255 else { return key }
        return "~" + FNV1a.hash64Hex(key) + ":" + ifName
    }
}

/// 64-bit FNV-1a: a stable (unseeded) hash for names that must be the same in every
/// process and on every host.
public enum FNV1a {
    public static func hash64(_ text: String) -> UInt64 { hash64(bytes: text.utf8) }

    /// The same hash over raw bytes (a text's hash is that of its UTF-8 bytes).
    public static func hash64<Bytes: Sequence<UInt8>>(bytes: Bytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    public static func hash64Hex(_ text: String) -> String {
        let hex = String(hash64(text), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
