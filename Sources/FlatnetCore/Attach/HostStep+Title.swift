extension HostStep {
    /// The step in a few words, with the names it creates or changes (`flatnet repair
    /// --dry-run`); `ipCommand` is the whole command.
    public var title: String {
        switch self {
        case .ensureBridge(let name, let mtu):
            return "bridge \(name)" + (mtu.map { " (MTU \($0))" } ?? "") + ", up, its MAC pinned"
        case .ensureVLAN(let name, let parent, let id, _):
            return "VLAN interface \(name) (id \(id) on \(parent))"
        case .enslaveUplink(let name, let bridge, _):
            return "uplink \(name) on \(bridge), up"
        case .disableIPv6(let name):
            return "IPv6 off on \(name)"
        case .ensureLinkPair(let bridgeSide, let dockerSide, let bridge, let dockerBridge, _):
            return "link pair \(bridgeSide) (on \(bridge)) / \(dockerSide) (on \(dockerBridge))"
        case .ensureReservedAddress(let prefix, let dockerBridge):
            return "reserved address \(prefix) on \(dockerBridge)"
        case .ensureRules(let rules):
            return "ebtables chains \(rules.chains.map(\.name).joined(separator: ", ")) and their jumps"
        case .ensurePortSecurity(let rules):
            return "port security table bridge \(rules.table)"
        }
    }
}
