/// Names of the kernel objects flatnet creates, derived deterministically so that DEL,
/// GC and doctor find them again even when state on disk was lost.
///
/// When the readable form fits the kernel's 15 bytes it is used as is; otherwise it is
/// shortened and a hash of the full input is appended, so two long names that share a
/// prefix still get different interfaces.
public enum InterfaceNaming {
    /// The bridge for a network that does not name one: `br-<name>`.
    public static func defaultBridge(network: String) -> InterfaceName {
        fitted(prefix: "br-", base: network, suffix: "")
    }

    /// The VLAN sub-interface: `<uplink>.<vlan>` (the `ip link` convention) when it fits.
    public static func vlanInterface(uplink: InterfaceName, vlan: Int) -> InterfaceName {
        fitted(prefix: "", base: uplink.value, suffix: ".\(vlan)")
    }

    /// The host end of a container's veth: `fl`, 4 hex digits of the network's hash, 9 of
    /// the attachment's. Deterministic, so DEL and GC find it with no state. The
    /// per-network prefix lets one ebtables wildcard (`fl<4 hex>+`, see
    /// `hostVethWildcard`) name exactly this network's container ports.
    public static func hostVeth(network: String, attachment: Attachment) -> InterfaceName {
        let container = FNV1a.hash64Hex("\(network)/\(attachment.containerID)/\(attachment.ifName)")
        return try! InterfaceName(validating: "fl" + networkTag(network) + container.prefix(9))
    }

    /// `fl<4 hex>`: the name prefix every host veth of this network starts with.
    public static func hostVethPrefix(network: String) -> String { "fl" + networkTag(network) }

    /// `fl<4 hex>+`: the ebtables interface wildcard matching this network's host veths.
    public static func hostVethWildcard(network: String) -> String { hostVethPrefix(network: network) + "+" }

    /// The link veth pair between the flat bridge and the docker bridge: `flb-` and
    /// `fld-` with 10 hex digits of the network's hash. The `-` keeps them from matching
    /// any network's host-veth wildcard.
    public static func linkPair(network: String) -> (bridgeSide: InterfaceName, dockerSide: InterfaceName) {
        let tag = FNV1a.hash64Hex("link/" + network).prefix(10)
        return (try! InterfaceName(validating: "flb-" + tag), try! InterfaceName(validating: "fld-" + tag))
    }

    static func networkTag(_ network: String) -> String { String(FNV1a.hash64Hex("net/" + network).prefix(4)) }

    /// `prefix + base + suffix` if it fits, else `prefix + base[..k] + hash + suffix`.
    static func fitted(prefix: String, base: String, suffix: String) -> InterfaceName {
        let plain = prefix + base + suffix
        if InterfaceName.problem(with: plain) == nil, let name = try? InterfaceName(validating: plain) {
            return name
        }
        let hash = shortHash(prefix + base)
        let room = max(0, InterfaceName.maximumLength - prefix.utf8.count - suffix.utf8.count - hash.count - 1)
        let kept = String(decoding: Array(base.utf8.prefix(room)), as: UTF8.self)
        // Only ASCII reaches here (validated names), so cutting bytes cannot split a character.
        return try! InterfaceName(validating: prefix + kept + "-" + hash + suffix)
    }

    /// Six hex digits of a 32-bit FNV-1a hash: stable across runs, builds and machines
    /// (Swift's `hashValue` is randomly seeded per process, so it cannot be used).
    public static func shortHash(_ text: String) -> String {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let hex = String(hash & 0xff_ffff, radix: 16)
        return String(repeating: "0", count: 6 - hex.count) + hex
    }
}
