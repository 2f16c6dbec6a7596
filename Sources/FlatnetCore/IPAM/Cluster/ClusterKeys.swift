/// Where a network's state lives in the cluster store. Every key of network `N` starts
/// with `<prefix>N/` (the trailing slash keeps `flat-a` from listing `flat-a1`'s keys):
///
/// - `<prefix>N/ipv4/10.43.1.4`, `<prefix>N/ipv6/2001:db8:43::1:5`: an address and who
///   holds it (ClusterLeaseRecord). Created only if absent: the store's guarantee that two
///   hosts never hold one address.
/// - `<prefix>N/owners/<container id>/<ifname>`: the attachment's addresses
///   (ClusterOwnerRecord), written in the same transaction, so DEL finds them in one read.
public struct ClusterKeys: Equatable, Sendable {
    public let networkPrefix: String

    public init(prefix: String, network: String) {
        networkPrefix = prefix + network + "/"
    }

    /// RFC 5952 text, so every spelling of an address is one key.
    public func address(_ address: IPAddress) -> String {
        addresses(address.family) + address.description
    }

    public func addresses(_ family: IPFamily) -> String {
        networkPrefix + (family == .ipv4 ? "ipv4/" : "ipv6/")
    }

    public func owner(_ attachment: Attachment) -> String {
        owners + attachment.containerID + "/" + attachment.ifName
    }

    public var owners: String { networkPrefix + "owners/" }

    /// The address a key under `addresses(family)` names (nil for a key that is not one).
    public func address(fromKey key: String, family: IPFamily) -> IPAddress? {
        let prefix = addresses(family)
        guard key.hasPrefix(prefix), let address = IPAddress(String(key.dropFirst(prefix.count))),
              address.family == family else { return nil }
        return address
    }
}
