/// One node's ranges in `ipam.nodes` (README.md#one-netconf-for-many-nodes): the subnet,
/// gateway and exclusions are the network's; each node allocates from its own ranges.
public struct NodeRanges: Equatable, Sendable {
    public var node: String
    public var ipv4: [AddressRange]
    public var ipv6: [AddressRange]

    public init(node: String, ipv4: [AddressRange], ipv6: [AddressRange] = []) {
        self.node = node
        self.ipv4 = ipv4
        self.ipv6 = ipv6
    }

    public func ranges(_ family: IPFamily) -> [AddressRange] { family == .ipv4 ? ipv4 : ipv6 }

    /// The netconf path of this node's ranges of a family.
    public func path(_ family: IPFamily) -> String {
        family == .ipv4 ? "ipam.nodes.\(node).ranges" : "ipam.nodes.\(node).ipv6.ranges"
    }
}
