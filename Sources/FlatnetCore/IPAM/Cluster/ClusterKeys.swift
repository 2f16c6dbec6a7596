/// Where a network's state lives in the cluster store. Every key of network `N` starts
/// with `<prefix>N/` (the trailing slash keeps `flat-a` from listing `flat-a1`'s keys):
///
/// - `<prefix>N/ipv4/10.43.1.4`, `<prefix>N/ipv6/2001:db8:43::1:5`: an address and who
///   holds it (ClusterLeaseRecord). Created only if absent: the store's guarantee that two
///   hosts never hold one address.
/// - `<prefix>N/owners/<container id>/<ifname>`: the attachment's addresses
///   (ClusterOwnerRecord), written in the same transaction, so DEL finds them in one read.
/// - `<prefix>N/reservations/<workload>`: the addresses a workload keeps between its
///   attachments (README.md#addresses-that-follow-their-workload).
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

    /// `<prefix>N/reservations/<workload>`: the addresses a workload keeps
    /// (ClusterReservationRecord).
    public func reservation(_ workload: String) -> String { reservations + workload }

    public var reservations: String { networkPrefix + "reservations/" }

    /// The address a key under `addresses(family)` names (nil for a key that is not one).
    public func address(fromKey key: String, family: IPFamily) -> IPAddress? {
        let prefix = addresses(family)
        let text = String(key.dropFirst(prefix.count))
        // Only the canonical spelling (RFC 5952): another would be a second key for one
        // address, held while the canonical key is created and released beside it.
        guard key.hasPrefix(prefix), let address = IPAddress(text), address.family == family,
              address.description == text else { return nil }
        return address
    }
}
