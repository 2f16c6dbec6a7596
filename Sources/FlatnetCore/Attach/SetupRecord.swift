/// What host setup applied for one network on one host, kept by flatnet (in /run, which
/// is gone at reboot like everything it describes). The next setup converges from it
/// (a changed uplink is released, a changed reserved address removed) and teardown
/// removes what it lists, never what it merely finds.
public struct SetupRecord: Equatable, Sendable {
    /// The port flatnet enslaved to the bridge (the uplink or its VLAN interface).
    public var uplinkPort: String?
    /// The bridge, if flatnet created it.
    public var createdBridge: String?
    /// The VLAN interface, if flatnet created it.
    public var createdVLAN: String?
    /// The reserved address flatnet added, and the bridge it is on.
    public var reservedAddress: IPPrefix?
    public var dockerBridge: String?
    /// The link veth (bridge side) flatnet created.
    public var linkVeth: String?
    /// The port security table flatnet applied (nftables, bridge family).
    public var portSecurityTable: String?

    public init() {}

    /// One `key value` line per field that is set.
    public var encoded: String {
        var lines: [String] = []
        let fields: [(String, String?)] = [
            ("uplink-port", uplinkPort), ("created-bridge", createdBridge), ("created-vlan", createdVLAN),
            ("reserved-address", reservedAddress?.description), ("docker-bridge", dockerBridge),
            ("link-veth", linkVeth), ("port-security-table", portSecurityTable),
        ]
        for (key, value) in fields { if let value { lines.append("\(key) \(value)") } }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Reads `encoded` back; unknown keys and unreadable values are ignored (the record
    /// only steers convergence: a lost field makes setup refuse or leave, never remove).
    /// Split by scalars, not Characters: an interface name may start with a combining
    /// mark, which would fuse with the space before it into one Character.
    public static func decode(_ text: String) -> SetupRecord {
        var record = SetupRecord()
        for line in text.unicodeScalars.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map { String(Substring($0)) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "uplink-port": record.uplinkPort = parts[1]
            case "created-bridge": record.createdBridge = parts[1]
            case "created-vlan": record.createdVLAN = parts[1]
            case "reserved-address": record.reservedAddress = IPPrefix(parts[1])
            case "docker-bridge": record.dockerBridge = parts[1]
            case "link-veth": record.linkVeth = parts[1]
            case "port-security-table": record.portSecurityTable = parts[1]
            default: continue
            }
        }
        return record
    }
}

/// What the ADD fast path trusts instead of re-reading every host object: a digest of
/// the netconf's host steps, the indexes of the bridges as setup left them (a bridge
/// deleted and created again, as a Docker restart does to docker0, gets a new index), and
/// the port security table's fingerprint as read back after setup (a table edited by hand
/// reads differently; nil with port security off).
public struct ReadyStamp: Equatable, Sendable {
    public var digest: String
    public var bridgeIndex: Int32
    public var dockerIndex: Int32?
    public var tableFingerprint: String?

    public init(digest: String, bridgeIndex: Int32, dockerIndex: Int32?, tableFingerprint: String? = nil) {
        self.digest = digest
        self.bridgeIndex = bridgeIndex
        self.dockerIndex = dockerIndex
        self.tableFingerprint = tableFingerprint
    }

    public var encoded: String {
        "\(digest) \(bridgeIndex) \(dockerIndex.map(String.init) ?? "-") \(tableFingerprint ?? "-")\n"
    }

    /// A stamp an older flatnet wrote has three fields (no fingerprint). Split by scalars,
    /// as `SetupRecord.decode` is.
    public static func decode(_ text: String) -> ReadyStamp? {
        let fields = text.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\n" })
            .map { String(Substring($0)) }
        guard fields.count == 3 || fields.count == 4, let bridge = Int32(fields[1]) else { return nil }
        let fingerprint = fields.count == 4 && fields[3] != "-" ? fields[3] : nil
        return ReadyStamp(digest: fields[0], bridgeIndex: bridge, dockerIndex: Int32(fields[2]),
                          tableFingerprint: fingerprint)
    }
}
