/// Each plan step as named fields, for `flatnet plan --json`: a tool reads what a step
/// touches (`bridge`, `mtu`, `address`) without parsing the shell text, which is there
/// too, one command per element of `shell` (an nft script's lines follow its command).
extension HostStep {
    /// The step's name, as the case is spelled (`ensureBridge`).
    public var name: String {
        switch self {
        case .ensureBridge: "ensureBridge"
        case .ensureVLAN: "ensureVLAN"
        case .enslaveUplink: "enslaveUplink"
        case .disableIPv6: "disableIPv6"
        case .ensureLinkPair: "ensureLinkPair"
        case .ensureReservedAddress: "ensureReservedAddress"
        case .ensureRules: "ensureRules"
        case .ensurePortSecurity: "ensurePortSecurity"
        }
    }

    public var fields: JSONValue {
        var fields: [String: JSONValue]
        switch self {
        case .ensureBridge(let bridge, let mtu):
            fields = ["bridge": .name(bridge), "mtu": .optionalNumber(mtu)]
        case .ensureVLAN(let name, let parent, let id, let mtu):
            fields = ["interface": .name(name), "parent": .name(parent), "vlan": .number(Double(id)),
                      "mtu": .optionalNumber(mtu)]
        case .enslaveUplink(let uplink, let bridge, let mtu):
            fields = ["uplink": .name(uplink), "bridge": .name(bridge), "mtu": .optionalNumber(mtu)]
        case .disableIPv6(let name):
            fields = ["interface": .name(name)]
        case .ensureLinkPair(let bridgeSide, let dockerSide, let bridge, let dockerBridge, let mtu):
            fields = ["bridgeSide": .name(bridgeSide), "dockerSide": .name(dockerSide),
                      "bridge": .name(bridge),
                      "dockerBridge": .name(dockerBridge), "mtu": .optionalNumber(mtu)]
        case .ensureReservedAddress(let prefix, let dockerBridge):
            fields = ["address": .string(prefix.description), "dockerBridge": .name(dockerBridge)]
        case .ensureRules(let rules):
            fields = ["chains": .array(rules.chains.map { .string($0.name) }),
                      "rules": .number(Double(rules.allRules.count))]
        case .ensurePortSecurity(let rules):
            fields = ["table": .string(rules.table), "chains": .array(rules.chains.map { .string($0.name) })]
        }
        fields["step"] = .string(name)
        fields["shell"] = .shellLines(ipCommand)
        return .object(fields.filter { $0.value != .null })
    }
}

extension ContainerStep {
    public var name: String {
        switch self {
        case .createVeth: "createVeth"
        case .protectPort: "protectPort"
        case .limitAutoconfiguration: "limitAutoconfiguration"
        case .bringUp: "bringUp"
        case .addAddress: "addAddress"
        case .addRoute: "addRoute"
        case .announce: "announce"
        }
    }

    /// `namespace` names the container's netns in the `shell` commands (`ip -n NAME`).
    public func fields(namespace: String) -> JSONValue {
        var fields: [String: JSONValue]
        switch self {
        case .createVeth(let host, let bridge, let container, let netns, let mtu, let mac, let alias):
            fields = ["hostVeth": .name(host), "bridge": .name(bridge), "interface": .name(container),
                      "netns": .string(netns), "mtu": .optionalNumber(mtu),
                      "mac": mac.map { .string($0.description) } ?? .null, "alias": .string(alias)]
        case .protectPort(let protection):
            fields = ["table": .string(protection.table), "port": .name(protection.port),
                      "mac": .string(protection.mac.description),
                      "ipv4": .array(protection.ipv4.map { .string($0.description) }),
                      "ipv6": .array(protection.ipv6Sources.map { .string($0.description) })]
        case .limitAutoconfiguration(let name), .bringUp(let name):
            fields = ["interface": .name(name)]
        case .addAddress(let prefix, let name):
            fields = ["address": .string(prefix.description), "interface": .name(name)]
        case .addRoute(let destination, let gateway, let name):
            fields = ["destination": .string(destination.description),
                      "gateway": .string(gateway.description),
                      "interface": .name(name)]
        case .announce(let address, let name, let mac):
            fields = ["address": .string(address.description), "interface": .name(name),
                      "mac": .string(mac.description)]
        }
        fields["step"] = .string(name)
        fields["shell"] = .shellLines(ipCommand(namespace: namespace))
        return .object(fields.filter { $0.value != .null })
    }
}

extension JSONValue {
    static func name(_ name: InterfaceName) -> JSONValue { .string(name.value) }
    static func optionalNumber(_ number: Int?) -> JSONValue { number.map { .number(Double($0)) } ?? .null }
    /// A step's shell text, one line an element.
    static func shellLines(_ text: String) -> JSONValue {
        .array(text.split(separator: "\n").map { .string(String($0)) })
    }
}
