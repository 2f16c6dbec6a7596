/// The record of one lease: who holds the address named by the lease's file name.
/// Stored as a symlink's target:
/// - `flatnet-lease-1:<containerID>:<ifname>`: held by that attachment;
/// - `flatnet-lease-1:<containerID>:<ifname>:<workload>`: held, and reserved for the
///   workload (README.md#addresses-that-follow-their-workload), so its DEL keeps it;
/// - `flatnet-reserved-1:<releasedAt>:<workload>`: kept for the workload, attached
///   nowhere since `releasedAt` (seconds since 1970; `-` for a reservation an operator
///   made that was never attached, which no expiry frees).
/// Container ids and interface names cannot contain `:`, so the parts parse
/// unambiguously (a workload key may: it comes last). The prefixes make anything another
/// tool wrote (host-local writes plain files of container ids) recognisable as foreign;
/// flatnet before reservations reads the new forms as unreadable, which counts as held.
public enum LeaseRecord {
    public static let prefix = "flatnet-lease-1:"
    public static let reservedPrefix = "flatnet-reserved-1:"

    /// What a lease file says.
    public enum Entry: Equatable, Sendable {
        case held(by: Attachment, workload: String?)
        case reserved(workload: String, releasedAt: Int64?)
    }

    public static func encode(_ owner: Attachment, workload: String? = nil) -> String {
        "\(prefix)\(owner.containerID):\(owner.ifName)" + (workload.map { ":" + $0 } ?? "")
    }

    public static func encodeReserved(workload: String, releasedAt: Int64?) -> String {
        "\(reservedPrefix)\(releasedAt.map(String.init) ?? "-"):\(workload)"
    }

    /// The owner of a held record, or a reason the text is not one flatnet wrote.
    public static func decode(_ text: String) -> Result<Attachment, LeaseRecordError> {
        switch parse(text) {
        case .success(.held(let owner, _)): return .success(owner)
        case .success(.reserved(let workload, _)):
            return .failure(.init(reason: "reserved for workload \(workload), held by no container"))
        case .failure(let error): return .failure(error)
        }
    }

    /// Either form, or a reason the text is neither. Split by scalars, not Characters: a
    /// CNI_IFNAME may start with a combining mark, which would fuse with the ":" before it
    /// into one Character.
    public static func parse(_ text: String) -> Result<Entry, LeaseRecordError> {
        let scalars = text.unicodeScalars
        if scalars.starts(with: reservedPrefix.unicodeScalars) { return parseReserved(scalars) }
        guard scalars.starts(with: prefix.unicodeScalars) else {
            return .failure(.init(reason: "not a flatnet lease record"))
        }
        let parts = scalars.dropFirst(prefix.unicodeScalars.count)
            .split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return .failure(.init(reason: "expected <containerID>:<ifname>")) }
        let owner = Attachment(containerID: String(Substring(parts[0])), ifName: String(Substring(parts[1])))
        guard CNIEnvironment.isValidName(owner.containerID),
              InterfaceName.problem(with: owner.ifName) == nil else {
            return .failure(.init(reason: "invalid container id or interface name"))
        }
        guard parts.count == 3 else { return .success(.held(by: owner, workload: nil)) }
        let workload = String(Substring(parts[2]))
        guard WorkloadKey.isValid(workload) else { return .failure(.init(reason: "invalid workload key")) }
        return .success(.held(by: owner, workload: workload))
    }

    private static func parseReserved(
        _ scalars: String.UnicodeScalarView
    ) -> Result<Entry, LeaseRecordError> {
        let parts = scalars.dropFirst(reservedPrefix.unicodeScalars.count)
            .split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let time = parts.first.map { String(Substring($0)) } ?? ""
        let releasedAt = Int64(time)
        guard parts.count == 2, time == "-" || (releasedAt ?? -1) >= 0 else {
            return .failure(.init(reason: "expected <releasedAt>:<workload> after \(reservedPrefix)"))
        }
        let workload = String(Substring(parts[1]))
        guard WorkloadKey.isValid(workload) else { return .failure(.init(reason: "invalid workload key")) }
        return .success(.reserved(workload: workload, releasedAt: releasedAt))
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
