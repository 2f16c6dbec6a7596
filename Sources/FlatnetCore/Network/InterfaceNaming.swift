/// Names of the kernel objects flatnet creates, derived deterministically so that DEL,
/// GC and doctor find them again even when state on disk was lost.
///
/// When the readable form fits the kernel's 15 bytes it is used as is; otherwise it is
/// shortened (by whole characters) and a hash of the full input is appended, so two long
/// names that share a prefix still get different interfaces. Every hash is
/// `StableHash`'s, whose bits are well mixed: names that differ in one character get
/// unrelated tags. Two networks whose derived names still collide are refused on one
/// host (`HostClaims`).
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
    /// the attachment's. Deterministic, so DEL finds it with no state. The per-network
    /// prefix lets one ebtables wildcard (`fl<4 hex>+`, see `hostVethWildcard`) name
    /// exactly this network's container ports. The name alone never decides that a veth
    /// is this network's: its host-side alias does (`hostVethAlias`).
    public static func hostVeth(network: String, attachment: Attachment) -> InterfaceName {
        let container = StableHash.hex("\(network)/\(attachment.containerID)/\(attachment.ifName)", digits: 9)
        return try! InterfaceName(validating: "fl" + networkTag(network) + container)
    }

    /// The alias flatnet sets on the HOST end of each container veth: `flatnet:<network>`.
    /// It is flatnet's own record that the veth belongs to the network, written in the
    /// host's namespace, where the container cannot change it (the container end's alias
    /// is the container's to rewrite, so nothing is decided on that).
    public static func hostVethAlias(network: String) -> String { "flatnet:" + network }

    /// `fl<4 hex>`: the name prefix every host veth of this network starts with.
    public static func hostVethPrefix(network: String) -> String { "fl" + networkTag(network) }

    /// `fl<4 hex>+`: the ebtables interface wildcard matching this network's host veths.
    public static func hostVethWildcard(network: String) -> String { hostVethPrefix(network: network) + "+" }

    /// The link veth pair between the flat bridge and the docker bridge: `flb-` and
    /// `fld-` with 10 hex digits of the network's hash. The `-` keeps them from matching
    /// any network's host-veth wildcard.
    public static func linkPair(network: String) -> (bridgeSide: InterfaceName, dockerSide: InterfaceName) {
        let tag = StableHash.hex("link/" + network, digits: 10)
        return (try! InterfaceName(validating: "flb-" + tag), try! InterfaceName(validating: "fld-" + tag))
    }

    static func networkTag(_ network: String) -> String { StableHash.hex("net/" + network, digits: 4) }

    /// `prefix + base + suffix` if it fits, else `prefix + base[..k] + "-" + hash + suffix`,
    /// where `base[..k]` is the longest run of whole characters that fits: names may be
    /// UTF-8 (the kernel counts bytes), and a cut inside a character would not be text.
    /// Characters no interface name may hold are left out of `base[..k]` (the hash still
    /// covers them): a network name validation will refuse ("a/b", read from a file by the
    /// CLI) must still get a bridge name, so that every problem is reported, not a trap.
    /// Valid network and interface names hold none, so their derived names are unchanged.
    static func fitted(prefix: String, base: String, suffix: String) -> InterfaceName {
        let plain = prefix + base + suffix
        if let name = try? InterfaceName(validating: plain) { return name }
        let hash = shortHash(prefix + base)
        let room = max(0, InterfaceName.maximumLength - prefix.utf8.count - suffix.utf8.count
                              - hash.count - 1)
        var kept = ""
        for character in base where InterfaceName.allows(character) {
            // Stop at the first character that does not fit: skipping it and keeping later,
            // shorter ones would show a name that is not the start of the input.
            guard kept.utf8.count + character.utf8.count <= room else { break }
            kept.append(character)
        }
        return try! InterfaceName(validating: prefix + kept + "-" + hash + suffix)
    }

    /// Six hex digits of `StableHash`: stable across runs, builds and machines.
    public static func shortHash(_ text: String) -> String { StableHash.hex(text, digits: 6) }
}
