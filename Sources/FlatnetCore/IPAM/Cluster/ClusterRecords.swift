/// The value of an address key: who holds the address, and from which node. The node is
/// what lets GC on one host leave every other host's containers alone.
public struct ClusterLeaseRecord: Equatable, Sendable {
    public var owner: Attachment
    public var node: String

    public init(owner: Attachment, node: String) {
        self.owner = owner
        self.node = node
    }

    public var json: String {
        JSONValue.object(["containerID": .string(owner.containerID), "ifName": .string(owner.ifName),
                          "node": .string(node)]).serialized()
    }

    public init?(json text: String) {
        guard let value = try? JSONValue.parse(text), let id = value["containerID"]?.stringValue,
              let ifName = value["ifName"]?.stringValue, let node = value["node"]?.stringValue else { return nil }
        self.init(owner: Attachment(containerID: id, ifName: ifName), node: node)
    }
}

/// The value of an owner key: the attachment's addresses (one per family) and its node.
public struct ClusterOwnerRecord: Equatable, Sendable {
    public var addresses: [IPAddress]
    public var node: String

    public init(addresses: [IPAddress], node: String) {
        self.addresses = addresses
        self.node = node
    }

    public var json: String {
        JSONValue.object(["addresses": .array(addresses.map { .string($0.description) }),
                          "node": .string(node)]).serialized()
    }

    public init?(json text: String) {
        guard let value = try? JSONValue.parse(text), case .array(let list)? = value["addresses"],
              let node = value["node"]?.stringValue else { return nil }
        var addresses: [IPAddress] = []
        for element in list {
            guard let address = element.stringValue.flatMap(IPAddress.init) else { return nil }
            addresses.append(address)
        }
        self.init(addresses: addresses, node: node)
    }
}
